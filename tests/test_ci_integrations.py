"""The review in CI without the app (issue 20, points 5 and 6): the GitHub Action's steps run
against a real temporary git repository with an event file shaped like GitHub's, and the
pre-commit hook through the real ``pre-commit try-repo``."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "github" / "webhooks"
WILDCARD = '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]}\n'
NARROW = '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}\n'


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                           *args], check=True, capture_output=True, text=True).stdout.strip()


def pull_request_repo(tmp: Path, head_text: str) -> tuple[Path, str]:
    repo = tmp / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "policies").mkdir()
    (repo / "policies" / "app.json").write_text(NARROW)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "policies" / "app.json").write_text(head_text)
    git(repo, "commit", "-qam", "head")
    return repo, base


def run_review_step(tmp: Path, repo: Path, base: str, **given: str) -> tuple[int, str, str, str]:
    """The action's "Review the change" step as the runner would run it: its shell text with
    the expressions filled in, its env, and GitHub's variables."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    [step] = [s for s in action["runs"]["steps"] if s.get("id") == "review"]
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs["sarif"] = str(tmp / "out.sarif")
    inputs.update(given)

    def fill(text: str) -> str:
        text = text.replace("${{ github.action_path }}", str(ROOT))
        return re.sub(r"\$\{\{ inputs\.([a-z-]+) \}\}", lambda m: inputs[m.group(1)], text)

    event = json.loads((CORPUS / "pull_request.opened.1.json").read_text())
    event["pull_request"]["base"]["sha"] = base
    (tmp / "event.json").write_text(json.dumps(event))
    summary, output = tmp / "summary.md", tmp / "output.txt"
    env = {**os.environ, **{k: fill(v) for k, v in step["env"].items()},
           "GITHUB_EVENT_PATH": str(tmp / "event.json"), "GITHUB_WORKSPACE": str(repo),
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(["bash", "-e", "-c", fill(step["run"])], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, summary.read_text() if summary.exists() else "", \
        output.read_text() if output.exists() else "", proc.stdout + proc.stderr


def test_the_action_fails_a_pull_request_adding_an_error(tmp_path: Path) -> None:
    repo, base = pull_request_repo(tmp_path, WILDCARD)
    code, summary, outputs, log = run_review_step(tmp_path, repo, base)
    assert code == 1, log
    assert summary.startswith("## policy-reviewer: 1 new error(s) block this change")
    assert "no-wildcard-actions" in summary
    assert "failed=true" in outputs
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "no-wildcard-actions"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "policies/app.json"


def test_the_action_passes_a_pull_request_that_adds_nothing(tmp_path: Path) -> None:
    repo, base = pull_request_repo(tmp_path, NARROW.replace("b/*", "c/*"))
    code, summary, outputs, log = run_review_step(tmp_path, repo, base)
    assert code == 0, log
    assert "failed=false" in outputs and "Nothing blocks" in summary


def test_the_action_reviews_with_the_plan_the_workflow_made(tmp_path: Path) -> None:
    billing = ROOT / "tests" / "data" / "plans" / "ours" / "billing"
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    written = (billing / "main.tf").read_text()
    (repo / "main.tf").write_text(written.replace('["s3:*"]', '["s3:GetObject"]'))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "main.tf").write_text(written)
    git(repo, "commit", "-qam", "head")
    code, summary, _, log = run_review_step(tmp_path, repo, base, plan=str(billing / "tfplan.json"))
    # Only the plan shows what the registry module's policy grants after the change.
    assert code == 1, log
    assert "module.iam.aws_iam_role_policy.this" in summary and "hunter2" not in summary + log
    code, summary, _, log = run_review_step(tmp_path, repo, base)
    assert code == 0, log


def test_the_actions_steps_are_wired_as_documented() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    assert steps[-1]["if"] == "${{ steps.review.outcome == 'failure' }}"
    assert action["outputs"]["failed"]["value"] == "${{ steps.review.outputs.failed }}"


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if binary is None:
        if os.environ.get("CI") or os.environ.get("POLICY_REVIEWER_REQUIRE_BROWSER"):
            pytest.fail("pre-commit must be installed here (scripts/setup installs it)")
        pytest.skip("pre-commit is not installed")
    return subprocess.run([binary, "try-repo", str(ROOT), "policy-reviewer"], cwd=repo,
                          env={**os.environ, "PRE_COMMIT_HOME": str(home)},
                          capture_output=True, text=True, timeout=900)


def test_the_pre_commit_hook_reviews_the_staged_files(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = tmp_path / "work"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("work\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    (repo / "role.json").write_text(WILDCARD)
    (repo / "reader.json").write_text(NARROW)
    (repo / "notes.txt").write_text("not infrastructure\n")
    git(repo, "add", "role.json", "reader.json", "notes.txt")
    # One run (each try-repo installs the hook afresh: about 20 s).
    failed = try_repo(repo, pre_commit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "no-wildcard-actions" in failed.stdout and "role.json" in failed.stdout
    assert "reader.json" not in failed.stdout.split("How to fix")[0]  # staged, and clean
    assert "template-valid" not in failed.stdout.split("How to fix")[0]
