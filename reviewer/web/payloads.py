"""Webhook payloads: parse, validate and turn into review jobs.

A signed delivery is still data from the network. Every value a job carries ends up in a
GitHub API path (`/repos/{owner}/{name}/pulls/{number}`, `/app/installations/{id}/...`) or
in a git expression (`{sha}:{path}`), so each is checked here, before anything is queued:
the repository is `owner/name` in GitHub's own characters, numbers are positive integers,
commits are 40 (SHA-1) or 64 (SHA-256) hex digits. Anything else is BadPayload (400).
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

PULL_REQUEST_ACTIONS = {"opened", "synchronize", "reopened", "ready_for_review"}

# Owners: letters, digits, hyphens (and underscores, which Enterprise Managed Users' handles
# carry), at most 39 characters. Repositories: letters, digits, '.', '-', '_', at most 100,
# never "." or "..". https://docs.github.com/en/repositories/creating-and-managing-repositories
_FULL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,38}/(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}")
_SHA = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
# GitHub's ids and pull request numbers are far below this; a bigger one is not GitHub's.
_MAX_ID = 2 ** 53


class BadPayload(ValueError):
    """The delivery is signed but not a payload we can act on; the message names the field."""


def parse(body: bytes) -> dict[str, Any]:
    """The JSON object of a delivery; BadPayload for anything else."""
    try:
        payload = json.loads(body)
    except RecursionError:
        # Python's JSON parser recurses once per nesting level.
        raise BadPayload("JSON nested too deeply") from None
    except ValueError:  # also UnicodeDecodeError
        raise BadPayload("body is not JSON") from None
    if not isinstance(payload, dict):
        raise BadPayload("body is not a JSON object")
    return payload


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadPayload(f"{where} is not an object")
    return value


def _positive_int(value: Any, where: str) -> int:
    # bool is an int in Python; `true` is not a pull request number.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < _MAX_ID:
        raise BadPayload(f"{where} is not a positive integer")
    return value


def _sha(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _SHA.fullmatch(value):
        raise BadPayload(f"{where} is not a commit sha (40 or 64 hex digits)")
    return value.lower()  # one job per commit, however it was spelled


def _full_name(payload: dict[str, Any]) -> str:
    name = _object(payload.get("repository"), "repository").get("full_name")
    if not isinstance(name, str) or not _FULL_NAME.fullmatch(name):
        raise BadPayload("repository.full_name is not owner/name")
    return name


def _job(payload: dict[str, Any], number: int, head: str, base: str,
         force: bool = False, same_repository: bool = False) -> dict[str, Any]:
    installation = _object(payload.get("installation"), "installation")
    return {"installation_id": _positive_int(installation.get("id"), "installation.id"),
            "repository": _full_name(payload), "number": number,
            "head_sha": head, "base_sha": base, "force": force,
            "same_repository": same_repository}


def _same_repository(pr: dict[str, Any]) -> bool:
    """Does the pull request come from a branch of the repository itself (not a fork)?
    Unknown counts as no: work that reads other repositories is only done for insiders."""
    head, base = pr.get("head"), pr.get("base")
    if not isinstance(head, dict) or not isinstance(base, dict):
        return False
    head_repo, base_repo = head.get("repo"), base.get("repo")
    if not isinstance(head_repo, dict) or not isinstance(base_repo, dict):
        return False
    ids = head_repo.get("id"), base_repo.get("id")
    return isinstance(ids[0], int) and ids[0] == ids[1]


def _action(payload: dict[str, Any]) -> str:
    action = payload.get("action")
    return action if isinstance(action, str) else ""


def _linked_pulls(payload: dict[str, Any], container: dict[str, Any], where: str,
                  head: str, force: bool) -> list[dict[str, Any]]:
    """Jobs for the pull requests a check run or suite lists (none for a push to a branch)."""
    prs = container.get("pull_requests") or []
    if not isinstance(prs, list):
        raise BadPayload(f"{where}.pull_requests is not a list")
    jobs = []
    for pr in prs:
        pr = _object(pr, f"{where}.pull_requests[]")
        base = _object(pr.get("base"), f"{where}.pull_requests[].base").get("sha")
        jobs.append(_job(payload, _positive_int(pr.get("number"), f"{where}.pull_requests[].number"),
                         head, _sha(base, f"{where}.pull_requests[].base.sha"), force,
                         _same_repository(pr)))
    return jobs


def pull_request_jobs(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """`pull_request`: review on opened, synchronize, reopened, ready_for_review."""
    action = _action(payload)
    if action not in PULL_REQUEST_ACTIONS:
        return []
    pr = _object(payload.get("pull_request"), "pull_request")
    if pr.get("draft") and action != "ready_for_review":
        return []  # drafts are reviewed once they are ready
    number = _positive_int(pr.get("number"), "pull_request.number")
    head = _sha(_object(pr.get("head"), "pull_request.head").get("sha"), "pull_request.head.sha")
    base = _sha(_object(pr.get("base"), "pull_request.base").get("sha"), "pull_request.base.sha")
    return [_job(payload, number, head, base, same_repository=_same_repository(pr))]


def check_run_jobs(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """`check_run` `rerequested`, or its "Re-run" button: review again, even a commit
    already reviewed. Its "Accept" button: an approver accepts the commit's findings."""
    action = _action(payload)
    if action not in ("rerequested", "requested_action"):
        return []
    run = _object(payload.get("check_run"), "check_run")
    head = _sha(run.get("head_sha"), "check_run.head_sha")
    if action == "rerequested":
        return _linked_pulls(payload, run, "check_run", head, force=True)
    button = _object(payload.get("requested_action"), "requested_action").get("identifier")
    if button == RERUN:
        return _linked_pulls(payload, run, "check_run", head, force=True)
    if button != ACCEPT:
        return []  # another app's button, or one we no longer offer
    jobs = _linked_pulls(payload, run, "check_run", head, force=False)
    for job in jobs:
        job.update(kind="accept-all", actor=_login(payload),
                   ref=f"{_positive_int(run.get('id'), 'check_run.id')}:{_login(payload)}")
    return jobs


