"""POST /webhook: verify the signature, deduplicate, enqueue, answer 202.

Nothing slow happens here: GitHub gives a delivery 10 seconds, and the review runs in the
worker. One handler per event family, as palantir/policy-bot does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any, Callable

from flask import Blueprint, current_app, request

from reviewer.web import metrics

log = logging.getLogger(__name__)
blueprint = Blueprint("webhook", __name__)

PULL_REQUEST_ACTIONS = {"opened", "synchronize", "reopened", "ready_for_review"}


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """HMAC-SHA256 of the raw body, compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def _pull_request(payload: dict[str, Any]) -> list[dict[str, Any]]:
    if payload.get("action") not in PULL_REQUEST_ACTIONS:
        return []
    pr = payload["pull_request"]
    if pr.get("draft") and payload["action"] != "ready_for_review":
        return []  # drafts are reviewed once they are ready
    return [_job(payload, pr["number"], pr["head"]["sha"], pr["base"]["sha"])]


def _check_run(payload: dict[str, Any]) -> list[dict[str, Any]]:
    if payload.get("action") != "rerequested":
        return []
    run = payload["check_run"]
    return [_job(payload, pr["number"], run["head_sha"], pr["base"]["sha"], force=True)
            for pr in run.get("pull_requests", [])]


def _check_suite(payload: dict[str, Any]) -> list[dict[str, Any]]:
    if payload.get("action") not in ("requested", "rerequested"):
        return []
    suite = payload["check_suite"]
    return [_job(payload, pr["number"], suite["head_sha"], pr["base"]["sha"],
                 force=payload["action"] == "rerequested")
            for pr in suite.get("pull_requests", [])]


def _job(payload: dict[str, Any], number: int, head: str, base: str, force: bool = False) -> dict[str, Any]:
    return {"installation_id": payload["installation"]["id"],
            "repository": payload["repository"]["full_name"], "number": number,
            "head_sha": head, "base_sha": base, "force": force}


HANDLERS: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "pull_request": _pull_request,
    "check_run": _check_run,
    "check_suite": _check_suite,
}


@blueprint.post("/webhook")
def receive() -> tuple[dict[str, Any], int]:
    from reviewer.jobs.queue import store
    from reviewer.jobs.tasks import submit

    event = request.headers.get("X-GitHub-Event", "")
    label = event if event in HANDLERS or event == "ping" else "other"
    body = request.get_data(cache=False)
    if not signature_ok(current_app.config["WEBHOOK_SECRET"], body,
                        request.headers.get("X-Hub-Signature-256")):
        metrics.DELIVERIES.labels(label, "bad_signature").inc()
        return {"error": "signature missing or invalid"}, 401
    if event == "ping":
        metrics.DELIVERIES.labels(label, "ping").inc()
        return {"ok": "pong"}, 200
    handler = HANDLERS.get(event)
    if handler is None:
        metrics.DELIVERIES.labels(label, "ignored").inc()
        return {"ignored": event}, 202
    delivery = request.headers.get("X-GitHub-Delivery", "")
    try:
        payload = json.loads(body)
        if "installation" not in payload:
            # Only deliveries to an installed GitHub App can be answered with its token.
            metrics.DELIVERIES.labels(label, "ignored").inc()
            return {"ignored": "no installation in the payload"}, 202
        jobs = handler(payload)
    except (ValueError, KeyError, TypeError) as exc:
        metrics.DELIVERIES.labels(label, "malformed").inc()
        return {"error": f"unexpected payload: {type(exc).__name__} {exc}"}, 400
    if delivery and not store().claim_delivery(delivery):
        metrics.DELIVERIES.labels(label, "duplicate").inc()
        return {"duplicate": delivery}, 200
    try:
        queued = [submit(job, force=job.pop("force", False)) for job in jobs]
    except Exception as exc:  # noqa: BLE001 - the queue is down: say so, lose nothing
        if delivery:
            store().release_delivery(delivery)  # a redelivery must be accepted later
        log.error("could not queue delivery %s: %s", delivery, type(exc).__name__)
        metrics.DELIVERIES.labels(label, "queue_error").inc()
        return {"error": "the queue is unavailable; redeliver this delivery later"}, 503
    metrics.DELIVERIES.labels(label, "queued" if any(queued) else "ignored").inc()
    return {"queued": sum(queued)}, 202
