"""Terraform plans (issue 20, point 1): ``scan`` and ``diff`` read ``terraform show -json``
output, recognised by content, and ``diff --plan FILE`` takes head's plan.

The plans are real: checkov's test plans (tests/data/plans/checkov, see ORIGIN.md there) of
Terraform 0.12 to 1.11, one UTF-16, and our own billing configuration planned with Terraform
1.11.4 and the AWS provider 5.100.0 (tests/data/plans/ours/make-plans makes it again). Its
``module "iam"`` comes from a git repository outside this one, as a registry module would,
so its resources exist only in the plan.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from reviewer.engine.document import Unreadable
from reviewer.formats.terraform_plan import read_plan

PLANS = Path(__file__).parent / "data" / "plans"
BILLING = PLANS / "ours" / "billing"
CHECKOV = PLANS / "checkov"
SECRET = "hunter2-not-a-real-password"  # the plan's sensitive db_password


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reviewer.cli", *args], capture_output=True, text=True,
                          timeout=300)


def scan(*paths: Path, fmt: str = "json") -> tuple[int, Any, str]:
    proc = cli("scan", "--format", fmt, "--disable", "template-valid", *map(str, paths))
    return proc.returncode, json.loads(proc.stdout) if fmt == "json" else proc.stdout, proc.stderr


def findings(report: dict[str, Any], rule: str | None = None) -> list[tuple[str, int, str, str]]:
    return sorted((f["path"], f["start_line"], f["rule"], f["resource"]) for f in report["findings"]
                  if rule is None or f["rule"] == rule)


def test_the_plan_settles_instances_and_remote_modules_at_exact_lines() -> None:
    code, report, _ = scan(BILLING)
    assert code == 1
    wildcards = findings(report, "no-wildcard-actions")
    # readers = {reports = [s3:GetObject], ledger = [dynamodb:*]}: only the ledger instance
    # grants a wildcard, on the line that writes Action = each.value.
    assert ("main.tf", 28, "no-wildcard-actions", 'aws_iam_policy.reader["ledger"]') in wildcards
    assert not any("reports" in f[3] for f in wildcards)
    # The registry-like module's policy exists only in the plan: at the call, by full address.
    assert ("main.tf", 32, "no-wildcard-actions", "module.iam.aws_iam_role_policy.this") in wildcards
    # Its trust policy is judged as a trust policy (lambda.amazonaws.com is no confused deputy
    # for a role), once.
    assert not findings(report, "no-public-access")
    # A module the plan looked inside is no "could not look inside" note.
    assert not [f for f in report["findings"] if f["rule"] == "include-not-reviewed"]


def test_without_the_plan_the_same_configuration_says_what_it_could_not_see(tmp_path: Path) -> None:
    shutil.copy(BILLING / "main.tf", tmp_path / "main.tf")
    _, report, _ = scan(tmp_path)
    assert not findings(report, "no-wildcard-actions")  # each.value and the module: unknown
    [note] = [f for f in report["findings"] if f["rule"] == "include-not-reviewed"]
    assert note["resource"] == "module.iam" and "pass a plan to review them" in note["message"]


def test_sensitive_values_never_appear_in_any_output(tmp_path: Path) -> None:
    assert SECRET in (BILLING / "tfplan.json").read_text()  # the plan holds it (as variables)
    summary = tmp_path / "summary.md"
    for fmt in ("text", "json", "sarif"):
        proc = cli("scan", "--format", fmt, "--summary", str(summary), str(BILLING))
        assert proc.stdout and SECRET not in proc.stdout + proc.stderr, fmt
        assert "module.iam.aws_iam_role_policy.this" in summary.read_text()
        assert SECRET not in summary.read_text()
    plan = read_plan("tfplan.json", (BILLING / "tfplan.json").read_bytes())
    assert "db_password" not in plan.variables  # declared sensitive
    assert SECRET not in repr([r.after for r in plan.resources])


def test_a_plan_alone_is_judged_at_the_lines_of_the_plan(tmp_path: Path) -> None:
    shutil.copy(CHECKOV / "plan_with_iam_policies" / "tfplan.json", tmp_path / "tfplan.json")
    _, report, _ = scan(tmp_path)
    text = (tmp_path / "tfplan.json").read_text().splitlines()
    found = findings(report, "no-wildcard-actions")
    assert found and {f[0] for f in found} == {"tfplan.json"}
    for _, line, _, resource in found:
        assert f'"address": "{resource}"' in text[line - 1]


def test_with_its_configuration_the_plan_keeps_the_configuration_lines() -> None:
    _, report, _ = scan(CHECKOV / "plan_with_iam_policies")
    found = findings(report, "no-wildcard-actions")
    assert {f[0] for f in found} == {"main.tf"}
    assert ("main.tf", 16, "no-wildcard-actions", "aws_iam_policy.policy_pass") in found
    assert not any(f["path"].endswith("tfplan.json") for f in report["findings"])


def test_every_real_plan_is_read_or_refused_with_why() -> None:
    for plan in sorted(CHECKOV.rglob("*.json")):
        code, report, err = scan(plan)
        assert code in (0, 1), (plan, err)
        assert "please report it" not in json.dumps(report), plan
    # checkov's "corrupted" plan is a state, not a plan: said so, not skipped in silence.
    _, report, _ = scan(CHECKOV / "plan" / "corrupted-tfplan.json")
    [refused] = report["findings"]
    assert refused["rule"] == "template-parse" and "not a plan" in refused["message"]
    # PowerShell's UTF-16 is read like UTF-8.
    _, report, _ = scan(CHECKOV / "plan_with_utf_16_encoding" / "tfplan.json")
    assert findings(report, "no-wildcard-actions")


def plan_bytes(**changes: Any) -> bytes:
    data = json.loads((BILLING / "tfplan.json").read_text())
    data.update(changes)
    return json.dumps(data).encode()


@pytest.mark.parametrize("content, words", [
    (plan_bytes()[:5000], "not valid JSON"),
    (plan_bytes(format_version="2.0"), "format 2.0"),
    (plan_bytes(errored=True), "failed"),
    (b'{"format_version": "1.2", "planned_values": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nests deeper"),
    (b'{"format_version": "1.2", "planned_values": {"x": "\xff"}}', "not UTF-8"),
])
def test_a_plan_that_cannot_be_read_says_why(content: bytes, words: str) -> None:
    with pytest.raises(Unreadable) as refused:
        read_plan("tfplan.json", content)
    assert words in refused.value.message


def test_a_plan_too_large_is_refused_at_once_and_the_rest_is_reviewed(tmp_path: Path) -> None:
    big = tmp_path / "tfplan.json"
    with open(big, "wb") as handle:
        handle.write(b'{"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {"x": "')
        handle.write(b"a" * (65 * 1024 * 1024))
        handle.write(b'"}}')
    shutil.copy(BILLING / "main.tf", tmp_path / "main.tf")
    started = time.monotonic()
    _, report, _ = scan(tmp_path)
    [refused] = [f for f in report["findings"] if f["rule"] == "template-parse"]
    assert refused["path"] == "tfplan.json" and "larger than 64 MB" in refused["message"]
    assert [f for f in report["findings"] if f["rule"] == "include-not-reviewed"]  # main.tf still read
    assert time.monotonic() - started < 120  # bounded: not a benchmark, a hang detector


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   check=True, capture_output=True)


def diff_with_plan(tmp_path: Path, base: str, head: str) -> dict[str, str]:
    """A repository from ``base`` to ``head`` (main.tf); head's plan is the billing plan.
    Returns each finding's baseline state by rule and resource."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    assert head != base
    (repo / "main.tf").write_text(base)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    (repo / "main.tf").write_text(head)
    git(repo, "commit", "-qam", "head")
    proc = cli("diff", "--repo", str(repo), "--base", "main", "--plan", str(BILLING / "tfplan.json"),
               "--format", "sarif", "--disable", "template-valid")
    assert SECRET not in proc.stdout + proc.stderr
    results = json.loads(proc.stdout)["runs"][0]["results"]
    return {f'{r["ruleId"]} {r["locations"][0].get("logicalLocations", [{"name": ""}])[0]["name"]}': r["baselineState"]
            for r in results}


