"""Read how the app is wired on GitHub, for ``policy-reviewer doctor``.

As the app (a JWT): the app's permissions and events, its webhook configuration, recent
deliveries and its installations. As each installation (its token): whether the
organisation's ``.github`` repository is visible, and for each repository the rules and
branch protection of its default branch. Everything read becomes plain data
(``reviewer.doctor.answers``); the verdicts are ``reviewer.doctor``'s.

A person is waiting at a terminal, so retries are few and rate-limit waits short; a read that
still fails becomes ``Unreadable`` ("could not check") and the rest goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import quote

import requests
from github import Auth, Github, GithubException

from reviewer.doctor.answers import (AppAnswer, Delivery, HookAnswer, InstallationAnswer, RepoAnswer,
                                     StatusChecks, Unreadable, Wiring)
from reviewer.github.auth import app_jwt
from reviewer.github.client import TIMEOUT, retry_policy
from reviewer.github.org import ORG_REPOSITORY
from reviewer.github.publish import CHECK_NAME
from reviewer.github.settings import AppSettings

# Bounds: one page of each listing (GitHub's largest page is 100).
MAX_INSTALLATIONS = 100
MAX_REPOSITORIES = 100
RECENT_DELIVERIES = 100
# A failing read is tried this many more times (5xx, 429, rate limits), then reported.
RETRIES = 2
RATE_WAIT = 30.0
# Repositories read at once (two calls each); each thread has its own client.
PARALLEL = 8

T = TypeVar("T")


def read_wiring(settings: AppSettings, *, public_url: str | None = None,
                client_id: str | None = None) -> Wiring:
    """Everything doctor judges, read from GitHub; failed reads are ``Unreadable``."""
    app = _attempt(lambda: _app(settings))
    installations = _attempt(lambda: _installations(settings))
    answers: list[InstallationAnswer] | Unreadable
    more = False
    if isinstance(installations, Unreadable):
        answers = installations
    else:
        listed, more = installations
        answers = [_installation(settings, raw) for raw in listed]
    return Wiring(api_url=settings.api_url, app=app, hook=_attempt(lambda: _hook(settings)),
                  deliveries=_attempt(lambda: _deliveries(settings)), installations=answers,
                  more_installations=more, public_url=public_url, client_id=client_id,
                  check_name=CHECK_NAME, app_id=settings.app_id)


# ----------------------------------------------------------------------------- as the app


def _as_app(settings: AppSettings) -> Any:
    """A requester signed with a fresh JWT (a doctor run may outlast one JWT's 9 minutes)."""
    client = Github(base_url=settings.api_url, retry=retry_policy(RETRIES, RATE_WAIT), timeout=TIMEOUT,
                    auth=Auth.AppAuthToken(app_jwt(settings.app_id, settings.private_key)))
    return client.requester


def _app(settings: AppSettings) -> AppAnswer:
    # https://docs.github.com/en/rest/apps/apps#get-the-authenticated-app
    _, data = _as_app(settings).requestJsonAndCheck("GET", "/app")
    return AppAnswer(id=int(data["id"]), slug=str(data.get("slug") or ""), client_id=data.get("client_id"),
                     permissions=dict(data.get("permissions") or {}), events=list(data.get("events") or []))


def _hook(settings: AppSettings) -> HookAnswer:
    # https://docs.github.com/en/rest/apps/webhooks#get-a-webhook-configuration-for-an-app
    _, data = _as_app(settings).requestJsonAndCheck("GET", "/app/hook/config")
    # GitHub gives insecure_ssl as "0"/"1", sometimes as a number.
    return HookAnswer(url=str(data.get("url") or ""), insecure_ssl=str(data.get("insecure_ssl", "0")) == "1")


def _deliveries(settings: AppSettings) -> list[Delivery]:
    # https://docs.github.com/en/rest/apps/webhooks#list-deliveries-for-an-app-webhook (newest first)
    _, data = _as_app(settings).requestJsonAndCheck(
        "GET", "/app/hook/deliveries", parameters={"per_page": RECENT_DELIVERIES})
    return [Delivery(id=int(d.get("id") or 0), guid=str(d.get("guid") or ""), event=str(d.get("event") or ""),
                     action=d.get("action"), status_code=int(d.get("status_code") or 0),
                     status=str(d.get("status") or ""), delivered_at=str(d.get("delivered_at") or ""))
            for d in data or []]


def _installations(settings: AppSettings) -> tuple[list[dict[str, Any]], bool]:
    # https://docs.github.com/en/rest/apps/apps#list-installations-for-the-authenticated-app
    headers, data = _as_app(settings).requestJsonAndCheck(
        "GET", "/app/installations", parameters={"per_page": MAX_INSTALLATIONS})
    return list(data or []), 'rel="next"' in (headers.get("link") or "")


def _token(settings: AppSettings, installation_id: int) -> str:
    # Not the worker's cached tokens: those retry for minutes, and doctor should answer now.
    _, grant = _as_app(settings).requestJsonAndCheck(
        "POST", f"/app/installations/{installation_id}/access_tokens")
    return str(grant["token"])


# ----------------------------------------------------------------------------- as an installation


def _as_installation(settings: AppSettings, token: str) -> Any:
    client = Github(base_url=settings.api_url, auth=Auth.Token(token), retry=retry_policy(RETRIES, RATE_WAIT),
                    timeout=TIMEOUT)
    return client.requester


def _installation(settings: AppSettings, raw: dict[str, Any]) -> InstallationAnswer:
    account = raw.get("account") or {}
    answer = InstallationAnswer(
        id=int(raw["id"]), account=str(account.get("login") or account.get("slug") or "?"),
        account_type=str(raw.get("target_type") or account.get("type") or ""),
        selection=str(raw.get("repository_selection") or "all"),
        permissions=dict(raw.get("permissions") or {}), events=list(raw.get("events") or []),
        html_url=raw.get("html_url"), suspended=bool(raw.get("suspended_at")))
    token = _attempt(lambda: _token(settings, answer.id))
    if isinstance(token, Unreadable):
        answer.repos = token
        answer.org_repo = token if answer.account_type == "Organization" else None
        return answer
    requester = _as_installation(settings, token)
    if answer.account_type == "Organization":
        # https://docs.github.com/en/rest/repos/repos#get-a-repository: 404 when not visible.
        answer.org_repo = _attempt(lambda: _found(requester, f"/repos/{answer.account}/{ORG_REPOSITORY}"))
    listed = _attempt(lambda: _repositories(requester))
    if isinstance(listed, Unreadable):
        answer.repos = listed
        return answer
    repos, answer.total_repos = listed
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        answer.repos = list(pool.map(lambda r: _repository(settings, token, r), repos))
    return answer


def _repositories(requester: Any) -> tuple[list[dict[str, Any]], int]:
    # https://docs.github.com/en/rest/apps/installations#list-repositories-accessible-to-the-app-installation
    _, data = requester.requestJsonAndCheck("GET", "/installation/repositories",
                                            parameters={"per_page": MAX_REPOSITORIES})
    repos = list(data.get("repositories") or [])[:MAX_REPOSITORIES]
    return repos, int(data.get("total_count") or len(repos))


def _repository(settings: AppSettings, token: str, raw: dict[str, Any]) -> RepoAnswer:
    """The active rules and the branch protection of one repository's default branch."""
    requester = _as_installation(settings, token)  # its own client: one per thread
    full_name, branch = str(raw["full_name"]), str(raw.get("default_branch") or "main")
    answer = RepoAnswer(full_name=full_name, default_branch=branch, archived=bool(raw.get("archived")))
    if answer.archived:
        return answer
    quoted = quote(branch, safe="")
    # https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch (Metadata: read is enough)
    answer.rules = _attempt(lambda: list(requester.requestJsonAndCheck(
        "GET", f"/repos/{full_name}/rules/branches/{quoted}", parameters={"per_page": 100})[1] or []))
    answer.protection = _attempt(lambda: _protection(requester, full_name, quoted))
    return answer


def _protection(requester: Any, full_name: str, quoted: str) -> StatusChecks | None:
    # https://docs.github.com/en/rest/branches/branch-protection#get-status-checks-protection
    # (needs Administration: read; 404 when the branch is not protected or requires no checks)
    try:
        _, data = requester.requestJsonAndCheck(
            "GET", f"/repos/{full_name}/branches/{quoted}/protection/required_status_checks")
    except GithubException as exc:
        if exc.status == 404:
            return None
        raise
    checks = [(str(c.get("context")), c.get("app_id")) for c in data.get("checks") or []]
    named = {context for context, _ in checks}
    # "contexts" is the older list: a name there and not in "checks" comes from any source.
    checks += [(str(c), None) for c in data.get("contexts") or [] if c not in named]
    return StatusChecks(checks)


def _found(requester: Any, path: str) -> bool:
    try:
        requester.requestJsonAndCheck("GET", path)
    except GithubException as exc:
        if exc.status == 404:
            return False
        raise
    return True


# ----------------------------------------------------------------------------- failures


def _attempt(read: Callable[[], T]) -> T | Unreadable:
    """``read()``, or why it failed (never the request's headers: they carry the credentials)."""
    try:
        return read()
    except GithubException as exc:
        return Unreadable(exc.status, _reason(exc))
    except requests.RequestException as exc:
        return Unreadable(0, f"no answer from GitHub ({type(exc).__name__})")


def _reason(exc: GithubException) -> str:
    message = exc.data.get("message") if isinstance(exc.data, dict) else None
    status = exc.status
    if status in (403, 429) and message and "rate limit" in str(message).lower():
        return f"GitHub's rate limit ({status}); try again after it resets"
    if status >= 500:
        return f"GitHub answered {status} (after {RETRIES} retries)"
    return f"GitHub answered {status}" + (f": {str(message)[:200]}" if message else "")
