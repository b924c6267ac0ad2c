"""Replies are heard, and findings are accepted on the record: the real app (gunicorn + worker)
against the stand-in, with team membership answered by the stand-in as GitHub would."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.e2e.harness import App, billing_repo, git, keypair, org_repo, wait_for
from tests.e2e.standin import GitHubStandIn
from tests.github_markdown import shown

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
    # The team is named in a code span: a refusal never pings it.
    assert refusal.startswith("Sorry @dev, only members of `@acme/security` can accept findings.")
    # An approver without a reason is asked for one.
    say(gh, app, root["id"], "sam", "/policy-reviewer accept")
    ask = wait_for(lambda: bot_replies(gh, root["id"])[2:], 60, "the request for a reason")[0]
    assert ask.startswith("Please say why, in at least 15 characters")
    # "." is no reason either.
    say(gh, app, root["id"], "sam", "/policy-reviewer accept .")
    ask = wait_for(lambda: bot_replies(gh, root["id"])[3:], 60, "the second request for a reason")[0]
    assert ask.startswith("Please say why")
    assert len(completed(gh, head)) == 1

    # An approver accepts, with a reason: on the record, and the commit is reviewed again.
    say(gh, app, root["id"], "sam", "/policy-reviewer accept Reviewed with the data team, OPS-7")
    accepted = wait_for(lambda: bot_replies(gh, root["id"])[4:], 60, "the acceptance")[0]
    assert accepted.startswith(f"This finding is accepted by `@sam` for commit {head[:12]}: "
                               "Reviewed with the data team, OPS\\-7")
    runs = wait_for(lambda: completed(gh, head)[1:] and completed(gh, head), 90, "the second review")
    second = runs[-1]
    summary = second["output"]["summary"]
    assert "### Accepted for this commit" in summary
    assert "| `@sam` |" in summary and "`no-wildcard-actions` on `ArchiveRole`" in summary
    assert "Reviewed with the data team, OPS\\-7" in summary
    assert second["conclusion"] == "failure"  # the other new errors still block

    # The Accept button carries no reason: it asks for the reply that does, and accepts nothing.
    app.deliver("check_run", gh.check_run_event("requested_action", OWNER, REPO, NUMBER,
                                                check_run_id=second["id"], identifier="accept", sender="sam"))
    [asked] = wait_for(lambda: [c for c in gh.issue_comments.values() if "accept-all <reason>" in c["body"]],
                       60, "the request for a reason")
    assert "nothing has been accepted yet" in asked["body"]
    assert len(completed(gh, head)) == 2
    say(gh, app, root["id"], "sam", "/policy-reviewer accept-all Whole stack signed off in OPS-8")
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


def first_review(gh: GitHubStandIn, app: App) -> tuple[str, dict[str, Any]]:
    head = gh.pull(OWNER, REPO, NUMBER).head_sha
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    wait_for(lambda: completed(gh, head), 90, "the first review")
    app.wait_settled()
    return head, wildcard_thread(gh)


def test_the_author_cannot_accept_their_own_finding_and_a_copied_marker_is_not_ours(
        world: dict[str, Any]) -> None:
    gh, app = world["gh"], world["app"]
    gh.teams[(OWNER, "security")] = {"sam", "octocat"}  # octocat wrote the pull request
    head, root = first_review(gh, app)
    say(gh, app, root["id"], "octocat", "/policy-reviewer accept I know what I am doing here")
    [answer] = wait_for(lambda: bot_replies(gh, root["id"]), 60, "the refusal")
    assert answer.startswith("Sorry @octocat, the author of a pull request cannot accept its findings")
    assert "`@acme/security`" in answer

    # Another app's bot copies our comment, marker and all, onto a harmless-looking thread.
    copy = gh.add_thread_like(root["id"], "other-bot[bot]", "**note** `friendly-tip`: consider a tag\n\n"
                              + root["body"].rsplit("\n\n", 1)[-1])
    say(gh, app, copy["id"], "sam", "/policy-reviewer accept Fine, it is only a tag suggestion")
    app.wait_settled()
    assert bot_replies(gh, copy["id"]) == []  # not ours: no answer, nothing accepted
    assert len(completed(gh, head)) == 1
    assert gh.violations == [], gh.violations


def test_the_organisation_may_let_authors_accept(tmp_path: Path) -> None:
    repo = billing_repo(tmp_path / "billing")
    org = org_repo(tmp_path / "org", {"config.yml": "approvers:\n  teams: [security]\n"
                                                    "  authors_may_accept: true\n  min_reason: 40\n"})
    with GitHubStandIn(app_id=APP_ID, public_key_pem=KEY[1], installation_id=INSTALLATION) as gh:
        gh.add_pull(OWNER, REPO, NUMBER, "main", "feature", repo)
        gh.add_repo(OWNER, ".github", org)
        gh.teams[(OWNER, "security")] = {"octocat"}
        app = App(gh.base_url, APP_ID, KEY[0], tmp_path / "data")
        app.start_web()
        app.start_worker()
        try:
            head, root = first_review(gh, app)
            say(gh, app, root["id"], "octocat", "/policy-reviewer accept too short a reason")
            [ask] = wait_for(lambda: bot_replies(gh, root["id"]), 60, "the request for a reason")
            assert ask.startswith("Please say why, in at least 40 characters")
            long = "Reviewed with the data team; the archive job reads every bucket. " * 160
            say(gh, app, root["id"], "octocat", "/policy-reviewer accept " + long)
            accepted = wait_for(lambda: bot_replies(gh, root["id"])[1:], 60, "the acceptance")[0]
            assert "is kept shortened to 500" in accepted and "[…shortened]" in shown(accepted)
            runs = wait_for(lambda: completed(gh, head)[1:] and completed(gh, head), 90, "the re-review")
            assert "[…shortened]" in shown(runs[-1]["output"]["summary"])
        finally:
            app.stop()


def test_floods_of_commands_are_answered_within_bounds(world: dict[str, Any]) -> None:
    """30 identical explains in one thread: one answer. 30 in different threads from one
    person: ten answers and one notice. Two acceptances of each of four findings in a burst:
    one row each, and fewer re-reviews than acceptances."""
    gh, app = world["gh"], world["app"]
    head, root = first_review(gh, app)
    roots = [c for c in gh.review_comments_for(OWNER, REPO, NUMBER)
             if not c.get("in_reply_to_id") and c.get("author", gh.bot_login) == gh.bot_login]
    assert len(roots) >= 6
    calls = len(gh.calls)
    for _ in range(30):
        say(gh, app, root["id"], "dev", "/policy-reviewer explain")
    app.wait_settled()
    assert len(bot_replies(gh, root["id"])) == 1
    assert len(gh.calls) - calls < 30  # one answer's worth of calls, not thirty

    for index in range(30):
        say(gh, app, roots[index % len(roots)]["id"], "eve", f"/policy-reviewer explain {index}")
    app.wait_settled()
    answers = [b for r in roots for b in bot_replies(gh, r["id"])]
    notices = [b for b in answers if b.startswith("I answer at most")]
    assert len(notices) == 1 and len(answers) == 1 + 10 + 1  # dev's, eve's ten, one notice

    before = len(completed(gh, head))
    for index, thread in enumerate(roots[:4]):  # eight commands: within sam's ten
        say(gh, app, thread["id"], "sam", f"/policy-reviewer accept Reviewed in OPS-{index} with the owners")
        say(gh, app, thread["id"], "sam", f"/policy-reviewer accept Reviewed again in OPS-{index}, same verdict")
    app.wait_settled()
    again = [b for r in roots[:4] for b in bot_replies(gh, r["id"])
             if b.startswith(("Already accepted", "This finding is being accepted"))]
    assert len(again) == 4  # the second acceptance of each finding adds no row
    reviews = len(completed(gh, head)) - before
    assert 1 <= reviews <= 4, reviews
    last = completed(gh, head)[-1]["output"]["summary"]
    assert last.count("| `@sam` |") == 4


def test_accepting_a_finding_the_head_no_longer_has_says_so(world: dict[str, Any]) -> None:
    gh, app, repo = world["gh"], world["app"], world["repo"]
    _, root = first_review(gh, app)
    text = (repo / STACK).read_text()
    (repo / STACK).write_text(text.replace('"s3:Get*"', '"s3:GetObject"'))
    git(repo, "commit", "-qam", "only GetObject")
    head = gh.refresh_pull(OWNER, REPO, NUMBER).head_sha
    app.deliver("pull_request", gh.pull_request_event("synchronize", OWNER, REPO, NUMBER))
    wait_for(lambda: completed(gh, head), 90, "the review of the fix")
    app.wait_settled()
    say(gh, app, root["id"], "sam", "/policy-reviewer accept Reviewed with the data team, OPS-7")
    [answer] = wait_for(lambda: bot_replies(gh, root["id"])[-1:] if any(
        b.startswith("This finding is no longer") for b in bot_replies(gh, root["id"])) else None,
        60, "the answer")
    assert f"no longer in commit {head[:12]}" in answer
