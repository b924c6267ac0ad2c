"""The real app (gunicorn + a worker process) against the GitHub stand-in over HTTP.

Every request the app makes is checked against GitHub's REST API description; a test fails
on any violation. The repository under review is a real git repository.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.github_markdown import shown
from tests.e2e.harness import App, billing_repo, free_port, git, keypair, org_repo, wait_for
from tests.e2e.standin import GitHubStandIn

OWNER, REPO, NUMBER, INSTALLATION, APP_ID = "acme", "billing", 7, 4242, "1234"
KEY = keypair()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    repo = billing_repo(tmp_path / "billing")
    gh = GitHubStandIn(app_id=APP_ID, public_key_pem=KEY[1], installation_id=INSTALLATION)
    url = gh.start()
    gh.add_pull(OWNER, REPO, NUMBER, "main", "feature", repo)
    gh.add_repo(OWNER, ".github", org_repo(tmp_path / "org"))
    app = App(url, APP_ID, KEY[0], tmp_path / "data")
    yield {"gh": gh, "app": app, "repo": repo, "tmp": tmp_path}
    app.stop()
    gh.stop()


def completed(gh: GitHubStandIn, sha: str) -> list[dict[str, Any]]:
    return [r for r in gh.check_runs_for(sha, "policy-reviewer") if r["status"] == "completed"]


def review_lines(gh: GitHubStandIn) -> list[tuple[str, int]]:
    return sorted((c["path"], c["line"]) for c in gh.review_comments_for(OWNER, REPO, NUMBER))


def assert_clean(gh: GitHubStandIn, app: App) -> None:
    assert gh.violations == [], gh.violations + [app.logs_text()]
    assert gh.rejections == [], gh.rejections
    assert "ghs_" not in app.logs_text()  # installation tokens never reach a log
    assert KEY[0].splitlines()[1] not in app.logs_text()


def test_opened_redelivery_and_synchronize(world: dict[str, Any]) -> None:
    gh, app, repo = world["gh"], world["app"], world["repo"]
    # main moves on after the branch forked: it narrows ForwardBilling's logs:* wildcard.
    # The pull request still has logs:* from where it forked; that is not a new problem.
    git(repo, "checkout", "-q", "main")
    base_text = (repo / "stacks" / "billing.yaml").read_text()
    (repo / "stacks" / "billing.yaml").write_text(base_text.replace('["logs:*"]', '["logs:PutLogEvents"]'))
    git(repo, "commit", "-qam", "narrow logging permissions")
    git(repo, "checkout", "-q", "feature")
    gh.refresh_pull(OWNER, REPO, NUMBER, "main", "feature")
    app.start_web()
    app.start_worker()
    head = gh.pull(OWNER, REPO, NUMBER).head_sha
    event = gh.pull_request_event("opened", OWNER, REPO, NUMBER)
    status, _ = app.deliver("pull_request", event, delivery="delivery-1")
    assert status == 202
    [run] = wait_for(lambda: completed(gh, head), 60, "the check run to complete")
    assert run["conclusion"] == "failure"
    assert "new error" in run["output"]["title"]
    # Inline comments sit on the lines that introduced each problem.
    lines = review_lines(gh)
    assert ("stacks/billing.yaml", 39) in lines      # staged-names: FunctionName ArchiveInvoices
    assert ("stacks/billing.yaml", 63) in lines      # no-wildcard-actions: s3:Get*
    assert ("parameters/dev.json", 3) in lines       # account-separation: prod account in dev
    staged = next(c for c in gh.review_comments_for(OWNER, REPO, NUMBER) if c["line"] == 39)
    assert '```suggestion\n      FunctionName: !Sub "ArchiveInvoices-${Stage}"\n```' in staged["body"]
    assert len(gh.reviews_for(OWNER, REPO, NUMBER)) == 1
    assert "Permission delta" in run["output"]["summary"]
    new_section = run["output"]["summary"].split("### New findings")[1].split("###")[0]
    assert "ForwardBilling" not in new_section  # compared with the merge base, not main's tip
    annotations = run["annotations"]  # GitHub keeps every batch sent
    assert annotations and all(a["path"] in ("stacks/billing.yaml", "parameters/dev.json",
                                             "infra/main.tf", "infra/variables.tf",
                                             "export/serverless.yml") for a in annotations)
    # The same pull request's Terraform and Serverless changes, on their own lines.
    assert ("infra/main.tf", 11) in lines            # no-wildcard-actions: kms:*
    assert ("infra/main.tf", 22) in lines            # staged-names: the role's name
    assert ("export/serverless.yml", 12) in lines    # no-wildcard-actions: sqs:Get*
    assert ("export/serverless.yml", 19) in lines    # no-shared-policies: notify shares the role
    assert ("export/serverless.yml", 21) in lines    # staged-names: name: billing-notify

    # /metrics adds up the web workers' and the queue worker's counts.
    import urllib.request
    with urllib.request.urlopen(app.url + "/metrics", timeout=5) as response:
        text = response.read().decode()
    assert 'policy_reviewer_deliveries_total{event="pull_request",outcome="queued"} 1.0' in text
    wait_for(lambda: 'policy_reviewer_jobs_total{outcome="done"} 1.0' in _metrics(app), 10,
             "the worker to count the job")
    assert 'policy_reviewer_github_calls_total{status="2xx"}' in text
    assert "ghs_" not in text and "BEGIN" not in text

    # A redelivery of the same delivery produces nothing new.
    calls_before = len(gh.calls)
    status, body = app.deliver("pull_request", event, delivery="delivery-1")
    assert (status, body) == (200, {"duplicate": "delivery-1"})
    time.sleep(1.5)
    assert len(gh.calls) == calls_before and len(gh.reviews_for(OWNER, REPO, NUMBER)) == 1

    # "Re-run" on the check: a new check run for the same commit, no comment repeated.
    comments_before = len(gh.review_comments_for(OWNER, REPO, NUMBER))
    status, _ = app.deliver("check_run", gh.check_run_event("rerequested", OWNER, REPO, NUMBER,
                                                            check_run_id=run["id"]))
    assert status == 202
    wait_for(lambda: len(completed(gh, head)) == 2, 60, "the re-run check run")
    assert len(gh.review_comments_for(OWNER, REPO, NUMBER)) == comments_before

    # A push that fixes the function name: the fix is reported, nothing is repeated.
    text = (repo / "stacks" / "billing.yaml").read_text()
    (repo / "stacks" / "billing.yaml").write_text(
        text.replace("FunctionName: ArchiveInvoices", 'FunctionName: !Sub "ArchiveInvoices-${Stage}"'))
    git(repo, "commit", "-qam", "stage the archive function's name")
    new_head = gh.refresh_pull(OWNER, REPO, NUMBER, "main", "feature").head_sha
    comments_before = len(gh.review_comments_for(OWNER, REPO, NUMBER))
    status, _ = app.deliver("pull_request", gh.pull_request_event("synchronize", OWNER, REPO, NUMBER))
    assert status == 202
    [run2] = wait_for(lambda: completed(gh, new_head), 60, "the second check run")
    assert run2["conclusion"] == "failure"  # the other new errors remain
    assert "1 fixed" in run2["output"]["summary"] or "fixed" in run2["output"]["title"]
    assert len(gh.review_comments_for(OWNER, REPO, NUMBER)) == comments_before
    assert len(gh.reviews_for(OWNER, REPO, NUMBER)) == 1
    assert_clean(gh, app)


def _metrics(app: App) -> str:
    import urllib.request
    with urllib.request.urlopen(app.url + "/metrics", timeout=5) as response:
        return response.read().decode()


def test_pull_request_without_templates_is_neutral(world: dict[str, Any]) -> None:
    gh, app, repo = world["gh"], world["app"], world["repo"]
    git(repo, "checkout", "-q", "-b", "docs", "main")
    (repo / "README.md").write_text("# Billing\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "docs")
    head = gh.add_pull(OWNER, REPO, 8, "main", "docs", repo).head_sha
    app.start_web()
    app.start_worker()
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, 8))
    [run] = wait_for(lambda: completed(gh, head), 60, "the check run")
    assert run["conclusion"] == "neutral" and gh.reviews_for(OWNER, REPO, 8) == []
    assert gh.violations == []


def test_bad_signature_is_refused_and_nothing_happens(world: dict[str, Any]) -> None:
    gh, app = world["gh"], world["app"]
    app.start_web()
    app.start_worker()
    event = gh.pull_request_event("opened", OWNER, REPO, NUMBER)
    status, _ = app.deliver("pull_request", event, secret="not-the-secret")
    assert status == 401
    time.sleep(2)
    assert gh.calls == [] and gh.check_runs == {}


def test_review_completes_when_github_fails_30_percent_and_rate_limits(world: dict[str, Any]) -> None:
    gh, app = world["gh"], world["app"]
    gh.fail_rate = 0.3
    gh.rate_limit_every = 9
    app.start_web()
    app.start_worker()
    head = gh.pull(OWNER, REPO, NUMBER).head_sha
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    [run] = wait_for(lambda: completed(gh, head), 120, "the check run despite failures")
    assert run["conclusion"] == "failure"
    assert len(gh.reviews_for(OWNER, REPO, NUMBER)) == 1
    assert ("stacks/billing.yaml", 39) in review_lines(gh)
    assert any(c["status"] == 502 for c in gh.calls)
    assert gh.violations == []


def test_worker_killed_mid_job_completes_after_restart_with_one_review(world: dict[str, Any]) -> None:
    gh, app = world["gh"], world["app"]
    gh.latency = 0.4  # slow enough to kill the worker while the job is running
    app.start_web()
    worker = app.start_worker()
    head = gh.pull(OWNER, REPO, NUMBER).head_sha
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    wait_for(lambda: gh.check_runs_for(head, "policy-reviewer"), 60, "the job to start")
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert not completed(gh, head)
    gh.latency = 0.0
    app.start_worker()
    [run] = wait_for(lambda: completed(gh, head), 90, "the job to finish after the restart")
    assert run["conclusion"] == "failure"
    assert len(gh.check_runs_for(head, "policy-reviewer")) == 1
    assert len(gh.reviews_for(OWNER, REPO, NUMBER)) == 1
    assert gh.violations == []


def test_job_that_keeps_failing_is_dead_lettered_and_replayed(world: dict[str, Any]) -> None:
    gh, app, repo = world["gh"], world["app"], world["repo"]
    app.start_web()
    app.start_worker()
    event = gh.pull_request_event("opened", OWNER, REPO, NUMBER)
    event["number"] = event["pull_request"]["number"] = 99  # a pull request GitHub does not know
    head = event["pull_request"]["head"]["sha"]
    assert app.deliver("pull_request", event)[0] == 202
    [run] = wait_for(lambda: completed(gh, head), 60, "the failed job's check run")
    assert run["conclusion"] == "failure" and "could not review" in run["output"]["title"]
    # Words for the pull request's author: what to do; the exception is for the logs.
    words = run["output"]["summary"]
    assert "press *Re-run*" in words and "ask whoever runs policy-reviewer" in words
    assert "Exception" not in words and "jobs dead" not in words and "404" not in words
    assert "UnknownObjectException" in app.logs_text()
    dead = app.cli("jobs", "dead")
    assert f"acme/billing#99@{head}" in dead.stdout and "attempts=5" in dead.stdout
    # The only complaints are about the unknown pull request itself (GitHub answers 404).
    assert gh.violations and all("pull request #99 is not registered" in v for v in gh.violations)
    gh.clear()
    # The pull request appears (GitHub recovered): the operator replays the job.
    gh.add_pull(OWNER, REPO, 99, "main", "feature", repo)
    replay = app.cli("jobs", "replay", f"acme/billing#99@{head}")
    assert replay.returncode == 0, replay.stderr
    wait_for(lambda: [r for r in completed(gh, head) if r["conclusion"] == "failure"], 60,
             "the replayed review")
    assert gh.violations == []


def _redis_server(tmp: Path) -> subprocess.Popen[bytes] | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", str(tmp)], stdout=subprocess.DEVNULL)
    proc.port = port  # type: ignore[attr-defined]
    import redis
    wait_for(lambda: _pings(redis.Redis(port=port)), 20, "redis-server")
    return proc


def _pings(client: Any) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001
        return False


def test_redis_mode_with_two_workers(world: dict[str, Any]) -> None:
    gh, tmp = world["gh"], world["tmp"]
    server = _redis_server(tmp)
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server must be installed in CI")
        pytest.skip("redis-server is not installed")
    try:
        app = App(gh.base_url or "", APP_ID, KEY[0], tmp / "redis-data",
                  redis_url=f"redis://127.0.0.1:{server.port}/0")  # type: ignore[attr-defined]
        world["app"] = app
        app.start_web()
        app.start_worker()
        app.start_worker()
        head = gh.pull(OWNER, REPO, NUMBER).head_sha
        event = gh.pull_request_event("opened", OWNER, REPO, NUMBER)
        assert app.deliver("pull_request", event, delivery="r-1")[0] == 202
        assert app.deliver("pull_request", event, delivery="r-1")[0] == 200
        # A second, different delivery for the same commit (check suite requested).
        app.deliver("check_suite", gh.check_suite_event("requested", OWNER, REPO, NUMBER))
        [run] = wait_for(lambda: completed(gh, head), 60, "the check run (Redis)")
        time.sleep(2)
        assert run["conclusion"] == "failure"
        assert len(gh.reviews_for(OWNER, REPO, NUMBER)) == 1
        assert gh.violations == []
        app.stop()
    finally:
        server.terminate()
        server.wait()


def test_serve_runs_web_and_worker_together(world: dict[str, Any]) -> None:
    gh, app = world["gh"], world["app"]
    proc = app._spawn([sys.executable, "-m", "reviewer.cli", "serve", "--bind",
                       f"127.0.0.1:{app.port}"], "serve")
    app.workers.append(proc)  # stopped with the app
    wait_for(app._healthy, 30, "serve to answer /healthz")
    head = gh.pull(OWNER, REPO, NUMBER).head_sha
    assert app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))[0] == 202
    [run] = wait_for(lambda: completed(gh, head), 60, "the check run (serve)")
    assert run["conclusion"] == "failure" and gh.violations == []


def test_serve_refuses_to_start_without_the_secret(world: dict[str, Any]) -> None:
    app = world["app"]
    env = {k: v for k, v in app.env.items() if k != "GITHUB_WEBHOOK_SECRET"}
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "serve"], env=env, cwd=app.logs.parent,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "GITHUB_WEBHOOK_SECRET" in proc.stderr
    assert app.env["GITHUB_PRIVATE_KEY"].splitlines()[1] not in proc.stderr


def test_organisation_rules_from_its_github_repository(world: dict[str, Any]) -> None:
    """The org's .github repository locks a rule the repository's base config switches off."""
    gh, app, repo, tmp = world["gh"], world["app"], world["repo"], world["tmp"]
    gh.add_repo(OWNER, ".github", org_repo(tmp / "org-locked", {
        "config.yml": "rules:\n  no-wildcard-actions: {locked: true}\n"}))
    git(repo, "checkout", "-q", "main")
    config = repo / ".github" / "policy-reviewer.yml"
    config.write_text(config.read_text() + "  no-wildcard-actions: {enabled: false}\n")
    git(repo, "commit", "-qam", "switch off wildcards")
    git(repo, "checkout", "-q", "feature")
    git(repo, "merge", "-q", "--no-edit", "main")
    head = gh.refresh_pull(OWNER, REPO, NUMBER, "main", "feature").head_sha
    app.start_web()
    app.start_worker()
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    [run] = wait_for(lambda: completed(gh, head), 60, "the check run")
    assert ("stacks/billing.yaml", 63) in review_lines(gh)  # s3:Get* still reported
    assert "config-locked" in run["output"]["summary"]
    assert gh.violations == []


def test_pull_request_changing_the_organisations_rules(world: dict[str, Any]) -> None:
    gh, app, tmp = world["gh"], world["app"], world["tmp"]
    from reviewer.config.rulebook import DEFAULT_POLICIES

    rules = (DEFAULT_POLICIES / "no-wildcard-actions.yml").read_text()
    org = org_repo(tmp / "org-rules", {"no-wildcard-actions.yml": rules,
                                       "config.yml": "rules:\n  no-wildcard-actions: {locked: true}\n"})
    git(org, "checkout", "-q", "-b", "tune")
    (org / "policy-reviewer" / "no-wildcard-actions.yml").write_text(
        rules.replace("severity: error", "severity: warning").replace("  allow: []", "  alow: []"))
    (org / "policy-reviewer" / "config.yml").write_text(
        "rules:\n  no-wildcard-actions: {locked: true}\nwaivers:\n  - {rule: staged-names, path: "
        "legacy/**, reason: migration, expires: 2027-01-31}\n")
    git(org, "commit", "-qam", "tune the wildcard rule")
    gh.add_repo(OWNER, ".github", org, default_branch="main")
    head = gh.add_pull(OWNER, ".github", 3, "main", "tune").head_sha
    app.start_web()
    app.start_worker()
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, ".github", 3))
    [run] = wait_for(lambda: completed(gh, head), 60, "the check run")
    assert run["conclusion"] == "failure", run["output"]
    comments = gh.review_comments_for(OWNER, ".github", 3)
    assert [(c["path"], c["line"]) for c in comments] == [("policy-reviewer/no-wildcard-actions.yml", 31)]
    assert 'unknown parameter "alow"' in comments[0]["body"]
    summary = run["output"]["summary"]
    assert "### Rule changes" in summary
    assert "waiver added: staged-names on legacy/**, expires 2027-01-31" in shown(summary)
    assert gh.violations == []


def test_pull_request_weakening_a_locked_rule_is_blocked_before_it_merges(world: dict[str, Any]) -> None:
    """The configuration a pull request changes is reviewed like code: the attempt to switch
    off a locked rule is a new finding on its line, and the check fails."""
    gh, app, repo, tmp = world["gh"], world["app"], world["repo"], world["tmp"]
    gh.add_repo(OWNER, ".github", org_repo(tmp / "org-locks", {
        "config.yml": "rules:\n  no-wildcard-actions: {locked: true}\n"}))
    config = repo / ".github" / "policy-reviewer.yml"
    before = config.read_text()
    config.write_text(before + "  no-wildcard-actions: {enabled: false}\nwaivers:\n"
                      "  - {rule: staged-nmes, path: legacy/**, reason: r, expires: 2030-01-01}\n")
    git(repo, "commit", "-qam", "switch off wildcards in the pull request itself")
    head = gh.refresh_pull(OWNER, REPO, NUMBER, "main", "feature").head_sha
    app.start_web()
    app.start_worker()
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    [run] = wait_for(lambda: completed(gh, head), 60, "the check run")
    assert run["conclusion"] == "failure", run["output"]
    comments = {(c["path"], c["line"]): c["body"] for c in gh.review_comments_for(OWNER, REPO, NUMBER)}
    lines = before.count("\n")
    # A misspelt rule id in a waiver would stop every review once merged: caught now.
    invalid = comments[(".github/policy-reviewer.yml", lines + 3)]
    assert 'did you mean "staged-names"?' in shown(invalid)
    # Once this file is invalid, nothing else in it is judged: fix the typo, and the lock bites.
    config.write_text(before + "  no-wildcard-actions: {enabled: false}\n")
    git(repo, "commit", "-qam", "fix the typo")
    head = gh.refresh_pull(OWNER, REPO, NUMBER, "main", "feature").head_sha
    app.deliver("pull_request", gh.pull_request_event("synchronize", OWNER, REPO, NUMBER))
    [run] = wait_for(lambda: completed(gh, head), 60, "the second check run")
    assert run["conclusion"] == "failure", run["output"]
    comments = {(c["path"], c["line"]): c["body"] for c in gh.review_comments_for(OWNER, REPO, NUMBER)}
    locked = comments[(".github/policy-reviewer.yml", lines + 1)]
    assert "locked by the organisation" in locked and "may not disable it" in locked
    assert "this review still used the configuration of the base commit" in run["output"]["summary"]
    assert_clean(gh, app)


def _lock_wildcards_and_switch_them_off(gh: GitHubStandIn, repo: Path, tmp: Path, installation: int) -> str:
    """The org's .github locks no-wildcard-actions; the repository's base switches it off."""
    gh.add_repo(OWNER, ".github", org_repo(tmp / "org-locked", {
        "config.yml": "rules:\n  no-wildcard-actions: {locked: true}\n"}), installation_id=installation)
    git(repo, "checkout", "-q", "main")
    config = repo / ".github" / "policy-reviewer.yml"
    config.write_text(config.read_text() + "  no-wildcard-actions: {enabled: false}\n")
    git(repo, "commit", "-qam", "switch off wildcards")
    git(repo, "checkout", "-q", "feature")
    git(repo, "merge", "-q", "--no-edit", "main")
    return gh.refresh_pull(OWNER, REPO, NUMBER, "main", "feature").head_sha


def test_an_organisation_github_repository_the_app_cannot_see_fails_closed(world: dict[str, Any]) -> None:
    """Installed on selected repositories, without .github: the organisation's lock must not
    vanish (the repository's base switching the rule off would win); the review fails at
    once, saying how to fix it, until the operator says the org keeps no rules there."""
    gh, app, repo, tmp = world["gh"], world["app"], world["repo"], world["tmp"]
    # .github belongs to another installation: invisible to this one, as GitHub answers 404.
    head = _lock_wildcards_and_switch_them_off(gh, repo, tmp, installation=INSTALLATION + 1)
    gh.set_installation(INSTALLATION, repository_selection="selected")
    app.start_web()
    app.start_worker()
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    [run] = wait_for(lambda: completed(gh, head), 60, "the check run")
    assert run["conclusion"] == "failure"
    assert run["output"]["title"] == "policy-reviewer could not review this change"
    summary = run["output"]["summary"]
    assert "cannot see `acme/.github`" in summary and "Repository access" in summary
    assert "POLICY_REVIEWER_ORGS_WITHOUT_RULES=acme" in summary
    app.wait_settled()
    assert "attempt 2" not in app.logs_text()  # not retried: nothing changes until someone acts
    assert gh.review_comments_for(OWNER, REPO, NUMBER) == []  # no review with fewer rules

    # The operator says acme keeps no rules in .github: reviewed, and the summary says so.
    app.stop()
    app.env["POLICY_REVIEWER_ORGS_WITHOUT_RULES"] = "other-org, ACME"
    app.start_web()
    app.start_worker()
    status, answer = app.deliver("check_run", gh.check_run_event("rerequested", OWNER, REPO, NUMBER,
                                                                 check_run_id=run["id"]))
    assert (status, answer) == (202, {"queued": 1})
    # A re-run makes a new check run; GitHub shows the newest.
    wait_for(lambda: "could not review" not in completed(gh, head)[-1]["output"]["title"], 60, "the review")
    summary = completed(gh, head)[-1]["output"]["summary"]
    assert "Organisation rules: none: the app's operator says `acme` keeps no rules in `.github`." in summary


def test_the_summary_says_where_the_organisations_rules_came_from(world: dict[str, Any]) -> None:
    gh, app, repo, tmp = world["gh"], world["app"], world["repo"], world["tmp"]
    head = _lock_wildcards_and_switch_them_off(gh, repo, tmp, installation=INSTALLATION)
    gh.set_installation(INSTALLATION, repository_selection="selected")
    app.start_web()
    app.start_worker()
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    [run] = wait_for(lambda: completed(gh, head), 60, "the check run")
    org_head = git(tmp / "org-locked", "rev-parse", "HEAD").strip()
    assert f"Organisation rules: `acme/.github` at `{org_head[:12]}`." in run["output"]["summary"]
    assert ("stacks/billing.yaml", 63) in review_lines(gh)  # the lock holds
    assert gh.violations == []


def test_an_installation_on_every_repository_without_github_has_no_org_rules(world: dict[str, Any]) -> None:
    gh, app = world["gh"], world["app"]
    head = gh.pull(OWNER, REPO, NUMBER).head_sha
    del gh.repos[(OWNER, ".github")]
    gh.set_installation(INSTALLATION, repository_selection="all")
    app.start_web()
    app.start_worker()
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    [run] = wait_for(lambda: completed(gh, head), 60, "the check run")
    assert "Organisation rules: none: `acme` has no `.github` repository." in run["output"]["summary"]
    assert run["conclusion"] == "failure"  # the review's own verdict


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_only_a_job_not_started_can_be_cancelled(kind: str, tmp_path: Path) -> None:
    """A merge group that leaves the queue cancels its review only while it waits."""
    from reviewer.jobs.store import DONE, QUEUED, RUNNING, Job, RedisStore, SqliteStore

    server = None
    if kind == "redis":
        server = _redis_server(tmp_path)
        if server is None:
            if os.environ.get("CI"):
                pytest.fail("redis-server must be installed in CI")
            pytest.skip("redis-server is not installed")
        store: Any = RedisStore(f"redis://127.0.0.1:{server.port}/0")  # type: ignore[attr-defined]
    else:
        store = SqliteStore(tmp_path / "jobs.db")
    try:
        store.add_job(Job("waiting", {}))
        store.add_job(Job("running", {}))
        store.start("running")
        assert store.cancel("waiting", "cancelled") and store.get_job("waiting").state == DONE
        assert store.start("waiting") is None  # the queue's task finds nothing to do
        assert not store.cancel("running", "cancelled") and store.get_job("running").state == RUNNING
        assert not store.cancel("nothing", "cancelled")
        assert QUEUED not in {j.state for j in store.jobs()}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
