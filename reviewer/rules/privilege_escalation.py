"""``privilege-escalation``: no principal is granted a well-known way to raise its own
privileges (attach a policy to itself, pass a role to a new Lambda function and invoke it,
write a new default policy version, ...).

The paths are data (``reviewer/engine/data/risks.yml``: Rhino Security Labs' catalogue and
Cloudsplaining's list); admins add their own with ``extra_paths``. A path counts when every
action in it is allowed to the same principal by the file's identity policies on resources
it can act on (``ssm:*`` on one parameter is no ``ssm:SendCommand``: that acts on instances
and documents). Conditions are not weighed, and narrowing ``iam:PassRole`` to one role still
lets the principal act as that role, which is for a person to judge, not to pass silently.
Writing a policy version escalates only through a policy the principal holds: named
policies that are not its own are no path.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from reviewer.engine import risk
from reviewer.engine.document import Document
from reviewer.engine.finding import Hit
from reviewer.engine.iam import IDENTITY, Statement, policy_documents, statements
from reviewer.engine.reach import reaches, statement_arns
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
        wanted = {a.lower(): a for p in paths for a in p.actions}
        # principal -> path action (lower case) -> the first statement granting it
        granted: dict[str, dict[str, tuple[Statement, str | None]]] = defaultdict(dict)
        own = _own_policy_names(doc)
        parameters = doc.parameters()
        for policy in policy_documents(doc):
            if policy.kind != IDENTITY:
                continue
            for statement in statements(policy, parameters):
                if not statement.allows or _only_own_user(statement):
                    continue
                single = risk.Grant()
                _add(single, statement)
                arns = statement_arns(statement) if "Resource" in statement.data else None
                reached = [name for name, action in wanted.items()
                           if single.allows(action) and reaches(action, arns)]
                if not reached:
                    continue
                # A policy attached to nobody here (a standalone document, a managed policy
                # attached elsewhere) is judged as the principal it will be attached to.
                unattached = f"whoever {policy.resource or doc.path} is attached to"
                for principal in [p for p in policy.principals if p != doc.path] or [unattached]:
                    for name in reached:
                        if name in _POLICY_VERSION_ACTIONS and \
                                not _may_be_own_policy(arns, own.get(principal, set())):
                            continue
                        granted[principal].setdefault(name, (statement, policy.resource))
        for principal in sorted(granted):
            found = [p for p in paths if all(a.lower() in granted[principal] for a in p.actions)]
            if not found:
                continue
            # One finding per principal: Action "*" completes every path, and thirty
            # findings on one line would bury the point.
            statement, resource = granted[principal][found[0].actions[0].lower()]
            where = statement.path + ("Action" if "Action" in statement.data else "NotAction",)
            named = "; ".join(f"{p.name} ({', '.join(p.actions)})" for p in found[:SHOWN])
            more = f"; and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
            noun = "path" if len(found) == 1 else "paths"
            # "Whoever ..." starts the sentence; a name (aws_iam_role.app) is kept as written.
            shown = principal[:1].upper() + principal[1:] if principal.startswith("whoever ") else principal
            yield Hit(where, f"{shown} can escalate its own privileges by {len(found)} "
                             f"known {noun}: {named}{more}; grant only what it needs, or bound "
                             "it with a permissions boundary",
                      f"privesc:{principal}:" + ",".join(sorted(p.name for p in found)), resource)


# Actions that escalate by rewriting a policy: only through a policy the principal holds.
_POLICY_VERSION_ACTIONS = frozenset({"iam:createpolicyversion", "iam:setdefaultpolicyversion"})
_POLICY_NAME_KEYS = ("ManagedPolicyName", "name")  # the model's name of a managed policy


def _own_policy_names(doc: Document) -> dict[str, set[str]]:
    """Principal -> the literal names of the managed policies this document attaches to it."""
    resources = {r.logical_id: r for r in doc.resources()}
    out: dict[str, set[str]] = defaultdict(set)
    for policy in policy_documents(doc):
        resource = resources.get(policy.resource or "")
        names = [resource.properties.get(k) for k in _POLICY_NAME_KEYS] if resource else []
        for principal in policy.principals:
            out[principal].update(n for n in names if isinstance(n, str))
    return out


def _may_be_own_policy(arns: list[str] | None, own: set[str]) -> bool:
    """Can the statement's resources include a policy of the principal's own? Any resource
    known only at deploy time, any wildcard, or a named policy of its own: yes."""
    if arns is None:
        return True
    for arn in arns:
        _, _, rest = arn.partition(":policy/")
        if not rest or "*" in rest or "?" in rest or "${" in arn:
            return True
        if rest.rsplit("/", 1)[-1] in own:
            return True
    return False


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
