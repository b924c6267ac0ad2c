"""Commands people give the app: replies to its comments, and its check run's buttons.

A reply to one of the app's review comments that starts with ``/policy-reviewer`` is a
command: ``explain`` answers in the thread with the rule's rationale, fix and examples;
``accept <reason>`` records, for an approver, that this finding is accepted for the pull
request's current head commit, then reviews that commit again. The check run's "Accept"
button does the same for all of the commit's findings, "Re-run" reviews it again.

Approvers are members of the GitHub teams the organisation names (``approvers: {teams:
[...]}`` in its configuration). Anyone else gets a polite refusal, never an error. Nothing
here changes configuration, and nothing outlives the head commit it was given for.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, Mapping

from github import GithubException
from github.Repository import Repository

from reviewer.config.rulebook import RuleSpec
from reviewer.github import fetch
from reviewer.github.org import fetch_org_policies
from reviewer.jobs import acceptances
from reviewer.jobs.context import JobContext, repository
from reviewer.jobs.in_force import rules_in_force
from reviewer.jobs.queue import store
from reviewer.report.comments import inert, markers_in
from reviewer.web.payloads import COMMAND

log = logging.getLogger(__name__)

# Our comments open with "**severity** `rule-id`:" (reviewer.report.comments.body).
_RULE = re.compile(r"\*\*(?:error|warning|note)\*\* `([A-Za-z0-9_.-]{1,100})`")
MAX_EXAMPLE_LINES = 30
USAGE = ("I understand `/policy-reviewer explain` (why this rule exists and how to fix it) and "
         "`/policy-reviewer accept <reason>` (for approvers: accept this finding for the current "
         "commit).")


def run(payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Carry out one reply command or button click; answer in the thread or the pull request."""
    repo = repository(payload)
    owner = payload["repository"].split("/")[0]
    base = payload["base_sha"]
    config_text = fetch.read_with(repo._requester, repo.url, fetch.REPOSITORY_CONFIG, base)
    rule_texts = {}
    for path in fetch.list_rule_files(repo, base):
        text = fetch.read_with(repo._requester, repo.url, path, base)
        if text is not None:
            rule_texts[path] = text.decode("utf-8", "replace")
    org = fetch_org_policies(repo, owner)
    rules, config = rules_in_force(payload, org, None if config_text is None
                                   else config_text.decode("utf-8", "replace"), rule_texts)
    if payload["kind"] == "accept-all":
        return _accept_all(repo, payload, owner, config.approvers, ctx)
    root = _our_comment(repo, int(payload["thread_id"]))
    if root is None:
        return {"ignored": "not a reply to one of the app's comments"}
    words = payload["text"][len(COMMAND):].strip().split(None, 1) if payload["text"].startswith(COMMAND) else []
    verb = words[0].lower() if words else ""
    if verb == "explain":
        answer = explain(root["rule"], rules)
    elif verb == "accept":
        answer = _accept_one(repo, payload, owner, config.approvers, root,
                             words[1].strip() if len(words) > 1 else "", ctx)
    else:
        answer = USAGE
    _reply(repo, int(payload["number"]), int(payload["thread_id"]), answer)
    return {"command": verb or "unknown"}


def explain(rule_id: str | None, rules: Mapping[str, RuleSpec]) -> str:
    """The rule's title, rationale, fix and one failing and one passing example."""
    spec = rules.get(rule_id or "")
    if spec is None:
        return f"I do not know the rule `{inert(rule_id or '?')}` any more; it may have been removed."
    parts = [f"**`{spec.id}`: {inert(spec.title)}** ({spec.severity})", f"_Why:_ {inert(spec.rationale.strip())}"]
    if spec.fix:
        parts.append(f"_Fix:_ {inert(spec.fix.strip())}")
    for kind, label in (("fail", "Fails this rule"), ("pass", "Passes")):
        example = next((e for e in spec.examples.get(kind, []) if isinstance(e.get("content"), str)), None)
        if example is None:
            continue
        lines = example["content"].rstrip().splitlines()
        shown = "\n".join(lines[:MAX_EXAMPLE_LINES]) + ("\n# ..." if len(lines) > MAX_EXAMPLE_LINES else "")
        fence = "`" * max(3, _longest_backticks(shown) + 1)
        parts.append(f"{label} ({inert(str(example.get('name', '')))}):\n\n{fence}\n{inert(shown)}\n{fence}")
    return "\n\n".join(parts)


