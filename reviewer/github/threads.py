"""The app's review threads on a pull request, and what each new review does to them.

A thread is the app's when its first comment is the app's own (``viewerDidAuthor``) and ends
with a fingerprint marker. On every review of a new head, per fingerprint (its latest thread):

* the finding is gone: the thread is resolved, with a reply naming the fixing commit when a
  person has spoken in it;
* the finding is still there and its comment reads differently now: the comment is edited
  in place;
* the finding is back after the app resolved its thread: a fresh comment is posted (the old
  thread stays as it is);
* a thread a person resolved, or reopened after the app resolved it (the app remembers the
  threads it resolved), is left as they left it. Nothing is deleted.

``plan`` is pure (threads and findings in, actions out); ``apply`` sends the actions as
aliased GraphQL mutations, a bounded number per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from github.Requester import Requester

from reviewer.engine.finding import Finding
from reviewer.github.client import refusal
from reviewer.github.graphql import dig, mutate
from reviewer.report.comments import markers_in

PAGE = 100
FIXED_REPLY = "Fixed in"
MAX_THREAD_PAGES = 30  # 3,000 threads: beyond that a pull request is not read further
# GitHub counts each mutation against its secondary limit (about 2,000 points a minute, a
# mutation 5): a hundred in one request stays well inside it.
MUTATIONS_PER_REQUEST = 100

# Ask for these on a pull request: the app's threads, their state and who spoke in them.
SELECTION = (
    "reviewThreads(first: 100, after: $threadsAfter) { pageInfo { hasNextPage endCursor } "
    "nodes { id path isResolved isOutdated resolvedBy { login } "
    "comments(first: 100) { nodes { id databaseId body viewerDidAuthor author { login } } } } }")



@dataclass
class Comment:
    node_id: str
    database_id: int
    body: str
    mine: bool
    author: str


@dataclass
class Thread:
    """One review thread; ``fingerprint`` is set when the thread is the app's."""

    node_id: str
    path: str
    resolved: bool
    resolved_by: str | None
    outdated: bool
    comments: list[Comment]
    fingerprint: str | None = None

    @property
    def root(self) -> Comment:
        return self.comments[0]

    @property
    def resolved_by_app(self) -> bool:
        # ``resolvedBy`` is a User: GitHub gives null when an app resolved the thread, and
        # a person's login when they did (also after reopening what the app resolved).
        return self.resolved and self.resolved_by is None

    @property
    def people_spoke(self) -> bool:
        return any(not c.mine for c in self.comments[1:])

    @property
    def said_fixed(self) -> bool:
        # An earlier attempt replied and then could not resolve (GitHub refused, or the
        # worker died): one reply is enough, whatever commit it named.
        return any(c.mine and c.body.startswith(FIXED_REPLY) for c in self.comments[1:])


def parse_threads(nodes: Iterable[Any]) -> list[Thread]:
    """Threads from a ``reviewThreads`` page (anything malformed is skipped)."""
    out = []
    for node in nodes:
        comments = []
        for c in dig(node, "comments", "nodes") or []:
            if not isinstance(c, dict) or not isinstance(c.get("body"), str):
                continue
            comments.append(Comment(str(c.get("id", "")), int(c.get("databaseId") or 0), c["body"],
                                    bool(c.get("viewerDidAuthor")), str(dig(c, "author", "login") or "")))
        if not isinstance(node, dict) or not comments:
            continue
        thread = Thread(str(node.get("id", "")), str(node.get("path") or ""), bool(node.get("isResolved")),
                        dig(node, "resolvedBy", "login"), bool(node.get("isOutdated")), comments)
        if comments[0].mine:
            thread.fingerprint = next(iter(markers_in(comments[0].body)), None)
        out.append(thread)
    return out


@dataclass
class Plan:
    """What to do to the threads, and the fingerprints that still need a fresh comment."""

    resolve: list[Thread] = field(default_factory=list)
    reply: dict[str, str] = field(default_factory=dict)  # thread id -> reply body
    edit: dict[str, str] = field(default_factory=dict)  # comment node id -> new body
    silenced: set[str] = field(default_factory=set)  # fingerprints not to comment again
    still_open: int = 0

    @property
    def empty(self) -> bool:
        return not (self.resolve or self.reply or self.edit)


