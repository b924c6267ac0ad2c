"""The queue: huey on Redis when REDIS_URL is set, else on SQLite under the data folder."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey
from huey.storage import SqliteStorage

from reviewer.jobs.store import REDIS_TIMEOUTS, RedisStore, SqliteStore, Store


def data_dir() -> Path:
    """POLICY_REVIEWER_DATA, default ./var."""
    return Path(os.environ.get("POLICY_REVIEWER_DATA", "var"))


class _Storage(SqliteStorage):
    """huey's SQLite storage in WAL mode with synchronous=NORMAL.

    huey offers FULL (an fsync per enqueue) or OFF. NORMAL keeps every queued delivery when a
    process is killed, which is what the app promises, and costs far less per delivery.
    """

    def _create_connection(self):  # type: ignore[no-untyped-def]
        conn = super()._create_connection()
        conn.execute("pragma synchronous=1")
        return conn




def redis_pool(url: str) -> Any:
    """A connection pool for REDIS_URL with timeouts."""
    from redis import ConnectionPool

    return ConnectionPool.from_url(url, **REDIS_TIMEOUTS)


def make_huey() -> Huey:
    """The queue for this process's configuration."""
    url = os.environ.get("REDIS_URL")
    if url:
        return RedisHuey("policy-reviewer", connection_pool=redis_pool(url))
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return Huey("policy-reviewer", storage_class=_Storage, filename=str(folder / "queue.db"))


@lru_cache(maxsize=1)
def store() -> Store:
    """The job records, beside the queue."""
    url = os.environ.get("REDIS_URL")
    return RedisStore(url) if url else SqliteStore(data_dir() / "jobs.db")
