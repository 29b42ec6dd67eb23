"""Every integer a route takes from the address (query or path) is bounded here, in one place: ids and
counts within a signed 64-bit integer (what both databases store), years within 2000–2100. A value
outside is answered 400 with the usual error page, never passed on to fail in the database or in
``datetime`` as a 500.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import ClientException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import PathParameter

INT64 = (-(2**63), 2**63 - 1)
YEARS = (2000, 2100)
# What the parameter parser would turn into an integer: digits, or a number written like 1e9.
_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")


class OutOfRange(ClientException):
    status_code = 400


@cache
def _integer_parameters(handler: BaseRouteHandler) -> tuple[tuple[str, bool], ...]:
    """(name, comes from the path) of each parameter the handler declares as an integer."""
    found = []
    for name, definition in handler.parsed_fn_signature.parameters.items():
        inner = definition.inner_types if definition.is_union else (definition,)
        types = [t.annotation for t in inner]
        if int in types:
            found.append((name, isinstance(definition.kwarg_definition, PathParameter)))
    return tuple(found)


def bounds_for(name: str) -> tuple[int, int]:
    return YEARS if name == "year" else INT64


async def bounded_integers(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """App-wide guard, after the access guard: refuse an out-of-range integer before the handler runs."""
    for name, in_path in _integer_parameters(handler):
        raw = connection.path_params.get(name) if in_path else connection.query_params.get(name)
        if raw is None or raw == "":
            continue
        text = str(raw)
        if not _NUMBER.match(text):
            continue  # not a number at all: the parameter parser refuses it with its own 400
        try:
            value = Decimal(text.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
            continue
        low, high = bounds_for(name)
        if not (low <= value <= high):
            raise OutOfRange(f"{name} must be between {low} and {high}")
