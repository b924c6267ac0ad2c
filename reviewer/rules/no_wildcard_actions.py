"""``no-wildcard-actions``: an Allow statement names its actions.

``s3:*``, ``s3:Get*`` and ``*`` grant whatever AWS adds to a service tomorrow; ``NotAction``
with ``Allow`` grants everything not listed. Deny statements may use wildcards.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Iterable

from reviewer.engine import actions
from reviewer.engine.document import Document
from reviewer.engine.finding import Hit
from reviewer.engine.iam import (ENDPOINT_POLICY, PolicyDocument, Statement,
                                 attachments, policy_documents, statements)
from reviewer.engine import risk
from reviewer.engine.managed_policies import full_access
from reviewer.engine.values import MAX_COMBINATIONS, TOO_MANY
from reviewer.rules.base import Context, RuleKind

SHOWN_ACTIONS = 5


def describe_grant(pattern: str) -> str:
    """``s3:Get*`` grants 51 actions: s3:GetObject, ... (the expansion, briefly)."""
    if pattern.strip() == "*":
        return f'"*" grants every action of every service ({actions.known_action_count():,} known)'
    if "${" in pattern:
        return f'"{pattern}" grants every action it matches, of a service chosen when deployed'
    granted = actions.expand(pattern)
    if not granted:
        return f'"{pattern}" matches no action AWS documents today, but grants any that appear'
    # The riskiest first (what is at stake, as the permission delta labels it), not the
    # first five of the alphabet.
    risks = {a: risk.labels(a, set()) for a in granted}
    ordered = risk.riskiest_first(granted, risks)
    shown = ", ".join(f"{a} [{risks[a][0]}]" if risks[a] else a for a in ordered[:SHOWN_ACTIONS])
    more = f", and {len(granted) - SHOWN_ACTIONS:,} more" if len(granted) > SHOWN_ACTIONS else ""
    noun = "action" if len(granted) == 1 else "actions"
    return f'"{pattern}" grants {len(granted):,} {noun}: {shown}{more}'


class NoWildcardActions(RuleKind):
    kind = "no-wildcard-actions"
    parameters = {"allow": {"type": "array", "items": {"type": "string"}},
                  "allow_sam_templates": {"type": "array", "items": {"type": "string"}},
                  "allow_kms_default_statement": {"type": "boolean"}}

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        allowed = [p.lower() for p in ctx.params.get("allow", [])]
        sam_allowed = {f"the SAM policy template {name}" for name in ctx.params.get("allow_sam_templates", [])}
        parameters = doc.parameters()
        for policy in policy_documents(doc):
            if policy.origin and policy.origin in sam_allowed:
                continue
            if policy.kind == ENDPOINT_POLICY:
                continue  # it limits the VPC's callers and grants nothing: "*" is its default
            for statement in statements(policy, parameters):
                if not statement.allows:
                    continue
                if _kms_default_statement(policy, statement):
                    if not ctx.params.get("allow_kms_default_statement", False):
                        yield Hit(statement.path + ("Action",),
                                  'the key policy\'s default statement grants "kms:*" to the '
                                  "account's own root, so that IAM policies decide who may use "
                                  "the key: AWS recommends it, and whether to keep it is the "
                                  "organisation's choice (allow_kms_default_statement), not a "
                                  f"mistake in this {doc.adapter.unit}",
                                  "kms-default-statement", policy.resource, severity="warning")
                    continue
                sampled = False
                for pattern, path in statement.values("Action"):
                    if pattern == TOO_MANY and sampled:
                        continue
                    if pattern == TOO_MANY:
                        sampled = True
                        # Not worked out in full is not known to be safe.
                        yield Hit(path, "the actions of this statement have more combinations "
                                  f"of !If/!Join/!Sub than the reviewer works out ({MAX_COMBINATIONS}), "
                                  "or nest them deeper than it follows; it checked what it could, "
                                  "not every combination: write the actions out, or split the statement",
                                  "too-many-combinations", policy.resource)
                        continue
                    if actions.has_wildcard(pattern) and not _is_allowed(pattern, allowed):
                        if policy.origin:
                            # A matter of policy, not of the author's text: say so.
                            yield Hit(path, f"In {policy.origin}, {describe_grant(pattern)}; "
                                      "the template cannot be edited: write the statements "
                                      "inline, or let admins accept it (allow_sam_templates)",
                                      pattern.lower(), policy.resource)
                            continue
                        yield Hit(path, describe_grant(pattern) + "; list the actions it needs",
                                  pattern.lower(), policy.resource)
                not_actions = statement.values("NotAction")
                if "NotAction" in statement.data:
                    excluded = {a for p, _ in not_actions for a in actions.expand(p)}
                    remaining = actions.known_action_count() - len(excluded)
                    yield Hit(
                        statement.path + ("NotAction",),
                        "Allow with NotAction grants every action except the ones listed "
                        f"({remaining:,} of {actions.known_action_count():,} known actions); "
                        "use Action with the actions it needs",
                        "notaction:" + ",".join(sorted(p.lower() for p, _ in not_actions)),
                        policy.resource,
                    )
        yield from _full_access_policies(doc, allowed)


def _full_access_policies(doc: Document, allowed: list[str]) -> Iterable[Hit]:
    """AWS managed policies that grant all of a service (AmazonS3FullAccess,
    AdministratorAccess): wildcards the principal holds that nobody wrote in the change."""
    own = {resource.logical_id for resource in doc.resources()}
    for attachment in attachments(doc):
        if attachment.policy in own:
            continue  # a policy of the template's own, whatever its logical id
        managed = full_access(attachment.policy)
        if managed is None or all(_is_allowed(g, allowed) for g in managed.grants):
            continue
        if managed.grants == ("*",) and not managed.excepted:
            what = f'"*", every action of every service ({actions.known_action_count():,} known)'
        else:
            granted = {a for g in managed.grants for a in actions.expand(g)}
            count = len(granted - {a for e in managed.excepted for a in actions.expand(e)})
            what = f"{managed.granted()}, {count:,} actions"
        yield Hit(attachment.policy_path or attachment.path,
                  f"the AWS managed policy {managed.name} gives {attachment.principal} "
                  f"{what}, and every action AWS adds to them: a wildcard nobody wrote here; "
                  "attach a policy that lists the actions it needs",
                  f"managed:{managed.name}->{attachment.principal}", attachment.resource)


def _kms_default_statement(policy: PolicyDocument, statement: Statement) -> bool:
    """AWS's default key policy statement: kms:* on "*" for the account's own root. Only a
    key policy can say it (an identity policy has no Principal, and no other resource
    policy grants kms:*), whether written on the key or in a policy document it uses."""
    if policy.kind == ENDPOINT_POLICY or "Principal" not in statement.data:
        return False
    if [a.lower() for a, _ in statement.values("Action")] != ["kms:*"]:
        return False
    if [r.strip() for r, _ in statement.values("Resource")] != ["*"]:
        return False
    principal = statement.data.get("Principal")
    if not isinstance(principal, dict) or set(principal) != {"AWS"}:
        return False
    roots = [v for v, _ in statement._possible(principal["AWS"], statement.path)]
    return bool(roots) and all(_OWN_ROOT.fullmatch(v) for v in roots)


# The account's own root, as templates write it: the account known only at deploy time
# (${AWS::AccountId}, data.aws_caller_identity.<name>.account_id, a variable); a literal
# account is account-separation's to judge.
_ACCOUNT = r"\$\{[A-Za-z][\w.:-]{0,100}\}"
_PARTITION = r"(?:aws|\$\{AWS::Partition\}|\$\{data\.aws_partition\.[\w-]{1,64}\.partition\})"
_OWN_ROOT = re.compile(rf"arn:{_PARTITION}:iam::{_ACCOUNT}:root|{_ACCOUNT}")


def _is_allowed(pattern: str, allowed: list[str]) -> bool:
    if not allowed:
        return False
    if pattern.lower() in allowed:
        return True
    granted = actions.expand(pattern)
    return bool(granted) and all(
        any(fnmatch.fnmatchcase(a.lower(), p) for p in allowed) for a in granted
    )
