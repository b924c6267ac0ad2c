"""Review threads follow the code: the real app (gunicorn + worker) against the stand-in.

The stand-in keeps threads and their resolution state and answers GraphQL checked against
GitHub's schema; people reply, resolve and reopen through it as they would in the browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from reviewer.report.comments import markers_in
from tests.e2e.harness import App, billing_repo, git, keypair, org_repo, wait_for
from tests.e2e.standin import GitHubStandIn

OWNER, REPO, NUMBER, INSTALLATION, APP_ID = "acme", "billing", 7, 4242, "1234"
KEY = keypair()
STACK = Path("stacks") / "billing.yaml"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    repo = billing_repo(tmp_path / "billing")
    org = org_repo(tmp_path / "org")
    gh = GitHubStandIn(app_id=APP_ID, public_key_pem=KEY[1], installation_id=INSTALLATION)
    url = gh.start()
    gh.add_pull(OWNER, REPO, NUMBER, "main", "feature", repo)
    gh.add_repo(OWNER, ".github", org)
    app = App(url, APP_ID, KEY[0], tmp_path / "data")
    app.start_web()
    app.start_worker()
    yield {"gh": gh, "app": app, "repo": repo, "org": org}
    app.stop()
    gh.stop()


def review(gh: GitHubStandIn, app: App, action: str) -> dict[str, Any]:
    head = gh.pull(OWNER, REPO, NUMBER).head_sha
    status, _ = app.deliver("pull_request", gh.pull_request_event(action, OWNER, REPO, NUMBER))
    assert status == 202
    [run] = wait_for(lambda: [r for r in gh.check_runs_for(head, "policy-reviewer")
                              if r["status"] == "completed"], 90, f"the check run of {head[:8]}")
    app.wait_settled()  # thread housekeeping comes after the conclusion
    return run


def push(gh: GitHubStandIn, repo: Path, old: str, new: str, message: str) -> str:
    text = (repo / STACK).read_text()
    assert old in text
    (repo / STACK).write_text(text.replace(old, new))
    git(repo, "commit", "-qam", message)
    return gh.refresh_pull(OWNER, REPO, NUMBER).head_sha


def roots_on(gh: GitHubStandIn, line: int) -> list[dict[str, Any]]:
    """The app's thread-opening comments on a line of the stack, oldest first."""
    return [c for c in gh.review_comments_for(OWNER, REPO, NUMBER)
            if c["path"] == str(STACK) and c["line"] == line and not c.get("in_reply_to_id")]


def thread_of(gh: GitHubStandIn, root_id: int) -> list[dict[str, Any]]:
    return [c for c in gh.review_comments_for(OWNER, REPO, NUMBER)
            if c["id"] == root_id or c.get("in_reply_to_id") == root_id]


