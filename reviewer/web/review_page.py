"""The review page: ``GET /reviews/{owner}/{repo}/{number}``, behind GitHub sign-in
(reviewer.web.sign_in).

The page asks GitHub, with the person's token, whether they can read the repository, on
every view: someone removed from a repository loses the page at once. Anyone who cannot
read it gets the same 404 as for a repository that does not exist. Owner and repository are
GitHub's names, whatever their case in the address (the records are kept under GitHub's own
spelling). The page never contradicts the pull request: it shows the latest head's state
(being reviewed, could not be reviewed, reviewed) first, and the last completed review below,
marked as an older commit's when it is one.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlencode

import requests
from flask import Blueprint, current_app, redirect, session

from reviewer.web.page_html import message_page, page
from reviewer.web.responses import html, not_found
from reviewer.web.sign_in import csrf_token, signed_in

log = logging.getLogger(__name__)
blueprint = Blueprint("review_page", __name__)

_FULL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,38}/(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}")
TIMEOUT = 10
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
    asked = f"{owner}/{repo}"
    if settings is None or not _FULL_NAME.fullmatch(asked) or number <= 0:
        return not_found()
    who = signed_in()
    if who is None:
        return redirect("/login?" + urlencode({"next": f"/reviews/{asked}/{number}"}), 302)
    login, token = who
    try:
        answer = requests.get(f"{settings.api_url}/repos/{asked}", timeout=TIMEOUT,
                              headers={"Authorization": f"token {token}",
                                       "Accept": "application/vnd.github+json"})
    except requests.RequestException as exc:
        log.warning("could not ask GitHub whether %s may read %s: %s", login, asked, type(exc).__name__)
        return html(message_page("GitHub did not answer", "Try again in a moment."), 503)
    if answer.status_code == 401:
        session.clear()  # the token was revoked or expired: sign in again
        return redirect("/login?" + urlencode({"next": f"/reviews/{asked}/{number}"}), 302)
    if answer.status_code != 200:
        return not_found()
    try:
        canonical = answer.json().get("full_name")
    except ValueError:
        canonical = None
    # GitHub's names are case-insensitive; records are kept under GitHub's spelling.
    full_name = canonical if isinstance(canonical, str) and _FULL_NAME.fullmatch(canonical) \
        and canonical.lower() == asked.lower() else asked
    from reviewer.jobs.queue import store
    from reviewer.jobs.store import pull_scope

    records = store().notes(pull_scope("review", full_name, number))
    states = store().notes(pull_scope("state", full_name, number))
    state = states[-1] if states else None
    if not records and state is None:
        return html(message_page("No review yet", "policy-reviewer has not reviewed this pull "
                                 "request yet; the page appears with its first review."), 404)
    record = records[-1] if records else None
    impact = store().notes(pull_scope("impact", full_name, number))
    if record is not None and impact and impact[-1].get("head") == record.get("head"):
        # A rule change's effect on every repository: each private one only to those who
        # can read it.
        results = visible_results(impact[-1].get("results") or [], token, settings.api_url)
        from reviewer.jobs.impact_plan import headline

        hidden = len(impact[-1].get("results") or []) - len(results)
        record = {**record, "impact": {"results": results, "headline": headline(results), "hidden": hidden}}
    links = {"web": settings.web_url.rstrip("/"), "repository": full_name, "number": number}
    return html(page(record, state, login, csrf_token(), links))
