"""Dashboard latency against a static file served by the same server, at 1× and 10× a ward's year of data.

    python -m bench.dashboard_bench [--scales 1,10] [--requests 30]

A ward with 20 sections and the current fiscal year so far (nothing dated after today, as in a real ward:
an action not closed by today is still open): at 1×, 100,000 self-check answers, 5,000 inspections (with
100,000 inspection answers), 2,000 corrective actions and 3,000 citizen comments (10× is ten times each).
The data goes straight into the projection tables in bulk, and the dashboard's tallies are then rebuilt
from them as ``madoguchi rebuild-tallies`` does after such a load (the app keeps them in step change by
change; a bulk load bypasses that); then a real ``madoguchi serve`` process answers a signed-in manager.
For the dashboard page, each panel and a static file, the median and 90th percentile of ``--requests``
sequential requests are printed, with each median as a ratio to the static file's, and the growth of
every panel from 1× to 10×. Targets: heaviest panel ≤ 3× the static file at 1×, ≤ 2× growth to 10×.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import time
import uuid
from typing import Any

import httpx

from server.calendar_ja import fiscal_year
from server.dashboard.routes import PANELS as DASHBOARD_PANELS
from server.db import connected
from server.models import (
    CorrectiveAction,
    Feedback,
    FeedbackSection,
    Inspection,
    InspectionAnswer,
    Section,
    SelfCheckAnswer,
)
from server.rollups.rebuild import rebuild
from server.timekeeping import today
from tests.live_server import DEMO_PASSWORD, LiveServer, prepared_server

BASE = {"answers": 100_000, "inspections": 5_000, "actions": 2_000, "feedback": 3_000}
SECTIONS = 20
# The current fiscal year so far, as the dashboard shows it by default: nothing is dated after today (a
# ward's data never holds tomorrow's inspections or an action closed next week).
TODAY = today()
YEAR = fiscal_year(TODAY)
FIRST_DAY = dt.date(YEAR, 4, 1)
LAST_DAY = min(TODAY, dt.date(YEAR + 1, 3, 31))
MONTHS = (LAST_DAY.year - YEAR) * 12 + LAST_DAY.month - 3  # months of the year begun by today
PANELS = DASHBOARD_PANELS
CHUNK = 5_000


def month_key(index: int) -> str:
    """The self-check period key of the fiscal year's ``index``-th month (0 = April)."""
    return f"{YEAR + (index > 8)}-{(index + 3) % 12 + 1:02d}"


def day_in_year(rng: random.Random) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))


def by_today(day: dt.date) -> dt.date | None:
    """A later event (closing, answering) if it has happened by today; otherwise it is still to come."""
    return day if day <= LAST_DAY else None


