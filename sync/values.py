"""What a value must be before any database sees it: the same rules on SQLite and PostgreSQL.

PostgreSQL refuses a NUL character in text and JSON, and no database driver can encode a lone surrogate
(half of an emoji a script cut in two) as UTF-8; SQLite would keep either. Checking here, once, for every
path into the store keeps the two databases alike and turns what would be a failed transaction into an
answer that names the field.
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 8  # a JSON value nested deeper than any form of the app produces
MAX_ITEMS = 2000  # elements of one list or members of one object
MAX_SAFE_INTEGER = 2**53  # the largest integer every client (JavaScript) holds exactly
# Characters no field may hold: NUL and the other C0 controls except tab, line feed and carriage return,
# and surrogates (in a well-formed string they only ever come in pairs that Python joins into one).
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why a string cannot be stored as typed, or None."""
    if _BAD.search(text) is None:
        return None
    if _SURROGATE.search(text):
        return "contains a broken character (half of an emoji or symbol)"
    return "contains a control character (such as NUL)"


def value_problem(value: Any, depth: int = 0) -> str | None:
    """Why a JSON value (as parsed from a request) cannot be stored, or None: bad text anywhere in it,
    integers a client cannot hold, or nesting and sizes beyond what any form produces."""
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return None
    if isinstance(value, int):
        return None if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER else "is a number too large"
    if depth >= MAX_DEPTH:
        return "is nested too deeply"
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            return "has too many elements"
        for element in value:
            problem = value_problem(element, depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            return "has too many members"
        for key, element in value.items():
            problem = text_problem(key) if isinstance(key, str) else "has a member name that is not text"
            problem = problem or value_problem(element, depth + 1)
            if problem:
                return problem
        return None
    return "is not a JSON value"


def printable(value: Any) -> Any:
    """The value with every character a database cannot keep replaced by U+FFFD, so that an operation
    refused for such a character can still be kept and shown to the person who typed it."""
    if isinstance(value, str):
        return _BAD.sub("\ufffd", value)
    if isinstance(value, list):
        return [printable(v) for v in value]
    if isinstance(value, dict):
        return {printable(str(k)): printable(v) for k, v in value.items()}
    return value