def test_threads_follow_the_code(world: dict[str, Any]) -> None:
    gh, app, repo, org = world["gh"], world["app"], world["repo"], world["org"]
    first = review(gh, app, "opened")
    assert first["conclusion"] == "failure"
    [wildcard] = roots_on(gh, 63)                 # no-wildcard-actions: s3:Get*
    [name] = roots_on(gh, 39)                     # staged-names: FunctionName ArchiveInvoices
    graphql = [c for c in gh.calls if c.get("operation") == "graphql"]
    # Contents, configuration, org rules and threads in one request; the Terraform module's
    # unchanged files (known once its folder is listed) in a second.
    assert len(graphql) == 2
    assert sorted(v.split(":", 1)[1] for k, v in graphql[1]["json"]["variables"].items()
                  if k.startswith("f")) == ["infra/variables.tf", "infra/variables.tf"]
    assert not gh.calls_to("repos/get-content") and not gh.calls_to("pulls/list-review-comments")

    # A person asks about the wildcard; then the author fixes both problems.
    gh.add_thread_reply(wildcard["id"], "dev", "Do we need all of s3:Get*?")
    push(gh, repo, '"s3:Get*"', '"s3:GetObject"', "only GetObject")
    head = push(gh, repo, "FunctionName: ArchiveInvoices", 'FunctionName: !Sub "ArchiveInvoices-${Stage}"',
                "stage the name")
    second = review(gh, app, "synchronize")
    resolved = {e["thread"] for e in gh.thread_events if e["resolved"] and e["by"] == gh.bot_login}
    assert resolved == {wildcard["id"], name["id"]}
    # Where a person spoke, the app says which commit fixed it; elsewhere it resolves quietly.
    replies = [c["body"] for c in thread_of(gh, wildcard["id"]) if c.get("author") == gh.bot_login
               and c.get("in_reply_to_id")]
    assert replies == [f"Fixed in {head[:12]}: this finding is gone, so I resolved the thread."]
    assert [c for c in thread_of(gh, name["id"]) if c.get("in_reply_to_id")] == []
    summary = second["output"]["summary"]
    assert "Review threads: 2 resolved as fixed," in summary
    assert "0 new." in summary  # nothing posted again
    assert len(roots_on(gh, 63)) == 1 and len(roots_on(gh, 39)) == 1
    assert gh.review_comments_for(OWNER, REPO, NUMBER)  # no comment was ever deleted

    # The developer disagrees and reopens the name thread; another push: it stays open.
    gh.set_thread_resolved(name["id"], False, "dev")
    events = len(gh.thread_events)
    push(gh, repo, "Runtime: python3.12", "Runtime: python3.13", "newer runtime")
    review(gh, app, "synchronize")
    assert len(gh.thread_events) == events, "a thread a person reopened is theirs"

    # The wildcard comes back: a fresh comment, the resolved thread is left as it was.
    push(gh, repo, '"s3:GetObject", "s3:PutObject"', '"s3:Get*", "s3:PutObject"', "widen again")
    fourth = review(gh, app, "synchronize")
    fresh = roots_on(gh, 63)
    assert len(fresh) == 2 and markers_in(fresh[0]["body"]) == markers_in(fresh[1]["body"])
    assert gh.review_comments[wildcard["id"]]["resolved"] is True
    assert "1 new." in fourth["output"]["summary"]

    # The organisation rewords the rule's rationale: the open comment is edited in place.
    from reviewer.config.rulebook import DEFAULT_POLICIES

    text = (DEFAULT_POLICIES / "no-wildcard-actions.yml").read_text()
    assert "  Least privilege:" in text
    target = org / "policy-reviewer" / "no-wildcard-actions.yml"
    target.parent.mkdir(exist_ok=True)
    target.write_text(text.replace("  Least privilege:", "  Reworded. Least privilege:", 1))
    git(org, "add", "-A")
    git(org, "commit", "-qm", "reword")
    edits = len(gh.comment_edits)
    push(gh, repo, "Runtime: python3.13", "Runtime: python3.12", "older runtime")
    review(gh, app, "synchronize")
    edited = [e for e in gh.comment_edits[edits:] if e["comment"] == fresh[1]["id"]]
    assert edited and "_Why:_ Reworded. Least privilege" in edited[-1]["body"]
    assert markers_in(edited[-1]["body"]) == markers_in(fresh[1]["body"])
    assert len(roots_on(gh, 63)) == 2, "edited, not posted again"
    assert gh.violations == [], gh.violations
    assert gh.rejections == [], gh.rejections



def test_a_refused_thread_mutation_never_costs_the_review(world: dict[str, Any]) -> None:
    """GitHub refuses resolveReviewThread (FORBIDDEN, as on installations it wants another
    permission of): the review still concludes with its real conclusion, once, the refusal
    is said in the summary, the fixing reply is posted once, and a re-run posts no other."""
    gh, app, repo = world["gh"], world["app"], world["repo"]
    gh.graphql.refuse["resolveReviewThread"] = "FORBIDDEN"
    review(gh, app, "opened")
    [wildcard] = roots_on(gh, 63)
    gh.add_thread_reply(wildcard["id"], "dev", "Do we need all of s3:Get*?")
    head = push(gh, repo, '"s3:Get*"', '"s3:GetObject"', "only GetObject")
    second = review(gh, app, "synchronize")
    runs = [r for r in gh.check_runs_for(head, "policy-reviewer")]
    assert len(runs) == 1 and runs[0]["conclusion"] == second["conclusion"] == "failure"
    # The staged-names error is still there: failure is the review's verdict, not GitHub's.
    assert "could not review" not in runs[0]["output"]["title"]
    summary = runs[0]["output"]["summary"]
    assert "### Not done on the pull request" in summary
    assert "1 fixed thread(s) could not be resolved: GitHub refused (`FORBIDDEN: Resource not " \
           "accessible by integration`)" in summary
    assert "policy-reviewer doctor" in summary
    assert gh.graphql.refused == ["resolveReviewThread"]
    replies = [c["body"] for c in thread_of(gh, wildcard["id"]) if c.get("author") == gh.bot_login]
    assert replies == [f"Fixed in {head[:12]}: this finding is gone, so I resolved the thread."]

    # Re-run: the resolution is tried again (refused again), the reply is not repeated.
    app.deliver("check_run", gh.check_run_event("rerequested", OWNER, REPO, NUMBER,
                                                check_run_id=runs[0]["id"]))
    wait_for(lambda: len(gh.graphql.refused) == 2, 90, "the second attempt")
    app.wait_settled()
    replies = [c["body"] for c in thread_of(gh, wildcard["id"]) if c.get("author") == gh.bot_login]
    assert len(replies) == 1
    assert gh.review_comments[wildcard["id"]].get("resolved") is not True
    # Once GitHub allows it, the next review resolves it.
    gh.graphql.refuse.clear()
    push(gh, repo, "Runtime: python3.12", "Runtime: python3.13", "newer runtime")
    review(gh, app, "synchronize")
    assert gh.review_comments[wildcard["id"]]["resolved"] is True
    assert gh.violations == [], gh.violations


