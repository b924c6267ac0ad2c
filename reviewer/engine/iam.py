"""IAM in the model: policy documents, their statements, attachments and function roles.

A template carries policies in many places (identity policies on roles, users, groups and
functions; trust policies; resource policies on buckets, queues, topics, keys ...). Each
format's adapter finds them and hands them over in one shape, so that each rule looks at
statements and never at resource types or formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reviewer.engine.document import Document, Resource
from reviewer.engine.finding import Path
from reviewer.engine.values import intrinsic, is_no_value, possible_strings

IDENTITY = "identity"
TRUST = "trust"
RESOURCE_POLICY = "resource"
# A VPC endpoint's policy grants nothing: it limits what callers inside the VPC may do
# through the endpoint (AWS's default is Allow * to *), so "*" there trusts no stranger.
ENDPOINT_POLICY = "endpoint"


@dataclass
class PolicyDocument:
    """A policy document and what it applies to."""

    path: Path
    data: Any
    kind: str  # IDENTITY, TRUST, RESOURCE_POLICY or ENDPOINT_POLICY
    resource: str | None  # logical id of the resource that holds it
    principals: list[str] = field(default_factory=list)  # who it grants to (identity)
    synthetic: bool = False  # built from properties (Lambda permission, SAM template)
    mappings: dict[str, Any] = field(default_factory=dict)  # the template's, for !FindInMap
    # Where the statements sit in ``data``: "Statement" in IAM's own shape; SAM's API
    # resource policy calls them "CustomStatements".
    statement_key: str = "Statement"
    # A document the template's author did not write and cannot edit (a SAM policy
    # template): rules say so, or leave typos in it alone.
    origin: str | None = None


@dataclass
class Statement:
    """One statement of a policy document, with a lookup for its fields' values."""

    document: PolicyDocument
    path: Path
    data: dict[str, Any]
    parameters: dict[str, Any]

    @property
    def effects(self) -> set[str]:
        effects = {s for s, _ in self._possible(self.data.get("Effect"), self.path)}
        return effects or {"Allow"}

    @property
    def allows(self) -> bool:
        return "Allow" in self.effects

    def values(self, key: str) -> list[tuple[str, Path]]:
        """Every literal string ``key`` (Action, Resource, ...) may hold, with its path."""
        node = self.data.get(key)
        if node is None or is_no_value(node):
            return []
        out: list[tuple[str, Path]] = []
        base = self.path + (key,)
        if isinstance(node, list):
            for index, item in enumerate(node):
                out.extend(self._possible(item, base + (index,)))
        else:
            found = intrinsic(node)
            if found and found[0] == "Fn::If" and isinstance(found[1], list) and len(found[1]) == 3:
                for branch in (1, 2):
                    sub = found[1][branch]
                    sub_path = base + ("Fn::If", branch)
                    if isinstance(sub, list):
                        for index, item in enumerate(sub):
                            out.extend(self._possible(item, sub_path + (index,)))
                    else:
                        out.extend(self._possible(sub, sub_path))
            else:
                out.extend(self._possible(node, base))
        return out

    def _possible(self, value: Any, path: Path) -> list[tuple[str, Path]]:
        return possible_strings(value, path, self.parameters, self.document.mappings)

    @property
    def has_condition(self) -> bool:
        condition = self.data.get("Condition")
        return isinstance(condition, dict) and bool(condition)


def only_own_user(statement: Statement) -> bool:
    """Every resource is the caller's own IAM user or MFA device (``user/${aws:username}``,
    ``mfa/${aws:username}``, in any path;
    Terraform's policy documents write it ``&{aws:username}``): managing one's own access
    keys, password or MFA raises nobody's privileges, the usual self-service policy."""
    resources = [r.lower().replace("&{", "${") for r, _ in statement.values("Resource")]
    return bool(resources) and all((":user/" in r or ":mfa/" in r) and r.endswith("/${aws:username}")
                                   for r in resources)


