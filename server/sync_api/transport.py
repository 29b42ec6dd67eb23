"""The sync API's transport rules: JSON only, its own anti-forgery header, size limits, errors as JSON.

The API is excluded from the form CSRF check because tablets call it from scripts (and the service
worker, which cannot read cookies). It demands ``X-Madoguchi-Sync: 1`` and a JSON content type instead:
a page on another site cannot send either without a CORS preflight, which this server never grants.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request
from litestar.exceptions import ClientException, PermissionDeniedException

SYNC_HEADER = "x-madoguchi-sync"
MAX_PUSH_BYTES = 1024 * 1024
MAX_SMALL_BYTES = 16 * 1024


class PayloadError(ClientException):
    """A body that cannot be accepted, with the path of every bad field (answered as 422)."""

    status_code = 422

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(detail="invalid payload", extra={"errors": errors})


def require_sync_header(request: Request[Any, Any, Any]) -> None:
    if request.headers.get(SYNC_HEADER) != "1":
        raise PermissionDeniedException("missing X-Madoguchi-Sync header")


def _not_json(constant: str) -> Any:
    # Python's reader accepts NaN and Infinity, which JSON does not have: a value no tablet can send, and
    # one the stored records could not keep faithfully.
    raise ValueError(f"{constant} is not a JSON value")


async def json_object(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The body as a JSON object; anything else is a 422 that says what was wrong."""
    require_sync_header(request)
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/json"):
        raise PayloadError([{"path": "", "message": "the body must be application/json"}])
    raw = await request.body()
    try:
        data = json.loads(raw, parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError) as exc:
        raise PayloadError([{"path": "", "message": f"not valid JSON: {exc}"}]) from None
    except RecursionError:
        # Nesting deeper than the reader's stack: no client sends it, and no operation could hold it.
        raise PayloadError([{"path": "", "message": "not valid JSON: nested too deeply"}]) from None
    if not isinstance(data, dict):
        raise PayloadError([{"path": "", "message": "the body must be a JSON object"}])
    return data
