"""Durable job records beside the queue: deliveries seen, jobs and their state, dead letters.

The queue library hands a message to one worker and forgets it; if that worker is killed
mid-job the message is gone. These records outlive the worker: a job left "running" by a
dead worker is queued again (at-least-once), and the publisher's fingerprint markers make
the second run add nothing twice.
"""

from __future__ import annotations

import json
import os
import random
import socket
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

QUEUED, RUNNING, DONE, DEAD = "queued", "running", "done", "dead"
# How long a delivery id is remembered (GitHub redelivers within days, not months).
DELIVERY_TTL = 14 * 24 * 3600
# Without timeouts a call to an unreachable Redis waits for ever (redis-py before 8): the
# webhook must answer 503 within GitHub's 10 seconds instead. Longer than huey's 1-second
# blocking read. Settings in REDIS_URL's query string take precedence.
REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 5}
# Notes kept per scope (a pull request's resolved threads, its acceptances): the newest.
MAX_NOTES = 2000


@dataclass
class Job:
    """One review to do."""

    id: str
    payload: dict[str, Any]
    state: str = QUEUED
    attempts: int = 0
    worker: str = ""
    heartbeat: float = 0.0
    error: str = ""


def job_id(payload: dict[str, Any]) -> str:
    """One review per pull request and head commit (also the ``external_id`` of its check
    run); a command (a reply, a button) is its own job, one per comment or click."""
    base = f"{payload['repository']}#{payload['number']}@{payload['head_sha']}"
    kind = payload.get("kind", "review")
    return base if kind == "review" else f"{base}/{kind}:{payload.get('ref', '')}"


def _start_time(pid: int) -> str | None:
    """When a process started (clock ticks since boot, /proc), or None where unknown.

    A pid alone does not name a process: in a container every restarted worker is PID 1.
    The pid and its start time together do.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    # Field 22, counted after the command name, which is in parentheses and may hold spaces.
    fields = stat[stat.rfind(b")") + 2:].split()
    return fields[19].decode() if len(fields) > 19 else None


def worker_id() -> str:
    """host:pid:start of this process, to tell whether a running job's worker is alive."""
    return f"{socket.gethostname()}:{os.getpid()}:{_start_time(os.getpid()) or 0}"


def worker_alive(worker: str) -> bool:
    """False only when we can tell: the worker ran on this host and its process is gone
    (or its pid now belongs to another process, such as this restarted worker)."""
    host, _, rest = worker.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    now = _start_time(int(pid))
    if started and started != "0" and now is not None:
        return now == started
    return True


class Store(Protocol):
    def claim_delivery(self, delivery_id: str) -> bool: ...
    def release_delivery(self, delivery_id: str) -> None: ...
    def known(self, delivery_id: str) -> bool: ...
    def add_job(self, job: Job, rerun: bool = False) -> bool: ...
    def get_job(self, job_id: str) -> Job | None: ...
    def set_state(self, job_id: str, state: str, error: str = "") -> None: ...
    def cancel(self, job_id: str, error: str) -> bool: ...
    def start(self, job_id: str) -> Job | None: ...
    def touch(self, job_id: str) -> bool: ...
    def jobs(self, state: str | None = None) -> list[Job]: ...
    def add_note(self, scope: str, note: dict[str, Any], keep: int = MAX_NOTES) -> None: ...
    def notes(self, scope: str) -> list[dict[str, Any]]: ...
    def note_count(self, scope: str) -> int: ...


def pull_scope(kind: str, repository: str, number: int) -> str:
    """The scope of a pull request's notes of one kind, e.g. ``resolved:acme/billing#7``."""
    return f"{kind}:{repository}#{number}"


