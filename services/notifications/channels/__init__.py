"""Channels: one interface, `send(message) -> Answer`, with an adapter per way of reaching people.

An adapter never raises for a failed send: it answers, and the answer says whether trying again
later may help (a 500 or a timeout may; a refused address or a bad URL never will).
"""
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Message:
    address: str   # the channel's own kind: e-mail addresses, a phone number, a bot token, a URL
    subject: str
    body: str


@dataclass(frozen=True)
class Answer:
    ok: bool
    text: str          # the channel's answer (status, server reply), recorded with the delivery
    retryable: bool = False


class Channel(Protocol):
    def send(self, message: Message) -> Answer: ...
