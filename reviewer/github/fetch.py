"""Fetch a pull request's change: its files, and their contents at base and head.

Contents are read by commit sha, which works for pull requests from forks too. Only files
that could be templates or policies are fetched; the rest of the pull request is skipped.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote
from dataclasses import dataclass, field
from typing import Any, Iterable

from github import GithubException
from github.File import File
from github.PaginatedList import PaginatedList
from github.Repository import Repository
from github.Requester import Requester

from reviewer.config.settings import REPOSITORY_CONFIG, REPOSITORY_RULES
from reviewer.engine.diffmap import right_side_lines
from reviewer.formats.paths import CANDIDATE_SUFFIXES, MAX_FILE_BYTES, cut_to_limit
from reviewer.formats.paths import is_module_member, module_folders, module_siblings
from reviewer.github import threads as review_threads
from reviewer.github.fetch_more import CONTEXT, MAX_REST_CONTEXT, read_companions, state_reads
from reviewer.github.graphql import (RATE_LIMIT_FIELDS, RESERVE_POINTS, GraphQLFailed,
                                     GraphQLRateLimited, dig, execute)
from reviewer.github.org import ORG_FOLDER, ORG_REPOSITORY, OrgFiles

log = logging.getLogger(__name__)

# GitHub lists at most 3,000 files of a pull request, 100 per page.
# https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files
MAX_FILES = 3000
FETCH_CONCURRENCY = 6
# Files per GraphQL request: at most twice this many objects (base and head) in one answer.
OBJECTS_PER_QUERY = 250
FILE_FRAGMENT = "fragment file on Blob { oid byteSize isBinary isTruncated text }"


@dataclass
class Change:
    """What the engine needs from a pull request, and the diff lines for comments."""

    base_files: dict[str, bytes] = field(default_factory=dict)
    head_files: dict[str, bytes] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    hunks: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    config_text: str | None = None
    rule_texts: dict[str, str] = field(default_factory=dict)  # the repository's own rules
    unlisted: int = 0  # files GitHub did not list (3,000 at most): never reviewed
    title: str = ""  # the pull request's title, for the review page
    # The review threads on the pull request (None: not read, GraphQL was unavailable).
    threads: list[review_threads.Thread] | None = None
    # The organisation's policy-reviewer/ files by name (None: not read here).
    org_files: OrgFiles | None = None
    # Other files of the repository at each side, read only to compare with the change
    # (where the other Terraform roots keep their state: formats.paths.state_context).
    base_context: dict[str, bytes] = field(default_factory=dict)
    head_context: dict[str, bytes] = field(default_factory=dict)
    # Why that comparison is partial (GitHub refused the listing, too many files): said in
    # the review, which is then incomplete.
    context_problems: list[str] = field(default_factory=list)

    def put(self, side: str, path: str, content: bytes | None) -> None:
        """File one answer: a base or head file, one read for context, or the repository's
        configuration."""
        if content is None:
            return
        if side.endswith(CONTEXT):
            (self.head_context if side.startswith("head") else self.base_context)[path] = content
        elif side == "head":
            self.head_files[path] = content
        elif side == "base":
            self.base_files[path] = content
        else:
            self.config_text = content.decode("utf-8", "replace")


def list_files(repo: Repository, number: int) -> PaginatedList[File]:
    """The pull request's files, all pages, without fetching the pull request itself."""
    return PaginatedList(File, repo._requester, f"{repo.url}/pulls/{number}/files",
                         {"per_page": 100})


def merge_base(repo: Repository, base_sha: str, head_sha: str) -> str:
    """Where the pull request forked from its base branch: GitHub diffs against the merge
    base (``base.sha`` is the base branch's tip, which moves on), so the review reads there.
    https://docs.github.com/en/rest/commits/commits#compare-two-commits"""
    return repo.compare(base_sha, head_sha).merge_base_commit.sha


