"""Read a range of commits (a merge queue's group: base_sha..head_sha) like a pull request.

A merge group has no pull request to list files from: GitHub's comparison of the two
commits gives the files (at most 300) and the commits (at most 250), from which the pull
requests in the group are named. Contents, the configuration at the base and the
organisation's folder come from the same GraphQL reader as a pull request's.
https://docs.github.com/en/rest/commits/commits#compare-two-commits
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from github import GithubException
from github.Repository import Repository

from reviewer.github.fetch import Change, GraphQLReader, _read_rest, plan_reads
from reviewer.github.graphql import GraphQLFailed

# GitHub's comparison lists at most this many files; a group changing more is not reviewed
# in full, and the review says so (and fails).
MAX_COMPARED_FILES = 300
_QUEUE_REF = re.compile(r"(?:refs/heads/)?gh-readonly-queue/(?P<base>.+)/pr-(?P<number>[0-9]{1,10})-[0-9a-f]{40}")
# How a merge queue's commits name their pull request: "Merge pull request #12 from ..."
# (merge) or a first line ending in "(#12)" (squash, rebase).
_MERGED = re.compile(r"\AMerge pull request #([0-9]{1,10}) ")
_SQUASHED = re.compile(r"\(#([0-9]{1,10})\)\s*\Z")


@dataclass
class RangeChange:
    """The change of a merge group, and the pull requests it holds (oldest first)."""

    change: Change
    pulls: list[int] = field(default_factory=list)


def queue_pull(head_ref: str) -> int | None:
    """The pull request a merge queue branch was made for (``gh-readonly-queue/main/pr-7-<sha>``)."""
    match = _QUEUE_REF.fullmatch(head_ref or "")
    return int(match.group("number")) if match else None


def pulls_in(messages: list[str], last: int | None) -> list[int]:
    """The pull requests a group's commits merged, oldest first, ending with ``last``."""
    found: list[int] = []
    for message in messages:
        first_line = (message or "").splitlines()[0] if message else ""
        match = _MERGED.match(message or "") or _SQUASHED.search(first_line)
        if match and int(match.group(1)) not in found:
            found.append(int(match.group(1)))
    if last is not None:
        found = [n for n in found if n != last] + [last]
    return found


def fetch_range(repo: Repository, base_sha: str, head_sha: str, head_ref: str,
                org: str | None = None) -> RangeChange:
    """Read the files a merge group changes at its base and head, and name its pull requests."""
    comparison = repo.compare(base_sha, head_sha)
    change = Change()
    merge_base = comparison.merge_base_commit.sha
    files = list(comparison.files)
    wanted, listed = plan_reads(change, files, merge_base, head_sha)
    if listed >= MAX_COMPARED_FILES:
        # GitHub's comparison stops at 300 files: the rest cannot be seen this way.
        change.unlisted = max(1, listed - MAX_COMPARED_FILES + 1)
    messages = [c.commit.message for c in comparison.commits]
    try:
        GraphQLReader(repo, None, org).read(change, wanted, merge_base, head_sha)
    except (GraphQLFailed, GithubException) as exc:  # spent or down: REST is a budget of its own
        if isinstance(exc, GithubException) and exc.status < 500:
            raise
        change.org_files = None
        _read_rest(repo, change, wanted, merge_base, head_sha)
    change.threads = []
    return RangeChange(change, pulls_in(messages, queue_pull(head_ref)))