def plan(threads: list[Thread], findings: list[Finding], head_sha: str,
         render: Mapping[str, str], resolved_before: set[str] = frozenset(),  # type: ignore[assignment]
         complete: bool = True) -> Plan:
    """Decide, per fingerprint, what the review does to the app's threads.

    ``findings`` are the head's (new and unchanged); ``render`` maps a fingerprint to the
    comment body the app would write for it today; ``resolved_before`` names the threads the
    app resolved on earlier reviews. A finding is only called fixed where the review saw its
    file: not in a file that no longer parses, nor in an incomplete review.
    """
    present = {f.fingerprint for f in findings}
    unread = {f.path for f in findings if f.rule_id == "template-parse"}
    latest: dict[str, Thread] = {}
    for thread in threads:
        if thread.fingerprint:
            latest[thread.fingerprint] = thread  # threads come oldest first
    out = Plan()
    short = head_sha[:12]
    for fp, thread in latest.items():
        if fp in present:
            if thread.resolved_by_app and thread.node_id in resolved_before:
                continue  # fixed once, back now: a fresh comment, the old thread stays
            out.silenced.add(fp)
            if not thread.resolved:
                out.still_open += 1
                wanted = render.get(fp)
                if wanted is not None and thread.root.body != wanted:
                    out.edit[thread.root.node_id] = wanted
            continue
        out.silenced.add(fp)
        if thread.resolved or thread.node_id in resolved_before or not complete \
                or thread.path in unread:
            # Already resolved; or resolved by the app and reopened by a person (theirs now);
            # or not seen this time, which is not the same as fixed.
            continue
        out.resolve.append(thread)
        if thread.people_spoke and not thread.said_fixed:
            out.reply[thread.node_id] = f"{FIXED_REPLY} {short}: this finding is gone, so I resolved the thread."
    return out


@dataclass
class Outcome:
    """What ``apply`` got done: the threads resolved, and per kind of step ("reply",
    "edit", "resolve") how many GitHub refused and its first reason."""

    resolved: list[str] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    requests: int = 0

    @property
    def complete(self) -> bool:
        return not self.refused


def apply(requester: Requester, todo: Plan) -> Outcome:
    """Send the plan as GraphQL mutations (replies, edits, then resolutions), a bounded
    number per request. Best effort: a refused step (a permission, a rate limit, an outage)
    is counted with GitHub's reason, never raised, and the others still go."""
    steps: list[tuple[str, str, str, dict[str, str]]] = []
    for thread_id, body in todo.reply.items():
        steps.append(("reply", "addPullRequestReviewThreadReply",
                      "(input: {pullRequestReviewThreadId: $%(a)s_id, body: $%(a)s_body}) { comment { id } }",
                      {"id": thread_id, "body": body}))
    for comment_id, body in todo.edit.items():
        steps.append(("edit", "updatePullRequestReviewComment",
                      "(input: {pullRequestReviewCommentId: $%(a)s_id, body: $%(a)s_body}) "
                      "{ pullRequestReviewComment { id } }", {"id": comment_id, "body": body}))
    for thread in todo.resolve:
        steps.append(("resolve", "resolveReviewThread",
                      "(input: {threadId: $%(a)s_id}) { thread { id isResolved } }",
                      {"id": thread.node_id}))
    out = Outcome()
    for start in range(0, len(steps), MUTATIONS_PER_REQUEST):
        batch = steps[start:start + MUTATIONS_PER_REQUEST]
        decls, fields, variables, aliases = [], [], {}, []
        for index, (_, name, args, values) in enumerate(batch):
            alias = f"m{index}"
            aliases.append(alias)
            # Only our own constant text is formatted here; the bodies travel as variables.
            fields.append(f"{alias}: {name}{args % {'a': alias}}")
            for key, value in values.items():
                decls.append(f"${alias}_{key}: {'ID' if key == 'id' else 'String'}!")
                variables[f"{alias}_{key}"] = value
        try:
            result = mutate(requester, f"mutation({', '.join(decls)}) {{ {' '.join(fields)} }}",
                            variables, aliases)
        except Exception as exc:  # noqa: BLE001 - GitHub down or refusing: the review stands
            refused = {alias: refusal(exc) for alias in aliases}
            done: set[str] = set()
        else:
            refused, done = result.refused, result.done
        out.requests += 1
        for alias, (kind, _, _, values) in zip(aliases, batch):
            if alias in done:
                if kind == "resolve":
                    out.resolved.append(values["id"])
            else:
                out.refused[kind] = out.refused.get(kind, 0) + 1
                out.reasons.setdefault(kind, refused.get(alias, "no answer"))
    return out
