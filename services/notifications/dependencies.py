"""The notifications service's dependencies with I/O: its settings, the channels built from them,
and the sender's timer, whose interval is a setting."""

import time

from nameko.extensions import DependencyProvider

from safecommunity.settings import service_setting
from safecommunity.timers import SettingTimer

from . import rules, templates
from .acklinks import links_for
from .cap import Sender
from .channels.in_app import InAppChannel
from .channels.sms_gateway import SmsGatewayChannel, gateway_of
from .channels.via_apprise import AppriseChannel, bot_urls, email_urls
from .channels.webhook import WebhookChannel
from .contacts import sealer_for
from .domain import RetryPolicy
from .limits import QuietHours, RateLimiter, parse_rates
from .warnings import CAP_TOKEN

# Settings of this service alone, with their defaults; read from the nameko config first (tests and
# the runner's overrides), then the environment.
SETTINGS = {
    "NOTIFY_SEND_INTERVAL": 5.0,      # seconds between looks for deliveries due
    "NOTIFY_SEND_BATCH": 200,         # deliveries claimed, sent and recorded together
    "NOTIFY_SEND_CONCURRENCY": 10,    # sends at the same time
    "SMS_BATCH_MAX": 1,               # numbers the SMS gateway takes in one call (comma-separated)
    "SMS_QUIET_HOURS": "",            # e.g. 22-7: non-urgent SMS wait until 07:00 (limits.py)
    "NOTIFY_RATE_LIMITS": "",         # e.g. sms=120,email=600: sends a minute per channel and process
    "NOTIFY_MAX_ATTEMPTS": 5,         # sends before a delivery is dead
    "NOTIFY_RETRY_FIRST": 30.0,       # seconds before the 2nd try; doubles each time, jittered
    "NOTIFY_RETRY_CAP": 3600.0,
    "NOTIFY_TIMEOUT": 10.0,           # seconds to connect, and again to be answered, per send
    "SMTP_HOST": "", "SMTP_PORT": 0, "SMTP_USER": "", "SMTP_PASSWORD": "", "SMTP_FROM": "",
    "SMTP_TLS": "starttls",           # starttls | ssl | insecure
    "SMS_GATEWAY_URL": "",            # json:// or form:// URL of the gateway (channels/sms_gateway.py)
    "SMS_TO_FIELD": "to",             # the gateway's name for the phone number
    "WEBHOOK_SECRET": "",             # HMAC key shared with the webhook receivers
    # Where the committee office is told, beside in-app (empty: not on that channel)
    "NOTIFY_OFFICE_EMAIL": "",        # e-mail addresses, comma-separated
    "NOTIFY_OFFICE_SMS": "",          # phone number
    "NOTIFY_OFFICE_WEBHOOK": "",      # URL
    "NOTIFY_OFFICE_DINGTALK": "",     # robot token, or secret@token
    "NOTIFY_OFFICE_WECOM": "",        # robot key
    "NOTIFY_OFFICE_FEISHU": "",       # hook token
    # Templates (templates.py): a site's folder over the defaults, checked at start; its name in them
    "NOTIFY_TEMPLATES_DIR": "",
    "SITE_NAME": "",
    # Who is told what (rules.py): a site's rules file in place of the defaults, checked at start
    "NOTIFY_RULES_FILE": "",
    "NOTIFY_ESCALATE_INTERVAL": 30.0,  # seconds between looks for escalations due
    "NOTIFY_DIGEST_INTERVAL": 60.0,   # seconds between looks for digests due (digests.py)
    # Fernet key(s) sealing contact addresses (contacts.py); embedded mode makes one if unset
    "NOTIFY_CONTACTS_KEY": "",
    # Acknowledgement links in messages that ask for action (acklinks.py): where the platform is
    # reached from outside (empty: no links), and how long a link works after its send
    "NOTIFY_PUBLIC_URL": "",
    "NOTIFY_ACK_LINK_HOURS": 168.0,
    # Public warnings (alerts.py): CAP's sender (no spaces, commas, < or &) and its names
    "CAP_SENDER": "weather@safecommunity.local",
    "CAP_SENDER_NAME_ZH": "区气象局",
    "CAP_SENDER_NAME_EN": "District Meteorological Bureau",
}
OFFICE_SETTINGS = {"email": "NOTIFY_OFFICE_EMAIL", "sms": "NOTIFY_OFFICE_SMS", "webhook": "NOTIFY_OFFICE_WEBHOOK",
                   "dingtalk": "NOTIFY_OFFICE_DINGTALK", "wecom": "NOTIFY_OFFICE_WECOM",
                   "feishu": "NOTIFY_OFFICE_FEISHU"}


