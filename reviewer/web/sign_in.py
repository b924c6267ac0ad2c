"""Signing in to the review page with GitHub, and out again.

Sign-in is GitHub's OAuth web flow with the app's own client (GITHUB_CLIENT_ID and
GITHUB_CLIENT_SECRET). The session is Flask's signed cookie (SECRET_KEY, SameSite=Lax); the
person's token in it is encrypted as well, so the cookie never shows it. Each session has an
id the server keeps while it is valid: signing out forgets it, so a cookie copied before
sign-out opens nothing afterwards. Signing in and out are POSTs carrying a token from this
site's own form, so another site can trigger neither (a cross-site GET only shows a button).
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
from flask import Blueprint, current_app, redirect, request, session

from reviewer.web.page_html import button_page, message_page
from reviewer.web.responses import html, not_found

log = logging.getLogger(__name__)
blueprint = Blueprint("sign_in", __name__)

_NEXT = re.compile(r"/reviews/[A-Za-z0-9_-]{1,39}/[A-Za-z0-9._-]{1,100}/[0-9]{1,10}")
TIMEOUT = 10
SESSION_HOURS = 8  # GitHub's user tokens for apps expire after 8 hours


def _cipher() -> Fernet:
    key = hashlib.sha256(b"policy-reviewer user token\0" + current_app.config["PAGE"].secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _alive(sid: str) -> bool:
    from reviewer.jobs.queue import store

    try:
        return store().known("session:" + sid)
    except Exception:  # noqa: BLE001 - the store is down: nobody is signed in
        log.warning("could not check a page session in the store")
        return False


def signed_in() -> tuple[str, str] | None:
    """(login, GitHub token) of the person signed in to this browser, if any."""
    sealed, login, sid = session.get("token"), session.get("login"), session.get("sid")
    if not isinstance(sealed, str) or not isinstance(login, str) or not isinstance(sid, str):
        return None
    if time.time() - float(session.get("since", 0)) > SESSION_HOURS * 3600 or not _alive(sid):
        return None
    try:
        return login, _cipher().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def csrf_token() -> str:
    """This browser's token for the site's own forms (made once per session)."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        session["csrf"] = token
    return token


def _form_ok() -> bool:
    expected, given = session.get("csrf"), request.form.get("csrf", "")
    return isinstance(expected, str) and bool(given) and secrets.compare_digest(expected, given)


@blueprint.get("/login")
def login_page() -> Any:
    """A button that starts sign-in: a link from anywhere changes nothing by itself."""
    if current_app.config.get("PAGE") is None:
        return not_found()
    target = request.args.get("next", "")
    target = target if _NEXT.fullmatch(target) else ""
    return html(button_page("Sign in", "Sign in with GitHub to see this review; the page asks "
                            "GitHub whether you can read the repository.", "/login",
                            "Sign in with GitHub", csrf_token(), {"next": target}))


@blueprint.post("/login")
def login() -> Any:
    """Send the person to GitHub to sign in; they come back to /oauth/callback."""
    settings = current_app.config.get("PAGE")
    if settings is None:
        return not_found()
    if not _form_ok():
        return html(message_page("Sign-in refused", "This sign-in did not start on this site's "
                                 "own page. Open the review again."), 403)
    target = request.form.get("next", "")
    state = secrets.token_urlsafe(24)
    session.clear()
    session["state"] = state
    # Only a review page may be the destination: no open redirect through this app.
    session["next"] = target if _NEXT.fullmatch(target) else ""
    query = urlencode({"client_id": settings.client_id, "state": state,
                       "redirect_uri": f"{settings.public_url}/oauth/callback"})
    return redirect(f"{settings.web_url}/login/oauth/authorize?{query}", 303)


@blueprint.get("/oauth/callback")
def callback() -> Any:
    """GitHub sends the person back with a code; trade it for their token."""
    settings = current_app.config.get("PAGE")
    if settings is None:
        return not_found()
    state, code = request.args.get("state", ""), request.args.get("code", "")
    expected = session.get("state")
    if not isinstance(expected, str) or not code or not secrets.compare_digest(state, expected):
        return html(message_page("Sign-in failed", "The sign-in could not be matched to this "
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
        login_name = user.json().get("login") if user is not None and user.status_code == 200 else None
    except (requests.RequestException, ValueError) as exc:
        log.warning("GitHub sign-in failed: %s", type(exc).__name__)
        return html(message_page("Sign-in failed", "GitHub did not answer; try again."), 503)
    if not token or not isinstance(login_name, str):
        return html(message_page("Sign-in failed", "GitHub did not accept the sign-in."), 400)
    from reviewer.jobs.queue import store

    sid = secrets.token_urlsafe(24)
    store().claim_delivery("session:" + sid)
    target = session.get("next") or ""
    session.clear()
    session.update(login=login_name, token=_cipher().encrypt(token.encode()).decode(),
                   since=time.time(), sid=sid)
    return redirect(target or "/signed-in", 302)


@blueprint.get("/signed-in")
def signed_in_page() -> Any:
    who = signed_in()
    return html(message_page("Signed in", f"Signed in as {who[0]}. Open a review from a pull "
                             "request's policy-reviewer check." if who else "Not signed in."))


@blueprint.get("/logout")
def logout_page() -> Any:
    """A button that signs out: a link from another site signs nobody out."""
    if current_app.config.get("PAGE") is None:
        return not_found()
    return html(button_page("Sign out", "Sign out of policy-reviewer in this browser.", "/logout",
                            "Sign out", csrf_token(), {}))


@blueprint.post("/logout")
def logout() -> Any:
    """End the session here and on the server: the cookie opens nothing any more."""
    if not _form_ok():
        return html(message_page("Sign-out refused", "This sign-out did not come from this "
                                 "site's own page."), 403)
    sid = session.get("sid")
    if isinstance(sid, str):
        from reviewer.jobs.queue import store

        store().release_delivery("session:" + sid)
    session.clear()
    return html(message_page("Signed out", "You are signed out of policy-reviewer."))
