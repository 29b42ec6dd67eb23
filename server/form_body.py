"""The request-body type of every HTML form post."""

from __future__ import annotations

from litestar.params import URLEncodedBody

FormBody = URLEncodedBody[dict[str, str]]


def query_id(text: str | None) -> int | None:
    """A numeric id from a filter's query parameter. A filter form sends its 「すべて」 choice as an empty
    value (``section=``), which is no filter, not a bad request."""
    text = (text or "").strip()
    return int(text) if text.isdigit() else None