def setting(config, name):
    return service_setting(SETTINGS, config, name)


def build_channels(config):
    """channel name -> Channel. A channel whose settings are missing is absent: a delivery queued for
    it fails as not configured (and is retried, in case the settings arrive)."""
    def get(name):
        return setting(config, name)
    timeout = get("NOTIFY_TIMEOUT")
    channels = {"in_app": InAppChannel(),
                "dingtalk": AppriseChannel(bot_urls("dingtalk"), timeout),
                "wecom": AppriseChannel(bot_urls("wecombot"), timeout),
                "feishu": AppriseChannel(bot_urls("feishu"), timeout)}
    if get("SMTP_HOST"):
        channels["email"] = AppriseChannel(email_urls(get("SMTP_HOST"), get("SMTP_PORT"), get("SMTP_USER"),
                                                      get("SMTP_PASSWORD"), get("SMTP_FROM"), get("SMTP_TLS")),
                                           timeout)
    if get("SMS_GATEWAY_URL"):
        channels["sms"] = SmsGatewayChannel(gateway_of(get("SMS_GATEWAY_URL"), get("SMS_TO_FIELD")), timeout,
                                            connections=get("NOTIFY_SEND_CONCURRENCY"))
    if get("WEBHOOK_SECRET"):  # never an unsigned webhook
        channels["webhook"] = WebhookChannel(get("WEBHOOK_SECRET"), timeout)
    return channels


class Sending(DependencyProvider):
    """What notifying needs, read once at setup: the rules, the contacts' sealer, the channels, the
    retry policy, the batch size, and the committee office's addresses."""

    def setup(self):
        config = self.container.config
        # a refused site template stops the service at start, naming the file, not at the first notice
        templates.configure({name: setting(config, name) for name in ("NOTIFY_TEMPLATES_DIR", "SITE_NAME")})
        self.rules = rules.load(setting(config, "NOTIFY_RULES_FILE"))  # refused rules stop the start too
        self.sealer = sealer_for(config, setting(config, "NOTIFY_CONTACTS_KEY"))
        self.links = links_for(public_url(setting(config, "NOTIFY_PUBLIC_URL")), self.sealer,
                               setting(config, "NOTIFY_ACK_LINK_HOURS"))
        self.cap_sender = Sender(setting(config, "CAP_SENDER"), setting(config, "CAP_SENDER_NAME_ZH"),
                                 setting(config, "CAP_SENDER_NAME_EN"))
        if not CAP_TOKEN.fullmatch(self.cap_sender.address):
            raise ValueError(f"CAP_SENDER {self.cap_sender.address!r} may have no spaces, commas, < or &")
        self.channels = build_channels(config)
        self.policy = RetryPolicy(setting(config, "NOTIFY_MAX_ATTEMPTS"), setting(config, "NOTIFY_RETRY_FIRST"),
                                  setting(config, "NOTIFY_RETRY_CAP"))
        self.batch = setting(config, "NOTIFY_SEND_BATCH")
        self.concurrency = setting(config, "NOTIFY_SEND_CONCURRENCY")
        self.sms_batch = setting(config, "SMS_BATCH_MAX")
        self.quiet_hours = QuietHours.parse(setting(config, "SMS_QUIET_HOURS"))
        self.limiter = RateLimiter(parse_rates(setting(config, "NOTIFY_RATE_LIMITS")), time.monotonic)
        self.office_channels = tuple((channel, setting(config, name)) for channel, name in OFFICE_SETTINGS.items()
                                     if setting(config, name))

    def get_dependency(self, worker_ctx):
        return self


def public_url(value):
    """NOTIFY_PUBLIC_URL checked at start: an http(s) URL, or empty."""
    if value and not value.startswith(("http://", "https://")):
        raise ValueError(f"NOTIFY_PUBLIC_URL {value!r} must start with http:// or https://")
    return value


def timer_every(setting_name):
    """A timer every SETTINGS[setting_name] seconds (safecommunity.timers.SettingTimer)."""
    return SettingTimer.decorator(setting_name, SETTINGS[setting_name])
