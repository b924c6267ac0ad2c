"""The stand-in's answers about the app's wiring (tests/e2e/standin_admin.py): GitHub's shapes,
GitHub's refusals, and nothing the API description does not allow."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

requests = pytest.importorskip("requests")

from reviewer.github.auth import app_jwt  # noqa: E402
from tests.e2e.standin import SUBSET_SPEC, GitHubStandIn, generate_app_keypair, git_commit, git_init  # noqa: E402

pytestmark = pytest.mark.skipif(not SUBSET_SPEC.exists(), reason="shared/corpus/github/openapi is not there")

APP_ID, INSTALLATION = 1234, 77
KEYS = generate_app_keypair()


@pytest.fixture
def gh(tmp_path: Path) -> Iterator[GitHubStandIn]:
    repo = git_init(tmp_path / "r")
    git_commit(repo, {"a.txt": "a\n"}, "init")
    with GitHubStandIn(app_id=APP_ID, public_key_pem=KEYS[1], installation_id=INSTALLATION) as standin:
        standin.add_repo("acme", "r", repo)
        yield standin
    assert standin.response_problems == []


def get(gh: GitHubStandIn, path: str, *, token: str | None = None, **params: object) -> requests.Response:
    credential = f"token {token}" if token else f"Bearer {app_jwt(str(APP_ID), KEYS[0])}"
    return requests.get(f"{gh.base_url}{path}", params=params, headers={"Authorization": credential}, timeout=10)


def test_the_app_and_its_installations_carry_the_wiring_set(gh: GitHubStandIn) -> None:
    assert get(gh, "/app").json()["events"] == gh.app_events  # the manifest's, by default
    gh.set_app_events(["pull_request"])
    gh.set_installation(INSTALLATION, permissions={"metadata": "read"}, repository_selection="selected",
                        account_type="User", suspended=True)
    assert get(gh, "/app").json()["events"] == ["pull_request"]
    [inst] = get(gh, "/app/installations").json()
    assert (inst["permissions"], inst["repository_selection"], inst["target_type"], inst["account"]["type"]) == \
        ({"metadata": "read"}, "selected", "User", "User")
    assert inst["suspended_at"] and inst["html_url"].endswith(f"/settings/installations/{INSTALLATION}")
    assert gh.violations == []


def test_hook_config_and_deliveries_newest_first_with_cursor_pages(gh: GitHubStandIn) -> None:
    gh.set_hook_config("https://x.example/webhook")
    assert get(gh, "/app/hook/config").json()["url"] == "https://x.example/webhook"
    first = gh.add_delivery("pull_request", 502, action="opened")
    second = gh.add_delivery("check_suite", 200, action="requested")
    page = get(gh, "/app/hook/deliveries", per_page=1)
    assert [d["id"] for d in page.json()] == [second["id"]] and 'rel="next"' in page.headers["Link"]
    assert [d["id"] for d in get(gh, "/app/hook/deliveries", status="failure").json()] == [first["id"]]
    assert gh.violations == []


def test_branch_rules_and_protection_as_github_answers_them(gh: GitHubStandIn) -> None:
    token = gh.issue_token(INSTALLATION)
    rules = [gh.required_checks_rule(("policy-reviewer", APP_ID)), gh.merge_queue_rule()]
    gh.set_branch_rules("acme", "r", "main", rules)
    assert get(gh, "/repos/acme/r/rules/branches/main", token=token).json() == rules
    path = "/repos/acme/r/branches/main/protection/required_status_checks"
    # Branch protection needs Administration (read), which the app does not ask for.
    assert get(gh, path, token=token).status_code == 403
    gh.set_installation(INSTALLATION, permissions={**gh.app_permissions, "administration": "read"})
    assert get(gh, path, token=token).status_code == 404  # not protected
    gh.set_branch_protection("acme", "r", "main", [("policy-reviewer", None)])
    assert get(gh, path, token=token).json()["checks"] == [{"context": "policy-reviewer", "app_id": None}]
    assert gh.violations == [] and len(gh.rejections) == 1


def test_asking_whether_a_repository_is_visible_is_no_violation(gh: GitHubStandIn) -> None:
    token = gh.issue_token(INSTALLATION)
    assert get(gh, "/repos/acme/.github", token=token).status_code == 404
    assert gh.violations == [] and gh.rejections
    # Any other use of a repository the app cannot see still is one.
    assert get(gh, "/repos/acme/.github/contents/x", token=token).status_code == 404
    assert len(gh.violations) == 1


def test_an_operation_made_to_fail(gh: GitHubStandIn) -> None:
    gh.fail_operation("apps/get-webhook-config-for-app")
    assert get(gh, "/app/hook/config").status_code == 502
    assert get(gh, "/app/hook/deliveries").status_code == 200
