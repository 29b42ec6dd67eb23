"""Hybrid logical clock stamps: ``<13-digit ms>:<5-digit counter>:<client id>``.

The fixed widths make the string order equal to the (time, counter, client) order, so stamps compare
as plain strings. They order *concurrent* values only; the server's own time is the audit time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.errors import ValidationError


@dataclass(frozen=True, order=True)
class Stamp:
    millis: int
    counter: int
    node: str

    def __str__(self) -> str:
        return format_stamp(self.millis, self.counter, self.node)


def format_stamp(millis: int, counter: int, node: str) -> str:
    return f"{millis:013d}:{counter:05d}:{node}"


def parse_stamp(text: str, path: str = "hlc") -> Stamp:
    parts = text.split(":", 2) if isinstance(text, str) else []
    if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()) or not parts[2]:
        raise ValidationError([(path, "must look like 0001700000000000:00000:client-id")])
    if len(parts[0]) != 13 or len(parts[1]) != 5:
        raise ValidationError([(path, "needs a 13-digit millisecond time and a 5-digit counter")])
    return Stamp(int(parts[0]), int(parts[1]), parts[2])


def millis_of(text: str) -> int:
    """The time part of a stamp, checked as ``parse_stamp`` checks it (without building a ``Stamp``)."""
    if (
        len(text) > 20
        and text[13] == ":"
        and text[19] == ":"
        and text[:13].isdigit()
        and text[14:19].isdigit()
    ):
        return int(text[:13])
    return parse_stamp(text).millis


class Clock:
    """A local HLC for writers on the server (a manager resolving a conflict in the browser)."""

    def __init__(self, node: str) -> None:
        self.node = node
        self._last = Stamp(0, 0, node)

    def tick(self, now_millis: int) -> str:
        if now_millis > self._last.millis:
            self._last = Stamp(now_millis, 0, self.node)
        else:
            self._last = Stamp(self._last.millis, self._last.counter + 1, self.node)
        return str(self._last)
