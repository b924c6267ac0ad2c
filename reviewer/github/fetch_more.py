"""What the files a review has read call for beyond the pull request's own: a Serverless
service's included files, and the other Terraform roots a change of state configuration
is compared with. Part of the fetcher: it reads through the reader it is given."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable, Mapping

from github.Repository import Repository

from reviewer.formats.paths import companions, reads_roots, state_context

if TYPE_CHECKING:
    from reviewer.github.fetch import Change

log = logging.getLogger(__name__)

# How many times the files a review has read may call for more (a service's includes, an
# included file's own includes).
COMPANION_ROUNDS = 3
# The side of a read whose file is context (base-context, head-context): compared, not judged.
CONTEXT = "-context"


def read_companions(change: "Change", base_sha: str, head_sha: str,
                    read: Callable[[list[tuple[str, str, str]]], None]) -> None:
    """Read, on each side, what the files read so far call for: a Serverless service's
    included files, and the service a changed part of one belongs to (absent ones are
    simply not there)."""
    asked: set[tuple[str, str, str]] = set()
    for _ in range(COMPANION_ROUNDS):
        more = [("head", p, head_sha) for p in companions(change.head_files)] + \
               [("base", p, base_sha) for p in companions(change.base_files)]
        more = [item for item in more if item not in asked]
        if not more:
            return
        asked.update(more)
        read(more)


def state_reads(repo: Repository, base_files: Mapping[str, bytes], head_files: Mapping[str, bytes],
                base_sha: str, head_sha: str) -> list[tuple[str, str, str]]:
    """The files to read as context on each side (``paths.state_context``): one listing of
    the side's whole tree, only where a folder under review may be a root."""
    out: list[tuple[str, str, str]] = []
    for side, files, sha in (("base", base_files, base_sha), ("head", head_files, head_sha)):
        if not reads_roots(files):
            continue
        _, tree = repo._requester.requestJsonAndCheck("GET", f"{repo.url}/git/trees/{sha}",
                                                      parameters={"recursive": "1"})
        if tree.get("truncated"):
            log.warning("the %s tree is larger than GitHub lists: other roots' state compared in part", side)
        paths = [e["path"] for e in tree.get("tree", [])
                 if e.get("type") == "blob" and isinstance(e.get("path"), str)]
        out += [(side + CONTEXT, path, sha) for path in state_context(files, paths)]
    return out
