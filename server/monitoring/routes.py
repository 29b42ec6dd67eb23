"""``GET /healthz`` for load balancers and ``GET /metrics`` for Prometheus; neither needs a session."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from tortoise.functions import Sum

from server.auth.guards import PUBLIC
from server.models import Device, SyncConflict
from server.monitoring import access, health, metrics


@get("/healthz", opt=PUBLIC, include_in_schema=False, cache_control=None)
async def healthz(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """200 when this instance can serve; 503 (so the balancer stops sending to it) when its database
    does not answer or the code expects migrations the database has not had."""
    state = request.app.state.madoguchi
    result = await health.check(state.migrations)
    body = {
        "status": "ok" if result.ok else "unavailable",
        "database": "ok" if result.database else "unreachable",
        "pending_migrations": list(result.pending),
        "release": state.settings.release,
    }
    return Response(body, status_code=200 if result.ok else 503, headers={"Cache-Control": "no-store"})


@get(metrics.METRICS_PATH, opt=PUBLIC, include_in_schema=False)
async def prometheus_metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    settings = request.app.state.madoguchi.settings
    allowed = access.parse_networks(settings.metrics_allow)
    client = request.client.host if request.client else None
    authorization = request.headers.get("authorization", "")
    if not access.may_read_metrics(client, authorization, allowed, settings.metrics_token):
        raise NotFoundException()
    open_conflicts = await SyncConflict.filter(status="open").count()
    unsent = await Device.filter(revoked_at=None).annotate(total=Sum("unsent_reported")).values("total")
    body, content_type = metrics.exposition(open_conflicts, int((unsent[0]["total"] if unsent else 0) or 0))
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})


routes = [healthz, prometheus_metrics]
