"""The request-body type of every HTML form post."""

from __future__ import annotations

from litestar.params import URLEncodedBody

from server.parameter_bounds import INT64, OutOfRange

FormBody = URLEncodedBody[dict[str, str]]


def query_id(text: str | None) -> int | None:
    """A numeric id from a filter's query parameter. A filter form sends its 「すべて」 choice as an empty
    value (``section=``), which is no filter, not a bad request."""
    text = (text or "").strip()
    if not text.isdigit():
        return None
    value = int(text)
    # A filter read as text escapes the integer guard: the same bound, the same 400.
    if value > INT64[1]:
        raise OutOfRange(f"the id must be at most {INT64[1]}")
    return value
