"""A nameko timer whose interval is a setting, for services' periodic work (hazard deadlines, the
notifications sender): read at setup from the nameko config, then the environment, so a test can
run it fast. A database or broker that is away is a warning and the next turn, not a dead worker."""
from nameko.timer import Timer

from .outages import OUTAGES
from .settings import service_setting


class SettingTimer(Timer):
    def __init__(self, setting_name, default, **kwargs):
        self.setting_name, self.default = setting_name, float(default)
        kwargs.setdefault("expected_exceptions", OUTAGES)
        super().__init__(interval=self.default, **kwargs)

    def setup(self):
        self.interval = service_setting({self.setting_name: self.default}, self.container.config, self.setting_name)