class SqliteStore:
    """Records in a SQLite file under the data directory (one machine)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = str(path)
        self._local = threading.local()
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, at REAL)")
            db.execute("CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, payload TEXT, "
                       "state TEXT, attempts INTEGER, worker TEXT, heartbeat REAL, error TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS notes (scope TEXT, at REAL, note TEXT)")
            db.execute("CREATE INDEX IF NOT EXISTS notes_scope ON notes (scope, at)")

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self._path, timeout=30, isolation_level=None)
            # WAL with synchronous=NORMAL survives a killed process (the case we promise);
            # only a power cut may lose the last transactions.
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def claim_delivery(self, delivery_id: str) -> bool:
        """True the first time a delivery id is seen."""
        db = self._db()
        now = time.time()
        cur = db.execute("INSERT OR IGNORE INTO deliveries VALUES (?, ?)", (delivery_id, now))
        if random.random() < 0.01:  # forget old deliveries now and then, not on every one
            db.execute("DELETE FROM deliveries WHERE at < ?", (now - DELIVERY_TTL,))
        return cur.rowcount == 1

    def release_delivery(self, delivery_id: str) -> None:
        """Forget a delivery whose jobs could not be queued, so a redelivery is accepted."""
        self._db().execute("DELETE FROM deliveries WHERE id = ?", (delivery_id,))

    def known(self, delivery_id: str) -> bool:
        """Is this id claimed (and not yet forgotten)?"""
        row = self._db().execute("SELECT 1 FROM deliveries WHERE id = ? AND at > ?",
                                 (delivery_id, time.time() - DELIVERY_TTL)).fetchone()
        return row is not None

    def add_job(self, job: Job, rerun: bool = False) -> bool:
        """Record a job unless the same one is waiting or running, or is done and this is no
        re-run asked for (a late ``check_suite`` event must not review a head twice)."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT state FROM jobs WHERE id = ?", (job.id,)).fetchone()
            if row and _exists(row[0], rerun):
                db.execute("COMMIT")
                return False
            db.execute("INSERT OR REPLACE INTO jobs VALUES (?, ?, ?, 0, '', 0, '')",
                       (job.id, json.dumps(job.payload), QUEUED))
            db.execute("COMMIT")
            return True
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def get_job(self, job_id: str) -> Job | None:
        row = self._db().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def start(self, job_id: str) -> Job | None:
        """Mark a job running in this process; None if it is already done or dead."""
        # Only a queued job can be claimed, atomically: if the queue ever hands the same
        # message to two workers, the second one finds the job running and leaves it.
        cur = self._db().execute(
            "UPDATE jobs SET state = ?, attempts = attempts + 1, worker = ?, heartbeat = ? "
            "WHERE id = ? AND state = ?", (RUNNING, worker_id(), time.time(), job_id, QUEUED))
        return self.get_job(job_id) if cur.rowcount == 1 else None

    def touch(self, job_id: str) -> bool:
        """Renew the lease of a job this process is running; False if it is no longer ours."""
        cur = self._db().execute("UPDATE jobs SET heartbeat = ? WHERE id = ? AND state = ? "
                                 "AND worker = ?", (time.time(), job_id, RUNNING, worker_id()))
        return cur.rowcount == 1

    def set_state(self, job_id: str, state: str, error: str = "") -> None:
        self._db().execute("UPDATE jobs SET state = ?, error = ?, heartbeat = ? WHERE id = ?",
                           (state, error[:4000], time.time(), job_id))

    def cancel(self, job_id: str, error: str) -> bool:
        """Set a job that has not started aside as done; False if it started (or is gone)."""
        cur = self._db().execute("UPDATE jobs SET state = ?, error = ?, heartbeat = ? "
                                 "WHERE id = ? AND state = ?",
                                 (DONE, error[:4000], time.time(), job_id, QUEUED))
        return cur.rowcount == 1

    def jobs(self, state: str | None = None) -> list[Job]:
        sql, args = "SELECT * FROM jobs", ()
        if state:
            sql, args = sql + " WHERE state = ?", (state,)
        return [_job(row) for row in self._db().execute(sql + " ORDER BY heartbeat", args)]

    def add_note(self, scope: str, note: dict[str, Any], keep: int = MAX_NOTES) -> None:
        """Keep a record about a pull request (what the app did, who accepted what, the
        latest review); only the newest ``keep`` of a scope are kept."""
        db = self._db()
        db.execute("INSERT INTO notes VALUES (?, ?, ?)", (scope, time.time(), json.dumps(note)))
        db.execute("DELETE FROM notes WHERE scope = ? AND rowid NOT IN (SELECT rowid FROM notes "
                   "WHERE scope = ? ORDER BY at DESC LIMIT ?)", (scope, scope, keep))

    def notes(self, scope: str) -> list[dict[str, Any]]:
        """A scope's notes, oldest first (the newest MAX_NOTES)."""
        rows = self._db().execute("SELECT note FROM notes WHERE scope = ? ORDER BY at DESC LIMIT ?",
                                  (scope, MAX_NOTES)).fetchall()
        return [json.loads(row[0]) for row in reversed(rows)]

    def note_count(self, scope: str) -> int:
        """How many notes a scope holds, without reading them."""
        return int(self._db().execute("SELECT COUNT(*) FROM notes WHERE scope = ?", (scope,)).fetchone()[0])


def _exists(state: str, rerun: bool) -> bool:
    """Is a job in this state the one a new request asks for (so nothing is added)?"""
    return state in (QUEUED, RUNNING) or (state == DONE and not rerun)


def _job(row: tuple[Any, ...]) -> Job:
    return Job(id=row[0], payload=json.loads(row[1]), state=row[2], attempts=row[3],
               worker=row[4], heartbeat=row[5], error=row[6])


