"""The app's Prometheus instruments, in the process-wide registry that prometheus-client scrapes.

Request latency per route template comes from Litestar's Prometheus middleware (``request_middleware``);
the counters here are what the sync API and the retention purge add. Gauges that describe the database
(open conflicts, unsent changes reported by devices) are read when ``/metrics`` is scraped, so every
instance reports the same figures for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar.middleware.base import DefineMiddleware
from litestar.plugins.prometheus import PrometheusConfig
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, generate_latest

PREFIX = "madoguchi"
METRICS_PATH = "/metrics"

PUSH_OPS = Counter(
    f"{PREFIX}_sync_push_ops", "Operations received from tablets, by result status", ["status"]
)
PULL_RECORDS = Counter(f"{PREFIX}_sync_pull_records", "Records sent to tablets by pulls")
PURGE_RUNS = Counter(f"{PREFIX}_okuyami_purge_runs", "Retention purge runs, by outcome", ["outcome"])
OPEN_CONFLICTS = Gauge(f"{PREFIX}_sync_open_conflicts", "Sync conflicts waiting for a decision")
UNSENT_REPORTED = Gauge(
    f"{PREFIX}_sync_unsent_reported", "Changes the active devices last reported as not yet sent"
)
# Seconds: a push or a page should take milliseconds, a slow PDF about a second.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 1.0, 2.5, 5.0, 10.0)

for status in ("applied", "merged", "conflict", "rejected", "duplicate"):
    PUSH_OPS.labels(status=status)  # present from the first scrape, so rate() has a start
for outcome in ("ok", "failed"):
    PURGE_RUNS.labels(outcome=outcome)


def request_middleware() -> DefineMiddleware:
    """Latency histograms and counts per method, route template and status (never the raw path,
    whose ids would make a series per record)."""
    config = PrometheusConfig(
        app_name="madoguchi",
        prefix=PREFIX,
        group_path=True,
        buckets=list(LATENCY_BUCKETS),
        exclude=[METRICS_PATH],
    )
    return config.middleware


def record_push(results: Iterable[dict[str, Any]]) -> None:
    for result in results:
        PUSH_OPS.labels(status=str(result.get("status", "unknown"))).inc()


def record_pull(records: int) -> None:
    PULL_RECORDS.inc(records)


def record_purge(ok: bool) -> None:
    PURGE_RUNS.labels(outcome="ok" if ok else "failed").inc()


def exposition(open_conflicts: int, unsent_reported: int) -> tuple[bytes, str]:
    """The text a Prometheus server scrapes, with the database gauges just read."""
    OPEN_CONFLICTS.set(open_conflicts)
    UNSENT_REPORTED.set(unsent_reported)
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
