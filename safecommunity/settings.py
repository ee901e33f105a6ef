"""A service's own settings (the ones the backbone's config.DEFAULTS does not list)."""
import os


def service_setting(defaults, config, name):
    """The nameko config first (tests, the runner's overrides), then the environment, else the
    default; typed as the default is."""
    default = defaults[name]
    raw = config.get(name, os.environ.get(name))
    return default if raw is None else type(default)(raw)