def fetch_change(repo: Repository, number: int, base_sha: str, head_sha: str,
                 org: str | None = None) -> Change:
    """List the files (all pages) and read candidates at the merge base and at head.

    Contents, the configuration, the repository's rule files, the organisation's folder and
    the app's review threads come from one GraphQL request (more only past
    ``OBJECTS_PER_QUERY`` files, or for a Terraform module's unchanged files); when GraphQL's
    points are spent, contents come through REST, one call per file, as before.
    """
    change = Change()
    base_sha = merge_base(repo, base_sha, head_sha)
    wanted, listed = plan_reads(change, list_files(repo, number), base_sha, head_sha)
    if listed >= MAX_FILES:
        # The listing stops at 3,000 whatever the pull request holds: only the pull
        # request's own count tells whether files are missing (one call, in this rare case).
        change.unlisted = max(0, _changed_files(repo, number) - listed)
    try:
        GraphQLReader(repo, number, org).read(change, wanted, base_sha, head_sha)
    except (GraphQLFailed, GithubException) as exc:  # spent or down: REST is a budget of its own
        if isinstance(exc, GithubException) and exc.status < 500:
            raise
        log.warning("GraphQL unavailable (%s): reading %d file(s) through REST", type(exc).__name__, len(wanted))
        change.threads = None
        change.org_files = None
        _read_rest(repo, change, wanted, base_sha, head_sha)
    return change


def plan_reads(change: Change, items: Iterable[File], base_sha: str,
               head_sha: str) -> tuple[list[tuple[str, str, str]], int]:
    """What to read of a list of changed files: (side, path, commit) of each candidate, and
    how many files were listed. Records each candidate's diff lines and renames."""
    wanted: list[tuple[str, str, str]] = []  # (key in base/head, path to read, commit)
    listed = 0
    for item in items:
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
        if is_module_member(path) and (item.status in ("added", "copied", "removed") or old != path):
            # Both sides read the module a file joins or leaves, so that what the module
            # already had is not taken for new (an absent file is simply not there).
            wanted += [item for item in (("base", path, base_sha), ("head", old, head_sha)) if item not in wanted]
    return wanted, listed


def _read_rest(repo: Repository, change: Change, wanted: list[tuple[str, str, str]],
               base_sha: str, head_sha: str) -> None:
    """Contents one REST call each (a few at a time): the way round a spent GraphQL budget."""
    wanted = wanted + _module_siblings(repo, wanted, {"head": head_sha, "base": base_sha})
    wanted.append(("config", REPOSITORY_CONFIG, base_sha))
    # PyGithub's requester shares one connection object between threads (its request and
    # response are separate calls), so each thread gets a requester of its own.
    local = threading.local()

    def fetch(item: tuple[str, str, str]) -> bytes | None:
        if not hasattr(local, "requester"):
            local.requester = repo._requester.withAuth(repo._requester.auth)
        return read_with(local.requester, repo.url, item[1], item[2])

    with ThreadPoolExecutor(max_workers=FETCH_CONCURRENCY) as pool:
        listing = pool.submit(list_rule_files, repo, base_sha)
        contents = list(pool.map(fetch, wanted))
        for path in listing.result():
            text = read_with(repo._requester, repo.url, path, base_sha)
            if text is not None:
                change.rule_texts[path] = text.decode("utf-8", "replace")
    for (side, path, _), content in zip(wanted, contents):
        change.put(side, path, content)

    def read_more(more: list[tuple[str, str, str]]) -> None:
        with ThreadPoolExecutor(max_workers=FETCH_CONCURRENCY) as pool:
            for (side, path, _), content in zip(more, pool.map(fetch, more)):
                change.put(side, path, content)

    read_companions(change, base_sha, head_sha, read_more)
    read_more(state_reads(repo, change, base_sha, head_sha, MAX_REST_CONTEXT))


