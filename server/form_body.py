"""The request-body type of every HTML form post."""

from __future__ import annotations

from litestar.params import URLEncodedBody

FormBody = URLEncodedBody[dict[str, str]]
