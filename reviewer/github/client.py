"""PyGithub clients pointed at GITHUB_API_URL, with GitHub's retry rules."""

from __future__ import annotations

import os

from github import Auth, Github, GithubRetry

# Retries: 5xx and timeouts with exponential backoff; primary rate limits (403 with
# x-ratelimit-reset) and secondary ones (429/403 with Retry-After) wait as GitHub asks.
# https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
RETRIES = 8
BACKOFF = 0.3
TIMEOUT = 20


def retry_policy() -> GithubRetry:
    """Retry on 5xx, 429 and rate-limit 403s, for every method the app uses."""
    return GithubRetry(
        total=RETRIES,
        backoff_factor=float(os.environ.get("POLICY_REVIEWER_BACKOFF", BACKOFF)),
        status_forcelist=[429, *range(500, 600)],
        allowed_methods={"GET", "POST", "PATCH", "PUT", "DELETE"},
        secondary_rate_wait=float(os.environ.get("POLICY_REVIEWER_SECONDARY_WAIT", 60)),
        max_rate_limit_wait=float(os.environ.get("POLICY_REVIEWER_MAX_RATE_WAIT", 900)),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


def installation_client(api_url: str, token: str) -> Github:
    """A client acting as one installation."""
    return Github(base_url=api_url, auth=Auth.Token(token), retry=retry_policy(),
                  timeout=TIMEOUT, per_page=100)
