"""Replies and check run buttons turn into command jobs only when they are commands."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reviewer.jobs.store import job_id
from reviewer.web.payloads import BadPayload, check_run_jobs, review_comment_jobs

SHA = "a" * 40
REPLY: dict[str, Any] = {
    "action": "created",
    "comment": {"id": 55, "in_reply_to_id": 41, "body": "/policy-reviewer accept  fine, OPS-1  "},
    "pull_request": {"number": 7, "head": {"sha": SHA}, "base": {"sha": "b" * 40}},
    "repository": {"full_name": "acme/billing"},
    "installation": {"id": 9},
    "sender": {"login": "sam", "type": "User"},
}


def reply(**changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(REPLY)
    for key, value in changes.items():
        target, _, field = key.partition("__")
        if field:
            payload[target][field] = value
        else:
            payload[target] = value
    return payload


def test_a_reply_starting_with_the_command_is_a_job_of_its_own() -> None:
    [job] = review_comment_jobs(reply())
    assert job["kind"] == "command" and job["actor"] == "sam" and job["thread_id"] == 41
    assert job["text"] == "/policy-reviewer accept  fine, OPS-1"
    # One job per comment, apart from the commit's review job.
    assert job_id(job) == f"acme/billing#7@{SHA}/command:55"


@pytest.mark.parametrize("changes", [
    {"comment__body": "thanks, fixed"},                        # people talking
    {"comment__in_reply_to_id": None},                         # not a reply to anything
    {"sender": {"login": "policy-reviewer[bot]", "type": "Bot"}},  # never answer a bot
    {"action": "edited"},
])
def test_everything_else_is_left_to_people(changes: dict[str, Any]) -> None:
    assert review_comment_jobs(reply(**changes)) == []


def test_a_command_from_a_malformed_payload_is_refused() -> None:
    with pytest.raises(BadPayload, match="sender.login"):
        review_comment_jobs(reply(sender={"login": "sam/../x", "type": "User"}))
    with pytest.raises(BadPayload, match="pull_request.head.sha"):
        review_comment_jobs(reply(pull_request={"number": 7, "head": {"sha": "HEAD"}, "base": {"sha": SHA}}))


def test_check_run_buttons() -> None:
    base = {"action": "requested_action", "requested_action": {"identifier": "accept"},
            "check_run": {"id": 3, "head_sha": SHA,
                          "pull_requests": [{"number": 7, "base": {"sha": "b" * 40}}]},
            "repository": {"full_name": "acme/billing"}, "installation": {"id": 9},
            "sender": {"login": "sam"}}
    [accept] = check_run_jobs(base)
    assert accept["kind"] == "accept-all" and accept["actor"] == "sam"
    rerun = check_run_jobs({**base, "requested_action": {"identifier": "rerun"}})
    assert rerun and rerun[0].get("kind", "review") == "review" and rerun[0]["force"] is True
    assert check_run_jobs({**base, "requested_action": {"identifier": "lgtm|26764"}}) == []
