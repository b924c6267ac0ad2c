"""Merge queues (issue 18, point 1): the real app (gunicorn + worker) reports the required
`policy-reviewer` check on the queue's commit, against the stand-in with a real git
repository whose `gh-readonly-queue/...` branch holds the group, as GitHub builds it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from reviewer.engine.finding import Finding
from reviewer.jobs.merge_group_job import group_section
from reviewer.github.fetch_range import pulls_in, queue_pull
from tests.e2e.harness import App, billing_repo, git, keypair, org_repo, wait_for
from tests.e2e.standin import GitHubStandIn
from tests.github_markdown import shown

OWNER, REPO, NUMBER, INSTALLATION, APP_ID = "acme", "billing", 7, 4242, "1234"
KEY = keypair()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    repo = billing_repo(tmp_path / "billing")
    gh = GitHubStandIn(app_id=APP_ID, public_key_pem=KEY[1], installation_id=INSTALLATION)
    gh.start()
    gh.add_pull(OWNER, REPO, NUMBER, "main", "feature", repo)
    gh.add_repo(OWNER, ".github", org_repo(tmp_path / "org", {"config.yml": "approvers:\n  teams: [security]\n"}))
    gh.teams[(OWNER, "security")] = {"sam"}
    app = App(gh.base_url, APP_ID, KEY[0], tmp_path / "data")
    yield {"gh": gh, "app": app, "repo": repo}
    app.stop()
    gh.stop()


def queue_branch(repo: Path, number: int = NUMBER, branch: str = "feature") -> str:
    """The commit GitHub's merge queue builds: the base plus the pull request, merged."""
    feature = git(repo, "rev-parse", branch).strip()
    name = f"gh-readonly-queue/main/pr-{number}-{feature}"
    git(repo, "checkout", "-q", "-b", name, "main")
    git(repo, "merge", "-q", "--no-ff", "-m", f"Merge pull request #{number} from acme/{branch}\n\nBilling",
        branch)
    git(repo, "checkout", "-q", "feature")
    return name


def completed(gh: GitHubStandIn, sha: str) -> list[dict[str, Any]]:
    return [r for r in gh.check_runs_for(sha, "policy-reviewer") if r["status"] == "completed"]


def test_the_queue_commit_gets_the_required_check(world: dict[str, Any]) -> None:
    gh, app, repo = world["gh"], world["app"], world["repo"]
    app.start_web()
    app.start_worker()
    pull_head = gh.pull(OWNER, REPO, NUMBER).head_sha
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    [pull_run] = wait_for(lambda: completed(gh, pull_head), 90, "the pull request's review")
    app.wait_settled()
    comments = len(gh.review_comments_for(OWNER, REPO, NUMBER))

    branch = queue_branch(repo)
    event = gh.merge_group_event("checks_requested", OWNER, REPO, "main", branch)
    head = event["merge_group"]["head_sha"]
    status, body = app.deliver("merge_group", event)
    assert (status, body) == (202, {"queued": 1})
    [run] = wait_for(lambda: completed(gh, head), 90, "the merge group's check")
    # The same verdict as the pull request: its new errors fail the queue's commit too.
    assert run["conclusion"] == "failure" == pull_run["conclusion"]
    assert run["output"]["title"] == pull_run["output"]["title"]
    summary = run["output"]["summary"]
    assert "**Merge queue**: this commit merges #7 into the base branch." in summary
    assert "The combination adds nothing that its pull requests did not add on their own." in summary
    assert "Reply `/policy-reviewer explain`" not in summary  # no comments to reply to
    assert len(gh.review_comments_for(OWNER, REPO, NUMBER)) == comments  # nothing posted
    assert run["annotations"]
    assert gh.violations == [], gh.violations


def test_acceptances_on_the_pull_request_hold_in_the_queue(world: dict[str, Any]) -> None:
    gh, app, repo = world["gh"], world["app"], world["repo"]
    app.start_web()
    app.start_worker()
    pull_head = gh.pull(OWNER, REPO, NUMBER).head_sha
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    wait_for(lambda: completed(gh, pull_head), 90, "the pull request's review")
    app.wait_settled()
    root = next(c for c in gh.review_comments_for(OWNER, REPO, NUMBER) if not c.get("in_reply_to_id"))
    app.deliver("pull_request_review_comment", gh.reply_event(
        root["id"], "sam", "/policy-reviewer accept-all Signed off by security in OPS-12"))
    wait_for(lambda: len(completed(gh, pull_head)) == 2 and
             completed(gh, pull_head)[-1]["conclusion"] == "success", 90, "the accepted review")
    app.wait_settled()
    branch = queue_branch(repo)
    event = gh.merge_group_event("checks_requested", OWNER, REPO, "main", branch)
    app.deliver("merge_group", event)
    [run] = wait_for(lambda: completed(gh, event["merge_group"]["head_sha"]), 90, "the group's check")
    assert run["conclusion"] == "success", run["output"]["title"]
    assert run["output"]["title"].startswith("Nothing blocks:")
    assert "every finding of #7" in shown(run["output"]["summary"])


def test_a_destroyed_group_that_has_not_started_is_cancelled(world: dict[str, Any]) -> None:
    gh, app, repo = world["gh"], world["app"], world["repo"]
    app.start_web()  # no worker yet: the review waits in the queue
    branch = queue_branch(repo)
    requested = gh.merge_group_event("checks_requested", OWNER, REPO, "main", branch)
    assert app.deliver("merge_group", requested) == (202, {"queued": 1})
    destroyed = gh.merge_group_event("destroyed", OWNER, REPO, "main", branch)
    assert app.deliver("merge_group", destroyed) == (202, {"queued": 1})
    app.start_worker()
    app.wait_settled()
    assert gh.check_runs_for(requested["merge_group"]["head_sha"]) == []  # never started
    jobs = app.cli("jobs", "dead")
    assert jobs.returncode == 0 and "merge-group" not in jobs.stdout


def test_the_group_names_its_pull_requests_from_the_queue_ref_and_its_commits() -> None:
    assert queue_pull("refs/heads/gh-readonly-queue/main/pr-104-" + "a" * 40) == 104
    assert queue_pull("refs/heads/feature") is None
    messages = ["Merge pull request #101 from acme/a\n\nfixes #7", "Add a bucket (#102)",
                "a commit of #103's branch that mentions #5", "Merge pull request #104 from acme/b"]
    assert pulls_in(messages, 104) == [101, 102, 104]


def test_what_only_the_combination_adds_is_named() -> None:
    def finding(fp: str, line: int) -> Finding:
        return Finding(rule_id="no-shared-policies", severity="error", path="stack.yaml",
                       start_line=line, end_line=line, message="role R is also used by B",
                       value="R", fingerprint=fp, state="new")

    records = {1: {"fingerprints": ["a" * 32]}, 2: {"fingerprints": ["b" * 32]}}
    text = group_section("acme/billing", [1, 2], [finding("a" * 32, 3), finding("c" * 32, 9)],
                         records.get)
    assert "**1 new finding(s) come from the combination**" in text
    assert "`stack.yaml` line 9" in text and "line 3" not in text
    unknown = group_section("acme/billing", [1, 3], [], records.get)
    assert "Not reviewed on their own (no review of their latest head is on record): #3." in unknown
