"""The Content-Security-Policy in the browser: the app's pages work under it, injected inline code does
not run, no other site can frame a page, and every browser test reports a violation as a failure."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.live_server import LiveServer


async def test_injected_inline_script_and_style_are_refused_and_reported(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    await sign_in(page, live_server.url, "demo-staff")
    # What an injection would try: an inline script, an event handler attribute and an inline style.
    await page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = 'script ran'";
            document.head.append(script);
            document.body.insertAdjacentHTML("beforeend",
                '<img src="/static/icons/icon-192.png?x" onload="window.injected = \\'handler ran\\'">'
                + '<p id="styled" style="color: rgb(255, 0, 0)">styled</p>');
        }"""
    )
    await page.wait_for_timeout(300)
    assert await page.evaluate("() => window.injected === undefined")
    color = await page.locator("#styled").evaluate("(el) => getComputedStyle(el).color")
    assert color != "rgb(255, 0, 0)"
    refused = " ".join(csp_violations)
    assert "inline script" in refused or "script-src" in refused, csp_violations
    assert "style-src" in refused, csp_violations
    csp_violations.clear()  # provoked on purpose; the fixture would fail the test otherwise


async def test_another_site_cannot_frame_a_page(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    await page.set_content(f'<iframe src="{live_server.url}/login" width="600" height="400"></iframe>')
    await page.wait_for_timeout(1000)
    frame = page.frames[-1]
    # The frame stays empty: the sign-in form never appears inside another page.
    assert await frame.locator("input[name=password]").count() == 0
    assert any("frame-ancestors" in v for v in csp_violations), csp_violations
    csp_violations.clear()


PAGES = {
    "demo-manager": ["/", "/inspections", "/inspections/rounds", "/actions", "/feedback", "/goals",
                     "/goals/overview", "/dashboard", "/dashboard/report", "/reports", "/compliance",
                     "/compliance/targets", "/conflicts", "/sync", "/account/password",
                     "/okuyami/statistics"],
    "demo-staff": ["/self-check", "/inspections/new", "/feedback/new", "/actions/new"],
    "demo-okuyami": ["/okuyami", "/okuyami/new", "/okuyami/appointments", "/okuyami/guide"],
    "demo-admin": ["/admin/users", "/admin/users/new", "/admin/sections", "/admin/templates",
                   "/admin/standards", "/admin/audit", "/admin/devices", "/inspections/rounds/manage"],
}  # fmt: skip


async def test_every_page_renders_under_the_policy(page: Page, live_server: LiveServer) -> None:
    """Each role's pages, with their htmx panels and scripts; the fixture fails on any refused resource,
    inline script or inline style."""
    for login, paths in PAGES.items():
        await sign_in(page, live_server.url, login)
        for path in paths:
            response = await page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status < 400, f"{login} {path}"
            await expect(page.locator("#main")).to_be_visible()
            await page.wait_for_load_state("networkidle")
        await page.get_by_role("button", name="ログアウト").click()
        await expect(page.get_by_label("ログイン名")).to_be_visible()