# The check run's buttons (identifiers at most 20 characters).
ACCEPT, RERUN = "accept", "rerun"
COMMAND = "/policy-reviewer"
MAX_COMMAND_TEXT = 65_536  # GitHub's longest comment: a reason is kept whole or visibly cut, by us
_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38}|[A-Za-z0-9_-]{0,30}\[bot\])")


def _login(payload: dict[str, Any]) -> str:
    login = _object(payload.get("sender"), "sender").get("login")
    if not isinstance(login, str) or not _LOGIN.fullmatch(login):
        raise BadPayload("sender.login is not a GitHub login")
    return login


def review_comment_jobs(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """`pull_request_review_comment` `created`: a reply that starts with ``/policy-reviewer``
    is a command for the app (``explain``, ``accept <reason>``); anything else is people's."""
    if _action(payload) != "created":
        return []
    comment = _object(payload.get("comment"), "comment")
    text = comment.get("body")
    parent = comment.get("in_reply_to_id")
    if not isinstance(text, str) or not text.lstrip().startswith(COMMAND) or parent is None:
        return []
    sender = _object(payload.get("sender"), "sender")
    if sender.get("type") == "Bot":
        return []  # never answer a bot, ourselves included
    pr = _object(payload.get("pull_request"), "pull_request")
    number = _positive_int(pr.get("number"), "pull_request.number")
    head = _sha(_object(pr.get("head"), "pull_request.head").get("sha"), "pull_request.head.sha")
    base = _sha(_object(pr.get("base"), "pull_request.base").get("sha"), "pull_request.base.sha")
    job = _job(payload, number, head, base)
    job.update(kind="command", actor=_login(payload), text=text.strip()[:MAX_COMMAND_TEXT],
               comment_id=_positive_int(comment.get("id"), "comment.id"),
               thread_id=_positive_int(parent, "comment.in_reply_to_id"),
               ref=str(_positive_int(comment.get("id"), "comment.id")))
    return [job]


def check_suite_jobs(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """`check_suite` `requested` / `rerequested` (the latter forces a new review)."""
    action = _action(payload)
    if action not in ("requested", "rerequested"):
        return []
    suite = _object(payload.get("check_suite"), "check_suite")
    head = _sha(suite.get("head_sha"), "check_suite.head_sha")
    return _linked_pulls(payload, suite, "check_suite", head, force=action == "rerequested")


MERGE_GROUP_KIND = "merge-group"
CANCEL_KIND = "cancel"
_QUEUE_REF = re.compile(r"refs/heads/gh-readonly-queue/.{1,255}/pr-([0-9]{1,10})-[0-9a-f]{40}")


def merge_group_jobs(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """`merge_group` `checks_requested`: review the queue's commit against its base and report
    the required check on it. `destroyed`: the entry left the queue; its review, if not
    started yet, is cancelled."""
    action = _action(payload)
    if action not in ("checks_requested", "destroyed"):
        return []
    group = _object(payload.get("merge_group"), "merge_group")
    head = _sha(group.get("head_sha"), "merge_group.head_sha")
    base = _sha(group.get("base_sha"), "merge_group.base_sha")
    head_ref = group.get("head_ref")
    if not isinstance(head_ref, str) or len(head_ref) > 400:
        raise BadPayload("merge_group.head_ref is not a ref")
    match = _QUEUE_REF.fullmatch(head_ref)
    number = int(match.group(1)) if match else 0  # names the job; 0 when the ref is unusual
    job = _job(payload, number, head, base)
    job.update(kind=MERGE_GROUP_KIND, head_ref=head_ref, ref=head)
    if action == "destroyed":
        from reviewer.jobs.store import job_id

        return [{"kind": CANCEL_KIND, "target": job_id(job), "force": False}]
    return [job]


HANDLERS: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "merge_group": merge_group_jobs,
    "pull_request": pull_request_jobs,
    "check_run": check_run_jobs,
    "check_suite": check_suite_jobs,
    "pull_request_review_comment": review_comment_jobs,
}
