"""POST /webhook: read the body (bounded), verify the signature, validate, deduplicate,
enqueue, answer 202.

Nothing slow happens here: GitHub gives a delivery 10 seconds, and the review runs in the
worker. Every way a delivery can go wrong has its own answer and its own count in
`policy_reviewer_deliveries_total{outcome}`: 408/400 (body too slow or broken), 413 (too
large), 401 (signature), 400 (not a payload we can act on), 503 (the queue cannot take it:
GitHub shows the failure and the delivery can be redelivered).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import socket
from typing import Any

from flask import Blueprint, current_app, request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from reviewer.web import metrics
from reviewer.web.errors import describe
from reviewer.web.payloads import CANCEL_KIND, HANDLERS, BadPayload, parse

log = logging.getLogger(__name__)
blueprint = Blueprint("webhook", __name__)

# Bytes read from the socket at a time.
_CHUNK = 64 * 1024


class BodyError(Exception):
    """The body could not be read: ``status`` and ``outcome`` say why."""

    def __init__(self, status: int, outcome: str, message: str) -> None:
        super().__init__(message)
        self.status, self.outcome = status, outcome


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """HMAC-SHA256 of the raw body, compared in constant time."""
    # compare_digest refuses str with non-ASCII characters (TypeError); such a header
    # cannot be a hex digest anyway.
    if not header or not header.isascii() or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def read_body(limit: int, idle_timeout: float) -> bytes:
    """The raw body, at most ``limit`` bytes, with or without a Content-Length.

    Werkzeug's get_data() stops a chunked body at the limit and returns what it read, so a
    30 MB chunked body came back as 25 MB and failed its signature (401); here any byte over
    the limit is a 413. Under gunicorn each read from the socket waits at most
    ``idle_timeout`` seconds, so a client that stops sending frees its thread (408).
    """
    sock = request.environ.get("gunicorn.socket")
    previous = sock.gettimeout() if sock is not None else None
    if sock is not None and idle_timeout > 0:
        sock.settimeout(idle_timeout)
    try:
        return _read(limit)
    except RequestEntityTooLarge:
        _stop_reading(sock)
        raise BodyError(413, "too_large", f"body over {limit / 2**20:g} MB") from None
    except ClientDisconnected as exc:
        _stop_reading(sock)
        # Werkzeug turns a failed socket read into ClientDisconnected; a socket timeout
        # is the client being too slow.
        if isinstance(exc.__context__, TimeoutError):
            raise BodyError(408, "incomplete", "body too slow: nothing received for "
                            f"{idle_timeout:g} s") from None
        raise BodyError(400, "incomplete", "body incomplete") from None
    except Exception:  # noqa: BLE001 - a broken chunked encoding and the like: the client's fault
        _stop_reading(sock)
        raise BodyError(400, "incomplete", "body unreadable") from None
    finally:
        if sock is not None:
            sock.settimeout(previous)


def _read(limit: int) -> bytes:
    stream = request.stream  # 413 here when Content-Length is over the limit
    chunks, size = [], 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise RequestEntityTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def _stop_reading(sock: Any) -> None:
    """Read nothing more from a client whose body is refused.

    gunicorn drains an unread body before it reuses a connection, for up to 5 s of a
    thread: a stalled client would hold one that long after its answer, and a few of them
    every thread. With the read side shut, the drain ends at once and the connection closes.
    """
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass  # already gone


@blueprint.post("/webhook")
def receive() -> tuple[dict[str, Any], int]:
    """One GitHub delivery: 202 queued or ignored, 200 duplicate or ping, 4xx refused, 503
    when the queue cannot take it."""
    event = request.headers.get("X-GitHub-Event", "")
    label = event if event in HANDLERS or event == "ping" else "other"
    try:
        body = read_body(current_app.config["MAX_CONTENT_LENGTH"],
                         current_app.config["BODY_TIMEOUT"])
    except BodyError as exc:
        metrics.DELIVERIES.labels(label, exc.outcome).inc()
        return {"error": str(exc)}, exc.status
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
    try:
        payload = parse(body)
        if "installation" not in payload:
            # Only deliveries to an installed GitHub App can be answered with its token.
            metrics.DELIVERIES.labels(label, "ignored").inc()
            return {"ignored": "no installation in the payload"}, 202
        jobs = handler(payload)
    except BadPayload as exc:
        metrics.DELIVERIES.labels(label, "malformed").inc()
        return {"error": f"unexpected payload: {exc}"}, 400
    return _enqueue(label, request.headers.get("X-GitHub-Delivery", ""), jobs)


def _enqueue(label: str, delivery: str, jobs: list[dict[str, Any]]) -> tuple[dict[str, Any], int]:
    """Claim the delivery id and queue its jobs; 503 when the queue storage fails."""
    try:
        from reviewer.jobs.queue import store
        from reviewer.jobs.tasks import submit

        if delivery and not store().claim_delivery(delivery):
            metrics.DELIVERIES.labels(label, "duplicate").inc()
            return {"duplicate": delivery}, 200
    except Exception as exc:  # noqa: BLE001 - Redis down, disk full, folder not writable
        return _unavailable(label, delivery, exc)
    try:
        queued = [_cancel(job["target"]) if job.get("kind") == CANCEL_KIND
                  else submit(job, force=job.pop("force", False)) for job in jobs]
    except Exception as exc:  # noqa: BLE001 - the queue is down: say so, lose nothing
        if delivery:
            try:
                store().release_delivery(delivery)  # a redelivery must be accepted later
            except Exception:  # noqa: BLE001 - the same outage; the id expires with its TTL
                log.warning("could not forget delivery %s either: until it expires, a "
                            "redelivery of it is taken for a duplicate", delivery)
        return _unavailable(label, delivery, exc)
    metrics.DELIVERIES.labels(label, "queued" if any(queued) else "ignored").inc()
    return {"queued": sum(queued)}, 202


def _cancel(target: str) -> bool:
    """Cancel a job not started yet (a merge group that left the queue); False: nothing to do."""
    from reviewer.jobs.queue import store

    # Only a job still waiting; one that started runs to the end and concludes its check.
    if not store().cancel(target, "cancelled: the merge group left the queue"):
        return False
    log.info("cancelled %s: the merge group left the queue", target)
    return True


def _unavailable(label: str, delivery: str, exc: BaseException) -> tuple[dict[str, Any], int]:
    # The reason goes to the log, with credentials taken out; the answer says only what
    # GitHub's delivery log needs to show.
    log.error("could not queue delivery %s (%s): %s", delivery or "-", label, describe(exc))
    metrics.DELIVERIES.labels(label, "queue_error").inc()
    return {"error": "the queue is unavailable; redeliver this delivery later"}, 503
