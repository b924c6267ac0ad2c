"""Which acceptances a merge group carries over from its pull requests (issue 18, point 1)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

import pytest

from reviewer.jobs import acceptances
from reviewer.jobs.store import pull_scope


@pytest.fixture
def records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.setenv("POLICY_REVIEWER_DATA", str(tmp_path))
    monkeypatch.delenv("REDIS_URL", raising=False)
    from reviewer.jobs import queue

    queue.store.cache_clear()
    yield queue.store()
    queue.store.cache_clear()


def test_acceptances_count_only_for_a_head_the_group_contains(records: object) -> None:
    from reviewer.jobs.merge_group_job import carried_acceptances

    head = "c" * 40
    records.add_note(pull_scope("review", "o/r", 45), {"head": head, "fingerprints": ["a" * 32, "b" * 32]})
    records.add_note(pull_scope("accepted", "o/r", 45), acceptances.note(acceptances.Acceptance(
        acceptances.ALL, head, "sam", "signed off in OPS-1", time.time())))
    # Named by a commit message its author wrote, but its head is not in the group: nothing.
    assert carried_acceptances("o/r", [45], lambda sha: False) == []
    carried = carried_acceptances("o/r", [45], lambda sha: sha == head)
    assert sorted(a.fingerprint for a in carried) == ["a" * 32, "b" * 32]
    assert all("every finding of #45" in a.reason for a in carried)
    # A pull request never reviewed carries nothing.
    assert carried_acceptances("o/r", [46], lambda sha: True) == []
