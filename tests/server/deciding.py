"""Deciding a conflict as the inbox's forms do: sending back the version and deleted state the page showed."""

from __future__ import annotations

import re
from typing import Any

from httpx import AsyncClient, Response

from tests.server.conftest import csrf_token, post_form


def shown_as(page: str) -> dict[str, str]:
    """What a decision form sends back about the page it was on: the version and deleted state shown."""
    return {
        "seen_version": re.search(r'name="seen_version" value="(\d+)"', page).group(1),  # type: ignore[union-attr]
        "seen_deleted": re.search(r'name="seen_deleted" value="(\d)"', page).group(1),  # type: ignore[union-attr]
    }


def keep_choices(page: str) -> list[str]:
    return re.findall(r'value="(keep:[^"]+)"', page)


async def decide(client: AsyncClient, conflict_id: str, page: str | None = None, **form: Any) -> Response:
    """Post a decision from the conflict's page as it is now (or as ``page`` showed it)."""
    if page is None:
        page = (await client.get(f"/conflicts/{conflict_id}")).text
    return await post_form(client, f"/conflicts/{conflict_id}", {**shown_as(page), **form})


def inbox_form(page: str, *conflict_ids: str) -> dict[str, Any]:
    """The bulk form of the inbox as it showed these conflicts, ticked."""
    found: dict[str, Any] = {"conflict_id": list(conflict_ids)}
    for cid in conflict_ids:
        for name in ("seen_version", "seen_deleted"):
            match = re.search(rf'name="{name}\.{cid}" value="(\d+)"', page)
            assert match, f"{name} of {cid} is not on the page"
            found[f"{name}.{cid}"] = match.group(1)
    return found


async def accept_all(client: AsyncClient, form: dict[str, Any]) -> Response:
    return await client.post("/conflicts/accept", data={**form, "_csrf_token": await csrf_token(client)})
