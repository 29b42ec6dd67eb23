"""The people of the sync rule tests, and a client that pushes as one of them through the sync service
(the function ``POST /api/sync/v1/push`` calls once the envelope is parsed and the device checked)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Litestar

from server.auth import service as auth_service
from server.models import InspectionTemplate, Role, Section, User
from server.state import AppState
from server.timekeeping import now, today
from sync import Kind, Op, PushRequest, format_stamp

# Who is who: own section is the demo staff's (区民課) in 高津区; "other" is another section; the
# other_ward_ accounts work for 中原区.
ROLES = (
    "staff",
    "chief",
    "other_staff",
    "other_chief",
    "manager",
    "okuyami",
    "other_ward_desk",
    "other_ward_manager",
    "admin",
)


@dataclass
class Pusher:
    app: Litestar
    user: User
    client_id: str = ""
    seq: int = 0

    def __post_init__(self) -> None:
        self.client_id = str(uuid.uuid4())

    @property
    def sync(self) -> Any:
        state: AppState = self.app.state.madoguchi
        return state.sync

    async def push(
        self, table: str, record_id: str, kind: str, fields: dict[str, Any], base: int | None = None
    ) -> dict[str, Any]:
        self.seq += 1
        millis = int(now().timestamp() * 1000)
        op = Op(
            op_id=str(uuid.uuid4()),
            client_seq=self.seq,
            hlc=format_stamp(millis, self.seq % 10000, self.client_id),
            table=table,
            record_id=record_id,
            kind=Kind(kind),
            base_version=base,
            fields=fields,
        )
        response = await self.sync.push(self.user, PushRequest(client_id=self.client_id, ops=[op]))
        result: dict[str, Any] = response.results[0]
        return result


async def people(app: Litestar) -> dict[str, Pusher]:
    """One pusher per role of ``ROLES``."""
    own = (await User.get(login="demo-staff")).section_id
    other = await Section.exclude(id=own).exclude(code="somu").first()
    assert other is not None
    extra = {
        "other_staff": ("rules-other-staff", Role.STAFF, other, "高津区"),
        "other_chief": ("rules-other-chief", Role.CHIEF, other, "高津区"),
        "other_ward_desk": ("rules-nakahara-desk", Role.OKUYAMI, other, "中原区"),
        "other_ward_manager": ("rules-nakahara-manager", Role.MANAGER, other, "中原区"),
    }
    found = {
        "staff": await User.get(login="demo-staff"),
        "chief": await User.get(login="demo-chief"),
        "manager": await User.get(login="demo-manager"),
        "okuyami": await User.get(login="demo-okuyami"),
        "admin": await User.get(login="demo-admin"),
    }
    for name, (login, role, section, ward) in extra.items():
        user = await User.get_or_none(login=login)
        if user is None:
            user = await auth_service.create_user(
                login=login,
                display_name=login,
                password="a-password-for-tests-1",
                role=role,
                section=section,
                ward=ward,
            )
        found[name] = user
    return {name: Pusher(app, found[name]) for name in ROLES}


async def published_template() -> InspectionTemplate:
    return await InspectionTemplate.get(family="shokuba-tenken", status="published")


def this_month() -> str:
    return today().strftime("%Y-%m")
