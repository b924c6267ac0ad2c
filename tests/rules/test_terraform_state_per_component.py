"""terraform-state-per-component: roots that share a state location, roots without a
backend, partial backend configurations beside a root, and what is no root."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from reviewer.config.settings import Settings, effective_rules
from reviewer.pipeline import evaluate
from tests.conftest import ROOT, shipped_rules
from tests.test_diff import Repo

RULE = "terraform-state-per-component"


def scan(files: dict[str, str]) -> list[tuple[str, int, str, str]]:
    rules = effective_rules(shipped_rules(), Settings())
    only = {RULE: dataclasses.replace(rules[RULE], enabled=True)}
    found = evaluate({p: textwrap.dedent(t).encode() for p, t in files.items()}, only, Settings()).findings
    return sorted((f.path, f.start_line, f.severity, f.message) for f in found if f.rule_id == RULE)


def s3(bucket: str | None = None, key: str | None = None) -> str:
    settings = "".join(f'    {k} = "{v}"\n' for k, v in (("bucket", bucket), ("key", key)) if v)
    return f'terraform {{\n  backend "s3" {{\n{settings}  }}\n}}\n'


PROVIDER = 'provider "aws" {\n  region = "eu-west-1"\n}\n'


def test_two_roots_with_one_bucket_and_key_are_errors_on_both_backend_lines() -> None:
    found = scan({"orders/backend.tf": s3("state", "app.tfstate"), "orders/main.tf": PROVIDER,
                  "billing/main.tf": PROVIDER + s3("state", "app.tfstate"),
                  "ledger/main.tf": PROVIDER + s3("state", "ledger.tfstate")})
    assert [(p, line, sev) for p, line, sev, _ in found] == [
        ("billing/main.tf", 5, "error"), ("orders/backend.tf", 2, "error")]
    assert found[1][3] == ("root module orders keeps its state in the same place as root module "
                           "billing (s3 backend bucket state, key app.tfstate): whichever applies "
                           "last overwrites the other's state")


def test_partial_configurations_beside_each_root_are_its_locations() -> None:
    files = {"a/main.tf": PROVIDER + s3("state"), "a/prod.tfbackend": 'key = "shared.tfstate"\n',
             "a/dev.tfbackend": 'key = "a-dev.tfstate"\n',
             "b/main.tf": PROVIDER + s3(), "b/prod.tfbackend": 'bucket = "state"\nkey = "shared.tfstate"\n'}
    assert [(p, line) for p, line, _, _ in scan(files)] == [("a/main.tf", 5), ("b/main.tf", 5)]
    files["b/prod.tfbackend"] = 'bucket = "state"\nkey = "b-prod.tfstate"\n'
    assert scan(files) == []


def test_what_init_is_told_is_neither_flagged_nor_cleared() -> None:
    # Both blocks are empty: -backend-config at init time says where; nothing is known here.
    assert scan({"a/main.tf": PROVIDER + s3(), "b/main.tf": PROVIDER + s3()}) == []
    # One names a bucket, the key comes at init: still unknown.
    assert scan({"a/main.tf": PROVIDER + s3("state", "x"), "b/main.tf": PROVIDER + s3("state")}) == []


def test_a_root_without_backend_is_a_warning_and_called_modules_are_no_roots() -> None:
    found = scan({
        "live/main.tf": PROVIDER + s3("state", "live.tfstate") + 'module "queue" {\n  source = "../modules/queue"\n}\n',
        "modules/queue/main.tf": PROVIDER + 'resource "aws_sqs_queue" "q" {}\n',  # called: not a root
        "modules/topic/main.tf": 'resource "aws_sns_topic" "t" {}\n',  # no provider, no backend
        "scratch/main.tf": 'resource "aws_sqs_queue" "q" {}\n' + PROVIDER,
        "examples/simple/main.tf": PROVIDER,  # a module's example, not a component
    })
    assert [(p, line, sev) for p, line, sev, _ in found] == [("scratch/main.tf", 2, "warning")]
    assert found[0][3].startswith("root module scratch configures providers but no backend")


def test_remote_workspaces_cloud_and_local_paths() -> None:
    remote = 'terraform {\n  backend "remote" {\n    organization = "acme"\n    workspaces {\n      prefix = "app-"\n    }\n  }\n}\n'
    cloud = 'terraform {\n  cloud {\n    organization = "acme"\n    workspaces {\n      name = "%s"\n    }\n  }\n}\n'
    local = 'terraform {\n  backend "local" {\n    path = "%s"\n  }\n}\n'
    found = scan({"a/main.tf": remote, "b/main.tf": remote,
                  "c/main.tf": cloud % "orders", "d/main.tf": cloud % "billing",
                  "e/main.tf": local % "../state/terraform.tfstate",
                  "f/main.tf": local % "../state/terraform.tfstate",
                  "g/main.tf": local % "terraform.tfstate"})
    assert [p for p, _, _, _ in found] == ["a/main.tf", "b/main.tf", "e/main.tf", "f/main.tf"]
    assert "(remote backend organization acme, workspaces.prefix app-)" in found[0][3]
    assert "local backend path state/terraform.tfstate" in found[2][3]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "reviewer.cli", *args], cwd=cwd,
                          capture_output=True, text=True, env=env)


def test_scan_and_diff_report_a_copied_backend(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("orders/main.tf", PROVIDER + s3("acme-state", "orders.tfstate"))
    repo.commit("orders")
    repo.git("checkout", "-q", "-b", "feature")
    # The new component copies the orders folder, backend and all, and orders' backend moves
    # to a partial configuration that names the same key.
    repo.write("billing/main.tf", PROVIDER + s3("acme-state", "orders.tfstate"))
    repo.write("orders/main.tf", PROVIDER + s3("acme-state"))
    repo.write("orders/prod.tfbackend", 'key = "orders.tfstate"\n')
    repo.commit("billing")
    proc = _cli("scan", "--format", "json", ".", cwd=repo.root)
    found = [(f["path"], f["start_line"]) for f in json.loads(proc.stdout)["findings"] if f["rule"] == RULE]
    assert sorted(found) == [("billing/main.tf", 5), ("orders/main.tf", 5)]
    proc = _cli("diff", "--base", "main", "--repo", str(repo.root), "--format", "json", cwd=repo.root)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    new = sorted((f["path"], f["state"]) for f in report["findings"] if f["rule"] == RULE)
    assert new == [("billing/main.tf", "new"), ("orders/main.tf", "new")]


def test_roots_that_share_a_key_but_not_a_workspace_prefix_do_not_collide() -> None:
    """The Modernisation Platform's way: one bucket, key terraform.tfstate everywhere, and a
    workspace_key_prefix per root; its workspaces are env-named, never default."""
    def backend(prefix: str) -> str:
        return (f'terraform {{\n  backend "s3" {{\n    bucket = "state"\n    key = "terraform.tfstate"\n'
                f'    workspace_key_prefix = "{prefix}"\n  }}\n}}\n')
    assert scan({"a/main.tf": PROVIDER + backend("accounts/a"), "b/main.tf": PROVIDER + backend("accounts/b")}) == []
    found = scan({"a/main.tf": PROVIDER + backend("accounts/a"), "b/main.tf": PROVIDER + backend("accounts/a")})
    assert len(found) == 2 and "workspace_key_prefix accounts/a" in found[0][3]


def test_templates_and_their_placeholders_are_no_components() -> None:
    backend = 'terraform {\n  backend "s3" {\n    bucket = "state"\n    key = "$application_name/terraform.tfstate"\n  }\n}\n'
    assert scan({"a/main.tf": PROVIDER + backend, "b/main.tf": PROVIDER + backend}) == []
    assert scan({"templates/a/main.tf": PROVIDER, "templates/b/main.tf": PROVIDER}) == []


def test_terragrunt_writes_the_backend_of_the_modules_it_runs() -> None:
    files = {"modules/api/main.tf": PROVIDER + 'resource "aws_sqs_queue" "q" {}\n'}
    assert [sev for _, _, sev, _ in scan(files)] == ["warning"]
    files["env/prod/api/terragrunt.hcl"] = 'terraform {\n  source = "../../../modules//api"\n}\n'
    assert scan(files) == []


def _diff_states(repo: Repo) -> list[tuple[str, str, str]]:
    proc = _cli("diff", "--base", "main", "--repo", str(repo.root), "--format", "json",
                "--disable", "template-valid", cwd=repo.root)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    return sorted((f["path"], f["state"], f["severity"]) for f in report["findings"] + report.get("fixed", [])
                  if f["rule"] == RULE)


def test_a_new_root_is_compared_with_the_roots_the_change_did_not_touch(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("orders/main.tf", PROVIDER + s3("acme-state", "orders.tfstate"))
    repo.write("orders/variables.tf", 'variable "stage" {}\n')
    repo.write("payments/backend.tf", s3("acme-state", "payments.tfstate"))
    repo.write("payments/providers.tf", PROVIDER)
    repo.commit("two roots")
    repo.git("checkout", "-q", "-b", "feature")
    # billing copies the orders folder, backend and all; orders is not part of the change.
    repo.write("billing/main.tf", PROVIDER + s3("acme-state", "orders.tfstate"))
    repo.commit("billing")
    # The finding is billing's, naming orders; orders is compared with, not judged (its own
    # review, or a scan, says the same of it).
    assert _diff_states(repo) == [("billing/main.tf", "new", "error")]
    # Fixed in the next commit: billing's own key. payments was never in question.
    repo.write("billing/main.tf", PROVIDER + s3("acme-state", "billing.tfstate"))
    repo.commit("billing's own state")
    assert _diff_states(repo) == []


def test_a_change_inside_a_root_that_already_shares_its_state_is_not_blamed_for_it(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("orders/main.tf", PROVIDER + s3("acme-state", "shared.tfstate"))
    repo.write("billing/main.tf", PROVIDER + s3("acme-state", "shared.tfstate"))
    repo.commit("two roots, one state")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("billing/queue.tf", 'resource "aws_sqs_queue" "q" {\n  sqs_managed_sse_enabled = true\n}\n')
    repo.commit("a queue")
    assert _diff_states(repo) == [("billing/main.tf", "unchanged", "error")]
    # Giving billing a key of its own fixes it.
    repo.write("billing/main.tf", PROVIDER + s3("acme-state", "billing.tfstate"))
    repo.commit("own key")
    assert _diff_states(repo) == [("billing/main.tf", "fixed", "error")]


def test_in_a_terragrunt_repository_a_new_module_is_not_missing_a_backend(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("env/prod/api/terragrunt.hcl", 'terraform {\n  source = "../../../modules//api"\n}\n')
    repo.write("modules/api/main.tf", PROVIDER)
    repo.commit("api")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("modules/jobs/main.tf", PROVIDER + 'resource "aws_sqs_queue" "q" {\n  sqs_managed_sse_enabled = true\n}\n')
    repo.commit("jobs")
    assert _diff_states(repo) == []
    # Without Terragrunt, the same module is a root without a backend.
    repo.git("rm", "-q", "env/prod/api/terragrunt.hcl")
    repo.commit("no terragrunt")
    assert _diff_states(repo) == [("modules/jobs/main.tf", "new", "warning")]


def test_proxy_provider_blocks_and_hidden_folders_make_no_root() -> None:
    # A module that asks its caller for aliased providers configures none of its own.
    proxy = 'provider "aws" {\n  alias = "management"\n}\nresource "aws_sqs_queue" "q" {\n  provider = aws.management\n}\n'
    assert scan({"guardduty/providers.tf": proxy}) == []
    assert scan({".github/workflows/conftest/test_plan.tf": PROVIDER}) == []
    assert [sev for _, _, sev, _ in scan({"guardduty/providers.tf": proxy.replace(
        'alias = "management"', 'alias = "management"\n  region = "eu-west-1"')})] == ["warning"]


def test_a_root_whose_generated_terraform_git_ignores_is_not_missing_a_backend(tmp_path: Path) -> None:
    # streamalert's CLI writes _infrastructure/main.tf.json (backend and all) before init.
    files = {"cli/_infrastructure/providers.tf": PROVIDER}
    assert [sev for _, _, sev, _ in scan(files)] == ["warning"]
    assert scan({**files, ".gitignore": "*.pyc\ncli/_infrastructure/*.tf.json\n"}) == []
    assert scan({**files, "cli/.gitignore": "_infrastructure/*.tf.json\n"}) == []
    assert scan({**files, ".gitignore": "backend.tf\n"}) == []  # CI writes it
    # Ignoring state files, or another folder's output, says nothing of this root.
    # Nor does GitHub's Terraform.gitignore (local override files).
    github_template = "*.tfstate\n*.tfstate.*\n.terraform/\noverride.tf\noverride.tf.json\n*_override.tf\n*_override.tf.json\n"
    assert len(scan({**files, ".gitignore": github_template + "other/*.tf.json\n"})) == 1
    # In a diff the repository's .gitignore is read with the other roots.
    repo = Repo(tmp_path / "repo")
    repo.write(".gitignore", "backend.tf\n")
    repo.write("README.md", "infra\n")
    repo.commit("start")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("jobs/main.tf", PROVIDER)
    repo.commit("jobs")
    assert _diff_states(repo) == []


def test_a_backends_credentials_never_reach_the_message() -> None:
    pg = 'terraform {{\n  backend "pg" {{\n    conn_str = "postgres://admin:Zq8vR2mLx7Tp@db.example.com/tf"\n  }}\n}}\n'
    http = 'terraform {{\n  backend "http" {{\n    address = "https://ci:glpat-ABCDEFGHIJKLMNOPQRST@gitlab.example.com/state"\n  }}\n}}\n'
    for backend in (pg, http):
        found = scan({"a/main.tf": PROVIDER + backend.format(), "b/main.tf": PROVIDER + backend.format()})
        assert len(found) == 2
        assert all("Zq8vR2mLx7Tp" not in m and "glpat-ABC" not in m and "********" in m for *_, m in found)
