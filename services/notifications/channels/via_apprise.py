"""E-mail and the chat bots (DingTalk, WeCom, Feishu) through Apprise, a maintained library that
speaks each of them; this module only turns settings into Apprise URLs. (SMS goes by hand, over
kept-alive connections: sms_gateway.py says why.)

Apprise.notify() returns an AppriseResult: true when the service accepted the message, and its log
lines, which carry the server's answer (an SMTP error, an HTTP status): that is the delivery's
recorded answer. Apprise does not say whether a failure is lasting, so every failed send is retried
until the delivery runs out of attempts; only a URL Apprise cannot read is dead at once.
"""
from urllib.parse import quote, urlencode

import apprise

from . import Answer

SMTP_MODES = ("starttls", "ssl", "insecure")  # Apprise's own names for the `mode` parameter


class AppriseChannel:
    """url_for(address) -> the Apprise URL of one message's destination; timeout: seconds for the
    connection and again for the answer (Apprise's cto / rto). Each message gets a fresh notifier,
    so Apprise's per-notifier throttle never holds one recipient's message behind another's."""

    def __init__(self, url_for, timeout):
        self.url_for, self.timeout = url_for, timeout

    def notifier(self, address):
        url = self.url_for(address)
        url += ("&" if "?" in url else "?") + urlencode({"cto": self.timeout, "rto": self.timeout})
        notifier = apprise.Apprise(asset=apprise.AppriseAsset(async_mode=False))
        return notifier if notifier.add(url) else None

    def send(self, message):
        notifier = self.notifier(message.address)
        if notifier is None:
            return Answer(False, "the channel's settings do not make a valid address", retryable=False)
        result = notifier.notify(body=message.body, title=message.subject)
        text = " | ".join(entry.message for entry in result.logs()
                          if entry.level in ("WARNING", "ERROR"))[:1000]
        return Answer(True, text or "accepted") if result else Answer(False, text or "refused", retryable=True)


def email_urls(host, port, user, password, sender, mode):
    """E-mail over SMTP: address is one or more e-mail addresses, comma-separated."""
    if mode not in SMTP_MODES:
        raise ValueError(f"SMTP_TLS must be one of {', '.join(SMTP_MODES)}, not {mode!r}")
    schema = "mailto" if mode == "insecure" else "mailtos"
    auth = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user else ""
    where = f"{host}:{port}" if port else host

    def url_for(address):
        targets = ",".join(part.strip() for part in address.split(",") if part.strip())
        query = {"smtp": host, "mode": mode, "from": sender, "to": targets}
        if not user:  # Apprise takes the user of `mailto://user@host` as the login; without one, none
            query["user"] = ""
        return f"{schema}://{auth}{where}?{urlencode(query)}"
    return url_for


def bot_urls(schema):
    """dingtalk:// (address: token, or secret@token for a signed robot), wecombot:// (the key),
    feishu:// (the hook token)."""
    return lambda address: f"{schema}://{address}/"
