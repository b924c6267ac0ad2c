"""Reading a pull request through GraphQL, against the stand-in over real HTTP: the number
of calls does not grow with the number of files, large files come whole, a spent GraphQL
budget falls back to REST, and GraphQL's errors inside HTTP 200 are failures."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from reviewer.github import fetch
from reviewer.github.client import installation_client
from reviewer.github.graphql import GraphQLFailed, execute
from tests.e2e.harness import git, keypair
from tests.e2e.standin import GitHubStandIn

TEMPLATE = "Resources:\n  Q{i}:\n    Type: AWS::SQS::Queue\n    Properties: {{QueueName: q{i}{suffix}}}\n"


@contextmanager
def pull_with(tmp_path: Path, templates: int, extra: dict[str, str] | None = None) -> Iterator[tuple[GitHubStandIn, object, str, str]]:
    repo = tmp_path / f"r{templates}"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for i in range(templates):
        (repo / f"t{i}.yaml").write_text(TEMPLATE.format(i=i, suffix=""))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    for i in range(templates):
        (repo / f"t{i}.yaml").write_text(TEMPLATE.format(i=i, suffix="-changed"))
    for name, text in (extra or {}).items():
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")
    _, public = keypair()
    with GitHubStandIn(app_id="1", public_key_pem=public, installation_id=1) as gh:
        pull = gh.add_pull("o", "r", 1, "main", "feature", repo)
        client = installation_client(gh.base_url or "", gh.issue_token(1))
        yield gh, client.get_repo("o/r"), pull.base_tip_sha, pull.head_sha


def test_the_calls_do_not_grow_with_the_number_of_files(tmp_path: Path) -> None:
    counts = {}
    for n in (1, 40):
        with pull_with(tmp_path, n) as (gh, repo, base, head):
            change = fetch.fetch_change(repo, 1, base, head, org="o")
            assert len(change.head_files) == n and len(change.base_files) == n
            assert change.head_files["t0.yaml"].endswith(b"q0-changed}\n")
            # No org .github repository in sight: the REST reader tells absent from invisible.
            assert change.threads == [] and change.org_files is None
            counts[n] = [c.get("operation") for c in gh.calls]
            assert gh.violations == [], gh.violations
    assert counts[1] == counts[40] == ["repos/compare-commits", "pulls/list-files", "graphql"]


def test_files_graphql_cuts_come_whole_through_the_blob_api(tmp_path: Path) -> None:
    big = "# padding\n" * 60_000 + TEMPLATE.format(i=99, suffix="")  # 600 KB: over GraphQL's 512,000
    with pull_with(tmp_path, 1, {"big.yaml": big}) as (gh, repo, base, head):
        change = fetch.fetch_change(repo, 1, base, head)
        assert change.head_files["big.yaml"] == big.encode()
        assert [c.get("operation") for c in gh.calls].count("git/get-blob") == 1
        assert gh.violations == []


def test_a_spent_graphql_budget_reads_through_rest(tmp_path: Path) -> None:
    with pull_with(tmp_path, 3) as (gh, repo, base, head):
        token = repo._requester.auth.token  # type: ignore[attr-defined]
        gh.graphql.points_used[token] = 4990  # 10 points left of 5,000
        change = fetch.fetch_change(repo, 1, base, head, org="o")
        assert len(change.head_files) == 3 and change.threads is None
        assert [c.get("operation") for c in gh.calls].count("repos/get-content") >= 6
        assert gh.violations == []


def test_graphql_errors_inside_http_200_are_failures_but_not_found_is_an_answer(tmp_path: Path) -> None:
    with pull_with(tmp_path, 1) as (gh, repo, _base, _head):
        answer = execute(repo._requester, 'query { a: repository(owner: "o", name: "nope") { id } '
                         'b: repository(owner: "o", name: "r") { id } }', {})
        assert answer.data["a"] is None and answer.data["b"]["id"] and answer.missing == [("a",)]
        with pytest.raises(GraphQLFailed, match="Field 'nope' doesn't exist|Cannot query field 'nope'"):
            execute(repo._requester, 'query { viewer { nope } }', {})
        # The stand-in counts the invalid query as the app's mistake.
        assert any("Cannot query field 'nope'" in v for v in gh.violations)
