"""Quiet hours for SMS and rate limits per channel: what the sender holds back, and until when. Pure
Python. An urgent notice (a rule's `urgent: true`: a major hazard, a school casualty, a red or
orange warning) goes through both.

Quiet hours (SMS_QUIET_HOURS, e.g. "22-7") are on the site's clock: a non-urgent SMS due in them
waits until they end, without costing an attempt. A rate limit (NOTIFY_RATE_LIMITS, e.g.
"sms=120,email=600": sends a minute) is kept by each process for itself, a token bucket refilled
continuously: what is over it waits for the sender's next turn. With several replicas each has the
whole limit: divide it by the replicas.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from safecommunity import sitetime


@dataclass(frozen=True)
class QuietHours:
    start: int  # the hour they begin, 0-23, on the site's clock
    end: int    # the hour they end

    @classmethod
    def parse(cls, text):
        """"22-7" → QuietHours(22, 7); "" → None. A value that is not two hours stops the start."""
        if not text.strip():
            return None
        try:
            start, end = (int(part) for part in text.split("-"))
        except ValueError:
            raise ValueError(f"SMS_QUIET_HOURS {text!r}: give two hours, e.g. 22-7") from None
        if not (0 <= start <= 23 and 0 <= end <= 23) or start == end:
            raise ValueError(f"SMS_QUIET_HOURS {text!r}: two different hours from 0 to 23")
        return cls(start, end)

    def until(self, now):
        """When the quiet hours around `now` end (an aware moment), or None if `now` is outside them."""
        local = sitetime.local(now)
        hour = local.hour
        quiet = self.start <= hour or hour < self.end if self.start > self.end else self.start <= hour < self.end
        if not quiet:
            return None
        end = local.replace(hour=self.end, minute=0, second=0, microsecond=0)
        return end if end > local else end + timedelta(days=1)


def parse_rates(text):
    """"sms=120,email=600" → {"sms": 120.0, "email": 600.0} (sends a minute)."""
    rates = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        channel, _, rate = part.partition("=")
        try:
            rates[channel.strip()] = float(rate)
        except ValueError:
            raise ValueError(f"NOTIFY_RATE_LIMITS {text!r}: give channel=sends a minute, e.g. sms=120") from None
        if rates[channel.strip()] <= 0:
            raise ValueError(f"NOTIFY_RATE_LIMITS {text!r}: a rate is more than 0")
    return rates


@dataclass
class RateLimiter:
    """Token buckets per channel, each holding at most a minute's sends; `clock` in seconds."""
    per_minute: dict
    clock: object
    _tokens: dict = field(default_factory=dict)
    _at: dict = field(default_factory=dict)

    def take(self, channel):
        """True if one more send on the channel is within its limit now (and counts it)."""
        rate = self.per_minute.get(channel)
        if rate is None:
            return True
        now = self.clock()
        tokens = min(rate, self._tokens.get(channel, rate) + (now - self._at.get(channel, now)) * rate / 60)
        self._at[channel] = now
        if tokens < 1:
            self._tokens[channel] = tokens
            return False
        self._tokens[channel] = tokens - 1
        return True
