"""Every route against every role. A route without an access rule fails here before it can ship."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from server.models import Role
from tests.server.conftest import csrf_token, sign_in

DEMO_LOGIN = {
    Role.STAFF: "demo-staff",
    Role.OKUYAMI: "demo-okuyami",
    Role.CHIEF: "demo-chief",
    Role.MANAGER: "demo-manager",
    Role.ADMIN: "demo-admin",
}
SAMPLE_PATH_VALUES = {
    "int": "1",
    "str": "x",
    "path": "css/app.css",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "date": "2027-02-15",
}


def concrete_path(path: str) -> str:
    return re.sub(r"\{(\w+):(\w+)\}", lambda m: SAMPLE_PATH_VALUES.get(m.group(2), "1"), path)


def every_endpoint(app: Litestar) -> list[tuple[str, str, dict[str, Any]]]:
    endpoints = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods):
                if method in {"HEAD", "OPTIONS"}:
                    continue
                endpoints.append((method, route.path, handler.opt))
    return endpoints


def test_every_route_declares_who_may_use_it(app: Litestar) -> None:
    undeclared = [
        (m, p) for m, p, opt in every_endpoint(app) if not opt.get("public") and not opt.get("roles")
    ]
    assert undeclared == []


@pytest.mark.parametrize("who", [None, *Role], ids=lambda r: r.value if r else "anonymous")
async def test_each_role_reaches_exactly_its_routes(
    app: Litestar, client: httpx.AsyncClient, who: Role | None
) -> None:
    if who is not None:
        assert (await sign_in(client, DEMO_LOGIN[who])).status_code == 302
    token = await csrf_token(client)
    checked = 0
    for method, raw_path, opt in every_endpoint(app):
        path = concrete_path(raw_path)
        if path in {"/logout", "/login"} and method == "POST":
            continue  # would end or restart this client's session mid-matrix; covered in test_auth
        response = await client.request(
            method, path, data={"_csrf_token": token}, headers={"x-csrftoken": token, "x-madoguchi-sync": "1"}
        )
        allowed = bool(opt.get("public")) or (who is not None and who in opt["roles"])
        where = f"{who} {method} {path} -> {response.status_code}"
        if allowed:
            assert response.status_code not in {401, 403}, where
            assert not response.headers.get("location", "").startswith("/login?next="), where
            assert response.status_code < 500, where
        elif who is None and path.startswith("/api/"):
            assert response.status_code == 401 and response.json()["status"] == 401, where
        elif who is None:
            assert response.status_code == 302 and response.headers["location"].startswith("/login?next="), (
                where
            )
        else:
            assert response.status_code == 403, where
            assert "閲覧する権限がありません" in response.text, where
        checked += 1
    assert checked >= 15


INSPECTION_SCHEDULE_ROUTES = {
    ("GET", "/admin/templates"): {Role.ADMIN},
    ("GET", "/admin/templates/new"): {Role.ADMIN},
    ("POST", "/admin/templates/new"): {Role.ADMIN},
    ("GET", "/admin/templates/{template_id:int}"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/new-version"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/details"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/parts/new"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/parts/{part_key:str}"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/parts/{part_key:str}/move"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/parts/{part_key:str}/delete"): {Role.ADMIN},
    ("GET", "/admin/templates/{template_id:int}/items/new"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/items/new"): {Role.ADMIN},
    ("GET", "/admin/templates/{template_id:int}/items/{item_key:str}"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/items/{item_key:str}"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/items/{item_key:str}/move"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/items/{item_key:str}/delete"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/publish"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/discard"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/adopt"): {Role.ADMIN},
    ("GET", "/admin/templates/{template_id:int}/import"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/import"): {Role.ADMIN},
    ("POST", "/admin/templates/{template_id:int}/import/confirm"): {Role.ADMIN},
    ("GET", "/inspections/rounds"): {Role.STAFF, Role.CHIEF, Role.MANAGER, Role.ADMIN},
    ("GET", "/inspections/rounds/manage"): {Role.ADMIN},
    ("POST", "/inspections/rounds/new"): {Role.ADMIN},
    ("POST", "/inspections/rounds/{round_id:int}"): {Role.ADMIN},
}


def test_template_editor_and_rounds_routes_have_the_intended_roles(app: Litestar) -> None:
    declared = {
        (method, path): set(opt.get("roles", ()))
        for method, path, opt in every_endpoint(app)
        if path.startswith(("/admin/templates", "/inspections/rounds"))
    }
    assert declared == INSPECTION_SCHEDULE_ROUTES


STAFF_AND_CHIEF = {Role.STAFF, Role.CHIEF}
# The service-standard routes and who may use each: self-checks are answered by staff and chiefs,
# periods are confirmed and people reminded by the section chief, targets are the manager's, and the
# catalogue is the system administrator's.
COMPLIANCE_ROUTES = {
    ("GET", "/admin/standards"): {Role.ADMIN},
    ("GET", "/admin/standards/new"): {Role.ADMIN},
    ("POST", "/admin/standards/new"): {Role.ADMIN},
    ("GET", "/admin/standards/{standard_id:int}"): {Role.ADMIN},
    ("POST", "/admin/standards/{standard_id:int}"): {Role.ADMIN},
    ("POST", "/admin/standards/{standard_id:int}/active"): {Role.ADMIN},
    ("POST", "/admin/standards/adopt"): {Role.ADMIN},
    ("GET", "/admin/standards/import"): {Role.ADMIN},
    ("POST", "/admin/standards/import"): {Role.ADMIN},
    ("POST", "/admin/standards/import/confirm"): {Role.ADMIN},
    ("GET", "/self-check"): STAFF_AND_CHIEF,
    ("POST", "/self-check/answer"): STAFF_AND_CHIEF,
    ("GET", "/self-check/section"): {Role.CHIEF},
    ("POST", "/self-check/section/remind"): {Role.CHIEF},
    ("POST", "/self-check/section/confirm"): {Role.CHIEF},
    ("POST", "/self-check/section/mode"): {Role.CHIEF},
    ("GET", "/compliance"): {Role.CHIEF, Role.MANAGER},
    ("GET", "/compliance/targets"): {Role.MANAGER},
    ("POST", "/compliance/targets"): {Role.MANAGER},
    ("GET", "/goals/overview"): {Role.MANAGER},
    ("POST", "/goals/copy-forward"): {Role.CHIEF, Role.MANAGER},
}


def test_the_compliance_routes_have_exactly_their_roles(app: Litestar) -> None:
    declared = {(m, p): set(opt.get("roles", ())) for m, p, opt in every_endpoint(app)}
    assert {key: declared.get(key) for key in COMPLIANCE_ROUTES} == COMPLIANCE_ROUTES


DESK = {Role.OKUYAMI}
# The bereavement desk's routes: cases, bookings and the tablet's guide page are the desk's alone;
# statistics (no names) also the manager's; the tablet engine's catalogue and intake definitions are
# public, because the service worker stores them when it installs, before anyone signs in, and they hold
# no personal data.
OKUYAMI_ROUTES: dict[tuple[str, str], set[Role] | None] = {
    ("GET", "/okuyami"): DESK,
    ("GET", "/okuyami/new"): DESK,
    ("POST", "/okuyami/new"): DESK,
    ("GET", "/okuyami/intake"): DESK,
    ("GET", "/okuyami/guide"): DESK,
    ("GET", "/okuyami/engine/catalogue.json"): None,
    ("GET", "/okuyami/engine/intake.json"): None,
    ("GET", "/okuyami/cases/{case_id:uuid}/intake"): DESK,
    ("POST", "/okuyami/cases/{case_id:uuid}/intake"): DESK,
    ("GET", "/okuyami/cases/{case_id:uuid}"): DESK,
    ("POST", "/okuyami/cases/{case_id:uuid}/printed"): DESK,
    ("GET", "/okuyami/cases/{case_id:uuid}/guide.pdf"): DESK,
    ("POST", "/okuyami/cases/{case_id:uuid}/progress"): DESK,
    ("GET", "/okuyami/cases/{case_id:uuid}/sheets/{procedure_id:str}"): DESK,
    ("POST", "/okuyami/cases/{case_id:uuid}/sheets/{procedure_id:str}/pdf"): DESK,
    ("GET", "/okuyami/appointments"): DESK,
    ("POST", "/okuyami/appointments"): DESK,
    ("POST", "/okuyami/appointments/{appointment_id:int}/cancel"): DESK,
    ("GET", "/okuyami/statistics"): {Role.OKUYAMI, Role.MANAGER},
}


def test_the_okuyami_routes_have_exactly_their_roles(app: Litestar) -> None:
    """None: public. Every desk route is listed, so a new one must be added here with its roles."""
    declared = {
        (m, p): (None if opt.get("public") else set(opt.get("roles", ())))
        for m, p, opt in every_endpoint(app)
        if p.startswith("/okuyami")
    }
    assert declared == OKUYAMI_ROUTES


# A person's own account: everyone signed in changes their own password, nobody else's.
ACCOUNT_ROUTES = {
    ("GET", "/account/password"): set(Role),
    ("POST", "/account/password"): set(Role),
}


def test_the_account_routes_are_for_everyone_signed_in(app: Litestar) -> None:
    declared = {
        (m, p): set(opt.get("roles", ())) for m, p, opt in every_endpoint(app) if p.startswith("/account")
    }
    assert declared == ACCOUNT_ROUTES


EVERYONE = set(Role)
# The year's plan and its teams: every member of staff reads them, residents read the published plan,
# the 管理者 drafts and publishes the plan and keeps the teams' member lists. None: public.
PLAN_ROUTES: dict[tuple[str, str], set[Role] | None] = {
    ("GET", "/plan"): EVERYONE,
    ("GET", "/plan/{year:int}"): EVERYONE,
    ("GET", "/plan/{year:int}/edit"): {Role.MANAGER},
    ("POST", "/plan/{year:int}/edit"): {Role.MANAGER},
    ("POST", "/plan/{year:int}/copy"): {Role.MANAGER},
    ("POST", "/plan/{year:int}/publish"): {Role.MANAGER},
    ("GET", "/voice/plan"): None,
    ("GET", "/teams"): EVERYONE,
    ("GET", "/teams/{code:str}"): EVERYONE,
    ("POST", "/teams/{code:str}/members"): {Role.MANAGER},
    ("POST", "/teams/{code:str}/members/{membership_id:int}/remove"): {Role.MANAGER},
    ("GET", "/admin/calendar"): {Role.ADMIN},
    ("POST", "/admin/calendar/closures"): {Role.ADMIN},
    ("POST", "/admin/calendar/closures/{day:date}/remove"): {Role.ADMIN},
    ("GET", "/healthz"): None,
    ("GET", "/metrics"): None,  # public to the guard; METRICS_TOKEN or METRICS_ALLOW decide
}


def test_the_plan_team_and_operations_routes_have_exactly_their_roles(app: Litestar) -> None:
    declared = {
        (m, p): (None if opt.get("public") else set(opt.get("roles", ())))
        for m, p, opt in every_endpoint(app)
        if p.startswith(("/plan", "/teams", "/voice/plan", "/healthz", "/metrics", "/admin/calendar"))
    }
    assert declared == PLAN_ROUTES