def test_a_rate_limited_mutation_and_a_refused_review_are_said_not_fatal(world: dict[str, Any]) -> None:
    """GraphQL points spent on the mutations, and the REST review refused: the check still
    completes with the findings, and says both."""
    gh, app, repo = world["gh"], world["app"], world["repo"]
    review(gh, app, "opened")
    [name] = roots_on(gh, 39)
    gh.graphql.refuse["resolveReviewThread"] = "RATE_LIMITED"
    gh.refuse_operations["pulls/create-review"] = 403
    push(gh, repo, "FunctionName: ArchiveInvoices", 'FunctionName: !Sub "ArchiveInvoices-${Stage}"',
         "stage the name")
    head = push(gh, repo, '"s3:Get*", "s3:PutObject"', '"s3:Get*", "s3:PutObject", "kms:*"',
                "a new wildcard")
    review(gh, app, "synchronize")
    [run] = gh.check_runs_for(head, "policy-reviewer")  # as amended after the housekeeping
    assert run["conclusion"] == "failure"
    summary = run["output"]["summary"]
    assert "GraphQL points are spent" in summary
    assert "new inline comment(s) could not be posted: GitHub refused (`HTTP 403" in summary
    assert "\"kms:\\*\" grants 58 actions" in summary  # the finding itself is in the tables
    assert len(gh.check_runs_for(head, "policy-reviewer")) == 1
    assert gh.review_comments[name["id"]].get("resolved") is not True
    assert gh.graphql.refused == ["resolveReviewThread"]


def test_graphql_down_the_review_reads_through_rest_and_says_what_it_left(world: dict[str, Any]) -> None:
    """GitHub's GraphQL API answers 502 to everything: files, configuration and earlier
    comments are read through REST, nothing is posted twice, and the summary says the
    threads were not brought up to date."""
    gh, app, repo = world["gh"], world["app"], world["repo"]
    review(gh, app, "opened")
    posted = len(gh.review_comments_for(OWNER, REPO, NUMBER))
    gh.graphql_down = True
    head = push(gh, repo, '"s3:Get*"', '"s3:GetObject"', "only GetObject")
    run = review(gh, app, "synchronize")
    assert run["conclusion"] == "failure"  # the staged-names errors are still there
    [run] = gh.check_runs_for(head, "policy-reviewer")
    summary = run["output"]["summary"]
    assert "The review threads could not be read" in summary
    assert "could not review" not in run["output"]["title"]
    assert len(gh.review_comments_for(OWNER, REPO, NUMBER)) == posted  # nothing posted twice
    assert gh.calls_to("repos/get-content") or gh.calls_to("git/get-blob")
    assert gh.violations == [], gh.violations


def test_a_copied_marker_silences_nothing_when_comments_are_read_through_rest(world: dict[str, Any]) -> None:
    """Another app's bot copies the app's comment, marker and all; the app's own comment is
    gone. Reading through REST (GraphQL down), only the app's login counts: the finding is
    commented again."""
    gh, app, repo = world["gh"], world["app"], world["repo"]
    review(gh, app, "opened")
    [wildcard] = roots_on(gh, 63)
    gh.add_thread_like(wildcard["id"], "copycat[bot]", wildcard["body"])
    del gh.review_comments[wildcard["id"]]  # a person deleted the app's comment
    gh.graphql_down = True
    push(gh, repo, "Runtime: python3.12", "Runtime: python3.13", "newer runtime")
    review(gh, app, "synchronize")
    mine = [c for c in roots_on(gh, 63) if c.get("author", gh.bot_login) == gh.bot_login]
    assert len(mine) == 1 and markers_in(mine[0]["body"]) == markers_in(wildcard["body"])
