"""Find every IAM policy document in a file and read its statements.

A template carries policies in many places (identity policies on roles, users, groups and
SAM functions; trust policies; resource policies on buckets, queues, topics, keys ...).
``policy_documents`` turns them all into one shape, so that each rule looks at statements
and never at resource types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from reviewer.engine.document import POLICY, SERVERLESS, TEMPLATE, TERRAFORM, Document, Resource
from reviewer.engine.finding import Path
from reviewer.engine.values import as_list, intrinsic, is_no_value, possible_strings

IDENTITY = "identity"
TRUST = "trust"
RESOURCE_POLICY = "resource"
# A VPC endpoint's policy grants nothing: it limits what callers inside the VPC may do
# through the endpoint (AWS's default is Allow * to *), so "*" there trusts no stranger.
ENDPOINT_POLICY = "endpoint"

# Resource policies: type -> property holding the policy document.
RESOURCE_POLICY_PROPERTIES = {
    "AWS::S3::BucketPolicy": "PolicyDocument",
    "AWS::SQS::QueuePolicy": "PolicyDocument",
    "AWS::SNS::TopicPolicy": "PolicyDocument",
    "AWS::KMS::Key": "KeyPolicy",
    "AWS::IoT::Policy": "PolicyDocument",
    "AWS::ECR::Repository": "RepositoryPolicyText",
    "AWS::SecretsManager::ResourcePolicy": "ResourcePolicy",
    "AWS::ApiGateway::RestApi": "Policy",
    "AWS::OpenSearchService::Domain": "AccessPolicies",
    "AWS::Elasticsearch::Domain": "AccessPolicies",
    "AWS::S3::AccessPoint": "Policy",
    "AWS::EFS::FileSystem": "FileSystemPolicy",
    "AWS::Backup::BackupVault": "AccessPolicy",
    "AWS::Logs::ResourcePolicy": "PolicyDocument",
    # The rest of the resource types whose CloudFormation schema holds an IAM resource
    # policy (read from the schemas cfn-lint ships; names and lines as in the template).
    "AWS::APS::ResourcePolicy": "PolicyDocument",
    "AWS::ApiGateway::DomainNameV2": "Policy",
    "AWS::Backup::LogicallyAirGappedBackupVault": "AccessPolicy",
    "AWS::Bedrock::ResourcePolicy": "PolicyDocument",
    "AWS::BedrockAgentCore::ResourcePolicy": "Policy",
    "AWS::CloudTrail::ResourcePolicy": "ResourcePolicy",
    "AWS::CodeArtifact::Domain": "PermissionsPolicyDocument",
    "AWS::CodeArtifact::Repository": "PermissionsPolicyDocument",
    "AWS::DSQL::Cluster": "PolicyDocument",
    "AWS::EC2::VPCEndpoint": "PolicyDocument",
    "AWS::ECR::PublicRepository": "RepositoryPolicyText",
    "AWS::ECR::RegistryPolicy": "PolicyText",
    "AWS::EventSchemas::RegistryPolicy": "Policy",
    "AWS::Events::EventBus": "Policy",
    "AWS::KMS::ReplicaKey": "KeyPolicy",
    "AWS::Kinesis::ResourcePolicy": "ResourcePolicy",
    "AWS::Lambda::ResourcePolicy": "PolicyDocument",
    "AWS::Logs::Destination": "DestinationPolicy",
    "AWS::Logs::LogGroup": "ResourcePolicyDocument",
    "AWS::MSK::ClusterPolicy": "Policy",
    "AWS::MediaPackageV2::ChannelPolicy": "Policy",
    "AWS::MediaPackageV2::OriginEndpointPolicy": "Policy",
    "AWS::MediaStore::Container": "Policy",
    "AWS::MediaTailor::ChannelPolicy": "Policy",
    "AWS::Oam::Sink": "Policy",
    "AWS::Redshift::Cluster": "NamespaceResourcePolicy",
    "AWS::RedshiftServerless::Namespace": "NamespaceResourcePolicy",
    "AWS::S3::MultiRegionAccessPointPolicy": "Policy",
    "AWS::S3Express::AccessPoint": "Policy",
    "AWS::S3Express::BucketPolicy": "PolicyDocument",
    "AWS::S3ObjectLambda::AccessPointPolicy": "PolicyDocument",
    "AWS::S3Outposts::AccessPoint": "Policy",
    "AWS::S3Outposts::BucketPolicy": "PolicyDocument",
    "AWS::SMSVOICE::ResourcePolicy": "PolicyDocument",
    "AWS::SNS::TopicInlinePolicy": "PolicyDocument",
    "AWS::SQS::QueueInlinePolicy": "PolicyDocument",
    "AWS::SSM::ResourcePolicy": "Policy",
    "AWS::SageMaker::ModelPackageGroup": "ModelPackageGroupPolicy",
    "AWS::VpcLattice::AuthPolicy": "Policy",
    "AWS::VpcLattice::ResourcePolicy": "Policy",
    "AWS::XRay::ResourcePolicy": "PolicyDocument",
}

# Inline identity policies of one principal: type -> (policy property, property naming the
# principal, or None when the resource itself is the principal).
INLINE_POLICY_PROPERTIES = {
    "AWS::IAM::RolePolicy": ("PolicyDocument", "RoleName"),
    "AWS::IAM::UserPolicy": ("PolicyDocument", "UserName"),
    "AWS::IAM::GroupPolicy": ("PolicyDocument", "GroupName"),
    "AWS::SSO::PermissionSet": ("InlinePolicy", None),
    "AWS::RolesAnywhere::Profile": ("SessionPolicy", None),
    "AWS::Transfer::User": ("Policy", None),
}

# Resource policies given as one statement's parts, not as a document.
STATEMENT_PROPERTIES = {
    "AWS::Lambda::Permission": ("SourceAccount", "SourceArn", "PrincipalOrgID"),
    "AWS::Lambda::LayerVersionPermission": ("OrganizationId",),
    "AWS::Events::EventBusPolicy": (),
}

PRINCIPAL_TYPES = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
SAM_WITH_POLICIES = ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")


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


def policy_documents(doc: Document) -> list[PolicyDocument]:
    """All policy documents of a template or a standalone policy file."""
    if doc.kind == POLICY:
        # A standalone document with principals is a resource policy (bucket, queue, ...).
        kind = RESOURCE_POLICY if any(
            "Principal" in s or "NotPrincipal" in s
            for s in as_list(doc.data.get("Statement")) if isinstance(s, dict)) else IDENTITY
        return [PolicyDocument((), doc.data, kind, None, [doc.path] if kind == IDENTITY else [])]
    if doc.kind != TEMPLATE:
        return []
    if doc.format == TERRAFORM:
        from reviewer.formats import terraform_iam

        return terraform_iam.policy_documents(doc)
    found: list[PolicyDocument] = []
    for resource in doc.resources():
        found.extend(_resource_documents(resource))
    mappings = doc.data.get("Mappings") if isinstance(doc.data, dict) else None
    if isinstance(mappings, dict):
        for policy in found:
            policy.mappings = mappings
    return found


def _document(path: Path, value: Any, kind: str, resource: str,
              principals: list[str] | None = None) -> PolicyDocument | None:
    """A policy document property; CloudFormation also accepts it as JSON text."""
    if isinstance(value, dict) and not intrinsic(value):
        return PolicyDocument(path, value, kind, resource, principals or [])
    text = value
    found = intrinsic(value)
    if found and found[0] == "Fn::Sub":
        text = found[1][0] if isinstance(found[1], list) and found[1] else found[1]
    if isinstance(text, str) and text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if isinstance(data, dict):
            # Lines inside the text are unknown: findings point at the property.
            return PolicyDocument(path, data, kind, resource, principals or [], synthetic=True)
    return None


def _resource_documents(resource: Resource) -> Iterator[PolicyDocument]:
    props = resource.properties
    base = resource.path + ("Properties",)
    rid = resource.logical_id
    rtype = resource.type
    found: list[PolicyDocument | None] = []
    if rtype in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy") and "PolicyDocument" in props:
        found.append(_document(base + ("PolicyDocument",), props["PolicyDocument"], IDENTITY,
                               rid, attached_principals(resource)))
    if rtype in PRINCIPAL_TYPES:
        for policy, path in _items(props.get("Policies"), base + ("Policies",)):
            if isinstance(policy, dict) and "PolicyDocument" in policy:
                found.append(_document(path + ("PolicyDocument",),
                                       policy["PolicyDocument"], IDENTITY, rid, [rid]))
    if rtype in INLINE_POLICY_PROPERTIES:
        key, owner = INLINE_POLICY_PROPERTIES[rtype]
        if key in props:
            name = principal_name(props.get(owner)) if owner else rid
            found.append(_document(base + (key,), props[key], IDENTITY, rid,
                                   [name] if name else []))
    if rtype in ("AWS::IAM::Role", "AWS::Serverless::Function") and "AssumeRolePolicyDocument" in props:
        found.append(_document(base + ("AssumeRolePolicyDocument",),
                               props["AssumeRolePolicyDocument"], TRUST, rid))
    if rtype in RESOURCE_POLICY_PROPERTIES and RESOURCE_POLICY_PROPERTIES[rtype] in props:
        key = RESOURCE_POLICY_PROPERTIES[rtype]
        kind = ENDPOINT_POLICY if rtype == "AWS::EC2::VPCEndpoint" else RESOURCE_POLICY
        found.append(_document(base + (key,), props[key], kind, rid))
    if rtype in ("AWS::Serverless::Api", "AWS::ApiGateway::RestApi"):
        found.extend(_api_policies(resource))
    if rtype == "AWS::Events::EventBusPolicy" and isinstance(props.get("Statement"), dict):
        # The statement itself is the property: its lines are real.
        found.append(PolicyDocument(base, props, RESOURCE_POLICY, rid))
    yield from (document for document in found if document is not None)
    if rtype in STATEMENT_PROPERTIES and "Statement" not in props:
        statement = {"Effect": "Allow", "Action": props.get("Action"),
                     "Principal": props.get("Principal", "*" if props.get("OrganizationId") else None)}
        if isinstance(props.get("Condition"), dict):
            statement["Condition"] = props["Condition"]  # EventBusPolicy's own condition
        condition = {k: props[k] for k in STATEMENT_PROPERTIES[rtype] if k in props}
        if condition:
            statement["Condition"] = {**statement.get("Condition", {}), **condition}
        yield PolicyDocument(base, {"Statement": statement}, RESOURCE_POLICY, rid, synthetic=True)
    if rtype in SAM_WITH_POLICIES and "Role" not in props:
        yield from _sam_policies(resource)


def _items(value: Any, path: Path) -> Iterator[tuple[Any, Path]]:
    """The items of a list property, with ``!If`` items opened into both branches (a
    policy that exists only in one condition is still a policy of the template)."""
    for index, item in enumerate(as_list(value)):
        found = intrinsic(item)
        if found and found[0] == "Fn::If" and isinstance(found[1], list) and len(found[1]) == 3:
            for branch in (1, 2):
                if not is_no_value(found[1][branch]):
                    yield found[1][branch], path + (index, "Fn::If", branch)
        else:
            yield item, path + (index,)


def _api_policies(resource: Resource) -> Iterator[PolicyDocument | None]:
    """An API's resource policy: SAM's ``Auth.ResourcePolicy.CustomStatements`` and the
    OpenAPI extension ``x-amazon-apigateway-policy`` in the inline definition."""
    props = resource.properties
    base = resource.path + ("Properties",)
    auth = props.get("Auth") if isinstance(props.get("Auth"), dict) else {}
    policy = auth.get("ResourcePolicy") if isinstance(auth.get("ResourcePolicy"), dict) else {}
    custom = policy.get("CustomStatements")
    if custom is not None:
        yield PolicyDocument(base + ("Auth", "ResourcePolicy"), policy, RESOURCE_POLICY,
                             resource.logical_id, statement_key="CustomStatements")
    for key in ("DefinitionBody", "Body"):
        body = props.get(key)
        if isinstance(body, dict) and "x-amazon-apigateway-policy" in body:
            yield _document(base + (key, "x-amazon-apigateway-policy"),
                            body["x-amazon-apigateway-policy"], RESOURCE_POLICY, resource.logical_id)


def sam_role_id(resource: Resource) -> str:
    """The logical id SAM gives the role it creates for a function or state machine. A
    Serverless function with statements of its own is named by its key, as its service is."""
    if resource.format == SERVERLESS:
        return resource.logical_id
    return f"{resource.logical_id}Role"


def principal_of(resource: Resource) -> str | None:
    """The principal whose permissions a role, user, group or SAM function defines."""
    if resource.type in SAM_WITH_POLICIES:
        return None if "Role" in resource.properties else sam_role_id(resource)
    return resource.logical_id if resource.type in PRINCIPAL_TYPES else None


def _sam_policies(resource: Resource) -> Iterator[PolicyDocument]:
    policies = resource.properties.get("Policies")
    base = resource.path + ("Properties", "Policies")
    principal = [sam_role_id(resource)]
    items = [(policies, base)] if isinstance(policies, dict) and not intrinsic(policies) \
        else list(_items(policies, base))
    for item, path in items:
        if not isinstance(item, dict) or intrinsic(item):
            continue  # managed policy names/ARNs are attachments, see managed_policy_refs
        if "Statement" in item:
            yield PolicyDocument(path, item, IDENTITY, resource.logical_id, principal)
            continue
        for template_name, params in item.items():
            document = sam_policy_template(str(template_name), params)
            if document is not None:
                yield PolicyDocument(path + (template_name,), document, IDENTITY,
                                     resource.logical_id, principal, synthetic=True,
                                     origin=f"the SAM policy template {template_name}")


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


@dataclass
class FunctionRole:
    """The role a function runs as, written at ``path``."""

    function: str
    role: str
    path: Path
    condition: str | None = None  # the CloudFormation condition the function exists under


FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")


def attachments(doc: Document) -> list[Attachment]:
    """Every attachment of a policy to a principal in a template, in document order."""
    if doc.kind != TEMPLATE:
        return []
    if doc.format == TERRAFORM:
        from reviewer.formats import terraform_iam

        return [Attachment(*found) for found in terraform_iam.attachments(doc)]
    out: list[Attachment] = []
    for resource in doc.resources():
        if resource.type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for key in ("Roles", "Users", "Groups"):
                items = resource.properties.get(key)
                for index, item in enumerate(items if isinstance(items, list) else []):
                    name = principal_name(item)
                    if name:
                        out.append(Attachment(resource.logical_id, name,
                                              resource.path + ("Properties", key, index),
                                              resource.logical_id))
        principal = principal_of(resource)
        if principal:
            for ref, path in managed_policy_refs(resource):
                out.append(Attachment(ref, principal, path, resource.logical_id))
    return out


def function_roles(doc: Document) -> list[FunctionRole]:
    """The role each function of a template names."""
    if doc.kind != TEMPLATE:
        return []
    if doc.format == TERRAFORM:
        from reviewer.formats import terraform_iam

        return [FunctionRole(*found) for found in terraform_iam.function_roles(doc)]
    out: list[FunctionRole] = []
    for resource in doc.resources():
        if resource.type in FUNCTION_TYPES and "Role" in resource.properties:
            role = principal_name(resource.properties["Role"])
            condition = resource.node.get("Condition")
            if role:
                out.append(FunctionRole(resource.logical_id, role,
                                        resource.path + ("Properties", "Role"),
                                        condition if isinstance(condition, str) else None))
    return out


def attached_principals(resource: Resource) -> list[str]:
    """Principals an IAM::Policy/ManagedPolicy names in Roles/Users/Groups."""
    out: list[str] = []
    for key in ("Roles", "Users", "Groups"):
        for item in as_list(resource.properties.get(key)):
            name = principal_name(item)
            if name:
                out.append(name)
    return out


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


def managed_policy_refs(resource: Resource) -> list[tuple[str, Path]]:
    """Managed policies a role/user/group/SAM function attaches (ARNs, names or !Ref ids)."""
    props = resource.properties
    base = resource.path + ("Properties",)
    out: list[tuple[str, Path]] = []
    if resource.type in PRINCIPAL_TYPES:
        for index, item in enumerate(as_list(props.get("ManagedPolicyArns"))):
            name = principal_name(item)
            if name:
                out.append((name, base + ("ManagedPolicyArns", index)))
    if resource.type in SAM_WITH_POLICIES and "Role" not in props:
        policies = props.get("Policies")
        if isinstance(policies, str) or intrinsic(policies):
            name = principal_name(policies)
            if name:
                out.append((name, base + ("Policies",)))
        elif isinstance(policies, list):
            for index, item in enumerate(policies):
                if isinstance(item, str) or intrinsic(item):
                    name = principal_name(item)
                    if name:
                        out.append((name, base + ("Policies", index)))
    return out


def is_aws_managed(name: str) -> bool:
    """AWS managed policies (and bare SAM managed policy names) may be shared."""
    return ":iam::aws:policy/" in name or (not name.startswith("arn:") and "/" not in name
                                           and not name.startswith("${") and name[:1].isupper()
                                           and name.isalnum() and _looks_like_aws_policy_name(name))


def _looks_like_aws_policy_name(name: str) -> bool:
    # SAM accepts AWS managed policy names like "AmazonDynamoDBReadOnlyAccess".
    return name.startswith(("Amazon", "AWS", "Administrator", "PowerUser", "ReadOnly", "CloudWatch"))


_SAM_TEMPLATES: dict[str, Any] | None = None


def sam_policy_template(name: str, params: Any) -> dict[str, Any] | None:
    """The statements a SAM policy template grants, from the SAM translator's own table.

    Parameters are left as ``${Name}`` placeholders: the actions are what matter here.
    """
    global _SAM_TEMPLATES
    if _SAM_TEMPLATES is None:
        _SAM_TEMPLATES = _load_sam_templates()
    template = _SAM_TEMPLATES.get(name)
    if not isinstance(template, dict):
        return None
    statements_ = template.get("Definition", {}).get("Statement", [])
    simplified = []
    for statement in statements_:
        if isinstance(statement, dict):
            simplified.append({
                "Effect": statement.get("Effect", "Allow"),
                "Action": statement.get("Action", []),
                # Keep a literal "*" (some templates grant on every resource).
                "Resource": "*" if statement.get("Resource") == "*" else "${%s}" % name,
            })
    return {"Statement": simplified}


def _load_sam_templates() -> dict[str, Any]:
    from importlib import resources

    # The SAM translator's own table, so templates expand exactly as SAM deploys them.
    text = (resources.files("samtranslator") / "policy_templates_data"
            / "policy_templates.json").read_text(encoding="utf-8")
    return json.loads(text).get("Templates", {})