def test_what_a_plan_reveals_in_code_a_change_did_not_touch_is_not_new(tmp_path: Path) -> None:
    written = (BILLING / "main.tf").read_text()
    handler = '  handler       = "app.handler"\n'
    states = diff_with_plan(tmp_path, written, written.replace(handler, handler + "  timeout       = 30\n"))
    assert states['no-wildcard-actions aws_iam_policy.reader["ledger"]'] == "unchanged"
    assert states["no-wildcard-actions module.iam.aws_iam_role_policy.this"] == "unchanged"
    assert "new" not in states.values()


def test_a_changed_module_call_makes_what_its_plan_grants_new(tmp_path: Path) -> None:
    # The base asked the module for s3:GetObject; head asks for s3:*, and head's plan shows it.
    written = (BILLING / "main.tf").read_text()
    states = diff_with_plan(tmp_path, written.replace('["s3:*"]', '["s3:GetObject"]'), written)
    assert states["no-wildcard-actions module.iam.aws_iam_role_policy.this"] == "new"
    assert states['no-wildcard-actions aws_iam_policy.reader["ledger"]'] == "unchanged"


def test_diff_refuses_a_missing_plan_file(tmp_path: Path) -> None:
    proc = cli("diff", "--base", "HEAD", "--plan", str(tmp_path / "nope.json"))
    assert proc.returncode == 2 and "no such file" in proc.stderr


