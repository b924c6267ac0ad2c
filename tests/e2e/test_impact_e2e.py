"""A change to the organisation's rules: its effect on every repository, before it merges.

The app fans the work out as one queue job per repository, two worker processes share it,
and the totals in the pull request's check run must equal what the CLI's ``policies impact``
says about the same repositories on disk.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.e2e.harness import App, git, keypair, org_repo, wait_for
from tests.e2e.standin import GitHubStandIn
from tests.github_markdown import shown

OWNER, INSTALLATION, APP_ID, NUMBER = "acme", 4242, "1234", 12
KEY = keypair()
QUEUE = "Resources:\n  Orders: {Type: AWS::SQS::Queue, Properties: {SqsManagedSseEnabled: true}}\n"
BUCKET_AND_TOPIC = ("Resources:\n  Archive: {Type: AWS::S3::Bucket}\n"
                    "  Events: {Type: AWS::SNS::Topic, Properties: {KmsMasterKeyId: alias/aws/sns}}\n")
TF_QUEUE = 'resource "aws_sqs_queue" "jobs" {\n  sqs_managed_sse_enabled = true\n}\n'
OLD = "rules:\n  concurrency-limit: {enabled: true}\n"
NEW = "rules:\n  concurrency-limit: {enabled: true}\n  customer-managed-keys: {enabled: true}\n"


def service(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "service")
    return path


@pytest.fixture
def world(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    public_org = getattr(request, "param", False)
    gh = GitHubStandIn(app_id=APP_ID, public_key_pem=KEY[1], installation_id=INSTALLATION)
    url = gh.start()
    services = {
        "orders": service(tmp_path / "orders", {"queue.yaml": QUEUE}),
        "archive": service(tmp_path / "archive", {"stack.yaml": BUCKET_AND_TOPIC, "infra/main.tf": TF_QUEUE}),
        "quiet": service(tmp_path / "quiet", {"README.md": "nothing to review\n"}),
        # Its configuration names a rule that does not exist: listed, never fatal.
        "broken": service(tmp_path / "broken", {"queue.yaml": QUEUE,
                                                ".github/policy-reviewer.yml": "rules:\n  no-such-rule: {enabled: false}\n"}),
    }
    for name, path in services.items():
        gh.add_repo(OWNER, name, path, private=name == "archive")
    org = org_repo(tmp_path / "org", {"config.yml": OLD})
    git(org, "checkout", "-q", "-b", "cmk")
    (org / "policy-reviewer" / "config.yml").write_text(NEW)
    git(org, "commit", "-qam", "require customer-managed keys")
    git(org, "checkout", "-q", "main")
    gh.add_repo(OWNER, ".github", org, default_branch="main", private=not public_org)
    pull = gh.add_pull(OWNER, ".github", NUMBER, "main", "cmk")
    app = App(url, APP_ID, KEY[0], tmp_path / "data")
    yield {"gh": gh, "app": app, "tmp": tmp_path, "services": services, "head": pull.head_sha}
    app.stop()
    gh.stop()


def cli_impact(tmp: Path, services: dict[str, Path]) -> dict[str, Any]:
    (tmp / "old").mkdir()
    (tmp / "old" / "config.yml").write_text(OLD)
    (tmp / "new").mkdir()
    (tmp / "new" / "config.yml").write_text(NEW)
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "policies", "impact", "--old",
                           str(tmp / "old"), "--new", str(tmp / "new"), "--format", "json",
                           *map(str, services.values())], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def impact_summary(gh: GitHubStandIn, head: str, event: dict[str, Any], app: App) -> str:
    def final() -> list[dict[str, Any]]:
        runs = [r for r in gh.check_runs_for(head, "policy-reviewer") if r["status"] == "completed"]
        return [r for r in runs if "### Impact on the organisation" in (r["output"].get("summary") or "")
                and "Being worked out" not in r["output"]["summary"]]

    app.deliver("pull_request", event)
    [run] = wait_for(final, 120, "the impact in the check run")
    return run["output"]["summary"]


def test_rule_change_impact_across_the_installation(world: dict[str, Any]) -> None:
    gh, app, head = world["gh"], world["app"], world["head"]
    app.start_web()
    app.start_worker()
    app.start_worker()  # two workers share the repositories' jobs
    summary = impact_summary(gh, head, gh.pull_request_event("opened", OWNER, ".github", NUMBER), app)
    # The review of the rule change itself is still there, above the impact.
    assert summary.index("### Rule changes") < summary.index("### Impact on the organisation's repositories")
    expected = cli_impact(world["tmp"], world["services"])
    added = sum(len(r["added"]) for r in expected["repositories"])
    removed = sum(len(r["removed"]) for r in expected["repositories"])
    touched = sum(1 for r in expected["repositories"] if r["added"] or r["removed"])
    # orders: the queue; archive: the bucket and the topic (an AWS managed key). The rule does
    # not judge Terraform queues, so infra/main.tf adds nothing.
    assert added == 3 and touched == 2
    # The installation also holds .github itself (nothing to review there): 5 repositories.
    assert (f"The rules as changed here adds {added} finding(s) (0 error(s)) in {touched} repositories, "
            f"removes {removed}; 5 reviewed, 1 could not be read.") in summary
    assert "| `acme/archive` | 2 | 0 |" in summary and "| `acme/orders` | 1 | 0 |" in summary
    assert "| `customer-managed-keys` | 3 | 0 |" in summary
    assert "acme/broken" in summary.split("Could not be reviewed:")[1]
    assert 'no rule "no-such-rule"' in shown(summary)
    # One job per repository went through the queue.
    jobs = app.cli("jobs", "dead")
    assert jobs.returncode == 0 and "impact-repo" not in jobs.stdout
    assert gh.violations == [], gh.violations


@pytest.mark.parametrize("world", [True], indirect=True)
def test_a_public_org_repository_names_public_repositories_only(world: dict[str, Any]) -> None:
    """The check run of a public .github repository is public: the private repository's
    results (its name, its counts) stay off it."""
    gh, app, head = world["gh"], world["app"], world["head"]
    app.start_web()
    app.start_worker()
    summary = impact_summary(gh, head, gh.pull_request_event("opened", OWNER, ".github", NUMBER), app)
    assert "acme/archive" not in summary
    assert ("The rules as changed here adds 1 finding(s) (0 error(s)) in 1 repository, removes 0; "
            "4 reviewed, 1 could not be read.") in summary
    assert "1 private repository was judged too" in summary
    assert "| `acme/orders` | 1 | 0 |" in summary and "| `customer-managed-keys` | 1 | 0 |" in summary


def test_a_pull_request_from_a_fork_is_not_run_over_everyones_code(world: dict[str, Any]) -> None:
    gh, app, head = world["gh"], world["app"], world["head"]
    app.start_web()
    app.start_worker()
    event = gh.pull_request_event("opened", OWNER, ".github", NUMBER)
    event["pull_request"]["head"]["repo"] = {**event["pull_request"]["head"]["repo"], "id": 987654321,
                                             "full_name": "stranger/.github"}
    summary = impact_summary(gh, head, event, app)
    assert "Not worked out: this pull request comes from a fork" in summary
    assert not [c for c in gh.calls if "git/trees" in c["path"]]  # no repository was read


def test_the_review_page_shows_private_results_only_to_their_readers(world: dict[str, Any]) -> None:
    from reviewer.web.review_page import visible_results

    gh = world["gh"]
    results = [{"repo": "acme/orders", "private": False, "added_count": 1},
               {"repo": "acme/archive", "private": True, "added_count": 2},
               {"repo": "acme/broken", "private": True, "error": "no rule"}]
    token = "ghu_" + "a" * 36
    gh.tokens[token] = {"token": token, "user": "sam", "installation_id": None, "permissions": {},
                        "repositories": None, "expires": 2 ** 40}
    gh.readers[("acme", "archive")] = {"sam"}
    seen = visible_results(results, token, gh.base_url)
    assert [r["repo"] for r in seen] == ["acme/orders", "acme/archive"]
    gh.readers[("acme", "archive")] = set()
    assert [r["repo"] for r in visible_results(results, token, gh.base_url)] == ["acme/orders"]


def test_workers_share_the_repositories_through_redis(world: dict[str, Any]) -> None:
    """The same fan-out with the queue and the notes in a real redis-server."""
    import os
    import shutil

    from tests.e2e.harness import free_port
    from tests.e2e.test_web_hostile_e2e import _redis

    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server must be installed in CI")
        pytest.skip("redis-server is not installed")
    gh, app, head, tmp = world["gh"], world["app"], world["head"], world["tmp"]
    password, port = "impact-redis-password", free_port()
    server = _redis(port, password, tmp)
    try:
        app.env["REDIS_URL"] = f"redis://:{password}@127.0.0.1:{port}/0"
        app.start_web()
        app.start_worker()
        app.start_worker()
        summary = impact_summary(gh, head, gh.pull_request_event("opened", OWNER, ".github", NUMBER), app)
        assert "adds 3 finding(s) (0 error(s)) in 2 repositories, removes 0; 5 reviewed, 1 could not be read." in summary
        import redis

        client = redis.Redis(port=port, password=password)
        scopes = [k for k in client.keys("*notes:impact-run:*")]
        assert len(scopes) == 1 and client.llen(scopes[0]) == 1 + 5  # the plan and a result each
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_note_count_in_both_stores(tmp_path: Path) -> None:
    from reviewer.jobs.store import SqliteStore

    store = SqliteStore(tmp_path / "jobs.db")
    assert store.note_count("s") == 0
    for i in range(3):
        store.add_note("s", {"i": i})
    store.add_note("other", {})
    assert store.note_count("s") == 3 and len(store.notes("s")) == 3
