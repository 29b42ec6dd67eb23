"""The family's guide built on the desk tablet: the browser's JS engine agrees with the Python reference on
every family scenario, and a visit taken offline shows and prints its guide offline without leaving the
family's data in the Cache Storage, then syncs (and its views are audited) when the network is back."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, Page, expect

from server.i18n import Catalogs
from server.okuyami import service
from server.okuyami.catalogue import default_catalogue
from server.okuyami.guide import build_guide
from server.okuyami.intake import IntakeError, flatten, parse_intake
from server.okuyami.plan import make_plan
from tests.e2e.conftest import LiveServer
from tests.e2e.test_okuyami import question
from tests.e2e.test_two_tablets import all_sent, tablet
from tests.server.test_okuyami_scenarios import FAMILIES, TODAY

MODES = list(default_catalogue().rule_modes)
NO_DEADLINE = "No set deadline (as soon as convenient)"
WITHIN = "Within %(days)s days from %(anchor)s"


# Beyond the families: the 65th-birthday boundary for a 29 February birth (the eve is 28 February in a
# common year) and a funeral date, so deadlines counted from the funeral are dates too.
def deceased(born: str, died: str, insurance: str) -> dict[str, str]:
    return {"date_of_birth": born, "date_of_death": died, "health_insurance": insurance}


BOUNDARIES = [
    {"deceased": deceased("1960-02-29", "2025-02-28", "kokuho")},
    {"deceased": deceased("1960-02-29", "2025-02-27", "kokuho")},
    {"deceased": deceased("1961-11-20", "2026-11-19", "kokuho"), "funeral": {"date": "2026-11-23"}},
    {
        "deceased": deceased("1961-11-20", "2026-11-18", "kouki"),
        "funeral": {"date": "2026-11-21"},
        "cards": {"seal_registration": True},
    },
]

ENGINE = """async ({cases, today, labels, forms}) => {
  const { parseIntake, intakeOfForm, IntakeError } = await import("/static/js/okuyami/intake.js");
  const { buildCatalogue } = await import("/static/js/okuyami/catalogue.js");
  const { makePlan, planIds } = await import("/static/js/okuyami/plan.js");
  const { buildGuide, deadlineLabel } = await import("/static/js/okuyami/guide.js");
  const [document, defs] = await Promise.all(["/okuyami/engine/catalogue.json", "/okuyami/engine/intake.json"]
    .map((url) => fetch(url).then((r) => r.json())));
  const catalogue = buildCatalogue(document);
  const guideOf = (intake, mode, language) => {
    const guide = buildGuide(makePlan(intake, catalogue, mode), intake, catalogue, defs);
    const label = (deadline) => deadlineLabel(deadline, language, labels[language], defs);
    const items = (list) => list.map((i) => [i.procedure.id, label(i.deadline)]);
    return {
      stops: guide.stops.map((s) => [s.counter.id, items(s.items)]),
      external: guide.external.map((s) => [s.counter.id, items(s.items)]),
      to_confirm: items(guide.to_confirm),
    };
  };
  const out = [];
  for (const c of cases) {
    let intake;
    try {
      intake = forms ? intakeOfForm(c.intake, today, defs) : parseIntake(c.intake, today, defs);
    } catch (error) {
      if (!(error instanceof IntakeError)) throw error;
      out.push({ errors: Object.keys(error.errors).sort() });
      continue;
    }
    const plans = {};
    for (const mode of catalogue.rule_modes) plans[mode] = planIds(makePlan(intake, catalogue, mode));
    out.push({ plans, ja: guideOf(intake, c.mode, "ja"), en: guideOf(intake, c.mode, "en") });
  }
  return out;
}"""


def python_side(intake_data: dict[str, Any], mode: str, forms: bool) -> dict[str, Any]:
    """What the reference engine makes of one case, in the shape the browser returns."""
    catalogue = default_catalogue()
    try:
        intake = service.intake_of(intake_data, TODAY) if forms else parse_intake(intake_data, TODAY)
    except IntakeError as exc:
        return {"errors": sorted(exc.errors)}

    def guide_of(language: str) -> dict[str, Any]:
        gettext = Catalogs().gettext(language)
        guide = build_guide(make_plan(intake, catalogue, mode), intake, catalogue)

        def items(listed: Any) -> list[list[str]]:
            return [[i.procedure.id, i.deadline.label(gettext, language)] for i in listed]

        return {
            "stops": [[s.counter.id, items(s.items)] for s in guide.stops],
            "external": [[s.counter.id, items(s.items)] for s in guide.external],
            "to_confirm": items(guide.to_confirm),
        }

    plans = {m: make_plan(intake, catalogue, m).ids() for m in MODES}
    return {"plans": plans, "ja": guide_of("ja"), "en": guide_of("en")}


def as_form(intake_data: dict[str, Any]) -> dict[str, str]:
    """The same answers as the questionnaire stores them on the tablet: text."""
    text = {True: "true", False: "false"}
    return {k: text[v] if isinstance(v, bool) else str(v) for k, v in flatten(intake_data).items()}


async def run_engine(page: Page, cases: list[dict[str, Any]], forms: bool) -> list[dict[str, Any]]:
    gettext = {lang: Catalogs().gettext(lang) for lang in ("ja", "en")}
    labels = {lang: {"none": gettext[lang](NO_DEADLINE), "within": gettext[lang](WITHIN)} for lang in gettext}
    result: list[dict[str, Any]] = await page.evaluate(
        ENGINE, {"cases": cases, "today": TODAY.isoformat(), "labels": labels, "forms": forms}
    )
    return result


async def test_the_tablet_engine_agrees_with_the_python_engine_on_every_family(
    page: Page, live_server: LiveServer
) -> None:
    await page.goto(f"{live_server.url}/offline")
    cases = [{"intake": f.intake, "mode": f.mode} for f in FAMILIES]
    cases += [{"intake": b, "mode": "refined_15plus"} for b in BOUNDARIES]
    in_browser = await run_engine(page, cases, forms=False)
    assert len(in_browser) == len(cases) == len(FAMILIES) + len(BOUNDARIES)
    for case, family_result in zip(cases, in_browser, strict=True):
        expected = python_side(case["intake"], case["mode"], forms=False)
        assert family_result == expected, case
    # Every family's exact procedures, as the scenarios state them, in the browser as well.
    for family, result in zip(FAMILIES, in_browser, strict=False):
        assert result["plans"][family.mode] == {
            "municipal": sorted(family.municipal),
            "external": sorted(family.external),
            "to_confirm": sorted(family.to_confirm),
        }, family.story

    # The same families as the questionnaire stores them (text, hidden questions left out).
    form_cases = [{"intake": as_form(c["intake"]), "mode": c["mode"]} for c in cases]
    from_forms = await run_engine(page, form_cases, forms=True)
    for case, result in zip(form_cases, from_forms, strict=True):
        assert result == python_side(case["intake"], case["mode"], forms=True), case

    # The boundaries, spelled out: 29 Feb 1960 → category 1 from 28 Feb 2025, not a day before.
    leap_day, day_before, eve, two_days = in_browser[len(FAMILIES) :]
    assert "kaigo_loss" in leap_day["plans"]["refined_15plus"]["municipal"]
    assert "kaigo_loss" not in day_before["plans"]["refined_15plus"]["municipal"]
    deadlines = {pid: label for _, items in leap_day["ja"]["stops"] for pid, label in items}
    assert deadlines["kokuho_loss"] == "令和7年3月14日（2025年）"
    eve_deadlines = {pid: label for _, items in eve["en"]["stops"] for pid, label in items}
    assert eve_deadlines["kaigo_loss"] == "2026-12-03"
    assert eve_deadlines["kokuho_funeral_allowance"] == "2028-11-22"  # 730 days after the funeral
    assert "kaigo_loss" not in two_days["plans"]["refined_15plus"]["municipal"]


async def cached_things(page: Page) -> list[dict[str, str]]:
    """Every entry of the Cache Storage: its address and its text."""
    return list(
        await page.evaluate(
            """async () => {
              const found = [];
              for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                  const response = await cache.match(request);
                  found.push({ url: request.url, text: response ? await response.text() : "" });
                }
              }
              return found;
            }"""
        )
    )


async def tablet_guide_kept(page: Page, base_url: str) -> None:
    wanted = {f"{base_url}{path}" for path in ("/okuyami/guide", "/okuyami/new", "/okuyami/intake")}
    for _ in range(150):
        if wanted <= {entry["url"] for entry in await cached_things(page)}:
            return
        await page.wait_for_timeout(100)
    raise AssertionError("the tablet's guide page was not kept for offline use")


async def test_an_offline_visit_shows_and_prints_its_guide_offline_and_leaves_nothing_in_the_caches(
    browser: Browser, live_server: LiveServer
) -> None:
    context, page = await tablet(browser, live_server, "demo-okuyami")
    admin_context, admin = await tablet(browser, live_server, "demo-admin")
    try:
        await page.goto(f"{live_server.url}/okuyami")
        await tablet_guide_kept(page, live_server.url)

        await context.set_offline(True)
        await page.goto(f"{live_server.url}/okuyami/new")
        await page.get_by_role("button", name="説明しました:質問を始める").click()
        await expect(page.locator("h1")).to_have_text("ご家族への質問")
        case_id = (await page.evaluate("location.hash")).lstrip("#")
        await page.get_by_label("氏名", exact=True).fill("溝口 春子")
        await page.get_by_label("生年月日").fill("1960-02-29")
        await page.get_by_label("死亡年月日").fill("2025-02-28")
        await question(page, "deceased.is_householder").get_by_label("はい").check()
        await page.get_by_label("住民票上の世帯に残る方は何人ですか").select_option("2")
        await page.get_by_label("そのうち15歳以上は何人ですか").select_option("unknown")
        await question(page, "deceased.health_insurance").get_by_label("国民健康保険", exact=True).check()
        await question(page, "cards.seal_registration").get_by_label("はい").check()
        await page.get_by_role("button", name="保存して案内を表示").click()
        await expect(page.locator("[data-sync-form-status]")).to_contain_text("この端末に保存しました")

        # The guide, built on the tablet with no network.
        await page.get_by_role("link", name="この端末で案内を表示").click()
        guide = page.locator("[data-okuyami-local-guide]")
        await expect(guide).to_have_attribute("data-state", "shown")
        await expect(guide.locator("h1")).to_contain_text("おくやみ手続きのご案内")
        await expect(guide).to_contain_text("溝口 春子")
        await expect(guide).to_contain_text("令和7年2月28日（2025年）")  # the day of death
        kaigo = guide.locator("tr[data-procedure='kaigo_loss']")  # 65 in law on 28 Feb 2025
        await expect(kaigo).to_contain_text("介護保険")
        await expect(kaigo).to_contain_text("令和7年3月14日（2025年）")  # 14 days after the death
        # 世帯主変更届 depends on how many of the two are 15 or over: to be confirmed, never dropped.
        confirm = guide.locator("[data-okuyami-part='confirm']")
        await expect(confirm.locator("tr[data-procedure='household_head_change']")).to_be_visible()
        stops = guide.locator("[data-okuyami-part='stops']")
        await expect(stops.locator("tr[data-procedure='seal_registration_return']")).to_be_visible()
        await expect(guide.locator(".okuyami-other li").first).to_be_visible()

        # The PDF is the server's: offline the button says so.
        await guide.get_by_role("link", name="PDF").click()
        await expect(page.locator("[data-okuyami-pdf-offline]")).to_contain_text("PDFは接続が必要です")
        assert "/okuyami/guide" in page.url

        # Printing: the button reaches window.print, and the print stylesheet shows the guide on A4.
        await page.evaluate("() => { window.__prints = 0; window.print = () => { window.__prints += 1; }; }")
        await guide.get_by_role("button", name="印刷").click()
        assert await page.evaluate("window.__prints") == 1
        await page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        await page.emulate_media(media="print")
        await expect(guide.locator("tr[data-procedure='kaigo_loss']")).to_be_visible()
        await expect(guide.locator(".okuyami-toolbar")).to_be_hidden()
        await expect(page.locator("#s-kaigo_loss")).to_be_hidden()
        assert (await page.pdf(format="A4")).startswith(b"%PDF")
        await page.emulate_media(media="screen")

        # The case's own address, offline: the tablet's page stands in for the server's.
        await page.goto(f"{live_server.url}/okuyami/cases/{case_id}")
        await expect(page.locator("[data-okuyami-local-guide]")).to_have_attribute("data-state", "shown")
        await expect(page.locator("[data-okuyami-local-guide]")).to_contain_text("溝口 春子")

        # Nothing of the family in the Cache Storage: not the answers, not the case, not its guide.
        for entry in await cached_things(page):
            assert case_id not in entry["url"], entry["url"]
            assert "溝口 春子" not in entry["text"] and case_id not in entry["text"], entry["url"]

        # Back online: the case and its views reach the server.
        await context.set_offline(False)
        await page.get_by_role("button", name="今すぐ同期").click()
        await all_sent(page)
        on_server = await page.request.get(f"{live_server.url}/okuyami/cases/{case_id}")
        assert on_server.status == 200 and "溝口 春子" in await on_server.text()
        assert "no-store" in on_server.headers["cache-control"]

        await admin.goto(f"{live_server.url}/admin/audit")
        rows = admin.locator("tr", has_text=case_id)
        for action in ("okuyami.notice_shown", "okuyami.guide_viewed", "okuyami.guide_printed"):
            await expect(rows.filter(has=admin.locator(f'[data-audit-action="{action}"]'))).not_to_have_count(
                0
            )
        for entry in await cached_things(page):
            assert "溝口 春子" not in entry["text"] and case_id not in entry["url"], entry["url"]
        assert page.errors == [] and admin.errors == []  # type: ignore[attr-defined]
    finally:
        await context.close()
        await admin_context.close()
