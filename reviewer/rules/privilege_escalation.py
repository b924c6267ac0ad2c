"""``privilege-escalation``: no principal is granted a well-known way to raise its own
privileges (attach a policy to itself, pass a role to a new Lambda function and invoke it,
write a new default policy version, ...).

The paths are data (``reviewer/engine/data/risks.yml``: Rhino Security Labs' catalogue and
Cloudsplaining's list); admins add their own with ``extra_paths``. A path counts when every
action in it is allowed to the same principal by the file's identity policies, whatever the
resources and conditions: narrowing ``iam:PassRole`` to one role still lets the principal
act as that role, which is for a person to judge, not to pass silently.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from reviewer.engine import risk
from reviewer.engine.document import Document
from reviewer.engine.finding import Hit, Path
from reviewer.engine.iam import IDENTITY, Statement, policy_documents, statements
from reviewer.rules.base import Context, RuleKind


SHOWN = 3


class PrivilegeEscalation(RuleKind):
    kind = "privilege-escalation"
    parameters = {
        "extra_paths": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["name", "actions"],
            "properties": {"name": {"type": "string"},
                           "actions": {"type": "array", "items": {"type": "string"},
                                       "minItems": 1}}}},
        "ignore": {"type": "array", "items": {"type": "string"}},
    }

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        ignored = set(ctx.params.get("ignore", []))
        paths = [p for p in risk.escalation_paths(ctx.params.get("extra_paths", []))
                 if p.name not in ignored]
        grants: dict[str, risk.Grant] = defaultdict(risk.Grant)
        granted_by: dict[str, list[tuple[Statement, str | None]]] = defaultdict(list)
        parameters = doc.parameters()
        for policy in policy_documents(doc):
            if policy.kind != IDENTITY:
                continue
            for statement in statements(policy, parameters):
                if not statement.allows or _only_own_user(statement):
                    continue
                # A policy attached to nobody here (a standalone document, a managed policy
                # attached elsewhere) is judged as the principal it will be attached to.
                unattached = f"whoever {policy.resource or doc.path} is attached to"
                for principal in [p for p in policy.principals if p != doc.path] or [unattached]:
                    _add(grants[principal], statement)
                    granted_by[principal].append((statement, policy.resource))
        for principal in sorted(grants):
            found = risk.complete_paths(grants[principal], paths)
            if not found:
                continue
            # One finding per principal: Action "*" completes every path, and thirty
            # findings on one line would bury the point.
            where, resource = _first_grant(granted_by[principal], found[0].actions[0])
            named = "; ".join(f"{p.name} ({', '.join(p.actions)})" for p in found[:SHOWN])
            more = f"; and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
            noun = "path" if len(found) == 1 else "paths"
            # "Whoever ..." starts the sentence; a name (aws_iam_role.app) is kept as written.
            shown = principal[:1].upper() + principal[1:] if principal.startswith("whoever ") else principal
            yield Hit(where, f"{shown} can escalate its own privileges by {len(found)} "
                             f"known {noun}: {named}{more}; grant only what it needs, or bound "
                             "it with a permissions boundary",
                      f"privesc:{principal}:" + ",".join(sorted(p.name for p in found)), resource)


def _only_own_user(statement: Statement) -> bool:
    """Every resource is the caller's own IAM user (``user/${aws:username}``, in any path):
    managing one's own access keys or password raises nobody's privileges, the usual
    self-service policy."""
    resources = [r.lower() for r, _ in statement.values("Resource")]
    return bool(resources) and all(":user/" in r and r.endswith("/${aws:username}") for r in resources)


def _add(grant: risk.Grant, statement: Statement) -> None:
    grant.add(p for p, _ in statement.values("Action"))
    if "NotAction" in statement.data:
        grant.all_but.append({p.strip().lower() for p, _ in statement.values("NotAction")})


def _first_grant(granted: list[tuple[Statement, str | None]], action: str) -> tuple[Path, Any]:
    """Where the path's first action is granted (the line a reviewer should look at)."""
    for statement, resource in granted:
        single = risk.Grant()
        _add(single, statement)
        if single.allows(action):
            key = "Action" if "Action" in statement.data else "NotAction"
            return statement.path + (key,), resource
    statement, resource = granted[0]
    return statement.path, resource
