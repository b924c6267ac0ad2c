"""Hostile pull requests against the real app (gunicorn + worker) and the GitHub stand-in.

Issue 7: a rule message that reads the private key, a catastrophic regular expression, a
rule file that turned the check neutral, and a pull request past GitHub's 3,000-file listing.
Each must end in a completed check run that does not pass, and nothing secret posted.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.e2e.harness import App, git, keypair, org_repo, wait_for
from tests.github_markdown import shown
from tests.e2e.standin import GitHubStandIn

OWNER, REPO, INSTALLATION, APP_ID = "acme", "orders", 4242, "1234"
KEY = keypair()

QUEUE = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: [{Key: team, Value: orders}]\n"


def rule(message: str = "queue {resource} has no key", pattern: str | None = None,
         example_config: str = "") -> str:
    require = (f'matches: {{path: QueueName, pattern: "{pattern}"}}' if pattern
               else "exists: KmsMasterKeyId")
    return textwrap.dedent(f"""\
        id: hostile
        kind: match
        severity: error
        title: Hostile
        rationale: written by someone who wants the key
        with:
          resources: ["AWS::SQS::Queue"]
          require: {{{require}}}
          message: '{message}'
        examples:
          fail:
            - name: bad
              {example_config}content: "Resources: {{Q: {{Type: AWS::SQS::Queue, Properties: {{QueueName: {'a' * 60}b, Tags: {{t: 1}}}}}}}}"
          pass:
            - name: other type
              content: "Resources: {{B: {{Type: AWS::S3::Bucket}}}}"
        """)


def make_repo(path: Path, base: dict[str, str], head: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    for name, text in base.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    (path / "README.md").write_text("orders\n")
    git(path, "add", "-A")
    git(path, "commit", "-qm", "base")
    git(path, "checkout", "-q", "-b", "feature")
    for name, text in head.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-qm", "head")
    return path


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    gh = GitHubStandIn(app_id=APP_ID, public_key_pem=KEY[1], installation_id=INSTALLATION)
    url = gh.start()
    gh.add_repo(OWNER, ".github", org_repo(tmp_path / "org"))
    app = App(url, APP_ID, KEY[0], tmp_path / "data")
    app.env["PR_SECRET_FOR_TEST"] = "the-private-key-of-the-app"
    yield {"gh": gh, "app": app, "tmp": tmp_path}
    app.stop()
    gh.stop()


def review(world: dict[str, Any], number: int, base: dict[str, str], head: dict[str, str],
           timeout: float = 90) -> dict[str, Any]:
    gh, app = world["gh"], world["app"]
    repo = make_repo(world["tmp"] / f"repo{number}", base, head)
    sha = gh.add_pull(OWNER, REPO, number, "main", "feature", repo).head_sha
    if app.web is None:
        app.start_web()
        app.start_worker()
    status, _ = app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, number))
    assert status == 202
    [run] = wait_for(lambda: [r for r in gh.check_runs_for(sha, "policy-reviewer")
                              if r["status"] == "completed"], timeout, f"the check of #{number}")
    return run


def everything_posted(gh: GitHubStandIn, number: int, run: dict[str, Any]) -> str:
    return json.dumps([run, gh.reviews_for(OWNER, REPO, number),
                       gh.review_comments_for(OWNER, REPO, number)])


def test_a_rule_message_that_reads_the_environment_posts_nothing_secret(world: dict[str, Any]) -> None:
    leak = "{value.__init__.__globals__[json].codecs.sys.modules[os].environ[PR_SECRET_FOR_TEST]}"
    keyline = KEY[0].splitlines()[1]
    leak_key = leak.replace("PR_SECRET_FOR_TEST", "GITHUB_PRIVATE_KEY")
    # The rule file is already on the base branch: it is the configuration in force.
    run = review(world, 1, {".github/policy-reviewer/leak.yml": rule(leak),
                            ".github/policy-reviewer/leak-key.yml": rule(leak_key).replace(
                                "id: hostile", "id: hostile-key")},
                 {"stacks/queue.yaml": QUEUE})
    posted = everything_posted(world["gh"], 1, run)
    assert "the-private-key-of-the-app" not in posted and keyline not in posted
    assert run["conclusion"] == "failure"
    assert "unknown placeholder" in run["output"]["summary"]
    assert "the-private-key-of-the-app" not in world["app"].logs_text()


def test_a_catastrophic_pattern_does_not_freeze_the_worker(world: dict[str, Any]) -> None:
    run = review(world, 2, {}, {".github/policy-reviewer/redos.yml": rule(pattern="^(a|aa)+$"),
                                "stacks/queue.yaml": QUEUE.replace("Tags", "QueueName: " + "a" * 60 + "b\n      Tags")})
    assert run["conclusion"] in ("success", "failure")  # reviewed, not stuck
    # The worker is free for the next pull request.
    second = review(world, 3, {}, {"stacks/other.yaml": QUEUE})
    assert second["conclusion"] == "success"
    assert world["gh"].violations == []


def test_a_head_rule_file_with_a_broken_example_config_fails_the_check(world: dict[str, Any]) -> None:
    bad = rule(example_config="config: {rules: {x: {enabled: maybe}}}\n              ")
    run = review(world, 4, {}, {".github/policy-reviewer/bypass.yml": bad})
    assert run["conclusion"] == "failure"  # was neutral, which passes a required check
    [comment] = [c for c in world["gh"].review_comments_for(OWNER, REPO, 4)]
    assert comment["path"] == ".github/policy-reviewer/bypass.yml" and comment["line"] == 13  # its config: line
    assert "example config is invalid" in comment["body"]


def test_a_pull_request_past_the_listing_limit_does_not_pass(world: dict[str, Any]) -> None:
    # 3,001 files: GitHub lists the first 3,000; the wildcard sits in the last one.
    head = {f"docs/page{i:04}.md": f"page {i}\n" for i in range(3000)}
    head["zz/policy.json"] = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    run = review(world, 5, {}, head, timeout=180)
    assert run["conclusion"] == "failure"
    assert "1 file(s) were not reviewed" in shown(run["output"]["summary"])
    assert "3,001" in run["output"]["summary"]
    assert world["gh"].violations == []


def test_a_review_that_outlives_its_lease_runs_once(world: dict[str, Any]) -> None:
    """The lease is renewed while the job runs: a worker starting meanwhile (which looks for
    lost jobs) must not take it for lost and review the pull request a second time."""
    gh, app = world["gh"], world["app"]
    app.env["POLICY_REVIEWER_JOB_LEASE"] = "1.5"
    repo = make_repo(world["tmp"] / "repo6", {}, {"stacks/queue.yaml": QUEUE.replace(
        "Tags", "QueueName: orders\n      Tags")})
    sha = gh.add_pull(OWNER, REPO, 6, "main", "feature", repo).head_sha
    app.start_web()
    app.start_worker()
    gh.latency = 0.3  # the review takes several leases
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, 6))
    wait_for(lambda: gh.check_runs_for(sha, "policy-reviewer"), 60, "the job to start")
    import time
    time.sleep(3)  # two leases: without renewal the job would look lost now
    app.start_worker()  # its start-up recovers lost jobs
    [run] = wait_for(lambda: [r for r in gh.check_runs_for(sha, "policy-reviewer")
                              if r["status"] == "completed"], 120, "the check")
    gh.latency = 0.0
    assert run["conclusion"] == "failure"  # staged-names: a literal QueueName
    assert len(gh.reviews_for(OWNER, REPO, 6)) == 1
    assert len(gh.check_runs_for(sha, "policy-reviewer")) == 1
    assert "re-queued" not in app.logs_text()


def test_a_late_check_suite_event_does_not_add_a_second_run(world: dict[str, Any]) -> None:
    gh, app = world["gh"], world["app"]
    run = review(world, 7, {}, {"stacks/queue.yaml": QUEUE})
    sha = run["head_sha"]
    status, body = app.deliver("check_suite", gh.check_suite_event("requested", OWNER, REPO, 7))
    assert status in (200, 202) and body.get("queued", 0) == 0
    import time
    time.sleep(2)  # give a wrongly queued job time to show
    assert len(gh.check_runs_for(sha, "policy-reviewer")) == 1
    # A re-run asked for by a person still runs.
    status, body = app.deliver("check_suite", gh.check_suite_event("rerequested", OWNER, REPO, 7))
    assert body.get("queued") == 1


def test_hundreds_of_new_findings_are_all_posted_at_githubs_pace(world: dict[str, Any]) -> None:
    """GitHub refuses content created too fast (secondary rate limit, with Retry-After):
    a pull request with 300 new findings still completes, every comment posted once."""
    gh = world["gh"]
    gh.content_pace = (3, 2.0)  # three content-creating requests per two seconds
    queues = "".join(f"  Queue{i}:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                     f"      QueueName: orders-{i}\n" for i in range(300))
    # The load stays the one this test was written for: encryption-in-transit would add a
    # finding per queue (no TLS-only queue policy), 300 more comments at GitHub's pace.
    config = {".github/policy-reviewer.yml": "rules:\n  encryption-in-transit: {enabled: false}\n"}
    run = review(world, 9, config, {"stacks/queues.yaml": "Resources:\n" + queues}, timeout=240)
    assert run["conclusion"] == "failure"
    world["app"].wait_settled(120)
    comments = gh.review_comments_for(OWNER, REPO, 9)
    named = [c for c in comments if 'QueueName "orders\\-' in c["body"]]
    assert len(named) == 300 and len({c["line"] for c in named}) == 300  # each queue's, once
    # 601 findings in all (names, encryption, the missing Stage parameter): each posted once.
    assert len({(c["line"], c["body"].split(":")[0]) for c in comments}) == len(comments) == 601
    assert gh.paced > 0  # GitHub's pace was reached, and waited out
    [run] = gh.check_runs_for(run["head_sha"], "policy-reviewer")
    assert "could not be posted" not in run["output"]["summary"]
    assert gh.violations == [], gh.violations
