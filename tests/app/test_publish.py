"""Publishing against the GitHub stand-in over real HTTP: annotation batches, neutral checks."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from reviewer.github import publish
from reviewer.github.client import installation_client
from tests.e2e.harness import git, keypair
from tests.e2e.standin import GitHubStandIn


@contextmanager
def stand_in(tmp_path: Path) -> Iterator[tuple[GitHubStandIn, str]]:
    """The stand-in serving a one-commit repository o/r, and that commit's sha."""
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "a.yaml").write_text("x: 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a")
    _, public = keypair()
    with GitHubStandIn(app_id="1", public_key_pem=public, installation_id=1) as gh:
        gh.add_repo("o", "r", repo)
        yield gh, git(repo, "rev-parse", "HEAD")


def test_annotations_go_50_a_request_at_most_two_requests(tmp_path: Path) -> None:
    with stand_in(tmp_path) as (gh, head):
        client = installation_client(gh.base_url or "", gh.issue_token(1))
        repository = client.get_repo("o/r")
        run = publish.start_check(repository, head)
        # A second attempt of the same job finds the run in progress instead of adding one.
        assert publish.start_check(repository, head).id == run.id
        notes = [{"path": "a.yaml", "start_line": 1, "end_line": 1, "annotation_level": "warning",
                  "title": f"t{i}", "message": f"m{i}"} for i in range(120)]
        publish.finish_check(run, "success", "title", "summary", notes)
        [stored] = gh.check_runs_for(head, "policy-reviewer")
        assert stored["conclusion"] == "success" and len(stored["annotations"]) == 100
        updates = [c for c in gh.calls if c["method"] == "PATCH"]
        assert len(updates) == 2  # 50 + 50; the other 20 are only in the summary
        assert "20 more finding(s) are in the tables above but not annotated" in stored["output"]["summary"]
        assert len(gh.check_runs_for(head, "policy-reviewer")) == 1
        assert gh.violations == []


def test_a_retry_reuses_the_run_its_job_completed(tmp_path: Path) -> None:
    """Killed between annotation batches, the first attempt left a completed run; the retry
    finds it by the job's external_id and reopens it instead of adding a second run."""
    with stand_in(tmp_path) as (gh, head):
        repository = installation_client(gh.base_url or "", gh.issue_token(1)).get_repo("o/r")
        job = f"o/r#1@{head}"
        first = publish.start_check(repository, head, first_attempt=True, external_id=job)
        publish.finish_check(first, "failure", "t", "s", [])
        again = publish.start_check(repository, head, external_id=job)
        assert again.id == first.id and again.status == "in_progress"
        # Another job's retry (another pull request on the same commit) gets its own run.
        other = publish.start_check(repository, head, external_id=f"o/r#2@{head}")
        assert other.id != first.id
        assert len(gh.check_runs_for(head, "policy-reviewer")) == 2
        assert gh.violations == []


def test_a_worker_killed_between_annotation_batches_never_shows_one_twice(tmp_path: Path) -> None:
    """GitHub appends the annotations of every update: the retry reads what the run shows
    and sends only the rest."""
    with stand_in(tmp_path) as (gh, head):
        repository = installation_client(gh.base_url or "", gh.issue_token(1)).get_repo("o/r")
        job = f"o/r#1@{head}"
        notes = [{"path": "a.yaml", "start_line": 1, "end_line": 1, "annotation_level": "warning",
                  "title": f"t{i}", "message": f"m{i}"} for i in range(80)]
        first = publish.start_check(repository, head, first_attempt=True, external_id=job)
        # The first attempt completed the run with its first batch, then its worker died.
        first.edit(status="completed", conclusion="failure",
                   output={"title": "t", "summary": "s", "annotations": notes[:50]})
        again = publish.start_check(repository, head, external_id=job)
        publish.finish_check(again, "failure", "t", "s", notes)
        [stored] = gh.check_runs_for(head, "policy-reviewer")
        titles = [a["title"] for a in stored["annotations"]]
        assert sorted(titles) == sorted(n["title"] for n in notes)  # all 80, each once
        assert gh.violations == []
