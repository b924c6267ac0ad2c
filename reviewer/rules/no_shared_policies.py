"""``no-shared-policies``: one customer policy per principal, one role per function.

A policy shared by several roles grows to the union of what they all need, and a role
shared by several functions gives each the others' permissions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from reviewer.engine.document import TEMPLATE, Document
from reviewer.engine.finding import Hit, Path
from reviewer.engine.iam import (is_aws_managed, managed_policy_refs, principal_name,
                                 principal_of)
from reviewer.rules.base import Context, RuleKind

FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
_POLICY_ARN = re.compile(r"^arn:[^:]*:iam::(?:\$\{[^}]+\}|[^:]*):policy/.+")


class NoSharedPolicies(RuleKind):
    kind = "no-shared-policies"

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        resources = {r.logical_id: r for r in doc.resources()}
        # Customer managed policy -> [(principal, path of the attachment)]
        attachments: dict[str, list[tuple[str, Path]]] = defaultdict(list)
        for resource in resources.values():
            if resource.type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
                for key in ("Roles", "Users", "Groups"):
                    items = resource.properties.get(key)
                    for index, item in enumerate(items if isinstance(items, list) else []):
                        name = principal_name(item)
                        if name:
                            attachments[resource.logical_id].append(
                                (name, resource.path + ("Properties", key, index)))
            principal = principal_of(resource)
            if principal:
                for ref, path in managed_policy_refs(resource):
                    if ref in resources or _is_customer_policy(ref):
                        attachments[ref].append((principal, path))
        for policy, places in attachments.items():
            seen: dict[str, Path] = {}
            for principal, path in places:
                if principal in seen:
                    continue
                if seen:
                    first = next(iter(seen))
                    yield Hit(path, f'customer policy "{policy}" is attached to {first} and also '
                                    f"to {principal}; give each principal a policy of its own",
                              f"{policy}->{principal}", policy if policy in resources else principal)
                seen[principal] = path
        yield from _shared_roles(doc)

    def check_project(self, docs: list[Document], ctx: Context) -> Iterable[tuple[Document, Hit]]:
        # A literal customer managed policy ARN attached from several templates.
        users: dict[str, list[tuple[Document, str, Path]]] = defaultdict(list)
        for doc in sorted(docs, key=lambda d: d.path):
            if doc.kind != TEMPLATE:
                continue
            for resource in doc.resources():
                if principal_of(resource):
                    for ref, path in managed_policy_refs(resource):
                        if _is_customer_policy(ref):
                            users[ref].append((doc, resource.logical_id, path))
        for arn, places in users.items():
            files = sorted({doc.path for doc, _, _ in places})
            if len(files) < 2:
                continue
            for doc, principal, path in places:
                if doc.path == files[0]:
                    continue
                yield doc, Hit(path, f'customer managed policy "{arn}" is also attached in '
                                     f"{files[0]}; each principal needs its own policy",
                               f"{arn}@{doc.path}", principal)


def _is_customer_policy(ref: str) -> bool:
    return bool(_POLICY_ARN.match(ref)) and not is_aws_managed(ref)


def _shared_roles(doc: Document) -> Iterable[Hit]:
    users: dict[str, list[tuple[str, Path]]] = defaultdict(list)
    for resource in doc.resources():
        if resource.type in FUNCTION_TYPES and "Role" in resource.properties:
            role = principal_name(resource.properties["Role"])
            if role:
                users[role].append((resource.logical_id, resource.path + ("Properties", "Role")))
    for role, functions in users.items():
        for function, path in functions[1:]:
            yield Hit(path, f'role "{role}" is also used by function {functions[0][0]}; '
                            "give each function a role of its own",
                      f"role:{role}", function)
