"""Ids of records and events: UUIDs of version 7 (RFC 9562), which begin with the millisecond they
were made in.

Ids made one after another sort one after another, so a primary key, and every index ending in
one, grows at its right edge. With random (version 4) ids each insert touched a random page of
each such index: at a million residents those pages no longer fit in PostgreSQL's buffers, and
bulk imports spent most of their time there. The time an id carries is no secret the record does
not already hold (it is created, registered or reported at about that moment).
"""
import os
import time

_MS_BITS, _RANDOM_A_BITS, _RANDOM_B_BITS = 48, 12, 62


def new_id():
    milliseconds = time.time_ns() // 1_000_000 & ((1 << _MS_BITS) - 1)
    random = int.from_bytes(os.urandom(10), "big")
    value = (milliseconds << 80 | 0x7 << 76 | (random >> _RANDOM_B_BITS & ((1 << _RANDOM_A_BITS) - 1)) << 64
             | 0b10 << 62 | random & ((1 << _RANDOM_B_BITS) - 1))
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
