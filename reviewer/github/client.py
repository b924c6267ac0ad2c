"""PyGithub clients pointed at GITHUB_API_URL, with GitHub's retry rules."""

from __future__ import annotations

import os

from typing import Any

from github import Auth, Github, GithubRetry
from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass, Requester

from reviewer.web import metrics

# Retries: 5xx and timeouts with exponential backoff; primary rate limits (403 with
# x-ratelimit-reset) and secondary ones (429/403 with Retry-After) wait as GitHub asks.
# https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
RETRIES = 8
BACKOFF = 0.3
TIMEOUT = 20
# Seconds between two writes of one client: 80 a minute, GitHub's pace for content creation.
# https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api
WRITE_GAP = 0.75


class _CountingRetry(GithubRetry):
    """GitHub's retry rules, counting every retried failure for /metrics."""

    def increment(self, method: Any = None, url: Any = None, response: Any = None,
                  error: Any = None, *args: Any, **kwargs: Any) -> Any:
        reason = str(response.status) if response is not None else type(error).__name__
        metrics.GITHUB_RETRIES.labels(reason).inc()
        return super().increment(method, url, response, error, *args, **kwargs)


def _count(response: Any, *args: Any, **kwargs: Any) -> None:
    metrics.GITHUB_CALLS.labels(f"{response.status_code // 100}xx").inc()


class _CountedHTTP(HTTPRequestsConnectionClass):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session.hooks["response"].append(_count)


class _CountedHTTPS(HTTPSRequestsConnectionClass):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session.hooks["response"].append(_count)


# Every GitHub call of this process is counted (final answers, after retries).
Requester.injectConnectionClasses(_CountedHTTP, _CountedHTTPS)


def refusal(exc: BaseException) -> str:
    """GitHub's refusal in a few words: status and message, or the failure's kind (never a
    header or a token: PyGithub's exceptions carry none)."""
    status = getattr(exc, "status", None)
    data = getattr(exc, "data", None)
    message = data.get("message") if isinstance(data, dict) else None
    if status:
        return f"HTTP {status}" + (f": {str(message)[:200]}" if message else "")
    return f"{type(exc).__name__}: {str(exc)[:200]}".rstrip(": ")


def retry_policy(total: int = RETRIES, max_rate_wait: float | None = None) -> GithubRetry:
    """Retry on 5xx, 429 and rate-limit 403s, for every method the app uses.

    ``total`` and ``max_rate_wait`` (seconds) bound it for a person waiting at a terminal
    (``doctor``); the worker keeps the defaults, since a review is worth the wait.
    """
    wait = float(os.environ.get("POLICY_REVIEWER_MAX_RATE_WAIT", 900))
    return _CountingRetry(
        total=total,
        backoff_factor=float(os.environ.get("POLICY_REVIEWER_BACKOFF", BACKOFF)),
        status_forcelist=[429, *range(500, 600)],
        allowed_methods={"GET", "POST", "PATCH", "PUT", "DELETE"},
        secondary_rate_wait=float(os.environ.get("POLICY_REVIEWER_SECONDARY_WAIT", 60)),
        max_rate_limit_wait=wait if max_rate_wait is None else min(wait, max_rate_wait),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


def installation_client(api_url: str, token: str) -> Github:
    """A client acting as one installation."""
    return Github(base_url=api_url, auth=Auth.Token(token), retry=retry_policy(),
                  timeout=TIMEOUT, per_page=100, lazy=True,
                  # Reads are not paced (a review makes a handful); writes keep GitHub's
                  # pace for content creation, about 80 a minute, so a pull request with
                  # hundreds of new findings is not stopped by its secondary rate limit.
                  seconds_between_requests=None,
                  seconds_between_writes=float(os.environ.get("POLICY_REVIEWER_WRITE_GAP", WRITE_GAP)))
