"""``no-wildcard-resources``: write and permissions-management actions name their resources.

Not every ``Resource: "*"`` can be narrowed: an action AWS documents with no resource type
(``xray:PutTraceSegments``), or whose type serves another use (``cloudwatch:PutMetricData``),
takes ``"*"``, and a ``Condition`` on the resource
(``aws:ResourceTag/team``, ``kms:ResourceAliases``, ``kms:RequestAlias``) narrows it as
much as an ARN would. Neither is reported. A condition that only keeps the resource inside
an account or organisation (``aws:ResourceAccount``) still leaves every resource there: it
is reported, saying so (as a note when the rule itself is an error).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from reviewer.engine import actions
from reviewer.engine.document import Document
from reviewer.engine.finding import Hit
from reviewer.engine.iam import IDENTITY, Statement, policy_documents, statements
from reviewer.engine.values import intrinsic
from reviewer.rules.base import Context, RuleKind

RISKY_LEVELS = ("Write", "Permissions management")
# Keys that keep any action to the resources of one account or organisation (lower case).
PERIMETER_KEYS = ("aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths")
# Request keys that name the resource an action works on, though AWS lists them on the
# action rather than on a resource type.
# Actions whose resource type is optional and absent for their common use: PutMetricData's
# dataset is for CloudWatch's newer OTLP datasets; classic metric data has no ARN and takes "*"
# (CloudWatch's guide). "Required: false" alone says no such thing (s3:PutObject has it too).
STAR_ONLY = frozenset({"cloudwatch:putmetricdata"})
# ecs:cluster picks the container instances and tasks of one cluster, as ECS's guide scopes
# them; ses:FromAddress the identity an email is sent as.
NAMING_REQUEST_KEYS = ("kms:RequestAlias", "cloudwatch:namespace", "secretsmanager:SecretId",
                       "ecs:cluster", "ses:FromAddress")
# How a documented resource key that identifies resources ends (ec2:InstanceID, kms:ResourceAliases).
IDENTIFIER_SUFFIXES = ("id", "ids", "arn", "arns", "name", "names", "alias", "aliases")


class NoWildcardResources(RuleKind):
    kind = "no-wildcard-resources"
    parameters = {"levels": {"type": "array", "items": {"type": "string"}},
                  "resource_condition_keys": {"type": "array", "items": {"type": "string"}},
                  "allow_sam_templates": {"type": "array", "items": {"type": "string"}}}

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        levels = frozenset(ctx.params.get("levels", RISKY_LEVELS))
        naming = tuple(ctx.params.get("resource_condition_keys", NAMING_REQUEST_KEYS))
        sam_allowed = {f"the SAM policy template {name}"
                       for name in ctx.params.get("allow_sam_templates", [])}
        parameters = doc.parameters()
        # Resource policies (a key policy's "*" means "this key") and trust policies
        # have no resource to narrow; only identity policies are judged.
        for policy in (p for p in policy_documents(doc) if p.kind == IDENTITY):
            if policy.origin and policy.origin in sam_allowed:
                continue
            for statement in statements(policy, parameters):
                if statement.allows:
                    yield from _judge(statement, levels, naming, policy.origin)


def _judge(statement: Statement, levels: frozenset[str], naming: tuple[str, ...],
           origin: str | None) -> Iterable[Hit]:
    resource = statement.document.resource
    everywhere = [(r, p) for r, p in statement.values("Resource") if r.strip() == "*"]
    if "NotResource" in statement.data:
        yield Hit(statement.path + ("NotResource",),
                  "Allow with NotResource grants on every resource except the ones "
                  "listed; name the resources instead", "notresource", resource)
    if not everywhere:
        return  # expanding actions is the costly part: only when it matters
    if intrinsic(statement.data.get("Condition")):
        return  # a condition known only when deployed may narrow it: neither flag nor clear
    keys = narrowing_keys(statement.data.get("Condition"))
    picked = frozenset(k.lower() for k in keys if k.lower() not in PERIMETER_KEYS)
    if any(_is_tag_key(k) for k in picked):
        return  # a resource without the tag never matches: the tags pick the resources
    risky = sorted({
        action
        for pattern, _ in statement.values("Action")
        for action in resource_actions(pattern, levels)
        if not (picked and not every_service(pattern) and narrowed(action, picked, naming))
    }, key=str.lower)
    if not risky and "NotAction" not in statement.data:
        return
    what = (f"{len(risky)} write or permissions-management action"
            f"{'s' if len(risky) != 1 else ''} ({', '.join(risky[:3])}"
            f"{', ...' if len(risky) > 3 else ''})" if risky
            else "every action but the ones NotAction lists")
    value = "*:" + ",".join(sorted(p.lower() for p, _ in statement.values("Action")))
    # One spelling of each (at most three), however the condition cases them.
    perimeter = sorted({k.lower(): k for k in keys if k.lower() in PERIMETER_KEYS}.values())
    for _, path in everywhere:
        if perimeter:
            # A data perimeter, not a narrower grant: say so, and below an error-level rule
            # (the engine keeps a hit's milder severity only then) as a note.
            yield Hit(path, f'Resource "*" grants {what} on every resource of the account or '
                            f"organisation its condition ({', '.join(perimeter)}) allows; that "
                            "keeps other accounts out, not this account's other resources: "
                            "name the resources (ARNs) it needs", value, resource, severity="note")
        elif origin:
            # A matter of policy, not of the author's text: say so.
            yield Hit(path, f'In {origin}, Resource "*" grants {what} on every resource; the '
                            "template cannot be edited: write the statements inline with the "
                            "resources named, or let admins accept it (allow_sam_templates)",
                      value, resource)
        else:
            yield Hit(path, f'Resource "*" grants {what} on every resource; '
                            "name the resources (ARNs) it needs", value, resource)


def resource_actions(pattern: str, levels: frozenset[str]) -> tuple[str, ...]:
    """The actions a pattern grants at the risky levels that could name a resource.

    An action AWS documents with no resource type only ever takes "*": asking to name its
    resources asks for the impossible. A pattern reaching every service ("*", "*:Put*")
    is taken as it is: reading every service's resource types costs seconds and changes
    nothing, since such a grant always holds actions that do take resources.
    """
    granted = actions.expand_at_levels(pattern, levels)
    if every_service(pattern):
        return granted
    return tuple(a for a in granted if _takes_a_resource(a))


def _takes_a_resource(action: str) -> bool:
    """Does the action act on a resource it could be given? Not where AWS documents no
    resource type, nor for the actions in STAR_ONLY."""
    if action.lower() in STAR_ONLY:
        return False
    return bool((actions.details(action) or {}).get("resourceTypes", True))


def every_service(pattern: str) -> bool:
    """Does the pattern reach into every service ("*", "*:Put*")? Looking its actions up one
    by one would read all of AWS's service files."""
    return pattern.strip() == "*" or actions.has_wildcard(pattern.split(":", 1)[0])


