"""Admins, second round: validation of everything they write, locks that bite, waiver
hygiene, rule metadata, rule tests that say what they got, explain / effective / impact,
and configuration changes reviewed like code."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.test_diff import ROLE, Repo, review

TODAY = dt.date.today()


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reviewer.cli", *args], capture_output=True,
                          text=True, cwd=cwd)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


QUEUE_RULE = """\
    id: queue-retention
    kind: match
    severity: warning
    title: Queues keep messages for a week
    rationale: A failing consumer must be fixable before its messages expire.
    fix: Set MessageRetentionPeriod to 604800 or more.
    tags: [reliability, sqs]
    category: resilience
    owner: platform-team
    url: https://wiki.example.com/rules/queue-retention
    with:
      resources: ["AWS::SQS::Queue"]
      require: {ge: {path: MessageRetentionPeriod, value: 604800}}
      message: "queue {resource} keeps messages for less than a week"
    examples:
      fail:
        - name: default retention
          expect: [{resource: Q, line: 2}]
          content: |
            Resources:
              Q: {Type: AWS::SQS::Queue}
      pass:
        - name: a week
          content: "Resources: {Q: {Type: AWS::SQS::Queue, Properties: {MessageRetentionPeriod: 604800}}}"
    """


# ----------------------------------------------------------------------------- validate


def test_validate_reports_every_problem_of_config_yml_in_one_run(tmp_path: Path) -> None:
    org = tmp_path / "org"
    write(org / "queue-retention.yml", QUEUE_RULE)
    write(org / "config.yml", f"""\
        rules:
          no-wildcard-actoins: {{severity: error}}
          queue-retension: {{enabled: false}}
          no-wildcard-actions: {{with: {{alow: []}}}}
        waivers:
          - {{rule: staged-names, path: a/**, reason: ok, expires: "{days(30)}"}}
          - {{rule: staged-name, path: legacy/**, reason: old, expires: "{days(30)}"}}
        """)
    proc = cli("policies", "validate", str(org))
    assert proc.returncode == 2
    err = proc.stderr
    config = org / "config.yml"
    assert f'{config}:2 (rules.no-wildcard-actoins): no rule "no-wildcard-actoins"; did you mean "no-wildcard-actions"?' in err
    # A rule of the organisation's own folder counts as known, and is suggested.
    assert f'{config}:3 (rules.queue-retension): no rule "queue-retension"; did you mean "queue-retention"?' in err
    assert f'{config}:4 (rules.no-wildcard-actions.with.alow): unknown parameter "alow"' in err
    # The waiver's index is named, and the second waiver is found although the first is fine.
    assert f'{config}:7 (waivers.1.rule): waiver names no known rule "staged-name"; did you mean "staged-names"?' in err
    assert "4 problem(s)" in err


def test_validate_checks_a_repository_configuration_against_the_org(tmp_path: Path) -> None:
    org = tmp_path / "org"
    write(org / "config.yml", "rules:\n  no-wildcard-actions: {locked: true}\n")
    repo_config = write(tmp_path / "policy-reviewer.yml", """\
        rules:
          no-wildcard-actions: {enabled: false}
          concurrency-limit: {severity: note}
        """)
    proc = cli("policies", "validate", str(org), "--config", str(repo_config))
    assert proc.returncode == 2
    assert f"{repo_config}:2: rule no-wildcard-actions is locked by the organisation" in proc.stderr
    write(repo_config, "rules:\n  concurrency-limit: {severity: note}\n")
    ok = cli("policies", "validate", str(org), "--config", str(repo_config))
    assert ok.returncode == 0, ok.stderr


def test_validate_passes_the_shipped_rules() -> None:
    proc = cli("policies", "validate")
    assert proc.returncode == 0, proc.stderr


# ----------------------------------------------------------------------------- locks


SUPPRESSED = """\
    Resources:
      Role:
        Type: AWS::IAM::Role
        Metadata:
          policy-reviewer:
            suppress: [{rule: no-wildcard-actions, reason: "we need it"}]
        Properties:
          AssumeRolePolicyDocument: {}
          Policies:
            - PolicyName: p
              PolicyDocument:
                Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]
    """
UNSUPPRESSED = "\n".join(line for line in SUPPRESSED.splitlines()
                         if "Metadata" not in line and "policy-reviewer" not in line
                         and "suppress:" not in line) + "\n"


def scan_json(*args: str) -> tuple[int, dict[str, Any], str]:
    proc = cli("scan", *args, "--format", "json", "--disable", "template-valid")
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


@pytest.mark.parametrize("config,suppressed", [
    ("rules:\n  no-wildcard-actions: {locked: true}\n", False),
    ("rules:\n  no-wildcard-actions: {locked: true, suppressible: true}\n", True),
    ("rules:\n  no-wildcard-actions: {severity: error}\n", True),
])
def test_a_locked_rule_is_not_suppressible_inline_unless_the_org_says_so(
        tmp_path: Path, config: str, suppressed: bool) -> None:
    org = tmp_path / "org"
    write(org / "config.yml", config)
    write(tmp_path / "repo" / "t.yaml", SUPPRESSED)
    code, report, _ = scan_json(str(tmp_path / "repo"), "--org", str(org))
    [finding] = [f for f in report["findings"] if f["rule"] == "no-wildcard-actions"]
    assert (finding["waived"] is not None) is suppressed
    assert any(f["rule"] == "suppression-invalid" for f in report["findings"]) is not suppressed


def test_disabling_a_locked_rule_on_the_command_line_says_so(tmp_path: Path) -> None:
    org = tmp_path / "org"
    write(org / "config.yml", "rules:\n  no-wildcard-actions: {locked: true}\n")
    write(tmp_path / "repo" / "t.yaml", SUPPRESSED)
    _, report, err = scan_json(str(tmp_path / "repo"), "--org", str(org), "--disable", "no-wildcard-actions")
    assert "--disable no-wildcard-actions: the rule is locked by the organisation" in err
    assert "the app still applies it" in err
    assert not [f for f in report["findings"] if f["rule"] == "no-wildcard-actions"]
    _, _, quiet = scan_json(str(tmp_path / "repo"), "--org", str(org), "--disable", "staged-names")
    assert "locked" not in quiet


# ----------------------------------------------------------------------------- waivers


def test_waivers_longer_than_the_organisation_allows_are_refused(tmp_path: Path) -> None:
    org = tmp_path / "org"
    write(org / "config.yml", "max_waiver_days: 90\n")
    repo = tmp_path / "repo"
    write(repo / "a" / "t.yaml", UNSUPPRESSED)
    write(repo / "b" / "t.yaml", UNSUPPRESSED)
    write(repo / ".github" / "policy-reviewer.yml", f"""\
        waivers:
          - {{rule: no-wildcard-actions, path: a/**, reason: long, expires: "{days(200)}"}}
          - {{rule: no-wildcard-actions, path: b/**, reason: soon, owner: "@sam", expires: "{days(5)}"}}
        """)
    (repo / ".git").mkdir()
    code, report, _ = scan_json(str(repo), "--org", str(org))
    waived = {f["path"]: f["waived"] for f in report["findings"] if f["rule"] == "no-wildcard-actions"}
    assert waived["a/t.yaml"] is None and waived["b/t.yaml"] is not None
    [too_long] = [f for f in report["findings"] if f["rule"] == "waiver-too-long"]
    assert too_long["start_line"] == 2 and "90 days" in too_long["message"]
    assert too_long["path"].endswith(".github/policy-reviewer.yml")
    [soon] = report["waivers_expiring"]
    assert soon["path"] == "b/**" and soon["expires"] == days(5) and soon["owner"] == "@sam"
    text = cli("scan", str(repo), "--org", str(org), "--disable", "template-valid").stdout
    assert f"Waivers expiring soon:\n  no-wildcard-actions on b/**: expires {days(5)}, owner @sam" in text


def test_only_the_organisation_may_set_the_longest_waiver(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(repo / "t.yaml", "Resources: {}\n")
    write(repo / ".github" / "policy-reviewer.yml", "max_waiver_days: 3650\n")
    (repo / ".git").mkdir()
    _, report, _ = scan_json(str(repo))
    [locked] = [f for f in report["findings"] if f["rule"] == "config-locked"]
    assert "only the organisation may set max_waiver_days" in locked["message"]


# ----------------------------------------------------------------------------- metadata


def test_rule_metadata_reaches_sarif_json_text_and_docs(tmp_path: Path) -> None:
    org = tmp_path / "org"
    write(org / "queue-retention.yml", QUEUE_RULE)
    write(tmp_path / "repo" / "q.yaml", "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {SqsManagedSseEnabled: true}}\n")
    sarif = json.loads(cli("scan", str(tmp_path / "repo"), "--org", str(org), "--format", "sarif").stdout)
    [rule] = [r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "queue-retention"]
    assert rule["helpUri"] == "https://wiki.example.com/rules/queue-retention"
    assert rule["properties"]["tags"] == ["reliability", "sqs", "resilience"]
    assert rule["properties"]["owner"] == "platform-team"
    _, report, _ = scan_json(str(tmp_path / "repo"), "--org", str(org))
    [finding] = [f for f in report["findings"] if f["rule"] == "queue-retention"]
    assert finding["fix"] == "Set MessageRetentionPeriod to 604800 or more."
    assert report["rules"]["queue-retention"]["category"] == "resilience"
    text = cli("scan", str(tmp_path / "repo"), "--org", str(org), "--disable", "template-valid",
               "--disable", "encryption-in-transit").stdout
    assert "How to fix:\n  queue-retention: Set MessageRetentionPeriod to 604800 or more." in text
    docs = tmp_path / "rules.md"
    assert cli("policies", "docs", str(org), "-o", str(docs)).returncode == 0
    assert ("category: resilience · tags: `reliability`, `sqs` · owner: platform-team · "
            "more: <https://wiki.example.com/rules/queue-retention>") in docs.read_text()


def test_a_bad_rule_url_or_unknown_metadata_is_refused(tmp_path: Path) -> None:
    org = tmp_path / "org"
    write(org / "queue-retention.yml", QUEUE_RULE.replace("https://wiki", "javascript:alert(1)//wiki"))
    proc = cli("policies", "validate", str(org))
    assert proc.returncode == 2 and "(url)" in proc.stderr


# ----------------------------------------------------------------------------- rule tests


def test_policies_test_checks_resource_and_line_and_shows_what_it_got(tmp_path: Path) -> None:
    org = tmp_path / "org"
    write(org / "queue-retention.yml", QUEUE_RULE)
    assert cli("policies", "test", str(org)).returncode == 0
    write(org / "queue-retention.yml", QUEUE_RULE.replace("expect: [{resource: Q, line: 2}]",
                                                          "expect: [{resource: Queue, line: 3}]"))
    proc = cli("policies", "test", str(org))
    assert proc.returncode == 1
    out = proc.stdout
    assert "FAIL queue-retention" in out
    # Where the example is, what it expected and what it got.
    assert f"{org / 'queue-retention.yml'}:17: fail example 'default retention'" in out
    assert "expected, not found: resource 'Queue', line 3" in out
    assert "got: line 2 [Q]: queue Q keeps messages for less than a week" in out


def test_a_failing_count_lists_the_findings_it_got(tmp_path: Path) -> None:
    org = tmp_path / "org"
    write(org / "queue-retention.yml", QUEUE_RULE.replace(
        "          expect: [{resource: Q, line: 2}]\n", "          findings: 2\n"))
    out = cli("policies", "test", str(org)).stdout
    assert "expected 2 finding(s), got 1" in out and "got: line 2 [Q]" in out


# ----------------------------------------------------------------------------- explain, effective


def test_explain_prints_rationale_parameters_examples_and_fix(tmp_path: Path) -> None:
    org = tmp_path / "org"
    write(org / "config.yml", "rules:\n  no-wildcard-actions: {locked: true, with: {allow: ['logs:CreateLog*']}}\n")
    proc = cli("explain", "no-wildcard-actions", "--org", str(org), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("no-wildcard-actions: Allow statements name the actions they grant")
    assert "locked by the organisation, not suppressible inline (set by: organisation configuration)" in out
    assert "Why:\n  Least privilege" in out and "Fix:\n" in out
    assert "Parameters in force (with:):\n    allow:\n    - logs:CreateLog*" in out
    assert "Fails: " in out and "Passes: " in out
    wrong = cli("explain", "no-wildcard-action", cwd=tmp_path)
    assert wrong.returncode == 2 and 'did you mean "no-wildcard-actions"?' in wrong.stderr
    assert "reported by the engine itself" in cli("explain", "waiver-too-long", cwd=tmp_path).stdout


def test_effective_names_the_layer_lock_and_waivers_of_each_rule(tmp_path: Path) -> None:
    org = tmp_path / "org"
    write(org / "queue-retention.yml", QUEUE_RULE)
    write(org / "config.yml", f"""\
        max_waiver_days: 180
        rules:
          no-wildcard-actions: {{locked: true}}
        waivers:
          - {{rule: staged-names, path: legacy/**, reason: migration, expires: "{days(10)}"}}
        """)
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo / ".github" / "policy-reviewer.yml", """\
        rules:
          concurrency-limit: {severity: note}
          no-wildcard-actions: {enabled: false}
        """)
    proc = cli("policies", "effective", "--org", str(org), "--format", "json", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    rows = {r["rule"]: r for r in data["rules"]}
    assert rows["concurrency-limit"]["set_by"] == "repository configuration"
    assert rows["concurrency-limit"]["severity"] == "note"
    assert rows["no-wildcard-actions"]["set_by"] == "organisation configuration"
    assert rows["no-wildcard-actions"]["enabled"] is True and rows["no-wildcard-actions"]["locked"] is True
    assert rows["queue-retention"]["set_by"] == "organisation rule file"
    assert rows["account-separation"]["set_by"] == "shipped default"
    [waiver] = rows["staged-names"]["waivers"]
    assert waiver["state"] == "expires in 10 day(s)" and waiver["expires"] == days(10)
    assert data["max_waiver_days"] == 180
    assert any("may not disable it" in p["message"] for p in data["problems"])
    text = cli("policies", "effective", "--org", str(org), cwd=repo).stdout
    assert "no-wildcard-actions" in text and "locked, not suppressible inline" in text
    assert "Refused by the organisation:" in text


# ----------------------------------------------------------------------------- impact


def test_impact_of_a_rule_change_across_repositories(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    write(old / "config.yml", "rules:\n  concurrency-limit: {enabled: true}\n")
    write(new / "config.yml", "rules:\n  customer-managed-keys: {enabled: true}\n  concurrency-limit: {enabled: false}\n")
    queue = "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {SqsManagedSseEnabled: true}}\n"
    fn = ("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
          "    Properties: {Handler: a.h, Runtime: python3.12, CodeUri: .}\n")
    write(tmp_path / "one" / "q.yaml", queue)
    write(tmp_path / "two" / "q.yaml", queue)
    write(tmp_path / "two" / "fn.yaml", "Transform: AWS::Serverless-2016-10-31\n" + fn)
    write(tmp_path / "three" / "nothing.txt", "")
    proc = cli("policies", "impact", "--old", str(old), "--new", str(new), "--format", "json",
               str(tmp_path / "one"), str(tmp_path / "two"), str(tmp_path / "three"), str(tmp_path / "gone"))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    by_repo = {Path(r["repo"]).name: r for r in data["repositories"]}
    assert [f["rule"] for f in by_repo["one"]["added"]] == ["customer-managed-keys"]
    assert sorted(f["rule"] for f in by_repo["two"]["added"]) == ["customer-managed-keys"]
    assert [f["rule"] for f in by_repo["two"]["removed"]] == ["concurrency-limit"]
    assert by_repo["three"]["added"] == [] and by_repo["three"]["error"] is None
    assert "no such folder" in by_repo["gone"]["error"]
    assert data["headline"].startswith("adds 2 finding(s) (0 error(s)) in 2 repositories, removes 1; "
                                       "4 reviewed, 1 could not be read")


# ----------------------------------------------------------------------------- config reviewed like code


@pytest.fixture
def locked_org(tmp_path: Path) -> Path:
    return write(tmp_path / "org" / "config.yml", "rules:\n  no-wildcard-actions: {locked: true}\n").parent


@pytest.fixture
def git_repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path / "repo")
    r.write(".github/policy-reviewer.yml", "rules:\n  template-valid: {enabled: false}\n")
    r.write("stacks/app.yaml", ROLE.format(name="AppRole", action="s3:GetObject"))
    r.commit("base")
    r.git("checkout", "-q", "-b", "feature")
    return r


def test_a_change_weakening_a_locked_rule_is_a_new_blocking_finding(git_repo: Repo, locked_org: Path) -> None:
    git_repo.write(".github/policy-reviewer.yml",
                   "rules:\n  template-valid: {enabled: false}\n  no-wildcard-actions: {enabled: false}\n")
    git_repo.commit("weaken")
    code, report = review(git_repo, "--org", str(locked_org))
    assert code == 1
    [locked] = [f for f in report["findings"] if f["rule"] == "config-locked"]
    assert (locked["path"], locked["start_line"], locked["state"]) == (".github/policy-reviewer.yml", 3, "new")
    assert any("this review still used the configuration of the base commit" in line
               for line in report["rule_changes"])
    # Once merged, the same attempt is an old problem: unchanged, blocking nobody new.
    git_repo.git("checkout", "-q", "main")
    git_repo.git("merge", "-q", "feature")
    git_repo.git("checkout", "-q", "-b", "later")
    git_repo.write("stacks/more.yaml", ROLE.format(name="More", action="s3:GetObject"))
    git_repo.commit("later")
    code, report = review(git_repo, "--org", str(locked_org))
    assert code == 0
    assert [f["state"] for f in report["findings"] if f["rule"] == "config-locked"] == ["unchanged"]


def test_a_change_breaking_the_configuration_is_caught_before_it_merges(git_repo: Repo, locked_org: Path) -> None:
    git_repo.write(".github/policy-reviewer.yml", "rules:\n  concurency-limit: {severity: note}\n")
    git_repo.commit("typo")
    code, report = review(git_repo, "--org", str(locked_org))
    assert code == 1
    [invalid] = [f for f in report["findings"] if f["rule"] == "config-invalid"]
    assert invalid["start_line"] == 2 and 'did you mean "concurrency-limit"?' in invalid["message"]
    assert invalid["state"] == "new"


def test_a_tuning_change_says_what_it_would_change(git_repo: Repo, locked_org: Path) -> None:
    git_repo.write(".github/policy-reviewer.yml", f"""\
        rules:
          template-valid: {{enabled: false}}
          concurrency-limit: {{severity: note}}
        waivers:
          - {{rule: staged-names, path: legacy/**, reason: migration, expires: "{days(30)}"}}
        """)
    git_repo.commit("tune")
    code, report = review(git_repo, "--org", str(locked_org))
    assert code == 0, report["findings"]
    changes = report["rule_changes"]
    assert "once merged: rule `concurrency-limit`: severity warning → note" in changes
    assert any(c.startswith("once merged: waiver added: `staged-names` on legacy/**") for c in changes)
