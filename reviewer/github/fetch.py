"""Fetch a pull request's change: its files, and their contents at base and head.

Contents are read by commit sha, which works for pull requests from forks too. Only files
that could be templates or policies are fetched; the rest of the pull request is skipped.
"""

from __future__ import annotations

import base64
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote
from dataclasses import dataclass, field

from github import GithubException
from github.File import File
from github.PaginatedList import PaginatedList
from github.Repository import Repository
from github.Requester import Requester

from reviewer.config.settings import REPOSITORY_CONFIG, REPOSITORY_RULES
from reviewer.engine.diffmap import right_side_lines
from reviewer.engine.document import CANDIDATE_SUFFIXES, MAX_FILE_BYTES
from reviewer.formats.paths import module_folders, module_siblings

# GitHub lists at most 3,000 files of a pull request, 100 per page.
# https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files
MAX_FILES = 3000
FETCH_CONCURRENCY = 6


@dataclass
class Change:
    """What the engine needs from a pull request, and the diff lines for comments."""

    base_files: dict[str, bytes] = field(default_factory=dict)
    head_files: dict[str, bytes] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    hunks: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    config_text: str | None = None
    rule_texts: dict[str, str] = field(default_factory=dict)  # the repository's own rules
    # Files of the pull request that GitHub did not list (it lists 3,000 at most), so that
    # were never reviewed.
    unlisted: int = 0


def list_files(repo: Repository, number: int) -> PaginatedList[File]:
    """The pull request's files, all pages, without fetching the pull request itself."""
    return PaginatedList(File, repo._requester, f"{repo.url}/pulls/{number}/files",
                         {"per_page": 100})


def merge_base(repo: Repository, base_sha: str, head_sha: str) -> str:
    """Where the pull request forked from its base branch.

    A pull request's ``base.sha`` is the base branch's tip; once the branch moves on, files
    there differ from what the pull request changed. GitHub diffs against the merge base,
    so the review reads base contents there too.
    https://docs.github.com/en/rest/commits/commits#compare-two-commits
    """
    return repo.compare(base_sha, head_sha).merge_base_commit.sha


def fetch_change(repo: Repository, number: int, base_sha: str, head_sha: str) -> Change:
    """List the files (all pages) and read candidates at the merge base and at head."""
    change = Change()
    base_sha = merge_base(repo, base_sha, head_sha)
    wanted: list[tuple[str, str, str]] = []  # (key in base/head, path to read, commit)
    listed = 0
    for item in list_files(repo, number):
        listed += 1
        path = item.filename
        old = item.previous_filename or path
        if not (path.lower().endswith(CANDIDATE_SUFFIXES) or old.lower().endswith(CANDIDATE_SUFFIXES)):
            continue
        change.hunks[path] = right_side_lines(item.patch)
        if item.status == "renamed":
            change.renames[old] = path
        if item.status != "removed":
            wanted.append(("head", path, head_sha))
        if item.status not in ("added", "copied"):
            wanted.append(("base", old, base_sha))
    if listed >= MAX_FILES:
        # The listing stops at 3,000 whatever the pull request holds: only the pull
        # request's own count tells whether files are missing (one call, in this rare case).
        change.unlisted = max(0, _changed_files(repo, number) - listed)
    wanted.extend(_module_siblings(repo, wanted, {"head": head_sha, "base": base_sha}))
    wanted.append(("config", REPOSITORY_CONFIG, base_sha))
    # Contents are independent reads: a few at a time, so a 10-template pull request does not
    # pay 20 round trips one after the other. PyGithub's requester shares one connection
    # object between threads (its request and response are separate calls), so each thread
    # gets a requester of its own.
    local = threading.local()

    def fetch(item: tuple[str, str, str]) -> bytes | None:
        if not hasattr(local, "requester"):
            local.requester = repo._requester.withAuth(repo._requester.auth)
        return read_with(local.requester, repo.url, item[1], item[2])

    with ThreadPoolExecutor(max_workers=FETCH_CONCURRENCY) as pool:
        listing = pool.submit(_list_rule_files, repo, base_sha)
        contents = list(pool.map(fetch, wanted))
        for path in listing.result():
            text = read_with(repo._requester, repo.url, path, base_sha)
            if text is not None:
                change.rule_texts[path] = text.decode("utf-8", "replace")
    for (side, path, _), content in zip(wanted, contents):
        if content is None:
            continue
        if side == "head":
            change.head_files[path] = content
        elif side == "base":
            change.base_files[path] = content
        else:
            change.config_text = content.decode("utf-8", "replace")
    return change


def _changed_files(repo: Repository, number: int) -> int:
    """How many files the pull request changes, by GitHub's own count."""
    _, data = repo._requester.requestJsonAndCheck("GET", f"{repo.url}/pulls/{number}")
    return int(data.get("changed_files") or 0)


def _list_rule_files(repo: Repository, sha: str) -> list[str]:
    """The repository's rule files at the base (usually none: one 404)."""
    return [path for path in _folder_files(repo, REPOSITORY_RULES, sha)
            if path.endswith((".yml", ".yaml"))]


def _folder_files(repo: Repository, folder: str, sha: str) -> list[str]:
    """The files directly in a folder at a commit (none when it does not exist)."""
    requester = repo._requester.withAuth(repo._requester.auth)
    where = "" if folder in (".", "") else quote(folder)
    try:
        _, entries = requester.requestJsonAndCheck(
            "GET", f"{repo.url}/contents/{where}", parameters={"ref": sha})
    except GithubException as exc:
        if exc.status == 404:
            return []
        raise
    return sorted(e["path"] for e in (entries if isinstance(entries, list) else [])
                  if e.get("type") == "file")


def _module_siblings(repo: Repository, wanted: list[tuple[str, str, str]],
                     shas: dict[str, str]) -> list[tuple[str, str, str]]:
    """A Terraform module is reviewed whole: the unchanged files of each changed file's
    folder (its variables, its tfvars) are read too, one folder listing per side."""
    extra: list[tuple[str, str, str]] = []
    for side, sha in shas.items():
        paths = [path for kind, path, _ in wanted if kind == side]
        folders = module_folders(paths)
        if not folders:
            continue
        tree = [path for folder in folders for path in _folder_files(repo, folder, sha)]
        have = set(paths)
        extra.extend((side, path, sha) for path in module_siblings(paths, tree) if path not in have)
    return extra


def read_with(requester: Requester, repo_url: str, path: str, sha: str) -> bytes | None:
    """GET contents/{path}?ref={sha} through the given requester."""
    try:
        _, data = requester.requestJsonAndCheck(
            "GET", f"{repo_url}/contents/{quote(path)}", parameters={"ref": sha})
    except GithubException as exc:
        if exc.status == 404:
            return None
        raise
    if not isinstance(data, dict) or data.get("type") != "file":
        return None  # a folder, a symlink or a submodule
    if (data.get("size") or 0) > MAX_FILE_BYTES and data.get("sha"):
        # The contents API sends no body above 1 MB; the blob API does (to 100 MB, GitHub's
        # file limit). The engine needs the start of the file to tell a too-large template
        # (a finding) from a large package-lock.json (skipped), and one byte past the limit.
        # https://docs.github.com/en/rest/git/blobs#get-a-blob
        _, blob = requester.requestJsonAndCheck("GET", f"{repo_url}/git/blobs/{data['sha']}")
        return base64.b64decode(blob.get("content") or "")[:MAX_FILE_BYTES + 1]
    return base64.b64decode(data.get("content") or "")