def narrowing_keys(condition: Any) -> set[str]:
    """Condition keys whose test every allowed request must pass.

    Negated operators (``StringNotEquals``), ``...IfExists`` and ``Null`` hold for
    resources that lack the key, and ``ForAllValues`` holds when the key is absent: none
    of them narrows the resources.
    """
    if not isinstance(condition, dict) or intrinsic(condition):
        return set()
    keys: set[str] = set()
    for operator, block in condition.items():
        name = str(operator)
        if ("Not" in name or name.endswith("IfExists") or name == "Null"
                or name.startswith("ForAllValues") or not isinstance(block, dict)):
            continue
        keys.update(str(key) for key in block)
    return keys


def narrowed(action: str, keys: frozenset[str], naming: tuple[str, ...]) -> bool:
    """Does one of the statement's condition keys (lower case) pick which resources this
    action reaches?

    Keys that pick resources: identifiers AWS documents on the action's resource types
    (``ec2:InstanceID``, ``kms:ResourceAliases``) and the request keys in ``naming`` that AWS
    documents for the action (``kms:RequestAlias``); tags are judged before (see _judge).
    Keys about what kind of resource it is (``rds:DatabaseEngine``, ``ec2:InstanceType``)
    still let it reach every resource of that kind: they do not narrow.
    """
    for documented in _picking_keys(action, naming):
        cut = min((i for i in (documented.find("${"), documented.find("<")) if i >= 0), default=-1)
        if cut < 0 and documented in keys:
            return True
        if cut >= 0 and any(k.startswith(documented[:cut]) and len(k) > cut for k in keys):
            return True
    return False


@lru_cache(maxsize=4096)
def _picking_keys(action: str, naming: tuple[str, ...]) -> tuple[str, ...]:
    """The documented keys (lower case) that pick which resources an action reaches."""
    identifiers = [k for k in resource_keys(action) if _is_identifier(k)]
    requested = [k for k in _action_keys(action) if any(actions.key_matches(k, n) for n in naming)]
    return tuple(sorted({k.lower() for k in identifiers + requested}))


def _is_tag_key(key: str) -> bool:
    """``aws:ResourceTag/team``, ``ec2:ResourceTag/...``, ``s3:ExistingObjectTag/...``: a tag
    of the existing resource (``aws:RequestTag`` is about the request, not the resource)."""
    lowered = key.lower()
    return "tag/" in lowered and "request" not in lowered


def _is_identifier(key: str) -> bool:
    """``ec2:InstanceID``, ``kms:ResourceAliases``, ``ec2:SubnetID``: a key naming resources."""
    name = key.split(":", 1)[-1].split("/", 1)[0].lower()
    return name.endswith(IDENTIFIER_SUFFIXES)


def resource_keys(action: str) -> tuple[str, ...]:
    """Condition keys AWS documents on the resource types an action works on."""
    found = actions.details(action) or {}
    types = actions.resource_types(action.split(":", 1)[0])
    keys: list[str] = []
    for item in found.get("resourceTypes") or []:
        keys.extend(item.get("conditionKeys") or [])
        keys.extend((types.get(str(item.get("name", "")).lower()) or {}).get("conditionKeys") or [])
    return tuple(keys)


def _action_keys(action: str) -> list[str]:
    return list((actions.details(action) or {}).get("conditionKeys") or [])
