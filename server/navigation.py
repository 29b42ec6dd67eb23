"""Safe redirects: only paths inside this site, so ``?next=`` cannot send someone elsewhere."""

from __future__ import annotations


def safe_next(target: str | None, default: str = "/") -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
