"""The stand-in's GraphQL endpoint: ``POST /graphql``, checked against GitHub's own schema.

Every query is parsed and validated against ``shared/corpus/github/graphql/schema.graphql``
(graphql-core); an unknown field, a wrong argument or a type mismatch is answered the way
GitHub answers it (HTTP 200, an ``errors`` list, no ``data``) and recorded as a violation.
Valid queries are executed by graphql-core against resolvers that read the stand-in's state:

* ``repository(owner:, name:)`` with ``object(expression: "REV:path" | oid:)`` (``Blob``
  with ``text`` cut at 512,000 bytes and ``isTruncated``, as GitHub does; ``Tree`` with
  ``entries``), ``pullRequest(number:)`` and its ``reviewThreads`` (built from the review
  comments: a thread is a comment and its replies, with resolution state);
* ``rateLimit`` (points per token, counted on their own, not against the REST limit);
* mutations ``resolveReviewThread``, ``unresolveReviewThread``,
  ``addPullRequestReviewThreadReply`` and ``updatePullRequestReviewComment``.

A repository the token cannot see, or an unknown object, is ``null`` with an error of
``type: NOT_FOUND``, like GitHub's.
"""

from __future__ import annotations

import base64
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, GraphQLSchema, build_schema, graphql_sync, parse, validate

if TYPE_CHECKING:
    from tests.e2e.standin import GitHubStandIn, PullState, RepoState

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "github" / "graphql" / "schema.graphql"
# GitHub cuts Blob.text here and says so with isTruncated (not documented; measured by users).
BLOB_TEXT_LIMIT = 512_000
POINTS_PER_HOUR = 5000
_schema_lock = threading.Lock()


@lru_cache(maxsize=1)
def schema() -> GraphQLSchema:
    """GitHub's published schema, built once per process (about a second)."""
    with _schema_lock:
        built = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"), assume_valid_sdl=True)
        # GitHub's schema breaks two of GraphQL's own schema rules (deprecated fields that
        # implement non-deprecated interface fields); queries are still validated in full.
        built._validation_errors = []  # noqa: SLF001
        return built


