"""One handler per kind of job, as policy-bot keeps one handler per event.

A job's payload names its kind (``review`` when it names none). Each handler module offers
``run(payload, ctx)`` and ``give_up(payload, error)`` (what to leave behind when the queue
stops trying). A handler imports no other handler and not the task queue (``tasks``): work
it starts goes through ``ctx.submit``; the job records (``queue.store``) it may read.
"""

from __future__ import annotations

import importlib
from typing import Any

from reviewer.jobs.context import JobContext

# kind -> module holding its handler (imported when a job of that kind runs: a worker that
# only ever reviews never loads the others).
HANDLERS = {
    "review": "reviewer.jobs.review_job",
    "merge-group": "reviewer.jobs.merge_group_job",
    "command": "reviewer.jobs.commands",
    "accept-all": "reviewer.jobs.commands",
    "impact-repo": "reviewer.jobs.impact_job",
}


def kind_of(payload: dict[str, Any]) -> str:
    """The job's kind; ``review`` for payloads that name none (older records too)."""
    kind = payload.get("kind", "review")
    return kind if kind in HANDLERS else "unknown"


def run(payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Carry out one job with its kind's handler."""
    kind = kind_of(payload)
    if kind == "unknown":
        # A record from a newer or older version of the app: nothing here can carry it out.
        raise ValueError(f"no handler for jobs of kind {str(payload.get('kind'))[:40]!r}")
    return importlib.import_module(HANDLERS[kind]).run(payload, ctx)


def give_up(payload: dict[str, Any], error: str) -> None:
    """The queue stopped trying: let the handler conclude what people are waiting on."""
    kind = kind_of(payload)
    if kind != "unknown":
        importlib.import_module(HANDLERS[kind]).give_up(payload, error)
