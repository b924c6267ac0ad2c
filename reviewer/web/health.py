"""GET /healthz (liveness), GET /readyz (readiness) and GET /metrics."""

from __future__ import annotations

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST

from reviewer.web import metrics
from reviewer.web.errors import describe

blueprint = Blueprint("health", __name__)

# A job id no job has: reading it touches the job records without changing anything.
_PROBE_JOB = "readyz-probe"


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """Liveness: the process answers. Restarting it would not bring a dead Redis back."""
    return {"status": "ok"}, 200


@blueprint.get("/readyz")
def readyz() -> tuple[dict[str, str], int]:
    """Readiness: 200 when the queue and the job records can be reached, else 503 with the
    reason, so a load balancer sends deliveries to a web process that can take them."""
    try:
        from reviewer.jobs.queue import store
        from reviewer.jobs.tasks import huey

        huey.pending_count()
        store().get_job(_PROBE_JOB)
    except Exception as exc:  # noqa: BLE001 - whatever the storage raises, it is not ready
        return {"status": "unavailable",
                "reason": f"queue storage unreachable: {describe(exc)}"}, 503
    return {"status": "ready"}, 200


@blueprint.get("/metrics")
def metrics_endpoint() -> Response:
    """Prometheus text format, all processes added up."""
    try:
        from reviewer.jobs.tasks import huey

        metrics.QUEUE_DEPTH.set(huey.pending_count())
    except Exception:  # noqa: BLE001 - a queue outage must not hide the other metrics
        pass
    return Response(metrics.render(), mimetype=CONTENT_TYPE_LATEST)