class Refused(Exception):
    """GitHub refuses this mutation (``kind``: FORBIDDEN, RATE_LIMITED)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class NotFound(GraphQLError):
    """A missing or invisible object: GitHub answers ``null`` and an error of this type."""


def _node_id(kind: str, ident: int | str) -> str:
    return f"{kind}_{base64.urlsafe_b64encode(str(ident).encode()).decode().rstrip('=')}"


def _from_node_id(kind: str, node_id: str) -> str | None:
    prefix = f"{kind}_"
    if not node_id.startswith(prefix):
        return None
    raw = node_id[len(prefix):]
    try:
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def thread_id(root_comment_id: int) -> str:
    return _node_id("PRRT", root_comment_id)


def comment_node_id(comment_id: int) -> str:
    return _node_id("PRRC", comment_id)


class GraphQLEndpoint:
    """Answers ``POST /graphql`` for one stand-in. ``points_used`` counts per token."""

    def __init__(self, standin: GitHubStandIn) -> None:
        self.gh = standin
        self.points_used: dict[str, int] = {}
        self.queries: list[str] = []  # every query text received, for tests
        # Mutations GitHub refuses, by name -> the error's type: "FORBIDDEN" (a permission the
        # installation lacks) or "RATE_LIMITED". Refused mutations change nothing.
        self.refuse: dict[str, str] = {}
        self.refused: list[str] = []  # the names of the mutations refused, in order

    # ------------------------------------------------------------------ request

    def answer(self, body: Any, token: dict, where: str) -> tuple[dict, dict[str, str]]:
        """The JSON answer and the rate-limit headers for one request (always HTTP 200)."""
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            self.gh.violations.append(f"{where}: body must be a JSON object with a 'query' string")
            return {"errors": [{"message": "A query attribute must be specified and must be a string."}]}, {}
        query, variables = body["query"], body.get("variables") or {}
        self.queries.append(query)
        try:
            document = parse(query)
        except GraphQLError as exc:
            self.gh.violations.append(f"{where}: query does not parse: {exc.message}")
            return {"errors": [{"message": f"Parse error: {exc.message}"}]}, {}
        problems = validate(schema(), document)
        if problems:
            for problem in problems:
                self.gh.violations.append(f"{where}: query invalid against GitHub's schema: {problem.message}")
            return {"errors": [{"message": p.message, "locations": [{"line": loc.line, "column": loc.column}
                                                                     for loc in p.locations or []]}
                               for p in problems]}, {}
        key = token["token"]
        cost = 1  # GitHub: one point for a query without large connections
        used = self.points_used.get(key, 0) + cost
        self.points_used[key] = used
        context = {"token": token, "cost": cost, "used": used}
        result = graphql_sync(schema(), query, root_value=self._root(token, context),
                              variable_values=variables, context_value=context)
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [self._error(e) for e in result.errors]
        headers = {"x-ratelimit-limit": str(POINTS_PER_HOUR), "x-ratelimit-used": str(used),
                   "x-ratelimit-remaining": str(max(0, POINTS_PER_HOUR - used)),
                   "x-ratelimit-resource": "graphql"}
        return out, headers

    def _error(self, error: GraphQLError) -> dict:
        original = error.original_error if error.original_error is not None else error
        item: dict[str, Any] = {"message": error.message, "path": error.path,
                                "locations": [{"line": loc.line, "column": loc.column} for loc in error.locations or []]}
        if isinstance(original, NotFound):
            item["type"] = "NOT_FOUND"
        elif isinstance(original, Refused):
            item["type"] = original.kind
        elif isinstance(original, GraphQLError):
            item["type"] = "FORBIDDEN" if "permission" in error.message else "UNPROCESSABLE"
        else:
            # A bug in the stand-in's resolvers: fail the test loudly.
            self.gh.violations.append(f"POST /graphql: resolver raised {original!r}")
            item["type"] = "INTERNAL"
        return item

    # ------------------------------------------------------------------ root

    def _root(self, token: dict, context: dict) -> dict:
        gh = self.gh

        def repository(_info: Any, owner: str, name: str, **_: Any) -> dict:
            state = gh.repos.get((owner.lower(), name.lower()))
            if state is None or not self._can_see(token, state):
                raise NotFound(f"Could not resolve to a Repository with the name '{owner}/{name}'.")
            return self._repository(state, token)

        def rate_limit(_info: Any, **_: Any) -> dict:
            from tests.e2e.standin import utc_iso
            import time

            return {"cost": context["cost"], "limit": POINTS_PER_HOUR, "nodeCount": 0,
                    "used": context["used"], "remaining": max(0, POINTS_PER_HOUR - context["used"]),
                    "resetAt": utc_iso(time.time() + 3600)}

        mutations = {
            "resolveReviewThread": lambda _i, input: self._set_resolved(token, input, True),
            "unresolveReviewThread": lambda _i, input: self._set_resolved(token, input, False),
            "addPullRequestReviewThreadReply": lambda _i, input: self._reply(token, input),
            "updatePullRequestReviewComment": lambda _i, input: self._update(token, input),
        }
        for name in list(mutations):
            if name in self.refuse:
                mutations[name] = self._refusal(name)
        return {"repository": repository, "rateLimit": rate_limit, **mutations}

    def _refusal(self, name: str) -> Any:
        kind = self.refuse[name]

        def refuse(_info: Any, **_: Any) -> None:
            self.refused.append(name)
            if kind == "RATE_LIMITED":
                raise Refused("API rate limit exceeded for installation.", kind)
            raise Refused("Resource not accessible by integration", kind)
        return refuse

    def _can_see(self, token: dict, repo: RepoState) -> bool:
        if token.get("user"):
            return token["user"] in self.gh.readers_of(repo.owner, repo.name)
        if repo.installation_id is not None and token["installation_id"] != repo.installation_id:
            return False
        return token["repositories"] is None or repo.name in token["repositories"]

    # ------------------------------------------------------------------ git objects

    def _repository(self, state: RepoState, token: dict) -> dict:
        from tests.e2e.standin import git_rev

        def obj(_info: Any, expression: str | None = None, oid: str | None = None) -> dict | None:
            if oid is not None:
                if not re.fullmatch(r"[0-9a-f]{40}", oid):
                    return None
                return self._object(state, oid, "", None)
            if expression is None:
                return None
            rev, sep, path = expression.partition(":")
            if rev in ("", "HEAD"):
                rev = state.default_branch  # on GitHub, HEAD is the default branch's tip
            if not sep:
                sha = git_rev(state.path, rev)
                return {"__typename": "Commit", "oid": sha} if sha else None
            commit = git_rev(state.path, rev)
            if commit is None:
                return None
            return self._at_path(state, commit, path.strip("/"))

        def pull_request(_info: Any, number: int) -> dict:
            pull = self.gh.pulls.get((state.owner.lower(), state.name.lower(), number))
            if pull is None:
                raise NotFound(f"Could not resolve to a PullRequest with the number of {number}.")
            return self._pull(pull, token)

        return {"__typename": "Repository", "id": _node_id("R", state.id), "name": state.name,
                "nameWithOwner": state.full_name, "object": obj, "pullRequest": pull_request}

    def _at_path(self, state: RepoState, commit: str, path: str) -> dict | None:
        from tests.e2e.standin import _ls_entry

        entry = _ls_entry(state.path, commit, path)
        if entry is None:
            return None
        mode, kind, sha, size = entry
        return self._object(state, sha, path, kind)

    def _object(self, state: RepoState, sha: str, path: str, kind: str | None) -> dict | None:
        from tests.e2e.standin import GitError, _ls_tree, git

        if kind is None:
            try:
                kind = git(state.path, "cat-file", "-t", sha).decode().strip()
            except GitError:
                return None
        if kind == "tree":
            def entries(_info: Any) -> list[dict]:
                out = []
                for cmode, ckind, csha, csize, name in _ls_tree(state.path, sha):
                    child = f"{path}/{name}" if path else name

                    def child_object(_i: Any, csha: str = csha, child: str = child, ckind: str = ckind) -> dict | None:
                        return self._object(state, csha, child, ckind)

                    out.append({"name": name, "path": child, "type": ckind, "oid": csha, "mode": int(cmode, 8),
                                "size": csize, "object": child_object, "isGenerated": False,
                                "extension": Path(name).suffix or None})
                return out

            return {"__typename": "Tree", "oid": sha, "abbreviatedOid": sha[:7], "id": _node_id("T", sha),
                    "entries": entries}
        if kind != "blob":
            return {"__typename": "Commit" if kind == "commit" else "Tag", "oid": sha}

        cache: list[bytes] = []

        def data() -> bytes:
            # One git process per blob, however many of its fields the query asks for.
            if not cache:
                cache.append(git(state.path, "cat-file", "blob", sha))
            return cache[0]

        def text(_info: Any) -> str | None:
            raw = data()
            if b"\0" in raw[:8000]:
                return None
            return raw[:BLOB_TEXT_LIMIT].decode("utf-8", "replace")

        def byte_size(_info: Any) -> int:
            return len(data())

        return {"__typename": "Blob", "oid": sha, "abbreviatedOid": sha[:7], "id": _node_id("B", sha),
                "byteSize": byte_size, "text": text,
                "isBinary": lambda _i: b"\0" in data()[:8000],
                "isTruncated": lambda _i: len(data()) > BLOB_TEXT_LIMIT}

    # ------------------------------------------------------------------ pull requests and threads

    def _pull(self, pull: PullState, token: dict) -> dict:
        def threads(_info: Any, first: int | None = None, after: str | None = None, **_: Any) -> dict:
            if first is None or not 1 <= first <= 100:
                raise GraphQLError("You must provide a `first` or `last` value between 1 and 100 "
                                   "to properly paginate the `reviewThreads` connection.")
            roots = self.gh.thread_roots(pull.owner, pull.repo, pull.number)
            start = int(after) if after and after.isdigit() else 0
            page = roots[start:start + first]
            return {"totalCount": len(roots), "nodes": [self._thread(pull, c, token) for c in page],
                    "pageInfo": {"hasNextPage": start + first < len(roots),
                                 "endCursor": str(start + len(page)) if page else None,
                                 "hasPreviousPage": start > 0, "startCursor": str(start)}}

        return {"__typename": "PullRequest", "id": _node_id("PR", pull.id), "number": pull.number,
                "headRefOid": pull.head_sha, "title": pull.title, "reviewThreads": threads}

    def _thread(self, pull: PullState, root: dict, token: dict) -> dict:
        gh = self.gh

        def comments(_info: Any, first: int | None = None, after: str | None = None, **_: Any) -> dict:
            if first is None or not 1 <= first <= 100:
                raise GraphQLError("You must provide a `first` or `last` value between 1 and 100 "
                                   "to properly paginate the `comments` connection.")
            items = gh.thread_comments(root["id"])
            start = int(after) if after and after.isdigit() else 0
            page = items[start:start + first]
            return {"totalCount": len(items), "nodes": [self._comment(c, token) for c in page],
                    "pageInfo": {"hasNextPage": start + first < len(items),
                                 "endCursor": str(start + len(page)) if page else None,
                                 "hasPreviousPage": start > 0, "startCursor": str(start)}}

        f = pull.file(root["path"])
        outdated = f is None or root.get("line") is None or root["line"] not in f.right_lines \
            or gh.line_changed_since(pull, root)
        resolver = root.get("resolved_by")
        return {"__typename": "PullRequestReviewThread", "id": thread_id(root["id"]),
                "isResolved": bool(root.get("resolved")), "isOutdated": outdated, "isCollapsed": bool(root.get("resolved")),
                "path": root["path"], "line": None if outdated else root.get("line"),
                "originalLine": root.get("line"), "startLine": root.get("start_line"),
                "diffSide": root.get("side") or "RIGHT", "subjectType": "LINE",
                # resolvedBy is a User: null when an app (a Bot) resolved the thread.
                "resolvedBy": {"__typename": "User", "login": resolver}
                if resolver and resolver != gh.bot_login else None,
                "viewerCanResolve": not root.get("resolved"), "viewerCanUnresolve": bool(root.get("resolved")),
                "viewerCanReply": True, "comments": comments}

    def _comment(self, c: dict, token: dict) -> dict:
        author = c.get("author") or self.gh.bot_login
        bot = author == self.gh.bot_login
        viewer = self.gh.bot_login if not token.get("user") else token["user"]
        return {"__typename": "PullRequestReviewComment", "id": comment_node_id(c["id"]), "databaseId": c["id"],
                "body": c["body"], "path": c["path"], "createdAt": c["created_at"], "updatedAt": c["updated_at"],
                "author": {"__typename": "Bot" if bot else "User",
                           "login": author.removesuffix("[bot]") if bot else author},
                "viewerDidAuthor": author == viewer, "url": f"https://github.com/{c['owner']}/{c['repo']}/pull/"
                                                            f"{c['number']}#discussion_r{c['id']}",
                "replyTo": {"__typename": "PullRequestReviewComment", "databaseId": c["in_reply_to_id"],
                            "id": comment_node_id(c["in_reply_to_id"])} if c.get("in_reply_to_id") else None}

    # ------------------------------------------------------------------ mutations

    def _root_comment(self, node_id: str, kind: str) -> dict:
        raw = _from_node_id(kind, node_id)
        comment = self.gh.review_comments.get(int(raw)) if raw and raw.isdigit() else None
        if comment is None:
            raise NotFound(f"Could not resolve to a node with the global id of '{node_id}'.")
        return comment

    def _actor(self, token: dict) -> str:
        return token.get("user") or self.gh.bot_login

    def _set_resolved(self, token: dict, data: dict, resolved: bool) -> dict:
        root = self._root_comment(data["threadId"], "PRRT")
        if root.get("in_reply_to_id"):
            raise NotFound(f"Could not resolve to a node with the global id of '{data['threadId']}'.")
        root["resolved"] = resolved
        root["resolved_by"] = self._actor(token) if resolved else None
        self.gh.thread_events.append({"thread": root["id"], "resolved": resolved, "by": self._actor(token)})
        pull = self.gh.pulls[(root["owner"].lower(), root["repo"].lower(), root["number"])]
        return {"clientMutationId": data.get("clientMutationId"), "thread": self._thread(pull, root, token)}

    def _reply(self, token: dict, data: dict) -> dict:
        root = self._root_comment(data["pullRequestReviewThreadId"], "PRRT")
        comment = self.gh.add_thread_reply(root["id"], self._actor(token), data["body"])
        return {"clientMutationId": data.get("clientMutationId"), "comment": self._comment(comment, token)}

    def _update(self, token: dict, data: dict) -> dict:
        comment = self._root_comment(data["pullRequestReviewCommentId"], "PRRC")
        if (comment.get("author") or self.gh.bot_login) != self._actor(token):
            raise GraphQLError("Resource not accessible by integration: no permission to update another's comment")
        from tests.e2e.standin import utc_iso

        comment.update(body=data["body"], updated_at=utc_iso())
        self.gh.comment_edits.append({"comment": comment["id"], "body": data["body"]})
        return {"clientMutationId": data.get("clientMutationId"), "pullRequestReviewComment": self._comment(comment, token)}