class GraphQLReader:
    """Reads a pull request's files and review state in as few GraphQL requests as it can.

    Request 1: every wanted file at its commit (up to ``OBJECTS_PER_QUERY``), the
    repository's configuration and rule folder at the base, the folders of changed Terraform
    modules (names only), the organisation's ``policy-reviewer/`` folder and the first page
    of review threads. Then, only when needed: further files, the modules' unchanged files,
    further thread pages, and REST for a file GraphQL will not give whole (over 512,000
    bytes, or binary).
    """

    def __init__(self, repo: Repository, number: int | None, org: str | None) -> None:
        self.repo, self.number, self.org = repo, number, org
        self.owner, self.name = repo.full_name.split("/", 1)
        self.requests = 0

    def read(self, change: Change, wanted: list[tuple[str, str, str]], base_sha: str,
             head_sha: str) -> None:
        folders = {side: module_folders([p for kind, p, _ in wanted if kind == side])
                   for side in ("head", "base")}
        trees = [(side, folder, head_sha if side == "head" else base_sha)
                 for side, names in folders.items() for folder in names]
        first, rest = wanted[:OBJECTS_PER_QUERY], wanted[OBJECTS_PER_QUERY:]
        data = self._query(first, extras=True, trees=trees, base_sha=base_sha)
        self._take(change, first, dig(data, "repository") or {})
        change.config_text = _text(self._blob(dig(data, "repository", "config"), REPOSITORY_CONFIG))
        for entry in dig(data, "repository", "rules", "entries") or []:
            if entry.get("type") == "blob" and str(entry.get("path", "")).endswith((".yml", ".yaml")):
                text = _text(self._blob(entry.get("object"), entry["path"]))
                if text is not None:
                    change.rule_texts[entry["path"]] = text
        change.org_files = self._org_files(data)
        change.title = str(dig(data, "repository", "pullRequest", "title") or "")[:300]
        nodes = list(dig(data, "repository", "pullRequest", "reviewThreads", "nodes") or [])
        page = dig(data, "repository", "pullRequest", "reviewThreads", "pageInfo") or {}
        for _ in range(review_threads.MAX_THREAD_PAGES - 1 if self.number is not None else 0):
            if not page.get("hasNextPage"):
                break
            more = self._threads_page(page.get("endCursor"))
            nodes += dig(more, "repository", "pullRequest", "reviewThreads", "nodes") or []
            page = dig(more, "repository", "pullRequest", "reviewThreads", "pageInfo") or {}
        change.threads = review_threads.parse_threads(nodes)
        listed: dict[str, list[str]] = {"head": [], "base": []}
        for index, (side, _folder, _sha) in enumerate(trees):
            listed[side] += [e["path"] for e in dig(data, "repository", f"t{index}", "entries") or []
                             if e.get("type") == "blob" and isinstance(e.get("path"), str)]
        siblings: list[tuple[str, str, str]] = []
        for side, sha in (("head", head_sha), ("base", base_sha)):
            paths = [p for kind, p, _ in wanted if kind == side]
            have = set(paths)
            siblings += [(side, p, sha) for p in module_siblings(paths, listed[side]) if p not in have]
        rest += siblings
        self._batches(change, rest)
        read_companions(change, base_sha, head_sha, lambda more: self._batches(change, more))
        self._batches(change, state_reads(self.repo, change, base_sha, head_sha))

    def _batches(self, change: Change, wanted: list[tuple[str, str, str]]) -> None:
        for start in range(0, len(wanted), OBJECTS_PER_QUERY):
            batch = wanted[start:start + OBJECTS_PER_QUERY]
            self._take(change, batch, dig(self._query(batch), "repository") or {})

    # ------------------------------------------------------------------ queries

    def _query(self, files: list[tuple[str, str, str]], extras: bool = False,
               trees: list[tuple[str, str, str]] = (), base_sha: str = "") -> dict[str, Any]:
        decls = ["$owner: String!", "$name: String!"]
        variables: dict[str, Any] = {"owner": self.owner, "name": self.name}
        fields = []
        for index, (_side, path, sha) in enumerate(files):
            decls.append(f"$f{index}: String!")
            variables[f"f{index}"] = f"{sha}:{path}"
            fields.append(f"f{index}: object(expression: $f{index}) {{ ...file }}")
        for index, (_side, folder, sha) in enumerate(trees):
            decls.append(f"$t{index}: String!")
            variables[f"t{index}"] = f"{sha}:{folder}" if folder != "." else f"{sha}:"
            fields.append(f"t{index}: object(expression: $t{index}) {{ ... on Tree {{ entries {{ path type }} }} }}")
        org = ""
        if extras:
            decls += ["$config: String!", "$rules: String!"]
            variables.update(config=f"{base_sha}:{REPOSITORY_CONFIG}", rules=f"{base_sha}:{REPOSITORY_RULES}")
            fields += ["config: object(expression: $config) { ...file }",
                       "rules: object(expression: $rules) { ... on Tree { entries { path type object { ...file } } } }"]
            if self.number is not None:  # a merge group has no pull request, nor threads
                decls += ["$number: Int!", "$threadsAfter: String"]
                variables.update(number=self.number, threadsAfter=None)
                fields.append("pullRequest(number: $number) { title " + review_threads.SELECTION + " }")
            if self.org:
                decls.append("$org: String!")
                variables["org"] = self.org
                org = (f'org: repository(owner: $org, name: "{ORG_REPOSITORY}") {{ '
                       'head: object(expression: "HEAD") { oid } '
                       f'object(expression: "HEAD:{ORG_FOLDER}") {{ ... on Tree {{ entries {{ name type object {{ ...file }} }} }} }} }}')
        query = (f"query({', '.join(decls)}) {{ {RATE_LIMIT_FIELDS} "
                 f"repository(owner: $owner, name: $name) {{ {' '.join(fields) or 'id'} }} {org} }}"
                 + (f" {FILE_FRAGMENT}" if files or extras else ""))
        self.requests += 1
        return self._execute(query, variables)

    def _threads_page(self, after: str | None) -> dict[str, Any]:
        query = ("query($owner: String!, $name: String!, $number: Int!, $threadsAfter: String) { "
                 f"{RATE_LIMIT_FIELDS} repository(owner: $owner, name: $name) {{ "
                 "pullRequest(number: $number) { " + review_threads.SELECTION + " } } }")
        self.requests += 1
        return self._execute(query, {"owner": self.owner, "name": self.name, "number": self.number,
                                     "threadsAfter": after})

    def _execute(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        answer = execute(self.repo._requester, query, variables)
        if answer.remaining is not None and answer.remaining < RESERVE_POINTS:
            raise GraphQLRateLimited(f"{answer.remaining} GraphQL points left")
        for path in answer.missing:
            # A missing file, folder or organisation repository is an answer (null), but a
            # missing pull request or repository is not something to review without.
            if tuple(path[:1]) == ("repository",) and len(path) <= 2 and path[-1] in ("repository", "pullRequest"):
                raise GraphQLFailed(f"GitHub GraphQL: {'.'.join(map(str, path))} not found")
        return answer.data

    # ------------------------------------------------------------------ answers

    def _take(self, change: Change, files: list[tuple[str, str, str]], repository: dict[str, Any]) -> None:
        for index, (side, path, _sha) in enumerate(files):
            change.put(side, path, self._blob(repository.get(f"f{index}"), path))

    def _blob(self, obj: Any, path: str) -> bytes | None:
        """A file's bytes from a Blob answer; REST for what GraphQL does not give whole."""
        if not isinstance(obj, dict) or "byteSize" not in obj:
            return None  # absent, a folder or a submodule
        size = obj.get("byteSize") or 0
        text = obj.get("text")
        if obj.get("isTruncated") or obj.get("isBinary") or text is None or size > MAX_FILE_BYTES:
            # GraphQL cuts text at 512,000 bytes and gives none for binary files; the blob
            # API gives the bytes (to 100 MB). Above MAX_FILE_BYTES the engine needs only the
            # start, to tell a too-large template from a large data file.
            return _rest_blob(self.repo._requester, self.repo.url, str(obj.get("oid", "")), path)
        return text.encode("utf-8")

    def _org_files(self, data: dict[str, Any]) -> OrgFiles | None:
        """The organisation's folder as read with the change; None when the organisation's
        repository did not answer (invisible or absent: the REST reader tells which)."""
        if not self.org or not isinstance(data.get("org"), dict):
            return None
        sha = str(dig(data, "org", "head", "oid") or "")
        where = f"`{self.org}/{ORG_REPOSITORY}`"
        folder = dig(data, "org", "object")
        if not isinstance(folder, dict):
            return OrgFiles({}, f"none: {where} has no `{ORG_FOLDER}/` folder at `{sha[:12]}`")
        out: dict[str, str] = {}
        for entry in folder.get("entries") or []:
            name = entry.get("name")
            if entry.get("type") != "blob" or not isinstance(name, str) or not name.endswith((".yml", ".yaml")):
                continue
            text = _text(self._blob(entry.get("object"), name))
            if text is not None:
                out[name] = text
        return OrgFiles(out, f"{where} at `{sha[:12]}`")


def _text(content: bytes | None) -> str | None:
    return None if content is None else content.decode("utf-8", "replace")


def _rest_blob(requester: Requester, repo_url: str, oid: str, path: str) -> bytes | None:
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", oid):
        return None
    _, blob = requester.requestJsonAndCheck("GET", f"{repo_url}/git/blobs/{oid}")
    return cut_to_limit(path, base64.b64decode(blob.get("content") or ""))


def _changed_files(repo: Repository, number: int) -> int:
    """How many files the pull request changes, by GitHub's own count."""
    _, data = repo._requester.requestJsonAndCheck("GET", f"{repo.url}/pulls/{number}")
    return int(data.get("changed_files") or 0)


def list_rule_files(repo: Repository, sha: str) -> list[str]:
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
        return cut_to_limit(path, base64.b64decode(blob.get("content") or ""))
    return base64.b64decode(data.get("content") or "")
