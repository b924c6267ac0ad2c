"""Replies are heard, and findings are accepted on the record: the real app (gunicorn + worker)
against the stand-in, with team membership answered by the stand-in as GitHub would."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.e2e.harness import App, billing_repo, git, keypair, org_repo, wait_for
from tests.e2e.standin import GitHubStandIn

OWNER, REPO, NUMBER, INSTALLATION, APP_ID = "acme", "billing", 7, 4242, "1234"
KEY = keypair()
STACK = "stacks/billing.yaml"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    repo = billing_repo(tmp_path / "billing")
    org = org_repo(tmp_path / "org", {"config.yml": "approvers:\n  teams: [security]\n"})
    gh = GitHubStandIn(app_id=APP_ID, public_key_pem=KEY[1], installation_id=INSTALLATION)
    url = gh.start()
    gh.add_pull(OWNER, REPO, NUMBER, "main", "feature", repo)
    gh.add_repo(OWNER, ".github", org)
    gh.teams[(OWNER, "security")] = {"sam"}
    app = App(url, APP_ID, KEY[0], tmp_path / "data")
    app.start_web()
    app.start_worker()
    yield {"gh": gh, "app": app, "repo": repo}
    app.stop()
    gh.stop()


def completed(gh: GitHubStandIn, head: str) -> list[dict[str, Any]]:
    return [r for r in gh.check_runs_for(head, "policy-reviewer") if r["status"] == "completed"]


def wildcard_thread(gh: GitHubStandIn) -> dict[str, Any]:
    [root] = [c for c in gh.review_comments_for(OWNER, REPO, NUMBER)
              if c["path"] == STACK and c["line"] == 63 and not c.get("in_reply_to_id")]
    return root


def bot_replies(gh: GitHubStandIn, root_id: int) -> list[str]:
    return [c["body"] for c in gh.review_comments_for(OWNER, REPO, NUMBER)
            if c.get("in_reply_to_id") == root_id and c.get("author", gh.bot_login) == gh.bot_login]


def say(gh: GitHubStandIn, app: App, root_id: int, login: str, text: str) -> None:
    status, body = app.deliver("pull_request_review_comment", gh.reply_event(root_id, login, text))
    assert status == 202 and body.get("queued") == 1, body


def test_explain_accept_and_refusals(world: dict[str, Any]) -> None:
    gh, app, repo = world["gh"], world["app"], world["repo"]
    head = gh.pull(OWNER, REPO, NUMBER).head_sha
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    [first] = wait_for(lambda: completed(gh, head), 90, "the first review")
    assert first["conclusion"] == "failure"
    assert [a["identifier"] for a in first["actions"]] == ["accept", "rerun"]
    root = wildcard_thread(gh)

    # Anyone may ask why.
    say(gh, app, root["id"], "dev", "/policy-reviewer explain")
    [answer] = wait_for(lambda: bot_replies(gh, root["id"]), 60, "the explanation")
    assert answer.startswith("**`no-wildcard-actions`: Allow statements name the actions they grant** (error)")
    assert "_Why:_ Least privilege" in answer and "_Fix:_ List the actions" in answer
    assert "Fails this rule (a service wildcard and a prefix wildcard" in answer and "Passes (" in answer

    # Talk among people is left to people: no answer, no job.
    status, body = app.deliver("pull_request_review_comment",
                               gh.reply_event(root["id"], "dev", "I think this is fine?"))
    assert status == 202 and body.get("queued", 0) == 0

    # Someone who is not an approver: a polite refusal, the check unchanged.
    say(gh, app, root["id"], "dev", "/policy-reviewer accept we need it")
    refusal = wait_for(lambda: bot_replies(gh, root["id"])[1:], 60, "the refusal")[0]
    assert refusal.startswith("Sorry @dev, only members of @acme/security can accept findings.")
    # An approver without a reason is asked for one.
    say(gh, app, root["id"], "sam", "/policy-reviewer accept")
    ask = wait_for(lambda: bot_replies(gh, root["id"])[2:], 60, "the request for a reason")[0]
    assert ask.startswith("Please say why")
    assert len(completed(gh, head)) == 1

    # An approver accepts, with a reason: on the record, and the commit is reviewed again.
    say(gh, app, root["id"], "sam", "/policy-reviewer accept Reviewed with the data team, OPS-7")
    accepted = wait_for(lambda: bot_replies(gh, root["id"])[3:], 60, "the acceptance")[0]
    assert accepted.startswith(f"Accepted by @sam for commit {head[:12]}: Reviewed with the data team, OPS-7")
    runs = wait_for(lambda: completed(gh, head)[1:] and completed(gh, head), 90, "the second review")
    second = runs[-1]
    summary = second["output"]["summary"]
    assert "### Accepted for this commit" in summary
    assert "| @sam |" in summary and "`no-wildcard-actions` on ArchiveRole" in summary
    assert "Reviewed with the data team, OPS-7" in summary
    assert second["conclusion"] == "failure"  # the other new errors still block

    # The Accept button: refused for dev (said on the pull request), done for sam.
    app.deliver("check_run", gh.check_run_event("requested_action", OWNER, REPO, NUMBER,
                                                check_run_id=second["id"], identifier="accept", sender="dev"))
    wait_for(lambda: [c for c in gh.issue_comments.values() if "Sorry @dev" in c["body"]], 60, "the refusal")
    app.deliver("check_run", gh.check_run_event("requested_action", OWNER, REPO, NUMBER,
                                                check_run_id=second["id"], identifier="accept", sender="sam"))
    runs = wait_for(lambda: len(completed(gh, head)) >= 3 and completed(gh, head), 90, "the third review")
    third = runs[-1]
    assert third["conclusion"] == "success"
    assert "every finding of this commit" in third["output"]["summary"]

    # A new push is judged afresh.
    (repo / "README.md").write_text("billing\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "readme")
    new_head = gh.refresh_pull(OWNER, REPO, NUMBER).head_sha
    app.deliver("pull_request", gh.pull_request_event("synchronize", OWNER, REPO, NUMBER))
    [fresh] = wait_for(lambda: completed(gh, new_head), 90, "the review of the new push")
    assert fresh["conclusion"] == "failure"
    assert "Accepted for this commit" not in fresh["output"]["summary"]
    assert gh.violations == [], gh.violations
    assert gh.rejections == [], gh.rejections
