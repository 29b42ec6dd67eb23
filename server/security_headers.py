"""Browser security headers on every response the app sends: pages, fragments, files, errors, the sync
API, the service worker and the static files.

They are added in a ``before_send`` hook rather than a middleware because Litestar runs middleware only
for matched routes; the hook also sees the 404 of an unknown address and the 405 of a wrong method.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

# Only the app's own scripts and styles: no inline code, no eval, nothing from another site. Photos shown
# from the tablet's own store are blob: URLs. Nobody may frame a page (one-tap buttons such as 公開, 確認
# and 停止 must not be clickjacked), and forms post only to the app itself.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# A PDF opened in the tab is shown by the browser's own viewer, which an object-src or default-src of the
# document could block; it runs none of the app's code, so it only keeps the framing rule.
PDF_POLICY = "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # For browsers that predate frame-ancestors.
    "X-Frame-Options": "DENY",
    # A file is only ever what its Content-Type says, never sniffed into HTML or script.
    "X-Content-Type-Options": "nosniff",
    # Addresses carry ids of records with personal data; another site learns nothing from a link.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


SYNC_API_PREFIX = "/api/sync/v1/"


async def add_security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook: set the headers on the start of every HTTP response."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    if headers.get("Content-Type", "").startswith("application/pdf"):
        headers["Content-Security-Policy"] = PDF_POLICY
    # Sync answers carry records (some with personal data), cursors and device state: no browser cache or
    # proxy keeps them. A downloaded file is the exception: named by its hash, it never changes, and the
    # tablet shows it offline from the browser's private cache.
    if str(scope.get("path", "")).startswith(SYNC_API_PREFIX) and "immutable" not in headers.get(
        "Cache-Control", ""
    ):
        headers["Cache-Control"] = "no-store"
