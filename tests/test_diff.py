"""`policy-reviewer diff` on real git repositories made in the test."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ORG

ROLE = """\
Resources:
  {name}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{}}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: "{action}"
                Resource: "*"
"""
QUEUE = """\
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: {name}
      SqsManagedSseEnabled: true
"""
CONFIG = "rules:\n  template-valid: {enabled: false}\n"


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        return subprocess.run(["git", "-C", str(self.root), "-c", "user.name=t", "-c",
                               "user.email=t@example.invalid", *args],
                              check=True, capture_output=True, text=True).stdout

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)


def review(repo: Repo, *extra: str, base: str = "main", head: str = "HEAD") -> tuple[int, dict]:
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "diff", "--base", base,
                           "--head", head, "--repo", str(repo.root), "--format", "json", *extra],
                          capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path / "repo")
    r.write(".github/policy-reviewer.yml", CONFIG)
    r.write("stacks/app.yaml", ROLE.format(name="AppRole", action="s3:*"))
    r.commit("base")
    r.git("checkout", "-q", "-b", "feature")
    return r


def states(report: dict) -> list[tuple[str, str, str]]:
    rows = [(f["state"], f["rule"], f["resource"]) for f in report["findings"]]
    rows += [("fixed", f["rule"], f["resource"]) for f in report["fixed"]]
    return sorted(rows)


def test_moving_a_resource_does_not_make_its_problem_new(repo: Repo) -> None:
    repo.write("stacks/app.yaml", "Parameters:\n  Unused: {Type: String}\n"
               + ROLE.format(name="AppRole", action="s3:*"))
    repo.commit("move")
    code, report = review(repo)
    assert code == 0
    [finding] = [f for f in report["findings"] if f["rule"] == "no-wildcard-actions"]
    assert finding["state"] == "unchanged" and finding["start_line"] == 13


def test_new_problem_fails_and_fixed_problem_is_reported(repo: Repo) -> None:
    repo.write("stacks/app.yaml", ROLE.format(name="AppRole", action="s3:GetObject"))
    repo.write("stacks/other.yaml", ROLE.format(name="OtherRole", action="dynamodb:*"))
    repo.commit("fix one, add one")
    code, report = review(repo)
    assert code == 1
    wildcard = [r for r in states(report) if r[1] == "no-wildcard-actions"]
    assert wildcard == [("fixed", "no-wildcard-actions", "AppRole"),
                        ("new", "no-wildcard-actions", "OtherRole")]
    assert report["summary"]["failing"] == 1
    delta = {d["principal"]: d["added"] for d in report["permission_delta"]}
    assert "dynamodb:PutItem" in delta["OtherRole"]
    assert "AppRole" not in delta  # it lost permissions, gained none


def test_renamed_file_keeps_its_findings_unchanged(repo: Repo) -> None:
    repo.git("mv", "stacks/app.yaml", "stacks/application.yaml")
    repo.commit("rename")
    code, report = review(repo)
    assert code == 0
    assert [(f["state"], f["path"]) for f in report["findings"]
            if f["rule"] == "no-wildcard-actions"] == [("unchanged", "stacks/application.yaml")]
    assert report["fixed"] == []


def test_only_new_errors_block(repo: Repo) -> None:
    repo.write("stacks/queue.yaml", "Resources:\n" + QUEUE.format(name="literal"))
    repo.commit("warning-level and error-level")
    code, report = review(repo)
    assert code == 1  # staged-names is an error
    repo.write(".github/policy-reviewer.yml", CONFIG)
    code, report = review(repo, "--disable", "staged-names")
    assert code == 0
    assert all(f["severity"] != "error" or f["state"] != "new" for f in report["findings"])


def test_configuration_is_read_from_the_base(repo: Repo) -> None:
    repo.write("stacks/other.yaml", ROLE.format(name="OtherRole", action="ec2:*"))
    # The change tries to switch off the rule that judges it.
    repo.write(".github/policy-reviewer.yml",
               CONFIG + "  no-wildcard-actions: {enabled: false}\n")
    repo.commit("sneaky")
    code, report = review(repo)
    assert code == 1
    assert any(f["rule"] == "no-wildcard-actions" and f["state"] == "new" for f in report["findings"])


def test_sarif_baseline_states(repo: Repo) -> None:
    repo.write("stacks/app.yaml", ROLE.format(name="AppRole", action="s3:GetObject"))
    repo.write("stacks/other.yaml", ROLE.format(name="OtherRole", action="sqs:*"))
    repo.commit("change")
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "diff", "--base", "main",
                           "--repo", str(repo.root), "--format", "sarif"],
                          capture_output=True, text=True)
    results = json.loads(proc.stdout)["runs"][0]["results"]
    states_ = {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["name"], r["baselineState"])
               for r in results if r["ruleId"] == "no-wildcard-actions"}
    assert states_ == {("no-wildcard-actions", "AppRole", "absent"),
                       ("no-wildcard-actions", "OtherRole", "new")}


def test_bad_ref_is_a_usage_error(repo: Repo) -> None:
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "diff", "--base", "nope",
                           "--repo", str(repo.root)], capture_output=True, text=True)
    assert proc.returncode == 2 and "git" in proc.stderr and "Traceback" not in proc.stderr


def test_account_map_from_base_config(tmp_path: Path) -> None:
    r = Repo(tmp_path / "r")
    r.write(".github/policy-reviewer.yml", json.dumps(ORG) + "\n")
    r.write("parameters/dev.json", '[{"ParameterKey": "Stage", "ParameterValue": "dev"}]\n')
    r.commit("base")
    r.write("parameters/dev.json", '[{"ParameterKey": "Stage", "ParameterValue": "dev"},\n'
            ' {"ParameterKey": "Peer", "ParameterValue": "arn:aws:iam::333333333333:role/x"}]\n')
    r.commit("prod arn in dev")
    code, report = review(r, base="HEAD~1")
    assert code == 1
    [finding] = report["findings"]
    assert (finding["rule"], finding["start_line"], finding["state"]) == ("account-separation", 2, "new")


def test_a_change_cannot_waive_its_own_finding(repo: Repo) -> None:
    repo.write("stacks/other.yaml", ROLE.format(name="OtherRole", action="kms:*"))
    repo.write(".github/policy-reviewer.yml", CONFIG + textwrap.dedent("""\
        waivers:
          - rule: no-wildcard-actions
            resource: OtherRole
            reason: trust me
            expires: 2999-01-01
        """))
    repo.commit("waive my own problem")
    code, report = review(repo)
    assert code == 1
    [finding] = [f for f in report["findings"]
                 if f["resource"] == "OtherRole" and f["rule"] == "no-wildcard-actions"]
    assert finding["state"] == "new" and finding["waived"] is None


def test_repository_rules_are_read_from_the_base(tmp_path: Path) -> None:
    from tests.test_layers import REPO_RULE

    r = Repo(tmp_path / "r")
    r.write(".github/policy-reviewer.yml", CONFIG)
    r.write(".github/policy-reviewer/fifo.yml", REPO_RULE.format(id="fifo-queues"))
    r.write("README.md", "x\n")
    r.commit("base")
    r.write("queue.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {SqsManagedSseEnabled: true}\n")
    r.commit("a standard queue")
    code, report = review(r, base="HEAD~1")
    assert code == 1
    [finding] = [f for f in report["findings"] if f["rule"] == "fifo-queues"]
    assert finding["state"] == "new" and finding["resource"] == "Q"


def test_diff_across_formats_reads_whole_terraform_modules(tmp_path: Path) -> None:
    """A pull request touching CloudFormation and one file of a Terraform module: the
    module's unchanged variables give the value, and a resource moved between the module's
    files keeps its finding unchanged."""
    r = Repo(tmp_path / "mixed")
    r.write(".github/policy-reviewer.yml", CONFIG)
    r.write("stacks/app.yaml", ROLE.format(name="AppRole", action="s3:GetObject"))
    r.write("infra/variables.tf", 'variable "actions" {\n  default = ["sqs:*"]\n}\n')
    r.write("infra/main.tf", """\
        resource "aws_iam_policy" "old" {
          policy = jsonencode({Statement = [{Effect = "Allow", Action = "sns:*", Resource = "*"}]})
        }
        """)
    r.commit("base")
    r.git("checkout", "-q", "-b", "feature")
    r.write("stacks/app.yaml", ROLE.format(name="AppRole", action="s3:*"))
    r.write("infra/main.tf", """\
        data "aws_iam_policy_document" "new" {
          statement {
            actions   = var.actions
            resources = ["*"]
          }
        }
        """)
    r.write("infra/iam.tf", """\
        resource "aws_iam_policy" "old" {
          policy = jsonencode({Statement = [{Effect = "Allow", Action = "sns:*", Resource = "*"}]})
        }
        """)
    r.commit("head")
    code, report = review(r)
    assert code == 1
    rows = sorted((f["state"], f["path"], f["start_line"], f["resource"])
                  for f in report["findings"] if f["rule"] == "no-wildcard-actions")
    assert rows == [
        ("new", "infra/variables.tf", 2, "data.aws_iam_policy_document.new"),
        ("new", "stacks/app.yaml", 11, "AppRole"),
        ("unchanged", "infra/iam.tf", 2, "aws_iam_policy.old"),
    ]
    assert [f for f in report["fixed"] if f["rule"] == "no-wildcard-actions"] == []


TRUSTED_BUCKET_READER = """\
Resources:
  Reader:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com}
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals: {token.actions.githubusercontent.com:sub: "repo:acme/app:ref:refs/heads/main"}
      Policies:
        - PolicyName: read
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: arn:aws:s3:::invoices-prod/*
                Condition: {StringEquals: {aws:SourceVpce: vpce-1}}
"""


def test_diff_shows_access_widened_without_new_actions(repo: Repo) -> None:
    """Issue 19, point 7, end to end through git: no action is new, yet access widens: a
    resource, a condition and a trust. A statement split in two is no change."""
    repo.git("checkout", "-q", "main")
    repo.write("stacks/reader.yaml", TRUSTED_BUCKET_READER)
    repo.commit("reader")
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "main")
    head = TRUSTED_BUCKET_READER.replace("arn:aws:s3:::invoices-prod/*", '"*"').replace(
        'StringEquals: {token.actions.githubusercontent.com:sub: "repo:acme/app:ref:refs/heads/main"}',
        'StringLike: {token.actions.githubusercontent.com:sub: "repo:acme/*"}')
    repo.write("stacks/reader.yaml", head)
    repo.commit("widen")
    _, report = review(repo)
    changes = {(d["principal"], c["kind"], c["line"], c["base_line"])
               for d in report["permission_delta"] for c in d["changes"]}
    # At the element that widened in head (Resource, Condition), and the statement it
    # replaces in base.
    assert changes == {("Reader", "wider-resources", 18, 16),
                       ("Reader (trust policy)", "condition-loosened", 10, 7)}
    assert all(d["added"] == [] for d in report["permission_delta"])
    [view] = report["who_can_reach"]
    assert view["holder"] == "Reader" and view["kind"] == "assume" and view["entries"][0]["new"]
