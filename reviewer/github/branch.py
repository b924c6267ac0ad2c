"""A whole branch's candidate files, for the impact of a rule change on a repository."""

from __future__ import annotations

from urllib.parse import quote

from github.Repository import Repository

from reviewer.formats.paths import CANDIDATE_SUFFIXES
from reviewer.github.fetch import MAX_FILES, OBJECTS_PER_QUERY, Change, GraphQLReader
from reviewer.github.graphql import dig


def read_branch(repo: Repository, branch: str, skip: frozenset[str] = frozenset()) -> tuple[dict[str, bytes], list[str]]:
    """Every candidate file of a branch (for the impact of a rule change): one tree listing,
    then the files in GraphQL batches. Returns the files and what could not be read."""
    requester = repo._requester
    _, tree = requester.requestJsonAndCheck(
        "GET", f"{repo.url}/git/trees/{quote(branch, safe='')}", parameters={"recursive": "1"})
    problems = []
    if tree.get("truncated"):
        problems.append("the repository's tree is larger than GitHub lists in one answer; "
                        "only the files listed were reviewed")
    paths = [e["path"] for e in tree.get("tree", [])
             if e.get("type") == "blob" and isinstance(e.get("path"), str)
             and e["path"].lower().endswith(CANDIDATE_SUFFIXES)
             and not any(part in skip for part in e["path"].split("/")[:-1])]
    if len(paths) > MAX_FILES:
        problems.append(f"{len(paths)} candidate files; the first {MAX_FILES} were reviewed")
        paths = paths[:MAX_FILES]
    change = Change()
    reader = GraphQLReader(repo, 0, None)
    # The branch by name ("main:path"), as the tree was listed: the answer's sha is the
    # tree's, which is not a commit.
    wanted = [("head", path, branch) for path in paths]
    for start in range(0, len(wanted), OBJECTS_PER_QUERY):
        batch = wanted[start:start + OBJECTS_PER_QUERY]
        reader._take(change, batch, dig(reader._query(batch), "repository") or {})
    return change.head_files, problems
