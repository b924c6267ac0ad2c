"""Queue tasks: the review with retries and backoff, recovery of jobs lost with a worker."""

from __future__ import annotations

import logging
import os
import time
import threading
import traceback
from contextlib import contextmanager
from typing import Any, Iterator

from huey import crontab
from huey.exceptions import RetryTask

from reviewer.jobs.queue import make_huey, store
from reviewer.jobs.store import DEAD, DONE, QUEUED, RUNNING, Job, job_id, worker_alive

log = logging.getLogger(__name__)

huey = make_huey()

MAX_ATTEMPTS = 5
# Seconds before the second attempt, doubled at every further one (2, 4, 8, 16 s).
BASE_DELAY = float(os.environ.get("POLICY_REVIEWER_JOB_BACKOFF", 2))


def submit(payload: dict[str, Any], force: bool = False) -> bool:
    """Record and queue a review; False when the same one is already waiting or running.

    ``force`` (a re-run, an acceptance) while the same job is running: the running attempt
    may have read what changed too early, so the job runs once more when it finishes.
    """
    job = Job(job_id(payload), payload)
    if not store().add_job(job, rerun=force):
        if not force:
            return False
        current = store().get_job(job.id)
        if current is not None and current.state == RUNNING:
            store().claim_delivery(AGAIN + job.id)
            current = store().get_job(job.id)
            if current is not None and current.state == RUNNING:
                return True  # run again when this attempt finishes (_again)
            store().release_delivery(AGAIN + job.id)
            if not store().add_job(job, rerun=True):
                return True  # queued again meanwhile by someone else
        else:
            return True  # waiting in the queue: it reads everything when it runs
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
    from reviewer.jobs import dispatch
    from reviewer.jobs.context import JobContext
    from reviewer.web import metrics

    records = store()
    job = records.start(job_id)
    if job is None:
        return  # already done, or set aside
    if job.attempts > MAX_ATTEMPTS:
        # Started this often without finishing: each attempt killed its worker (the count is
        # kept in the records, so restarts do not reset it). Stop trying.
        _dead(job, f"gave up after {job.attempts - 1} attempts that never finished "
                   "(the worker died each time)")
        return
    try:
        with _lease_kept(job_id):
            dispatch.run(job.payload, JobContext(job.attempts, MAX_ATTEMPTS, submit))
    except Exception as exc:  # noqa: BLE001 - every failure is retried, then kept
        error = f"{type(exc).__name__}: {exc}"
        log.warning("review %s failed (attempt %d): %s", job_id, job.attempts, error.splitlines()[0])
        metrics.JOBS.labels("error").inc()
        if job.attempts >= MAX_ATTEMPTS:
            _dead(job, error + "\n" + traceback.format_exc(limit=5), error.splitlines()[0])
            return
        records.set_state(job_id, QUEUED, error)
        raise RetryTask(delay=BASE_DELAY * 2 ** (job.attempts - 1)) from None
    records.set_state(job_id, DONE)
    metrics.JOBS.labels("done").inc()
    _again(job)


AGAIN = "again:"


def _again(job: Job) -> None:
    """Run a job once more if a re-run was asked for while it ran."""
    if store().known(AGAIN + job.id):
        store().release_delivery(AGAIN + job.id)
        submit(job.payload, force=True)


def _dead(job: Job, error: str, shown: str | None = None) -> None:
    """Set a job aside for an operator and let its handler conclude what people wait on."""
    from reviewer.jobs import dispatch
    from reviewer.web import metrics

    store().set_state(job.id, DEAD, error)
    metrics.JOBS.labels("dead").inc()
    dispatch.give_up(job.payload, shown or error)


@contextmanager
def _lease_kept(job_id: str) -> Iterator[None]:
    """Renew the job's lease while it runs, so that a long review is not taken for lost and
    run a second time by another worker."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(LEASE / 4):
            try:
                store().touch(job_id)
            except Exception:  # noqa: BLE001 - a missed beat is retried at the next one
                log.warning("could not renew the lease of %s", job_id)

    beater = threading.Thread(target=beat, name=f"lease {job_id}", daemon=True)
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join()


_recovered = threading.Lock()


# A review takes seconds; one "running" for this long lost its worker, wherever it ran
# (a worker on another machine cannot be checked by pid).
LEASE = float(os.environ.get("POLICY_REVIEWER_JOB_LEASE", 600))


def recover_lost_jobs() -> list[str]:
    """Queue again the jobs whose worker died mid-run (at-least-once delivery)."""
    again = []
    for job in store().jobs(RUNNING):
        if not worker_alive(job.worker) or time.time() - job.heartbeat > LEASE:
            if job.attempts >= MAX_ATTEMPTS:
                # A poison job kills its worker every time: no more workers for it.
                _dead(job, f"worker {job.worker} died during attempt {job.attempts}; "
                           "gave up after as many attempts as the limit allows")
                continue
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
    """Pay the one-off costs at start-up, not on the first pull request: PyGithub here, and
    the engine (cfn-lint, the action list) in the fork server that runs each evaluation."""
    import reviewer.jobs.review_job  # noqa: F401 - PyGithub, the publisher
    from reviewer.jobs.bounded import run_bounded

    run_bounded(len, ())


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
