"""Jobs that must not run for ever, nor twice (issue 7, points 3 and 8).

Real processes and a real SQLite store; GitHub is not reached (conclusions of dead jobs are
tested end to end against the stand-in).
"""

from __future__ import annotations

import importlib
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from reviewer.jobs.bounded import EngineFailed, EngineTimeout, run_bounded
from reviewer.jobs.store import DEAD, DONE, QUEUED, RUNNING, Job, SqliteStore, worker_alive, worker_id


def spin() -> None:
    while True:
        pass


def die() -> None:
    os._exit(3)


def boom() -> None:
    raise ValueError("rule bug")


def test_a_bounded_call_returns_its_result() -> None:
    assert run_bounded(sorted, [3, 1, 2], timeout=60) == [1, 2, 3]


def test_an_endless_evaluation_is_stopped_and_the_caller_goes_on() -> None:
    with pytest.raises(EngineTimeout, match="longer than 0.5 s"):
        run_bounded(spin, timeout=0.5)
    assert run_bounded(sorted, [2, 1], timeout=60) == [1, 2]  # the next review runs


def test_a_dying_or_failing_evaluation_is_an_error_with_its_cause() -> None:
    with pytest.raises(EngineFailed, match="exit code 3"):
        run_bounded(die, timeout=60)
    with pytest.raises(EngineFailed, match="ValueError: rule bug"):
        run_bounded(boom, timeout=60)


def test_a_review_of_a_real_change_runs_bounded() -> None:
    from reviewer.config.rulebook import DEFAULT_POLICIES, load_rule_dir
    from reviewer.config.settings import Settings
    from reviewer.pipeline import review_change

    head = {"t.yaml": b"Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
                      b"      PolicyDocument: {Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}\n"}
    review = run_bounded(review_change, {}, head, {}, load_rule_dir(DEFAULT_POLICIES), Settings(),
                         timeout=120)
    assert "no-wildcard-actions" in {f.rule_id for f in review.comparison.findings}


# ----------------------------------------------------------------------------- leases


@pytest.fixture
def tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("POLICY_REVIEWER_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", "s")
    monkeypatch.setenv("POLICY_REVIEWER_JOB_LEASE", "0.4")
    monkeypatch.delenv("REDIS_URL", raising=False)
    import reviewer.jobs.queue as queue
    import reviewer.jobs.tasks as module
    queue.store.cache_clear()
    yield importlib.reload(module)
    queue.store.cache_clear()
    monkeypatch.delenv("POLICY_REVIEWER_JOB_LEASE")
    importlib.reload(module)


def test_a_restarted_worker_with_the_same_pid_is_not_the_dead_one() -> None:
    host, pid, started = worker_id().split(":")
    assert worker_alive(worker_id())
    # PID 1 in a restarted container: same host and pid, another process start.
    assert not worker_alive(f"{host}:{pid}:{int(started) + 1}")
    assert worker_alive(f"{host}:{pid}")  # old records without a start time: cannot tell
    assert worker_alive(f"elsewhere:{pid}:{started}")  # another machine: the lease decides


def test_the_lease_is_kept_alive_while_the_job_runs(tasks: Any) -> None:
    store = tasks.store()
    store.add_job(Job("j", {"repository": "o/r"}))
    store.start("j")
    with tasks._lease_kept("j"):
        time.sleep(1.2)  # three lease periods
        assert time.time() - store.get_job("j").heartbeat < 0.4
        assert tasks.recover_lost_jobs() == []  # not taken for lost
    time.sleep(0.5)
    assert time.time() - store.get_job("j").heartbeat > 0.4  # renewals stopped with the job


def test_a_job_whose_worker_dies_every_time_ends_dead(tasks: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    concluded: list[str] = []
    monkeypatch.setattr("reviewer.jobs.dispatch.give_up",
                        lambda payload, error: concluded.append(error))
    store: SqliteStore = tasks.store()
    store.add_job(Job("poison", {"repository": "o/r"}))
    dead_worker = f"{socket.gethostname()}:999999:1"
    for attempt in range(1, tasks.MAX_ATTEMPTS + 1):
        assert store.start("poison") is not None
        store._db().execute("UPDATE jobs SET worker = ? WHERE id = 'poison'", (dead_worker,))
        recovered = tasks.recover_lost_jobs()  # a restarted worker looks around
        if attempt < tasks.MAX_ATTEMPTS:
            assert recovered == ["poison"] and store.get_job("poison").state == QUEUED
    job = store.get_job("poison")
    assert job.state == DEAD and job.attempts == tasks.MAX_ATTEMPTS
    assert len(concluded) == 1 and "died during attempt 5" in concluded[0]


def test_touch_only_renews_the_leases_of_this_process(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "jobs.db")
    store.add_job(Job("a", {}))
    assert not store.touch("a")  # queued, not running
    store.start("a")
    assert store.touch("a")
    store._db().execute("UPDATE jobs SET worker = 'other:1:1'")
    assert not store.touch("a")
    assert store.get_job("a").state == RUNNING


def test_threads_are_not_needed_to_stop_an_evaluation() -> None:
    """The worker's threads stay free: a stuck evaluation in one does not block another."""
    results: list[Any] = []
    stuck = threading.Thread(target=lambda: results.append(
        pytest.raises(EngineTimeout, run_bounded, spin, timeout=3)))
    stuck.start()
    assert run_bounded(sorted, [2, 1], timeout=60) == [1, 2]
    stuck.join()
    assert len(results) == 1


def test_redis_clients_have_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """redis-py before 8 waits for ever on an unreachable Redis; the webhook must answer 503
    within GitHub's 10 seconds instead."""
    from reviewer.jobs.queue import make_huey
    from reviewer.jobs.store import RedisStore

    url = "redis://127.0.0.1:9/0"
    monkeypatch.setenv("REDIS_URL", url)
    for pool in (make_huey().storage.pool, RedisStore(url)._r.connection_pool):
        assert pool.connection_kwargs["socket_connect_timeout"] == 2
        assert pool.connection_kwargs["socket_timeout"] == 5


def test_a_rerun_asked_for_while_the_job_runs_runs_it_again_afterwards(
        tasks: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """An acceptance arrives while its commit is being reviewed: the running attempt may
    have read the acceptances before it; the job runs once more when it finishes."""
    queued: list[str] = []
    monkeypatch.setattr(tasks, "review", lambda job_id: queued.append(job_id))
    payload = {"installation_id": 1, "repository": "o/r", "number": 7, "head_sha": "a" * 40,
               "base_sha": "b" * 40}
    store = tasks.store()
    assert tasks.submit(payload)
    job = store.start(queued[-1])
    assert job is not None and job.state == RUNNING
    assert tasks.submit(payload, force=True)  # asked for while running: not lost
    assert len(queued) == 1 and store.get_job(job.id).state == RUNNING
    store.set_state(job.id, DONE)
    tasks._again(job)
    assert queued == [job.id, job.id] and store.get_job(job.id).state == QUEUED
    tasks._again(job)  # asked once, run once more
    assert len(queued) == 2
    # Waiting in the queue already: nothing more to do.
    assert tasks.submit(payload, force=True) and len(queued) == 2
