"""The review page: ``GET /reviews/{owner}/{repo}/{number}``, behind GitHub sign-in.

Sign-in is GitHub's OAuth web flow with the app's own client (GITHUB_CLIENT_ID and
GITHUB_CLIENT_SECRET). The page then asks GitHub, with the person's token, whether they can
read the repository, on every view: someone removed from a repository loses the page at
once. Anyone who cannot read it gets the same 404 as for a repository that does not exist.
The session is Flask's signed cookie (SECRET_KEY); the person's token in it is encrypted
as well, so the cookie never shows it. Pages are ``Cache-Control: private, no-store``.
https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import requests
from cryptography.fernet import Fernet, InvalidToken
from flask import Blueprint, Response, current_app, redirect, request, session

from reviewer.web.page_html import message_page, page

log = logging.getLogger(__name__)
blueprint = Blueprint("review_page", __name__)

_FULL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,38}/(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}")
_NEXT = re.compile(r"/reviews/[A-Za-z0-9_-]{1,39}/[A-Za-z0-9._-]{1,100}/[0-9]{1,10}")
TIMEOUT = 10
SESSION_HOURS = 8  # GitHub's user tokens for apps expire after 8 hours


def _html(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    # The page is one person's view: no shared cache may keep it for someone else.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Vary"] = "Cookie"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # frame-ancestors: no other site may frame the page (and trick a click on it).
    response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; "
                                                   "form-action 'self'; frame-ancestors 'none'")
    response.headers["X-Frame-Options"] = "DENY"  # the same, for browsers without CSP 2
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _not_found() -> Response:
    return _html(message_page("Not found", "There is no review here, or you cannot see it."), 404)


def _cipher() -> Fernet:
    key = hashlib.sha256(b"policy-reviewer user token\0" + current_app.config["PAGE"].secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _token() -> str | None:
    sealed = session.get("token")
    if not isinstance(sealed, str) or time.time() - float(session.get("since", 0)) > SESSION_HOURS * 3600:
        return None
    try:
        return _cipher().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None


# Private repositories whose impact a viewer may see, asked of GitHub per page view.
MAX_ACCESS_CHECKS = 30


def visible_results(results: list[Any], token: str, api_url: str) -> list[dict[str, Any]]:
    """The impact results a viewer may see: public repositories, and private ones GitHub
    says they can read (the first MAX_ACCESS_CHECKS with something to show)."""
    from concurrent.futures import ThreadPoolExecutor

    items = [r for r in results if isinstance(r, dict) and isinstance(r.get("repo"), str)
             and _FULL_NAME.fullmatch(r["repo"])]
    private = [r for r in items if r.get("private") is not False
               and (r.get("error") or r.get("added_count") or r.get("removed_count"))][:MAX_ACCESS_CHECKS]

    def readable(item: dict[str, Any]) -> bool:
        try:
            answer = requests.get(f"{api_url}/repos/{item['repo']}", timeout=TIMEOUT,
                                  headers={"Authorization": f"token {token}",
                                           "Accept": "application/vnd.github+json"})
        except requests.RequestException:
            return False
        return answer.status_code == 200

    with ThreadPoolExecutor(max_workers=8) as pool:
        allowed = {item["repo"] for item, ok in zip(private, pool.map(readable, private)) if ok}
    return [r for r in items if r.get("private") is False or r["repo"] in allowed]


@blueprint.get("/reviews/<owner>/<repo>/<int:number>")
def review(owner: str, repo: str, number: int) -> Any:
    """The latest review of a pull request, for people who can read its repository."""
    settings = current_app.config.get("PAGE")
    full_name = f"{owner}/{repo}"
    if settings is None or not _FULL_NAME.fullmatch(full_name) or number <= 0:
        return _not_found()
    token, login = _token(), session.get("login")
    if not token or not isinstance(login, str):
        return redirect("/login?" + urlencode({"next": f"/reviews/{full_name}/{number}"}), 302)
    try:
        answer = requests.get(f"{settings.api_url}/repos/{full_name}", timeout=TIMEOUT,
                              headers={"Authorization": f"token {token}",
                                       "Accept": "application/vnd.github+json"})
    except requests.RequestException as exc:
        log.warning("could not ask GitHub whether %s may read %s: %s", login, full_name, type(exc).__name__)
        return _html(message_page("GitHub did not answer", "Try again in a moment."), 503)
    if answer.status_code == 401:
        session.clear()  # the token was revoked or expired: sign in again
        return redirect("/login?" + urlencode({"next": f"/reviews/{full_name}/{number}"}), 302)
    if answer.status_code != 200:
        return _not_found()
    from reviewer.jobs.queue import store
    from reviewer.jobs.store import pull_scope

    records = store().notes(pull_scope("review", full_name, number))
    if not records:
        return _html(message_page("No review yet", "policy-reviewer has not reviewed this pull "
                                  "request yet; the page appears with its first review."), 404)
    record = records[-1]
    impact = store().notes(pull_scope("impact", full_name, number))
    if impact and impact[-1].get("head") == record.get("head"):
        # A rule change's effect on every repository: each private one only to those who
        # can read it.
        results = visible_results(impact[-1].get("results") or [], token, settings.api_url)
        from reviewer.jobs.impact_plan import headline

        hidden = len(impact[-1].get("results") or []) - len(results)
        record = {**record, "impact": {"results": results, "headline": headline(results), "hidden": hidden}}
    return _html(page(record, login, "/logout"))


@blueprint.get("/login")
def login() -> Any:
    """Send the person to GitHub to sign in; they come back to /oauth/callback."""
    settings = current_app.config.get("PAGE")
    if settings is None:
        return _not_found()
    target = request.args.get("next", "")
    state = secrets.token_urlsafe(24)
    session.clear()
    session["state"] = state
    # Only a review page may be the destination: no open redirect through this app.
    session["next"] = target if _NEXT.fullmatch(target) else ""
    query = urlencode({"client_id": settings.client_id, "state": state,
                       "redirect_uri": f"{settings.public_url}/oauth/callback"})
    return redirect(f"{settings.web_url}/login/oauth/authorize?{query}", 302)


@blueprint.get("/oauth/callback")
def callback() -> Any:
    """GitHub sends the person back with a code; trade it for their token."""
    settings = current_app.config.get("PAGE")
    if settings is None:
        return _not_found()
    state, code = request.args.get("state", ""), request.args.get("code", "")
    expected = session.get("state")
    if not isinstance(expected, str) or not code or not secrets.compare_digest(state, expected):
        return _html(message_page("Sign-in failed", "The sign-in could not be matched to this "
                                  "browser (it may have expired). Open the review again."), 400)
    try:
        answer = requests.post(f"{settings.web_url}/login/oauth/access_token", timeout=TIMEOUT,
                               headers={"Accept": "application/json"},
                               data={"client_id": settings.client_id, "client_secret": settings.client_secret,
                                     "code": code, "redirect_uri": f"{settings.public_url}/oauth/callback"})
        token = answer.json().get("access_token") if answer.status_code == 200 else None
        user = requests.get(f"{settings.api_url}/user", timeout=TIMEOUT,
                            headers={"Authorization": f"token {token}",
                                     "Accept": "application/vnd.github+json"}) if token else None
        login = user.json().get("login") if user is not None and user.status_code == 200 else None
    except (requests.RequestException, ValueError) as exc:
        log.warning("GitHub sign-in failed: %s", type(exc).__name__)
        return _html(message_page("Sign-in failed", "GitHub did not answer; try again."), 503)
    if not token or not isinstance(login, str):
        return _html(message_page("Sign-in failed", "GitHub did not accept the sign-in."), 400)
    target = session.get("next") or ""
    session.clear()
    session.update(login=login, token=_cipher().encrypt(token.encode()).decode(), since=time.time())
    return redirect(target or "/signed-in", 302)


@blueprint.get("/signed-in")
def signed_in() -> Any:
    login = session.get("login")
    return _html(message_page("Signed in", f"Signed in as {login}. Open a review from a pull "
                              "request's policy-reviewer check." if isinstance(login, str) else "Not signed in."))


@blueprint.get("/logout")
def logout() -> Any:
    session.clear()
    return _html(message_page("Signed out", "You are signed out of policy-reviewer."))