def billing_documents(plan: bytes | None = None) -> dict[str, Any]:
    from reviewer.formats import GivenPlan, read_files

    files = {"main.tf": (BILLING / "main.tf").read_bytes()}
    given = [GivenPlan("tfplan.json", plan or (BILLING / "tfplan.json").read_bytes())]
    documents, problems = read_files(files, given)
    assert not [p for p in problems if p.rule == "template-parse"]
    [module] = [d for d in documents if d.path == "."]
    return module.data["Resources"]


def line_of(text: str) -> int:
    [line] = [n for n, written in enumerate((BILLING / "main.tf").read_text().splitlines(), 1) if text in written]
    return line


def test_a_module_output_takes_its_planned_value_where_it_is_used() -> None:
    statement = billing_documents()["aws_iam_role_policy.forward_writes"]["Properties"]["policy"]["Statement"][0]
    # Without the plan this is module.iam.bucket_arns, decided elsewhere (Fn::ImportValue).
    assert statement["Resource"] == ["arn:aws:s3:::billing-prod/*"]
    assert statement["Resource"].start_line == line_of("Resource = module.iam.bucket_arns")


def test_count_and_dynamic_blocks_become_what_the_plan_made() -> None:
    resources = billing_documents()
    # count = var.with_dlq ? 1 : 0 with with_dlq = true: the instance exists, unconditionally.
    assert "aws_sqs_queue.dlq[0]" in resources and "aws_sqs_queue.dlq" not in resources
    assert "Condition" not in resources["aws_sqs_queue.dlq[0]"]
    # dynamic "statement" over var.grants: one statement per grant, at the actions line.
    statements = resources["data.aws_iam_policy_document.grants"]["Properties"]["Statement"]
    assert sorted(s["Sid"] for s in statements) == ["Admin", "Audit"]
    assert {s["Action"][0].start_line for s in statements} == {line_of("actions   = [statement.value]")}


def test_the_base_reads_what_the_plan_says_is_deployed_now(tmp_path: Path) -> None:
    # The plan updates the ledger policy in place: deployed with dynamodb:GetItem, planned with
    # dynamodb:* (the workflow's -var readers changed). The configuration is the same in base and
    # head, but what is deployed is not what is planned: the wildcard is new.
    data = json.loads((BILLING / "tfplan.json").read_text())
    [change] = [c for c in data["resource_changes"] if c["address"] == 'aws_iam_policy.reader["ledger"]']
    before = dict(change["change"]["after"])
    before["policy"] = before["policy"].replace("dynamodb:*", "dynamodb:GetItem")
    change["change"].update(actions=["update"], before=before, before_sensitive={})
    plan = tmp_path / "tfplan.json"
    plan.write_text(json.dumps(data))
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    written = (BILLING / "main.tf").read_text()
    (repo / "main.tf").write_text(written)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    (repo / "main.tf").write_text(written.replace("variable \"stage\"", "# billing\nvariable \"stage\""))
    git(repo, "commit", "-qam", "head")
    proc = cli("diff", "--repo", str(repo), "--base", "main", "--plan", str(plan), "--format", "sarif",
               "--disable", "template-valid")
    states = {f'{r["ruleId"]} {r["locations"][0].get("logicalLocations", [{"name": ""}])[0]["name"]}': r["baselineState"]
              for r in json.loads(proc.stdout)["runs"][0]["results"]}
    assert states['no-wildcard-actions aws_iam_policy.reader["ledger"]'] == "new"
    assert states["no-wildcard-actions module.iam.aws_iam_role_policy.this"] == "unchanged"


def test_a_plan_speaks_of_its_own_root_only(tmp_path: Path) -> None:
    # envs/dev and envs/prod hold the same configuration; the plan beside prod is prod's.
    for stage in ("dev", "prod"):
        (tmp_path / "envs" / stage).mkdir(parents=True)
        shutil.copy(BILLING / "main.tf", tmp_path / "envs" / stage / "main.tf")
    shutil.copy(BILLING / "tfplan.json", tmp_path / "envs" / "prod" / "tfplan.json")
    _, report, _ = scan(tmp_path)
    wildcards = findings(report, "no-wildcard-actions")
    assert ("envs/prod/main.tf", 28, "no-wildcard-actions", 'aws_iam_policy.reader["ledger"]') in wildcards
    assert not [f for f in wildcards if f[0].startswith("envs/dev/")]
    notes = [f["path"] for f in report["findings"] if f["rule"] == "include-not-reviewed"]
    assert notes == ["envs/dev/main.tf"]  # dev's registry module is still not looked inside
