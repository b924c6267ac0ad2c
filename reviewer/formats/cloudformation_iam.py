"""Where CloudFormation and SAM keep IAM: every resource type that holds a policy document,
SAM's function policies and policy templates, the attachments of managed policies, and the role
each function runs as. The answers are the engine's model (``PolicyDocument``, ``Attachment``,
``FunctionRole``); the Serverless Framework's model is CloudFormation-shaped and is read here too.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

from reviewer.engine.document import Document, Resource
from reviewer.engine.finding import Path
from reviewer.engine.iam import (ENDPOINT_POLICY, IDENTITY, RESOURCE_POLICY, TRUST, Attachment,
                                 FunctionRole, PolicyDocument, principal_name)
from reviewer.engine.values import as_list, intrinsic, is_no_value

RoleId = Callable[[Resource], str]

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
    "AWS::Lambda::Permission": ("SourceAccount", "SourceArn", "PrincipalOrgID", "FunctionUrlAuthType"),
    "AWS::Lambda::LayerVersionPermission": ("OrganizationId",),
    "AWS::Events::EventBusPolicy": (),
}

PRINCIPAL_TYPES = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
SAM_WITH_POLICIES = ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")


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


def policy_documents(doc: Document, role_id: RoleId) -> list[PolicyDocument]:
    """Every policy document of a template, its ``Mappings`` at hand for ``!FindInMap``."""
    found: list[PolicyDocument] = []
    for resource in doc.resources():
        found.extend(_resource_documents(resource, role_id))
    # A managed policy a principal lists in ManagedPolicyArns (!Ref Policy) is that
    # principal's too, beside the ones the policy's own Roles/Users/Groups name.
    holders: dict[str, list[str]] = {}
    for attachment in attachments(doc, role_id):
        holders.setdefault(attachment.policy, []).append(attachment.principal)
    for policy in found:
        if policy.kind == IDENTITY and policy.resource in holders:
            policy.principals = list(dict.fromkeys([*policy.principals, *holders[policy.resource]]))
    mappings = doc.data.get("Mappings") if isinstance(doc.data, dict) else None
    if isinstance(mappings, dict):
        for policy in found:
            policy.mappings = mappings
    return found


def _resource_documents(resource: Resource, role_id: RoleId) -> Iterator[PolicyDocument]:
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
        yield from _sam_policies(resource, role_id)


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
    """The logical id SAM gives the role it creates for a function or state machine."""
    return f"{resource.logical_id}Role"


def principal_of(resource: Resource, role_id: RoleId) -> str | None:
    """The principal whose permissions a role, user, group or SAM function defines."""
    if resource.type in SAM_WITH_POLICIES:
        return None if "Role" in resource.properties else role_id(resource)
    return resource.logical_id if resource.type in PRINCIPAL_TYPES else None


def _sam_policies(resource: Resource, role_id: RoleId) -> Iterator[PolicyDocument]:
    policies = resource.properties.get("Policies")
    base = resource.path + ("Properties", "Policies")
    principal = [role_id(resource)]
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


FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")


def attachments(doc: Document, role_id: RoleId) -> list[Attachment]:
    """Every attachment of a policy to a principal in a template, in document order."""
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
        principal = principal_of(resource, role_id)
        if principal:
            for ref, path in managed_policy_refs(resource):
                out.append(Attachment(ref, principal, path, resource.logical_id))
    return out


def function_roles(doc: Document) -> list[FunctionRole]:
    """The role each function of a template names."""
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
