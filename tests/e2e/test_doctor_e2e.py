"""`policy-reviewer doctor`, the real command in its own process, against the GitHub stand-in:
each wiring mistake is named with its fix, the exit status says whether reviews would stall or
weaken, and no secret is ever printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from tests.e2e.harness import ROOT, keypair, org_repo
from tests.e2e.standin import SUBSET_SPEC, GitHubStandIn, git_commit, git_init

pytestmark = pytest.mark.skipif(not SUBSET_SPEC.exists(), reason="shared/corpus/github/openapi is not there")

OWNER, APP_ID, INSTALLATION = "acme", 1234, 4242
PUBLIC_URL = "https://reviewer.example.com"
KEY = keypair()
ALL_REPOS = ("billing", ".github")
# The number of calls a read that keeps failing may make: the first and two retries.
ATTEMPTS = 3


@pytest.fixture
def gh(tmp_path: Path) -> Iterator[GitHubStandIn]:
    """A healthy installation: everything accepted, the check required from this app on
    every default branch (an organisation ruleset), a merge queue on billing's."""
    billing = git_init(tmp_path / "billing")
    git_commit(billing, {"template.yaml": "Resources: {}\n"}, "init")
    standin = GitHubStandIn(app_id=APP_ID, public_key_pem=KEY[1], installation_id=INSTALLATION)
    standin.start()
    standin.add_repo(OWNER, "billing", billing)
    standin.add_repo(OWNER, ".github", org_repo(tmp_path / "org"))
    standin.set_hook_config(f"{PUBLIC_URL}/webhook")
    required = standin.required_checks_rule(("policy-reviewer", APP_ID))
    standin.set_branch_rules(OWNER, "billing", "main", [required, standin.merge_queue_rule()])
    standin.set_branch_rules(OWNER, ".github", "main", [required])
    standin.add_delivery("pull_request", 202, action="opened", installation_id=INSTALLATION)
    yield standin
    standin.stop()