async def fill(url: str, scale: int) -> None:
    rng = random.Random(scale)
    async with connected(url):
        existing = await Section.all().count()
        for n in range(existing, SECTIONS):
            await Section.create(
                code=f"bench-{n}", name=f"ベンチ課{n}", name_en=f"Bench {n}", sort_order=900 + n
            )
        sections = [s.id for s in await Section.all()]
        inspections = []
        for _ in range(BASE["inspections"] * scale):
            day = day_in_year(rng)
            passed = rng.randrange(10, 20)
            inspections.append(
                Inspection(
                    id=uuid.uuid4(), template_id=1, family="shokuba-tenken", section_id=rng.choice(sections),
                    place="1階", status="submitted", inspector="bench", started_on=day, submitted_on=day,
                    passed=passed, failed=20 - passed, answered=20,
                )
            )  # fmt: skip
        for start in range(0, len(inspections), CHUNK):
            await Inspection.bulk_create(inspections[start : start + CHUNK])
        per_inspection = BASE["answers"] // BASE["inspections"]
        answers = [
            InspectionAnswer(id=uuid.uuid4(), inspection_id=i.id, item_key=f"item-{k}",
                             result=rng.choice(("pass", "pass", "pass", "fail", "na")))
            for i in inspections
            for k in range(per_inspection)
        ]  # fmt: skip
        for start in range(0, len(answers), CHUNK):
            await InspectionAnswer.bulk_create(answers[start : start + CHUNK])
        actions = []
        for _ in range(BASE["actions"] * scale):
            raised = day_in_year(rng)
            closed = by_today(raised + dt.timedelta(days=rng.randrange(60))) if rng.random() < 0.6 else None
            actions.append(
                CorrectiveAction(
                    id=uuid.uuid4(), section_id=rng.choice(sections), title="x", raised_on=raised,
                    due_on=raised + dt.timedelta(days=30), closed_on=closed,
                    status="confirmed" if closed else "in_progress", fiscal_year=YEAR,
                )
            )  # fmt: skip
        for start in range(0, len(actions), CHUNK):
            await CorrectiveAction.bulk_create(actions[start : start + CHUNK])
        self_checks = [
            SelfCheckAnswer(
                id=uuid.uuid4(), section_id=rng.choice(sections), period=month_key(m),
                respondent=f"user:{rng.randrange(400)}", standard_code=f"SB-{rng.randrange(1, 31):02d}",
                result=rng.choice(("compliant", "compliant", "compliant", "noncompliant", "na")),
            )
            for m in (rng.randrange(MONTHS) for _ in range(BASE["answers"] * scale))
        ]  # fmt: skip
        for start in range(0, len(self_checks), CHUNK):
            await SelfCheckAnswer.bulk_create(self_checks[start : start + CHUNK])
        feedback, links = [], []
        for _ in range(BASE["feedback"] * scale):
            received = day_in_year(rng)
            answered = (
                by_today(received + dt.timedelta(days=rng.randrange(30))) if rng.random() < 0.7 else None
            )
            row = Feedback(
                id=uuid.uuid4(), received_on=received, answered_on=answered, text="x",
                status="published" if answered and rng.random() < 0.5 else "triaged",
                improved=rng.random() < 0.2,
            )  # fmt: skip
            feedback.append(row)
            links.append(FeedbackSection(feedback_id=row.id, section_id=rng.choice(sections)))
        for start in range(0, len(feedback), CHUNK):
            await Feedback.bulk_create(feedback[start : start + CHUNK])
            await FeedbackSection.bulk_create(links[start : start + CHUNK])
        await rebuild()


async def measure(server: LiveServer, requests: int) -> dict[str, tuple[float, float]]:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        await client.get("/login")
        token = client.cookies.get("madoguchi_csrf") or ""
        signed = await client.post(
            "/login", data={"login": "demo-manager", "password": DEMO_PASSWORD, "_csrf_token": token}
        )
        assert signed.status_code == 302, signed.text
        targets = {"static file": "/static/css/app.css", "dashboard page": f"/dashboard?year={YEAR}"}
        targets |= {f"panel {p}": f"/dashboard/panels/{p}?year={YEAR}" for p in PANELS}
        results = {}
        for name, path in targets.items():
            headers = {"HX-Request": "true"} if "panel" in name else {}
            for _ in range(3):  # warm up
                assert (await client.get(path, headers=headers)).status_code == 200
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = await client.get(path, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            times.sort()
            results[name] = (statistics.median(times), times[int(0.9 * (len(times) - 1))])
        return results


def run_scale(scale: int, requests: int) -> dict[str, tuple[float, float]]:
    server = prepared_server()
    try:
        url = f"sqlite://{server.data_dir / 'e2e.sqlite3'}"
        started = time.perf_counter()
        asyncio.run(fill(url, scale))
        print(f"\n{scale}× data loaded in {time.perf_counter() - started:.0f} s", flush=True)
        server.start()
        results = asyncio.run(measure(server, requests))
    finally:
        server.stop()
    static = results["static file"][0]
    print(f"{'request':<22}{'median ms':>10}{'p90 ms':>10}{'× static':>10}")
    for name, (median, p90) in results.items():
        print(f"{name:<22}{median:>10.1f}{p90:>10.1f}{median / static:>10.2f}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    runs: dict[int, dict[str, Any]] = {scale: run_scale(scale, args.requests) for scale in scales}
    if 1 in runs:
        panels = {k: v for k, v in runs[1].items() if k.startswith("panel")}
        heaviest = max(panels, key=lambda k: panels[k][0])
        ratio = panels[heaviest][0] / runs[1]["static file"][0]
        print(f"\nheaviest panel at 1×: {heaviest}, {ratio:.2f}× the static file (target ≤ 3)")
    if 1 in runs and 10 in runs:
        for name in runs[1]:
            if name.startswith("panel") or name == "dashboard page":
                growth = runs[10][name][0] / runs[1][name][0]
                print(f"growth 1× → 10×, {name}: {growth:.2f}× (target ≤ 2)")


if __name__ == "__main__":
    main()
