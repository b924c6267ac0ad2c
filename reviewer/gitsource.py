"""Read a change from a local git repository: which files changed, and their contents at
two commits. The CLI's ``diff`` uses it; the engine never touches git itself."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from reviewer.formats.paths import CANDIDATE_SUFFIXES, plan_limit
from reviewer.formats.paths import companions, module_folders, module_siblings, reads_roots, state_context


class GitError(Exception):
    """git refused: not a repository, unknown revision, ..."""


@dataclass
class Change:
    """Paths changed between two commits, and renames (base path -> head path)."""

    base_paths: list[str] = field(default_factory=list)
    head_paths: list[str] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=dict)


def _git(repo: Path, *args: str, input_: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], input=input_,
                              capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc.stdout


def resolve(repo: Path, ref: str) -> str:
    """The commit sha a ref names."""
    return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()


def changed(repo: Path, fork: str, head: str) -> Change:
    """Files that differ between ``fork`` (the merge base) and ``head``, renames followed."""
    out = _git(repo, "diff", "--name-status", "-z", "-M", "--no-color", fork, head)
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    change = Change()
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        if status[0] in "RC":
            old, new = fields[i + 1], fields[i + 2]
            i += 3
            if status[0] == "R":
                change.renames[old] = new
                change.base_paths.append(old)
            change.head_paths.append(new)
            continue
        path = fields[i + 1]
        i += 2
        if status[0] in "MT":
            change.base_paths.append(path)
            change.head_paths.append(path)
        elif status[0] == "A":
            change.head_paths.append(path)
        elif status[0] == "D":
            change.base_paths.append(path)
    return change


def merge_base(repo: Path, base: str, head: str) -> str:
    """Where head forked from base: like a pull request, the change is what head adds."""
    return _git(repo, "merge-base", base, head).decode().strip()


def read_files(repo: Path, commit: str, paths: list[str]) -> dict[str, bytes]:
    """Contents of ``paths`` at ``commit`` that are review candidates.

    Names are hostile: one may hold a newline, which would split a line-based request and
    shift every later file's contents. Blobs are therefore found by NUL-separated
    ``ls-tree -z`` and asked for by object id. A blob over the engine's size limit is read
    only as far as the engine looks.
    """
    wanted = {p for p in paths if p.lower().endswith(CANDIDATE_SUFFIXES)}
    if not wanted:
        return {}
    if module_folders(sorted(wanted)):
        # A Terraform module is read whole: its variables and tfvars, changed or not.
        tree = _tree_paths(repo, commit)
        wanted.update(module_siblings(sorted(wanted), tree))
    blobs = _blobs(repo, commit, wanted)
    files = _cat(repo, blobs)
    # A Serverless service's included files, and the service of a part of one: a few rounds
    # (an included file may include another), each read from the same commit.
    for _ in range(COMPANION_ROUNDS):
        more = set(companions(files)) - set(files)
        if not more:
            break
        found = _blobs(repo, commit, more)
        if not found:
            break
        files.update(_cat(repo, found))
    return files


def read_context(repo: Path, commit: str, files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The other files of the repository at ``commit`` that the review of ``files`` must
    compare them with: where the other Terraform roots keep their state
    (``paths.state_context``)."""
    if not reads_roots(files):
        return {}
    wanted, left_out = state_context(files, _tree_paths(repo, commit))
    if left_out:
        print(f"policy-reviewer: {left_out:,} Terraform file(s) of the repository past the first "
              f"{len(wanted):,} were not compared for where their roots keep their state; "
              "`policy-reviewer scan` compares every root", file=sys.stderr)
    return _cat(repo, _blobs(repo, commit, set(wanted))) if wanted else {}


# How many times the files a review has read may call for more.
COMPANION_ROUNDS = 3


def _cat(repo: Path, blobs: dict[str, str]) -> dict[str, bytes]:
    """The contents of blobs (path -> object id), each cut one byte past the engine's limit."""
    if not blobs:
        return {}
    order = sorted(blobs)
    request = "".join(f"{blobs[p]}\n" for p in order).encode()
    out = _git(repo, "cat-file", "--batch", input_=request)
    files: dict[str, bytes] = {}
    pos = 0
    for path in order:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        files[path] = out[pos:pos + min(size, plan_limit(path, out[pos:pos + 1024]) + 1)]
        pos += size + 1
    return files


def _tree_paths(repo: Path, commit: str) -> list[str]:
    """Every regular file's path at ``commit``."""
    out = _git(repo, "ls-tree", "-r", "-z", "--full-tree", "--name-only", commit)
    return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]


def _blobs(repo: Path, commit: str, wanted: set[str]) -> dict[str, str]:
    """Object ids of the wanted paths that are regular files at ``commit`` (no symlinks,
    no submodules)."""
    out = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit)
    found: dict[str, str] = {}
    for entry in out.split(b"\0"):
        meta, _, raw_path = entry.partition(b"\t")
        fields = meta.split()
        if len(fields) != 3 or fields[1] != b"blob" or fields[0] == b"120000":
            continue
        path = raw_path.decode("utf-8", "surrogateescape")
        if path in wanted:
            found[path] = fields[2].decode()
    return found


def list_folder(repo: Path, commit: str, folder: str) -> list[str]:
    """Paths of the files directly in ``folder`` at ``commit`` (none if it does not exist)."""
    try:
        out = _git(repo, "ls-tree", "--name-only", "-z", commit, folder.rstrip("/") + "/")
    except GitError:
        return []
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]
