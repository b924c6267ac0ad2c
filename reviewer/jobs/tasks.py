"""Queue tasks: the review with retries and backoff, recovery of jobs lost with a worker."""

from __future__ import annotations

import logging
import os
import time
import threading
import traceback
from typing import Any

from huey import crontab
from huey.exceptions import RetryTask

from reviewer.jobs.queue import make_huey, store
from reviewer.jobs.store import DEAD, DONE, QUEUED, RUNNING, Job, worker_alive

log = logging.getLogger(__name__)

huey = make_huey()

MAX_ATTEMPTS = 5
# Seconds before the second attempt, doubled at every further one (2, 4, 8, 16 s).
BASE_DELAY = float(os.environ.get("POLICY_REVIEWER_JOB_BACKOFF", 2))


def job_id(payload: dict[str, Any]) -> str:
    """One job per pull request and head commit."""
    return f"{payload['repository']}#{payload['number']}@{payload['head_sha']}"


def submit(payload: dict[str, Any], force: bool = False) -> bool:
    """Record and queue a review; False when the same one is already waiting or running."""
    job = Job(job_id(payload), payload)
    if not store().add_job(job) and not force:
        return False
    try:
        review(job.id)
    except Exception as exc:
        # Recorded but not queued: set it aside (listed by `jobs dead`, replayable), so that a
        # redelivery is not mistaken for a job already waiting.
        store().set_state(job.id, DEAD, f"could not be queued: {type(exc).__name__}: {exc}")
        raise
    return True


@huey.task(context=True)
def review(job_id: str, task: Any = None) -> None:
    """Run one review; on failure retry with exponential backoff, then dead-letter it."""
    from reviewer.jobs.review_job import conclude_failed, run_review
    from reviewer.web import metrics

    records = store()
    job = records.start(job_id)
    if job is None:
        return  # already done, or set aside
    try:
        run_review(job.payload, attempt=job.attempts)
    except Exception as exc:  # noqa: BLE001 - every failure is retried, then kept
        error = f"{type(exc).__name__}: {exc}"
        log.warning("review %s failed (attempt %d): %s", job_id, job.attempts, error)
        metrics.JOBS.labels("error").inc()
        if job.attempts >= MAX_ATTEMPTS:
            records.set_state(job_id, DEAD, error + "\n" + traceback.format_exc(limit=5))
            metrics.JOBS.labels("dead").inc()
            conclude_failed(job.payload, error)
            return
        records.set_state(job_id, QUEUED, error)
        raise RetryTask(delay=BASE_DELAY * 2 ** (job.attempts - 1)) from None
    records.set_state(job_id, DONE)
    metrics.JOBS.labels("done").inc()


_recovered = threading.Lock()


# A review takes seconds; one "running" for this long lost its worker, wherever it ran
# (a worker on another machine cannot be checked by pid).
LEASE = float(os.environ.get("POLICY_REVIEWER_JOB_LEASE", 600))


def recover_lost_jobs() -> list[str]:
    """Queue again the jobs whose worker died mid-run (at-least-once delivery)."""
    again = []
    for job in store().jobs(RUNNING):
        if not worker_alive(job.worker) or time.time() - job.heartbeat > LEASE:
            store().set_state(job.id, QUEUED, f"worker {job.worker} died during the job")
            review(job.id)
            again.append(job.id)
    if again:
        log.warning("re-queued %d job(s) lost with their worker: %s", len(again), again)
    return again


@huey.on_startup()
def _on_startup() -> None:
    # Every consumer thread runs startup hooks; recover once per process.
    if _recovered.acquire(blocking=False):
        recover_lost_jobs()
        _warm_up()


def _warm_up() -> None:
    """Pay the engine's one-off costs (cfn-lint's import, the action list) at start-up,
    not on the first pull request."""
    import reviewer.jobs.review_job  # noqa: F401 - PyGithub, the engine, the rules
    from reviewer.engine import actions
    from reviewer.rules.template_valid import _runner

    actions.known_action_count()
    _runner(("us-east-1",))


@huey.periodic_task(crontab(minute="*"))
def recover_periodically() -> None:
    """Workers on other machines may die too; whoever is alive picks their jobs up."""
    recover_lost_jobs()


def replay(job_id: str) -> bool:
    """Queue a dead job again (operator's `jobs replay`)."""
    job = store().get_job(job_id)
    if job is None:
        return False
    store().set_state(job_id, QUEUED, "replayed by an operator")
    review(job_id)
    return True


__all__ = ["huey", "submit", "review", "replay", "recover_lost_jobs", "DONE", "DEAD"]