def doctor(gh: GitHubStandIn, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the command as an operator would, with the app's credentials in the environment."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PUBLIC_URL"))}
    environ.update({"GITHUB_APP_ID": str(APP_ID), "GITHUB_PRIVATE_KEY": KEY[0], "GITHUB_API_URL": gh.base_url or "",
                    "PUBLIC_URL": PUBLIC_URL, "POLICY_REVIEWER_BACKOFF": "0.01", "PYTHONPATH": str(ROOT)})
    environ.update(env)
    result = subprocess.run([sys.executable, "-m", "reviewer.cli", "doctor", *args], env=environ, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    _no_secrets(gh, result.stdout + result.stderr)
    return result


def _no_secrets(gh: GitHubStandIn, output: str) -> None:
    key_lines = [line for line in KEY[0].splitlines() if line and not line.startswith("-----")]
    assert not any(line in output for line in key_lines), "the private key was printed"
    assert not any(token in output for token in gh.tokens), "an installation token was printed"


def lines(result: subprocess.CompletedProcess[str], mark: str) -> list[str]:
    return [line.strip()[2:] for line in result.stdout.splitlines() if line.strip().startswith(mark + " ")]


def clean(gh: GitHubStandIn) -> None:
    assert gh.violations == []
    assert gh.response_problems == []
    assert gh.unmodelled == []


def test_a_healthy_installation_passes(gh: GitHubStandIn) -> None:
    result = doctor(gh)
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines(result, "✗") == []
    ok = lines(result, "✓")
    assert "the app asks for Checks (write), Pull requests (write), Contents (read), Metadata (read), " \
           "Members (organisation) (read), Merge queues (read)" in ok
    assert "the app is subscribed to the pull_request, check_run, check_suite, pull_request_review_comment, " \
           "merge_group events" in ok
    assert "the installation has the permissions and events the app needs" in ok
    assert f"{OWNER}/.github is visible: the organisation's rules are read" in ok
    assert f"GitHub delivers to {PUBLIC_URL}/webhook, as PUBLIC_URL says" in ok
    assert "none of the last 1 webhook deliveries failed" in ok
    assert "main uses a merge queue, and the installation receives its merge_group events" in ok
    assert sum(line.startswith("main requires policy-reviewer from this app (organisation ruleset 42 of acme)")
               for line in ok) == 2
    # The callback URL is not in GitHub's API: said so, with the value to compare by hand.
    assert any("OAuth callback URL cannot be read through GitHub's API" in line and
               f"{PUBLIC_URL}/oauth/callback" in line for line in lines(result, "?"))
    assert result.stdout.splitlines()[-1] == "0 problems, 0 warnings, 1 not checked: nothing stalls or weakens " \
                                             "reviews."
    # Every repository of the installation was looked at, through the two endpoints.
    assert len(gh.calls_to("repos/get-branch-rules")) == len(ALL_REPOS)
    clean(gh)


def test_json_gives_the_same_verdict_for_scripts(gh: GitHubStandIn) -> None:
    gh.set_hook_config("https://old.example.com/hook")
    result = doctor(gh, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["exit_status"] == 1 and report["problems"] == 1
    [webhook] = [s for s in report["sections"] if s["title"] == "Webhook"]
    [problem] = [f for f in webhook["findings"] if f["level"] == "fail"]
    assert problem["fix"].startswith(f"set the app's webhook URL (settings → General → Webhook URL) to "
                                     f"{PUBLIC_URL}/webhook")
    [installation] = [s for s in report["sections"] if s["title"].startswith("Installation")]
    assert [s["title"] for s in installation["sections"]] == [
        f"{OWNER}/billing (default branch main)", f"{OWNER}/.github (default branch main)"]
    clean(gh)


def test_a_merge_queue_without_merge_group_events_would_stall(gh: GitHubStandIn) -> None:
    # The app as it was registered before merge queues: no event, no permission.
    permissions = {k: v for k, v in gh.app_permissions.items() if k != "merge_queues"}
    events = [e for e in gh.app_events if e != "merge_group"]
    gh.set_app_permissions(permissions)
    gh.set_app_events(events)
    result = doctor(gh)
    assert result.returncode == 1
    problems = lines(result, "✗")
    assert any(p.startswith("main uses a merge queue, but the installation does not receive merge_group events "
                            "and has no Merge queues (read) permission: queued pull requests wait for the check")
               and "subscribe the app to Merge group and grant Merge queues (read)" in p for p in problems)
    assert any(p.startswith("the app does not ask for Merge queues (read) — in the app's settings → Permissions "
                            "& events, set Merge queues to read") for p in problems)
    assert any(p.startswith("the app is not subscribed to the merge_group event") for p in problems)
    clean(gh)


def test_an_installation_that_has_not_accepted_new_permissions(gh: GitHubStandIn) -> None:
    # The app asks for them; the installation still has what it accepted before.
    gh.set_installation(INSTALLATION, permissions={k: v for k, v in gh.app_permissions.items()
                                                   if k != "merge_queues"},
                        events=[e for e in gh.app_events if e != "merge_group"])
    result = doctor(gh)
    assert result.returncode == 1
    problems = lines(result, "✗")
    settings = f"https://github.com/organizations/{OWNER}/settings/installations/{INSTALLATION}"
    assert f"the installation lacks Merge queues (read) — an owner must accept the new permissions in the " \
           f"installation's settings ({settings})" in problems
    assert any(p.startswith("the installation lacks the merge_group event — an owner must accept") for p in problems)
    assert not any(p.startswith("the app ") for p in problems)  # the app itself is right
    clean(gh)


def test_org_rules_invisible_to_a_selected_repositories_installation(gh: GitHubStandIn, tmp_path: Path) -> None:
    gh.repos.pop((OWNER, ".github"))  # not among the installation's repositories
    gh.set_installation(INSTALLATION, repository_selection="selected")
    result = doctor(gh)
    assert result.returncode == 1
    assert f"{OWNER}/.github is not visible to this installation: the organisation's rules are not read — " \
           "install the app on .github too (the installation's settings → Repository access)" in lines(result, "✗")
    assert gh.violations == []  # asking is what doctor is for: GitHub's 404 is an answer
    assert any(".github" in r for r in gh.rejections)

    # With every repository selected, the same 404 means the organisation has none.
    gh.set_installation(INSTALLATION, repository_selection="all")
    result = doctor(gh)
    assert result.returncode == 0, result.stdout
    assert f"the organisation has no {OWNER}/.github: the shipped rules and each repository's own apply" \
        in lines(result, "✓")
    clean(gh)


def test_a_personal_account_has_no_organisation_rules_to_read(gh: GitHubStandIn) -> None:
    gh.repos.pop((OWNER, ".github"))
    gh.set_installation(INSTALLATION, account_type="User", repository_selection="selected",
                        permissions={k: v for k, v in gh.app_permissions.items() if k != "members"})
    result = doctor(gh)
    assert result.returncode == 0, result.stdout
    assert f"Installation {INSTALLATION}: {OWNER} (personal account, selected repositories)" in result.stdout
    assert ".github" not in result.stdout
    assert gh.calls_to("repos/get") == []
    clean(gh)


def test_a_default_branch_that_does_not_require_the_check_fails(gh: GitHubStandIn) -> None:
    # With Administration (read), doctor also reads branch protection: none here.
    gh.set_installation(INSTALLATION, permissions={**gh.app_permissions, "administration": "read"})
    gh.set_branch_rules(OWNER, "billing", "main", [gh.required_checks_rule(("lint", None))])
    result = doctor(gh)
    assert result.returncode == 1
    [problem] = lines(result, "✗")
    assert problem.startswith("main does not require the policy-reviewer check: a failing review does not block "
                              "merging — require it in a ruleset for the default branch")
    assert len(gh.calls_to("repos/get-status-checks-protection")) == len(ALL_REPOS)

    # Without Administration (read) branch protection cannot be read: not known, not failed.
    gh.set_installation(INSTALLATION, permissions=dict(gh.app_permissions))
    result = doctor(gh)
    assert result.returncode == 0
    assert any(line.startswith("could not check whether main requires the policy-reviewer check: GitHub answered "
                               "403") and "grant the app Administration (read)" in line for line in lines(result, "?"))
    clean(gh)


@pytest.mark.parametrize("where", ["ruleset", "branch protection"])
def test_a_check_not_pinned_to_the_app_is_a_warning(gh: GitHubStandIn, where: str) -> None:
    if where == "ruleset":
        gh.set_branch_rules(OWNER, "billing", "main", [gh.required_checks_rule(("policy-reviewer", None))])
    else:
        gh.set_installation(INSTALLATION, permissions={**gh.app_permissions, "administration": "read"})
        gh.set_branch_rules(OWNER, "billing", "main", [])
        gh.set_branch_protection(OWNER, "billing", "main", [("policy-reviewer", None), ("lint", 15368)])
    result = doctor(gh)
    assert result.returncode == 0, result.stdout
    [warning] = [w for w in lines(result, "!") if w.startswith("main requires")]
    assert "but does not pin it to this app: anyone who can post a commit status can post a passing " \
           "policy-reviewer" in warning
    assert f"integration id {APP_ID}" in warning
    clean(gh)


def test_a_check_pinned_to_another_app_would_stall(gh: GitHubStandIn) -> None:
    gh.set_branch_rules(OWNER, "billing", "main", [gh.required_checks_rule(("policy-reviewer", 999))])
    result = doctor(gh)
    assert result.returncode == 1
    assert f"main requires policy-reviewer from app 999, not from this app ({APP_ID}): pull requests wait for " \
           "it forever — in organisation ruleset 42 of acme, choose this app as the source of policy-reviewer" \
        in lines(result, "✗")
    clean(gh)


def test_failed_deliveries_are_listed_for_redelivery(gh: GitHubStandIn) -> None:
    gh.add_delivery("pull_request", 502, action="synchronize", delivered_at="2024-05-02T08:00:00Z")
    lost = gh.add_delivery("check_suite", 0, action="requested", status="failed to connect",
                           delivered_at="2024-05-02T09:00:00Z")
    # A failure redelivered since with success is settled.
    settled = gh.add_delivery("pull_request", 500, action="opened", delivered_at="2024-05-02T10:00:00Z")
    gh.add_delivery("pull_request", 202, action="opened", guid=settled["guid"], redelivery=True)
    result = doctor(gh)
    assert result.returncode == 0  # past failures weaken nothing from now on: a warning
    [warning] = [w for w in lines(result, "!") if "deliveries" in w]
    assert warning.startswith("2 of the last 5 webhook deliveries failed and were not redelivered")
    assert "Recent deliveries → Redeliver" in warning
    shown = result.stdout.split(warning, 1)[1].splitlines()[1:3]
    assert shown[0].split() == ["2024-05-02T09:00:00Z", "check_suite.requested", "→", "no", "answer", "failed",
                                "to", "connect", "(delivery", f"{lost['id']})"]
    assert shown[1].split()[:4] == ["2024-05-02T08:00:00Z", "pull_request.synchronize", "→", "502"]
    clean(gh)


def test_a_webhook_url_that_is_not_public_url_is_reported(gh: GitHubStandIn) -> None:
    gh.set_hook_config("https://old-host.example.com/webhook", insecure_ssl="1")
    result = doctor(gh)
    assert result.returncode == 1
    assert f"GitHub delivers to https://old-host.example.com/webhook, but PUBLIC_URL says the app listens at " \
           f"{PUBLIC_URL}/webhook: deliveries do not reach it — set the app's webhook URL (settings → " \
           f"General → Webhook URL) to {PUBLIC_URL}/webhook, or correct PUBLIC_URL" in lines(result, "✗")
    assert any(w.startswith("GitHub does not verify the TLS certificate") for w in lines(result, "!"))

    # Without PUBLIC_URL there is nothing to compare with, and no review page to sign in to.
    result = doctor(gh, PUBLIC_URL="")
    assert result.returncode == 0, result.stdout
    assert "GitHub delivers to https://old-host.example.com/webhook (PUBLIC_URL is not set, so it is not compared)" \
        in lines(result, "✓")
    assert "OAuth" not in result.stdout
    clean(gh)


def test_the_wrong_oauth_client_id_is_reported(gh: GitHubStandIn) -> None:
    result = doctor(gh, GITHUB_CLIENT_ID="Iv1.someone-else")
    assert result.returncode == 1
    assert any(p.startswith("GITHUB_CLIENT_ID is not this app's client id") for p in lines(result, "✗"))
    clean(gh)


def test_a_502_is_could_not_check_and_the_rest_still_runs(gh: GitHubStandIn) -> None:
    gh.fail_operation("repos/get-branch-rules")
    gh.fail_operation("apps/get-webhook-config-for-app")
    result = doctor(gh)
    assert result.returncode == 0, result.stdout + result.stderr  # nothing known to be wrong
    unknown = lines(result, "?")
    assert any(u.startswith("could not check the webhook URL: GitHub answered 502 (after 2 retries)")
               for u in unknown)
    assert sum(u.startswith("could not check whether main requires the policy-reviewer check: GitHub answered 502")
               for u in unknown) == len(ALL_REPOS)
    # Everything else was still checked: deliveries, the installation, the org's repository.
    ok = lines(result, "✓")
    assert "none of the last 1 webhook deliveries failed" in ok
    assert f"{OWNER}/.github is visible: the organisation's rules are read" in ok
    # A bounded number of attempts, not the worker's patience.
    assert len(gh.calls_to("repos/get-branch-rules")) == ATTEMPTS * len(ALL_REPOS)
    assert len(gh.calls_to("apps/get-webhook-config-for-app")) == ATTEMPTS
    assert "Traceback" not in result.stderr
    clean(gh)


def test_missing_or_broken_credentials_exit_2_without_showing_them(gh: GitHubStandIn) -> None:
    result = doctor(gh, GITHUB_PRIVATE_KEY="")
    assert result.returncode == 2
    assert result.stderr.strip() == "policy-reviewer: GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH is not set"
    result = doctor(gh, GITHUB_APP_ID="")
    assert result.returncode == 2 and "GITHUB_APP_ID is not set" in result.stderr
    broken = KEY[0].replace("\n", "\\n")  # a key pasted into a one-line variable
    result = doctor(gh, GITHUB_PRIVATE_KEY=broken)
    assert result.returncode == 2 and "its line breaks are written as \\n" in result.stderr
    assert gh.calls == []  # nothing was asked of GitHub

    # A key GitHub does not know (another app's): said in plain words, the key never shown.
    other = keypair()
    result = doctor(gh, GITHUB_PRIVATE_KEY=other[0])
    assert result.returncode == 1
    assert any("GitHub refused the app's credentials (GitHub answered 401" in p for p in lines(result, "✗"))
    assert not any(line in result.stdout + result.stderr for line in other[0].splitlines()[1:-1])
