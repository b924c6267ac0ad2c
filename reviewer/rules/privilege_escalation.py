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

import fnmatch
import re
from collections import defaultdict
from typing import Any, Iterable

from reviewer.engine import risk
from reviewer.engine.document import SET_BY_CALLER, Document
from reviewer.engine.finding import Hit
from reviewer.engine.iam import (IDENTITY, Statement, attachments, function_roles,
                                 only_own_user, policy_documents, principal_name, statements)
from reviewer.engine.reach import reaches, statement_arns
from reviewer.engine.values import UNKNOWN, as_list, intrinsic, referenced_names
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
        runs_as = _runs_as(doc)
        parameters = doc.parameters()
        for policy in policy_documents(doc):
            if policy.kind != IDENTITY:
                continue
            for statement in statements(policy, parameters):
                if not statement.allows or only_own_user(statement):
                    continue
                if _resources_decided_elsewhere(statement, parameters):
                    continue  # known when deployed (a caller's role ARNs): neither flag nor clear
                single = risk.Grant()
                _add(single, statement)
                arns = statement_arns(statement) if "Resource" in statement.data else None
                reached = [name for name, action in wanted.items()
                           if single.allows(action) and reaches(action, arns)]
                if not reached:
                    continue
                targets = _targets(statement, runs_as)
                # A policy attached to nobody here (a standalone document, a managed policy
                # attached elsewhere) is judged as the principal it will be attached to.
                unattached = f"whoever {policy.resource or doc.path} is attached to"
                for principal in [p for p in policy.principals if p != doc.path] or [unattached]:
                    for name in reached:
                        if name in _POLICY_VERSION_ACTIONS and \
                                not _may_be_own_policy(arns, own.get(principal, set())):
                            continue
                        if name in _RUN_AS_ACTIONS and targets and targets == {principal}:
                            continue  # a session on its own instance gives it back itself
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


# Actions that escalate by acting as whatever role the resource they act on runs as: no path
# where every such resource runs as the principal itself.
_RUN_AS_ACTIONS = frozenset({"ssm:startsession", "ssm:sendcommand", "lambda:updatefunctioncode"})
# How a resource comes to run as a role, beside a function's own (type, property path, and
# whether it names an instance profile, whose role then counts).
_NOT_RUN_AS = re.compile(r"^arn:[^:]{1,40}:ssm:[^:]{0,40}:[^:]{0,40}:(?:document|session)/")
_PROFILE_HOLDERS = {"AWS::EC2::Instance": "IamInstanceProfile", "aws_instance": "iam_instance_profile"}
_PROFILE_ROLES = {"AWS::IAM::InstanceProfile": "Roles", "aws_iam_instance_profile": "role"}


def _runs_as(doc: Document) -> dict[str, str]:
    """Resource -> the role it runs as: functions, and instances through their profile."""
    out = {f.function: f.role for f in function_roles(doc)}
    resources = doc.resources()
    profiles: dict[str, str] = {}
    for resource in resources:
        key = _PROFILE_ROLES.get(resource.type)
        roles = [principal_name(r) for r in as_list(resource.properties.get(key))] if key else []
        if len(roles) == 1 and roles[0]:
            profiles[resource.logical_id] = roles[0]
    for resource in resources:
        key = _PROFILE_HOLDERS.get(resource.type)
        profile = principal_name(resource.properties.get(key)) if key else None
        if profile in profiles:
            out[resource.logical_id] = profiles[profile]
    return out


def _targets(statement: Statement, runs_as: dict[str, str]) -> set[str]:
    """The roles of the resources a statement names, when every one of its resources is a
    reference to a resource of the document that runs as a known role; else empty."""
    roles: set[str] = set()
    for item in as_list(statement.data.get("Resource")):
        if isinstance(item, str) and _NOT_RUN_AS.search(item):
            continue  # the SSM document a session uses runs as nobody
        named = [n for n in referenced_names(item) if n in runs_as]
        if not named:
            return set()
        roles.update(runs_as[n] for n in named)
    return roles


def _resources_decided_elsewhere(statement: Statement, parameters: dict[str, Any]) -> bool:
    """Is every resource of the statement a value only deployment knows (a reusable
    module's variable, a parameter without a default)?"""
    items = as_list(statement.data.get("Resource")) if "Resource" in statement.data else []
    return bool(items) and all(_decided_elsewhere(item, parameters) for item in items)


def _decided_elsewhere(item: Any, parameters: dict[str, Any]) -> bool:
    found = intrinsic(item)
    if not found:
        return False
    if found[0] == UNKNOWN:
        return True
    if found[0] == "Ref" and isinstance(found[1], str) and found[1] in parameters:
        declared = parameters[found[1]]
        return not isinstance(declared, dict) or declared.get("Default") in (None, "") \
            or bool(declared.get(SET_BY_CALLER))
    return False


# Actions that escalate by rewriting a policy: only through a policy the principal holds.
_POLICY_VERSION_ACTIONS = frozenset({"iam:createpolicyversion", "iam:setdefaultpolicyversion"})
_POLICY_NAME_KEYS = ("ManagedPolicyName", "name")  # the model's name of a managed policy
_MANAGED_POLICY_TYPES = ("AWS::IAM::ManagedPolicy", "aws_iam_policy")
UNNAMED = "\x00unnamed"  # a policy of the principal whose name is not written here


def _own_policy_names(doc: Document) -> dict[str, set[str]]:
    """Principal -> the literal names of the managed policies this document attaches to it
    (UNNAMED for one whose name is generated or known only when deployed)."""
    resources = {r.logical_id: r for r in doc.resources()}
    out: dict[str, set[str]] = defaultdict(set)
    for policy in policy_documents(doc):
        resource = resources.get(policy.resource or "")
        if resource is None or resource.type not in _MANAGED_POLICY_TYPES:
            continue  # an inline policy has no versions to write
        names = [resource.properties.get(k) for k in _POLICY_NAME_KEYS]
        for principal in policy.principals:
            out[principal].update(n for n in names if isinstance(n, str))
            if not any(isinstance(n, str) for n in names):
                out[principal].add(UNNAMED)
    for attachment in attachments(doc):
        # A customer policy attached by its ARN: its name is the ARN's last part.
        _, _, rest = attachment.policy.partition(":policy/")
        if rest and ":iam::aws:" not in attachment.policy:
            out[attachment.principal].add(UNNAMED if "${" in rest else rest.rsplit("/", 1)[-1])
    return out


def _may_be_own_policy(arns: list[str] | None, own: set[str]) -> bool:
    """Can the statement's resources include a policy of the principal's own? Any resource
    known only at deploy time, any wildcard, or a named policy of its own: yes."""
    if arns is None:
        return True
    for arn in arns:
        _, _, rest = arn.partition(":policy/")
        name = rest.rsplit("/", 1)[-1]
        if not rest or "${" in rest or name.strip("*?") == "":
            return True  # a name known only when deployed, or any policy at all
        if "*" in name or "?" in name:
            # AWSQuickSight*Policy: only the policies so named, which may include its own.
            if UNNAMED in own or any(fnmatch.fnmatchcase(n, name) for n in own):
                return True
        elif name in own:
            return True
    return False


def _add(grant: risk.Grant, statement: Statement) -> None:
    grant.add(p for p, _ in statement.values("Action"))
    if "NotAction" in statement.data:
        grant.all_but.append({p.strip().lower() for p, _ in statement.values("NotAction")})
