"""The queue: huey on Redis when REDIS_URL is set, else on SQLite under the data folder."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey

from reviewer.jobs.store import RedisStore, SqliteStore, Store


def data_dir() -> Path:
    """POLICY_REVIEWER_DATA, default ./var."""
    return Path(os.environ.get("POLICY_REVIEWER_DATA", "var"))


def make_huey() -> Huey:
    """The queue for this process's configuration."""
    url = os.environ.get("REDIS_URL")
    if url:
        return RedisHuey("policy-reviewer", url=url)
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("policy-reviewer", filename=str(folder / "queue.db"))


@lru_cache(maxsize=1)
def store() -> Store:
    """The job records, beside the queue."""
    url = os.environ.get("REDIS_URL")
    return RedisStore(url) if url else SqliteStore(data_dir() / "jobs.db")
