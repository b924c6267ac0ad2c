"""GitHub's GraphQL API: one POST per request, errors inside an HTTP 200, its own rate limit.

GraphQL answers a failed query with status 200 and an ``errors`` list; an object that does
not exist is ``null`` with an error of type ``NOT_FOUND``, which is an answer, not a failure.
Points are a separate budget from REST's requests: each query asks for ``rateLimit`` and the
figures go to /metrics under ``resource="graphql"``.
https://docs.github.com/en/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api

Text from a repository (paths, comment bodies) only ever travels as variables, never inside
the query text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from github.Requester import Requester

from reviewer.web import metrics

log = logging.getLogger(__name__)

RATE_LIMIT_FIELDS = "rateLimit { cost remaining resetAt }"
# Below this many points the fetcher reads through REST, whose budget is separate.
RESERVE_POINTS = 50
_MAX_ERROR_TEXT = 300


class GraphQLFailed(Exception):
    """GitHub answered, but not with the data asked for (the messages say why)."""


class GraphQLRateLimited(GraphQLFailed):
    """The installation's GraphQL points are spent until ``reset_at``."""

    def __init__(self, message: str, reset_at: str = "") -> None:
        super().__init__(message)
        self.reset_at = reset_at


@dataclass
class Answer:
    """A query's data and the objects GitHub said do not exist (paths into ``data``)."""

    data: dict[str, Any]
    missing: list[tuple[Any, ...]] = field(default_factory=list)
    remaining: int | None = None


def execute(requester: Requester, query: str, variables: dict[str, Any]) -> Answer:
    """POST one query or mutation; raise GraphQLFailed unless the data came back.

    Retries (5xx, timeouts, secondary limits) are the requester's, as for REST.
    """
    headers, body = requester.requestJsonAndCheck(
        "POST", requester.graphql_url, input={"query": query, "variables": variables})
    body = body if isinstance(body, dict) else {}
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    missing = [tuple(e.get("path") or ()) for e in errors if e.get("type") == "NOT_FOUND"]
    fatal = [e for e in errors if e.get("type") != "NOT_FOUND"]
    remaining = _count_points(headers, body.get("data"))
    if any(e.get("type") == "RATE_LIMITED" for e in fatal):
        raise GraphQLRateLimited("GitHub's GraphQL rate limit is spent for this installation",
                                 headers.get("x-ratelimit-reset", ""))
    if fatal or not isinstance(body.get("data"), dict):
        text = "; ".join(str(e.get("message", ""))[:_MAX_ERROR_TEXT] for e in fatal[:3]) \
            or "no data in the answer"
        raise GraphQLFailed(f"GitHub GraphQL: {text}")
    return Answer(body["data"], missing, remaining)


@dataclass
class Mutations:
    """What a request of aliased mutations did: the aliases that succeeded and, for each
    that did not, GitHub's reason (``type: message``)."""

    done: set[str] = field(default_factory=set)
    refused: dict[str, str] = field(default_factory=dict)


def mutate(requester: Requester, query: str, variables: dict[str, Any],
           aliases: list[str]) -> Mutations:
    """POST aliased mutations and say which of them GitHub carried out.

    GitHub carries out each mutation of a request on its own: one refused (a permission,
    its rate limit) leaves the others done, with ``null`` and an error at its alias. An
    error that names no alias (the whole request failed) counts against every alias.
    Failures of the request itself (HTTP, after the requester's retries) are raised.
    """
    headers, body = requester.requestJsonAndCheck(
        "POST", requester.graphql_url, input={"query": query, "variables": variables})
    body = body if isinstance(body, dict) else {}
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    _count_points(headers, data)
    out = Mutations()
    general = ""
    for error in body.get("errors") or []:
        if not isinstance(error, dict):
            continue
        reason = (f"{str(error.get('type') or 'ERROR')[:40]}: "
                  f"{str(error.get('message', ''))[:_MAX_ERROR_TEXT]}")
        path = error.get("path")
        if isinstance(path, list) and path and path[0] in aliases:
            out.refused.setdefault(path[0], reason)
        else:
            general = general or reason
    for alias in aliases:
        if alias in out.refused:
            continue
        if data.get(alias) is not None:
            out.done.add(alias)
        else:
            out.refused[alias] = general or "no answer for this mutation"
    return out


def _count_points(headers: dict[str, Any], data: Any) -> int | None:
    rate = data.get("rateLimit") if isinstance(data, dict) else None
    remaining: int | None = None
    if isinstance(rate, dict):
        if isinstance(rate.get("cost"), int):
            metrics.GITHUB_GRAPHQL_POINTS.inc(rate["cost"])
        if isinstance(rate.get("remaining"), int):
            remaining = rate["remaining"]
    elif str(headers.get("x-ratelimit-remaining", "")).isdigit():
        remaining = int(headers["x-ratelimit-remaining"])
    if remaining is not None:
        metrics.GITHUB_RATE_REMAINING.labels("graphql").set(remaining)
        if remaining < RESERVE_POINTS:
            log.warning("GraphQL points nearly spent (%d left); reads fall back to REST", remaining)
    return remaining


def dig(data: Any, *path: Any) -> Any:
    """``data[path[0]][path[1]]...``, or None where any step is missing."""
    for key in path:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            return None
    return data
