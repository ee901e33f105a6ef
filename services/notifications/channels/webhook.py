"""Signed webhooks, written by hand with requests rather than through Apprise: Apprise's json://
cannot sign a body, and a receiver must be able to tell our calls from anyone's.

The call is a POST of the JSON body with `X-SafeCommunity-Timestamp` (Unix seconds) and
`X-SafeCommunity-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the secret shared with
the receiver; the timestamp inside the signed text lets it refuse an old call replayed.
"""
import hashlib
import hmac
import json
import time

import requests

from . import Answer


def signature(secret, timestamp, body):
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookChannel:
    """address: the receiver's URL. 5xx, 429, timeouts and refused connections are worth another
    try; any other 4xx says the call itself is wrong, and will stay wrong."""

    def __init__(self, secret, timeout, clock=time.time):
        self.secret, self.timeout, self.clock = secret, timeout, clock

    def send(self, message):
        body = json.dumps({"subject": message.subject, "body": message.body}, ensure_ascii=False).encode()
        timestamp = str(int(self.clock()))
        headers = {"Content-Type": "application/json; charset=utf-8", "X-SafeCommunity-Timestamp": timestamp,
                   "X-SafeCommunity-Signature": signature(self.secret, timestamp, body)}
        try:
            response = requests.post(message.address, data=body, headers=headers, timeout=self.timeout,
                                     allow_redirects=False)
        except requests.RequestException as exc:
            return Answer(False, f"{type(exc).__name__}: {exc}"[:1000], retryable=True)
        text = f"HTTP {response.status_code} {response.text[:200]}".strip()
        if response.ok:
            return Answer(True, text)
        return Answer(False, text, retryable=response.status_code >= 500 or response.status_code == 429)