class RedisStore:
    """Records in Redis, shared by web and worker processes on several machines."""

    def __init__(self, url: str) -> None:
        import redis

        self._r = redis.Redis.from_url(url, **REDIS_TIMEOUTS)
        self._prefix = "policy-reviewer:"

    def claim_delivery(self, delivery_id: str) -> bool:
        return bool(self._r.set(self._prefix + "delivery:" + delivery_id, 1, nx=True, ex=DELIVERY_TTL))

    def release_delivery(self, delivery_id: str) -> None:
        self._r.delete(self._prefix + "delivery:" + delivery_id)

    def known(self, delivery_id: str) -> bool:
        return bool(self._r.exists(self._prefix + "delivery:" + delivery_id))

    def _key(self, job_id: str) -> str:
        return self._prefix + "job:" + job_id

    def add_job(self, job: Job, rerun: bool = False) -> bool:
        key = self._key(job.id)
        with self._r.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    state = pipe.hget(key, "state")
                    if state and _exists(state.decode(), rerun):
                        pipe.unwatch()
                        return False
                    pipe.multi()
                    pipe.hset(key, mapping={"payload": json.dumps(job.payload), "state": QUEUED,
                                            "attempts": 0, "worker": "", "heartbeat": 0, "error": ""})
                    pipe.sadd(self._prefix + "jobs", job.id)
                    pipe.execute()
                    return True
                except Exception as exc:  # noqa: BLE001 - retry on a concurrent change only
                    import redis

                    if not isinstance(exc, redis.WatchError):
                        raise

    def get_job(self, job_id: str) -> Job | None:
        data = self._r.hgetall(self._key(job_id))
        if not data:
            return None
        d = {k.decode(): v.decode() for k, v in data.items()}
        return Job(id=job_id, payload=json.loads(d["payload"]), state=d["state"],
                   attempts=int(d["attempts"]), worker=d["worker"],
                   heartbeat=float(d["heartbeat"]), error=d["error"])

    def start(self, job_id: str) -> Job | None:
        import redis

        key = self._key(job_id)
        with self._r.pipeline() as pipe:
            try:
                pipe.watch(key)
                state = pipe.hget(key, "state")
                if state is None or state.decode() != QUEUED:
                    pipe.unwatch()
                    return None
                pipe.multi()
                pipe.hset(key, mapping={"state": RUNNING, "worker": worker_id(),
                                        "heartbeat": time.time()})
                pipe.hincrby(key, "attempts", 1)
                pipe.execute()
            except redis.WatchError:
                return None  # another worker claimed it first
        return self.get_job(job_id)

    def touch(self, job_id: str) -> bool:
        """Renew the lease of a job this process is running; False if it is no longer ours."""
        import redis

        key = self._key(job_id)
        with self._r.pipeline() as pipe:
            try:
                pipe.watch(key)
                state, worker = pipe.hmget(key, "state", "worker")
                if state is None or state.decode() != RUNNING or (worker or b"").decode() != worker_id():
                    pipe.unwatch()
                    return False
                pipe.multi()
                pipe.hset(key, "heartbeat", time.time())
                pipe.execute()
            except redis.WatchError:
                return False
        return True

    def set_state(self, job_id: str, state: str, error: str = "") -> None:
        self._r.hset(self._key(job_id), mapping={"state": state, "error": error[:4000],
                                                 "heartbeat": time.time()})

    def cancel(self, job_id: str, error: str) -> bool:
        import redis

        key = self._key(job_id)
        with self._r.pipeline() as pipe:
            try:
                pipe.watch(key)
                state = pipe.hget(key, "state")
                if state is None or state.decode() != QUEUED:
                    pipe.unwatch()
                    return False
                pipe.multi()
                pipe.hset(key, mapping={"state": DONE, "error": error[:4000], "heartbeat": time.time()})
                pipe.execute()
                return True
            except redis.WatchError:
                return False  # it changed meanwhile: started, so it runs to the end

    def jobs(self, state: str | None = None) -> list[Job]:
        out = [j for j in (self.get_job(i.decode()) for i in self._r.smembers(self._prefix + "jobs")) if j]
        return sorted((j for j in out if not state or j.state == state), key=lambda j: j.heartbeat)

    def add_note(self, scope: str, note: dict[str, Any], keep: int = MAX_NOTES) -> None:
        key = self._prefix + "notes:" + scope
        with self._r.pipeline() as pipe:
            pipe.rpush(key, json.dumps(note))
            pipe.ltrim(key, -keep, -1)
            pipe.execute()

    def notes(self, scope: str) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in self._r.lrange(self._prefix + "notes:" + scope, 0, -1)]

    def note_count(self, scope: str) -> int:
        return int(self._r.llen(self._prefix + "notes:" + scope))
