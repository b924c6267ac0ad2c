"""doctor's verdicts, without a network (the end-to-end runs are in tests/e2e/test_doctor_e2e.py)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from reviewer.doctor import diagnose, exit_status
from reviewer.doctor.answers import (AppAnswer, Delivery, HookAnswer, InstallationAnswer, RepoAnswer,
                                     StatusChecks, Unreadable, Wiring)
from reviewer.doctor.findings import NEEDED_EVENTS, NEEDED_PERMISSIONS, missing_permissions
from reviewer.doctor.render import text

ROOT = Path(__file__).resolve().parents[1]
APP = AppAnswer(7, "policy-reviewer", "Iv1.x", dict(NEEDED_PERMISSIONS), list(NEEDED_EVENTS))


def wiring(**changes: object) -> Wiring:
    repo = RepoAnswer("acme/r", "main", rules=[{"type": "required_status_checks", "parameters": {
        "required_status_checks": [{"context": "policy-reviewer", "integration_id": 7}]}}])
    inst = InstallationAnswer(1, "acme", "Organization", "all", dict(NEEDED_PERMISSIONS), list(NEEDED_EVENTS),
                              org_repo=True, repos=[repo], total_repos=1)
    base = Wiring("https://api.github.com", APP, HookAnswer("https://x.example/webhook", False), [], [inst],
                  public_url="https://x.example", app_id="7")
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_the_manifest_asks_for_exactly_what_doctor_checks() -> None:
    manifest = json.loads((ROOT / "github-app-manifest.json").read_text())
    assert manifest["default_permissions"] == NEEDED_PERMISSIONS
    assert sorted(manifest["default_events"]) == sorted(NEEDED_EVENTS)


def test_a_higher_grant_satisfies_a_lower_need() -> None:
    assert missing_permissions({"checks": "write", "contents": "write"}, {"checks": "write", "contents": "read"}) == {}
    assert missing_permissions({"checks": "read"}, {"checks": "write"}) == {"checks": "write"}


def test_healthy_wiring_exits_0_and_a_missing_requirement_1() -> None:
    assert exit_status(diagnose(wiring())) == 0
    inst = wiring().installations[0]  # type: ignore[index]
    inst.repos[0].rules = []  # type: ignore[index, union-attr]
    inst.repos[0].protection = StatusChecks([("lint", None)])  # type: ignore[index, union-attr]
    sections = diagnose(wiring(installations=[inst]))
    assert exit_status(sections) == 1
    assert "✗ main does not require the policy-reviewer check" in text(sections)


def test_a_requirement_found_in_rules_stands_when_protection_cannot_be_read() -> None:
    inst = wiring().installations[0]  # type: ignore[index]
    inst.repos[0].protection = Unreadable(403, "GitHub answered 403")  # type: ignore[index, union-attr]
    out = text(diagnose(wiring(installations=[inst])))
    assert "✓ main requires policy-reviewer from this app (ruleset); branch protection could not be read " \
           "(GitHub answered 403)" in out


def test_a_refused_jwt_is_a_problem_and_other_failures_are_not_known() -> None:
    sections = diagnose(wiring(app=Unreadable(401, "GitHub answered 401: Bad credentials")))
    assert exit_status(sections) == 1
    sections = diagnose(wiring(app=Unreadable(502, "GitHub answered 502"), hook=Unreadable(0, "no answer")))
    assert exit_status(sections) == 0
    assert "? could not check the webhook URL: no answer" in text(sections)


def test_deliveries_redelivered_with_success_are_settled() -> None:
    failed = Delivery(1, "g1", "pull_request", "opened", 502, "bad gateway", "2024-05-01T00:00:00Z")
    again = Delivery(2, "g1", "pull_request", "opened", 202, "OK", "2024-05-01T00:10:00Z")
    assert "none of the last 2 webhook deliveries failed" in text(diagnose(wiring(deliveries=[again, failed])))
    assert "1 of the last 1 webhook deliveries failed" in text(diagnose(wiring(deliveries=[failed])))


def test_text_falls_back_to_ascii_marks() -> None:
    out = text(diagnose(wiring(hook=HookAnswer("https://elsewhere.example/webhook", False))), unicode=False)
    assert out.isascii()
    assert "X GitHub delivers to https://elsewhere.example/webhook" in out


def test_the_doctor_package_talks_to_no_network() -> None:
    # Only reviewer/github talks to GitHub (STYLE.md); the verdicts must be testable without it.
    for path in sorted((ROOT / "reviewer" / "doctor").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(("github", "requests", "urllib", "reviewer.github")), (path.name, name)
