"""What every job handler shares: the app's settings, installation tokens, the repository a
job is about, and how to queue further work.

Handlers receive a ``JobContext`` instead of importing the queue: the queue imports the
handlers (through ``reviewer.jobs.dispatch``), so a handler that imported the queue back would
close a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from reviewer.github.auth import InstallationTokens
from reviewer.github.settings import AppSettings, from_environment, page_settings

Submit = Callable[..., bool]


@dataclass(frozen=True)
class JobContext:
    """One attempt of one job: which attempt it is, the most there will be, and the queue's
    ``submit(payload, force=False)`` for work the job starts."""

    attempt: int
    max_attempts: int
    submit: Submit

    @property
    def last_attempt(self) -> bool:
        return self.attempt >= self.max_attempts


@lru_cache(maxsize=1)
def tokens() -> InstallationTokens:
    """One token cache per worker process."""
    return InstallationTokens(from_environment())


def app_settings() -> AppSettings:
    """The app's settings, read from the environment."""
    return from_environment()


def repository(payload: dict[str, Any], full_name: str | None = None) -> Any:
    """The PyGithub repository a job is about, acting as the job's installation."""
    from reviewer.github.client import installation_client

    client = installation_client(app_settings().api_url,
                                 tokens().token(int(payload["installation_id"])))
    return client.get_repo(full_name or payload["repository"])


def page_url(full_name: str, number: int) -> str | None:
    """The review page of a pull request (None when the app serves no page)."""
    page = page_settings()
    return f"{page.public_url}/reviews/{full_name}/{number}" if page else None