def _longest_backticks(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return longest


def _our_comment(repo: Repository, comment_id: int) -> dict[str, Any] | None:
    """The thread's first comment, if it is one of the app's: its fingerprint and rule."""
    try:
        _, data = repo._requester.requestJsonAndCheck("GET", f"{repo.url}/pulls/comments/{comment_id}")
    except GithubException as exc:
        if exc.status == 404:
            return None
        raise
    user = data.get("user") or {}
    body = data.get("body") or ""
    fingerprint = next(iter(markers_in(body)), None)
    if user.get("type") != "Bot" or fingerprint is None:
        return None
    rule = _RULE.match(body)
    return {"fingerprint": fingerprint, "rule": rule.group(1) if rule else None}


def is_approver(repo: Repository, org: str, teams: list[str], login: str) -> bool:
    """Is ``login`` an active member of one of the approver teams of ``org``?"""
    for team in teams:
        try:
            _, data = repo._requester.requestJsonAndCheck(
                "GET", f"/orgs/{org}/teams/{team}/memberships/{login}")
        except GithubException as exc:
            if exc.status == 404:
                continue  # not a member (or no such team)
            raise
        if isinstance(data, dict) and data.get("state") == "active":
            return True
    return False


def _refusal(login: str, owner: str, teams: list[str]) -> str:
    if not teams:
        return (f"Sorry @{login}, this organisation has not named approvers (`approvers: {{teams: "
                "[...]}}` in its policy-reviewer configuration), so findings cannot be accepted "
                "here. Fix the finding, or ask the organisation's admins.")
    named = ", ".join(f"@{owner}/{t}" for t in teams)
    return (f"Sorry @{login}, only members of {named} can accept findings. Nothing was changed; "
            "ask one of them to reply `/policy-reviewer accept <reason>` if the risk is acceptable.")


def _accept_one(repo: Repository, payload: dict[str, Any], owner: str, teams: list[str],
                root: dict[str, Any], reason: str, ctx: JobContext) -> str:
    login = payload["actor"]
    if not teams or not is_approver(repo, owner, teams, login):
        return _refusal(login, owner, teams)
    if not reason:
        return "Please say why: `/policy-reviewer accept <reason>`. The reason goes on the record."
    head = payload["head_sha"]
    store().add_note(acceptances.scope(payload), acceptances.note(acceptances.Acceptance(
        root["fingerprint"], head, login, reason[:acceptances.MAX_REASON], time.time(),
        rule=root["rule"] or "")))
    _review_again(payload, ctx)
    return (f"Accepted by @{login} for commit {head[:12]}: {inert(reason[:acceptances.MAX_REASON])}\n\n"
            "The check is run again for this commit; a new push is judged afresh.")


def _accept_all(repo: Repository, payload: dict[str, Any], owner: str, teams: list[str],
                ctx: JobContext) -> dict[str, Any]:
    login = payload["actor"]
    number = int(payload["number"])
    if not teams or not is_approver(repo, owner, teams, login):
        repo._requester.requestJsonAndCheck("POST", f"{repo.url}/issues/{number}/comments",
                                            input={"body": _refusal(login, owner, teams)})
        return {"accepted": False}
    store().add_note(acceptances.scope(payload), acceptances.note(acceptances.Acceptance(
        acceptances.ALL, payload["head_sha"], login, "accepted with the check run's Accept button",
        time.time())))
    _review_again(payload, ctx)
    return {"accepted": True}


def _review_again(payload: dict[str, Any], ctx: JobContext) -> None:
    review = {k: payload[k] for k in ("installation_id", "repository", "number", "head_sha", "base_sha")}
    ctx.submit(review, force=True)


def give_up(payload: dict[str, Any], error: str) -> None:
    """A command that kept failing: the person who gave it sees no answer; the log says why."""
    log.error("a command for %s#%s was set aside: %s", payload.get("repository"),
              payload.get("number"), error.splitlines()[0] if error else "")


def _reply(repo: Repository, number: int, thread_id: int, body: str) -> None:
    repo._requester.requestJsonAndCheck(
        "POST", f"{repo.url}/pulls/{number}/comments/{thread_id}/replies", input={"body": body})
