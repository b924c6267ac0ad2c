"""GET /healthz and GET /metrics."""

from __future__ import annotations

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST

from reviewer.web import metrics

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    return {"status": "ok"}, 200


@blueprint.get("/metrics")
def metrics_endpoint() -> Response:
    from reviewer.jobs.tasks import huey

    try:
        metrics.QUEUE_DEPTH.set(huey.pending_count())
    except Exception:  # noqa: BLE001 - a queue outage must not hide the other metrics
        pass
    return Response(metrics.render(), mimetype=CONTENT_TYPE_LATEST)