def policy_documents(doc: Document) -> list[PolicyDocument]:
    """All policy documents of a document, as its format's adapter finds them (worked out
    once per document: every IAM rule asks)."""
    found = doc.extra.get("policy_documents")
    if found is None:
        found = doc.extra["policy_documents"] = doc.adapter.policy_documents(doc)
    return found


def statements(policy: PolicyDocument, parameters: dict[str, Any] | None = None) -> list[Statement]:
    """The statements of a document; ``Statement`` may be one object, a list or an ``!If``."""
    data = policy.data
    if not isinstance(data, dict):
        return []
    out: list[Statement] = []
    key = policy.statement_key
    stack: list[tuple[Any, Path]] = [(data.get(key), policy.path + (key,))]
    if policy.synthetic:
        # Synthetic documents are not in the file: point at the resource/template entry.
        stack = [(data.get(key), policy.path)]
    while stack:
        node, path = stack.pop()
        if node is None or is_no_value(node):
            continue
        found = intrinsic(node)
        if found and found[0] == "Fn::If" and isinstance(found[1], list) and len(found[1]) == 3:
            stack.append((found[1][2], path + ("Fn::If", 2)))
            stack.append((found[1][1], path + ("Fn::If", 1)))
        elif isinstance(node, list):
            stack.extend(reversed([
                (item, path if policy.synthetic else path + (i,)) for i, item in enumerate(node)
            ]))
        elif isinstance(node, dict) and not found:
            out.append(Statement(policy, path, node, parameters or {}))
    return out


@dataclass
class Attachment:
    """A managed or customer policy attached to one principal, written at ``path``."""

    policy: str  # logical id / address of the policy, or its ARN or name
    principal: str
    path: Path
    resource: str  # the resource the attachment is written in
    policy_path: Path | None = None  # where the policy is named, when not at ``path``


@dataclass
class FunctionRole:
    """The role a function runs as, written at ``path``."""

    function: str
    role: str
    path: Path
    condition: str | None = None  # the CloudFormation condition the function exists under


def attachments(doc: Document) -> list[Attachment]:
    """Every attachment of a managed policy to a principal, in document order."""
    found = doc.extra.get("attachments")
    if found is None:
        found = doc.extra["attachments"] = doc.adapter.attachments(doc)
    return found


def function_roles(doc: Document) -> list[FunctionRole]:
    """The role each function of a document runs as."""
    found = doc.extra.get("function_roles")
    if found is None:
        found = doc.extra["function_roles"] = doc.adapter.function_roles(doc)
    return found


def principal_of(doc: Document, resource: Resource) -> str | None:
    """The principal whose permissions a resource defines, in its format's terms."""
    return doc.adapter.principal_of(resource)


def principal_name(value: Any) -> str | None:
    """A role/user/group reference as a comparable name: logical id for ``!Ref``."""
    if isinstance(value, str):
        return value
    found = intrinsic(value)
    if found and found[0] == "Ref" and isinstance(found[1], str) and found[1] != "AWS::NoValue":
        return found[1]
    if found and found[0] == "Fn::GetAtt" and isinstance(found[1], list) and found[1]:
        return str(found[1][0])
    if found and found[0] == "Fn::Sub":
        text = found[1][0] if isinstance(found[1], list) and found[1] else found[1]
        return text if isinstance(text, str) else None
    return None


def is_aws_managed(name: str) -> bool:
    """AWS managed policies (and bare SAM managed policy names) may be shared."""
    return ":iam::aws:policy/" in name or (not name.startswith("arn:") and "/" not in name
                                           and not name.startswith("${") and name[:1].isupper()
                                           and name.isalnum() and _looks_like_aws_policy_name(name))


def _looks_like_aws_policy_name(name: str) -> bool:
    # SAM accepts AWS managed policy names like "AmazonDynamoDBReadOnlyAccess".
    return name.startswith(("Amazon", "AWS", "Administrator", "PowerUser", "ReadOnly", "CloudWatch"))
