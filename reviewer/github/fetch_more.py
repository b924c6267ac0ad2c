"""What the files a review has read call for beyond the pull request's own: a Serverless
service's included files, and the other Terraform roots a change of state configuration
is compared with. Part of the fetcher: it reads through the reader it is given."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from github import GithubException
from github.Repository import Repository

from reviewer.formats.paths import MAX_STATE_CONTEXT, companions, reads_roots, state_context, touches_state

if TYPE_CHECKING:
    from reviewer.github.fetch import Change

log = logging.getLogger(__name__)

# How many times the files a review has read may call for more (a service's includes, an
# included file's own includes).
COMPANION_ROUNDS = 3
# The side of a read whose file is context (base-context, head-context): compared, not judged.
CONTEXT = "-context"
# Through REST each file is a call of its own: fewer of them.
MAX_REST_CONTEXT = 400


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


def state_reads(repo: Repository, change: "Change", base_sha: str, head_sha: str,
                limit: int = MAX_STATE_CONTEXT) -> list[tuple[str, str, str]]:
    """The files to read as context on each side (``paths.state_context``): one listing of
    the side's whole tree, only where a folder under review may be a root. What cannot be
    listed, or is left out, is said in ``change.context_problems`` when the change moves a
    backend (its comparison with the other roots is then partial)."""
    out: list[tuple[str, str, str]] = []
    for side, files, sha in (("base", change.base_files, base_sha), ("head", change.head_files, head_sha)):
        if not reads_roots(files):
            continue
        moves_state = touches_state(files)
        try:
            _, tree = repo._requester.requestJsonAndCheck("GET", f"{repo.url}/git/trees/{sha}",
                                                          parameters={"recursive": "1"})
        except GithubException as exc:
            log.warning("the %s tree could not be listed (GitHub answered %s)", side, exc.status)
            if moves_state:
                _say(change,
                    f"GitHub did not list the repository's files (it answered {exc.status}): where "
                    "this change keeps its Terraform state was not compared with the other roots")
            continue
        entries = tree.get("tree") if isinstance(tree, dict) else None
        paths = [e["path"] for e in entries or [] if isinstance(e, dict) and e.get("type") == "blob"
                 and isinstance(e.get("path"), str)]
        wanted, left_out = state_context(files, paths, limit)
        if moves_state and (left_out or (isinstance(tree, dict) and tree.get("truncated"))):
            _say(change,
                "the repository holds more Terraform than one review compares (or than GitHub "
                f"lists at once): where this change keeps its state was compared with {len(wanted):,} "
                "of its files, not all; run `policy-reviewer scan` on a checkout to compare every root")
        out += [(side + CONTEXT, path, sha) for path in wanted]
    return out


def _say(change: "Change", problem: str) -> None:
    if problem not in change.context_problems:  # GraphQL's read, then REST's, may both say it
        change.context_problems.append(problem)
