"""Acknowledging by a link in the message: `<NOTIFY_PUBLIC_URL>/api/notifications/ack/<token>`.

The token is the only credential the link carries: a JWT (PyJWT, HS256) naming the delivery (`d`)
and its recipient (`r`), for the audience `ack`, expiring NOTIFY_ACK_LINK_HOURS after the send. Its
key is derived from the contacts key (contacts.Sealer.derive), so a site sets nothing more and
embedded mode's key file serves both; with no contacts key there are no links. A link is minted when
the notice is sent and only put in the text that goes out, never in the delivery log (whose readers
could otherwise acknowledge as its recipient).
"""
from datetime import timedelta

import jwt

from safecommunity.errors import InvalidRequest

AUDIENCE = "ack"
ALGORITHM = "HS256"
PATH = "/api/notifications/ack/"
KEY_PURPOSE = "notifications acknowledgement links v1"
# Channels whose text carries the link (an SMS holds 70 characters with any Chinese: the link alone
# is longer; in-app notices are acknowledged in the inbox).
LINKED = ("email", "dingtalk", "wecom", "feishu", "webhook")
MARKDOWN = ("dingtalk", "wecom", "feishu")
LABEL = "确认收到 / Acknowledge"


class LinkInvalid(InvalidRequest):
    """Not a token of ours: unreadable, tampered with, or for another delivery (400)."""


class LinkExpired(InvalidRequest):
    def __init__(self, message):
        super().__init__(message, status=410)


class AckLinks:
    """base_url: where the platform is reached from outside (None: no links in messages, though
    links already sent still work); key: the signing key (bytes); lifetime: a timedelta."""

    def __init__(self, base_url, key, lifetime=timedelta(days=7)):
        self.base_url, self.key, self.lifetime = (base_url or "").rstrip("/") or None, key, lifetime

    def token(self, notice, now):
        claims = {"d": notice.id, "r": notice.recipient, "aud": AUDIENCE, "exp": now + self.lifetime}
        return jwt.encode(claims, self.key, algorithm=ALGORITHM)

    def url(self, notice, now):
        return self.base_url and f"{self.base_url}{PATH}{self.token(notice, now)}"

    def read(self, token):
        """(delivery id, recipient) the token names; LinkExpired (410) or LinkInvalid (400)."""
        try:
            claims = jwt.decode(token, self.key, algorithms=[ALGORITHM], audience=AUDIENCE,
                                options={"require": ["exp", "aud", "d", "r"]})
        except jwt.ExpiredSignatureError:
            raise LinkExpired("this acknowledgement link has expired") from None
        except jwt.InvalidTokenError as exc:
            raise LinkInvalid(f"not a valid acknowledgement link ({type(exc).__name__})") from None
        if not (isinstance(claims["d"], str) and isinstance(claims["r"], str)):
            raise LinkInvalid("not a valid acknowledgement link (claims)")
        return claims["d"], claims["r"]

    def added(self, notice, now):
        """The notice's body with its link, as its channel shows one; None without a base URL."""
        url = self.url(notice, now)
        if url is None:
            return None
        link = f"[{LABEL}]({url})" if notice.channel in MARKDOWN else f"{LABEL}: {url}"
        return f"{notice.body}\n\n{link}"


class NoLinks:
    """No contacts key: nothing to sign with, so no link is made and none is taken."""
    base_url = None

    def url(self, notice, now):
        return None

    def added(self, notice, now):
        return None

    def read(self, token):
        raise LinkInvalid("acknowledgement links are not enabled here (no contacts key)")


def links_for(base_url, sealer, hours):
    key = sealer.derive(KEY_PURPOSE)
    return NoLinks() if key is None else AckLinks(base_url, key, timedelta(hours=hours))
