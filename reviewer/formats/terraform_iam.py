"""Where a Terraform module's IAM is: its policy documents, which principal each policy is
attached to, and which role each function runs as. The answers are in the engine's terms
(``PolicyDocument``, ``Attachment``, ``FunctionRole``), so rules read Terraform exactly as they
read CloudFormation."""

from __future__ import annotations

import re
from typing import Any, Iterator

from reviewer.engine import iam
from reviewer.engine.document import TEMPLATE, TERRAFORM, Adapter, Document, Resource
from reviewer.engine.finding import Path
from reviewer.engine.values import as_list, intrinsic

POLICY_DOCUMENT = "data.aws_iam_policy_document"
# Identity policies: type -> (attribute holding the document, attribute naming the principal).
IDENTITY_POLICIES = {
    "aws_iam_policy": ("policy", None),
    "aws_iam_role_policy": ("policy", "role"),
    "aws_iam_user_policy": ("policy", "user"),
    "aws_iam_group_policy": ("policy", "group"),
}
# Resource policies: type -> attribute holding the document.
RESOURCE_POLICIES = {
    "aws_s3_bucket_policy": "policy",
    "aws_s3_bucket": "policy",
    "aws_sqs_queue_policy": "policy",
    "aws_sqs_queue": "policy",
    "aws_sns_topic_policy": "policy",
    "aws_sns_topic": "policy",
    "aws_kms_key": "policy",
    "aws_kms_key_policy": "policy",
    "aws_kms_replica_key": "policy",
    "aws_ecr_repository_policy": "policy",
    "aws_ecr_registry_policy": "policy",
    "aws_ecrpublic_repository_policy": "policy",
    "aws_secretsmanager_secret_policy": "policy",
    "aws_secretsmanager_secret": "policy",
    "aws_cloudwatch_log_resource_policy": "policy_document",
    "aws_cloudwatch_log_destination_policy": "access_policy",
    "aws_cloudwatch_event_bus_policy": "policy",
    "aws_opensearch_domain_policy": "access_policies",
    "aws_opensearch_domain": "access_policies",
    "aws_elasticsearch_domain_policy": "access_policies",
    "aws_elasticsearch_domain": "access_policies",
    "aws_api_gateway_rest_api_policy": "policy",
    "aws_api_gateway_rest_api": "policy",
    "aws_efs_file_system_policy": "policy",
    "aws_backup_vault_policy": "policy",
    "aws_glacier_vault": "access_policy",
    "aws_s3_access_point": "policy",
    "aws_s3control_access_point_policy": "policy",
    "aws_s3control_bucket_policy": "policy",
    "aws_iot_policy": "policy",
    "aws_codeartifact_domain_permissions_policy": "policy_document",
    "aws_codeartifact_repository_permissions_policy": "policy_document",
    "aws_kinesis_resource_policy": "policy",
    "aws_media_store_container_policy": "policy",
    "aws_msk_cluster_policy": "policy",
    "aws_organizations_resource_policy": "content",
    "aws_redshiftserverless_resource_policy": "policy",
    "aws_ssm_resource_policy": "policy",
    "aws_vpc_endpoint": "policy",
    "aws_vpc_endpoint_policy": "policy",
    "aws_dynamodb_resource_policy": "policy",
    "aws_schemas_registry_policy": "policy",
    "aws_xray_resource_policy": "policy_document",
}
ENDPOINT_TYPES = ("aws_vpc_endpoint", "aws_vpc_endpoint_policy")
PRINCIPAL_TYPES = {"aws_iam_role": "role", "aws_iam_user": "user", "aws_iam_group": "group"}
# type -> (attribute naming the principal, attribute naming the policy)
ATTACHMENTS = {
    "aws_iam_role_policy_attachment": ("role", "policy_arn"),
    "aws_iam_user_policy_attachment": ("user", "policy_arn"),
    "aws_iam_group_policy_attachment": ("group", "policy_arn"),
}
FUNCTION_TYPES = ("aws_lambda_function",)


class TerraformAdapter(Adapter):
    """A Terraform module (one folder's ``.tf`` files)."""

    format = TERRAFORM
    unit = "module"

    def policy_documents(self, doc: Document) -> list[iam.PolicyDocument]:
        return policy_documents(doc) if doc.kind == TEMPLATE else []

    def attachments(self, doc: Document) -> list[iam.Attachment]:
        return [iam.Attachment(*found) for found in attachments(doc)] if doc.kind == TEMPLATE else []

    def function_roles(self, doc: Document) -> list[iam.FunctionRole]:
        return [iam.FunctionRole(*found) for found in function_roles(doc)] if doc.kind == TEMPLATE else []

    def stage_names(self, doc: Document, stage_parameter: str,
                    stage_variables: tuple[str, ...]) -> frozenset[str]:
        # The variable of the stage parameter's name, lower-cased (var.stage), the
        # organisation's other stage variables (var.env), or the workspace.
        names = {f"var.{stage_parameter.lower()}", f"var.{stage_parameter}", "terraform.workspace"}
        names.update(f"var.{name}" for name in stage_variables)
        # A variable named after the stage in more words (var.stage_name, var.app_env); not
        # any name holding the word (var.environment_variables, var.check_..._environment_x).
        words = {stage_parameter.lower(), *(v.lower() for v in stage_variables)}
        names.update(name for name in doc.parameters()
                     if str(name).startswith("var.") and _names_the_stage(str(name)[4:], words))
        return frozenset(names)

    def stage_written(self, doc: Document, stage_parameter: str,
                      stage_variables: tuple[str, ...] = ()) -> str | None:
        # A fix uses the module's own stage variable; where it declares none, no fix is
        # written (a variable the module lacks would not plan).
        declared = [str(n) for n in doc.parameters() if str(n).startswith("var.")]
        wanted = f"var.{stage_parameter.lower()}"
        if wanted in declared:
            return wanted
        staged = sorted(self.stage_names(doc, stage_parameter, stage_variables) & set(declared))
        if staged:
            return staged[0]
        # Declared elsewhere (a Terragrunt-generated variables file) or the workspace: what
        # the module's own text already uses for the stage.
        names = [stage_parameter.lower(), *(v.lower() for v in stage_variables)]
        used = re.compile(r"\b(var\.(?:" + "|".join(re.escape(n) for n in names) +
                          r")|terraform\.workspace)\b")
        for text in (doc.sources or {doc.path: doc.text}).values():
            found = used.search(text[:MAX_SCANNED_TEXT])
            if found:
                return found.group(1)
        return None

    def syntax(self, doc: Document, file: str) -> str:
        return "hcl" if file.endswith((".tf", ".tofu", ".tfvars")) else super().syntax(doc, file)


TERRAFORM_ADAPTER = TerraformAdapter()


def policy_documents(doc: Document) -> list[Any]:
    """Every IAM policy document the module writes."""
    resources = doc.resources()
    found: list[Any] = []
    # A data document is judged where it is written, as what it is used for.
    uses: dict[str, tuple[str, list[str]]] = {}
    attached = _attached_principals(doc)
    for resource in resources:
        rtype, props, base = resource.type, resource.properties, resource.path + ("Properties",)
        rid = resource.logical_id
        candidates: list[tuple[str, str, list[str]]] = []  # (attribute, kind, principals)
        if rtype in IDENTITY_POLICIES:
            key, owner = IDENTITY_POLICIES[rtype]
            principals = attached.get(rid, []) if owner is None else \
                [name for name in [principal_name(props.get(owner), doc, owner)] if name]
            candidates.append((key, iam.IDENTITY, principals))
        if rtype == "aws_iam_role":
            candidates.append(("assume_role_policy", iam.TRUST, []))
            for index, inline in enumerate(as_list(props.get("inline_policy"))):
                if isinstance(inline, dict) and "policy" in inline:
                    _add(found, uses, inline["policy"], base + ("inline_policy", index, "policy"),
                         iam.IDENTITY, rid, [rid])
        if rtype in RESOURCE_POLICIES:
            kind = iam.ENDPOINT_POLICY if rtype in ENDPOINT_TYPES else iam.RESOURCE_POLICY
            candidates.append((RESOURCE_POLICIES[rtype], kind, []))
        for key, kind, principals in candidates:
            if key in props:
                _add(found, uses, props[key], base + (key,), kind, rid, principals)
        if rtype == "aws_lambda_permission":
            found.append(_lambda_permission(resource))
        if rtype == MODULE_CALL:
            for key, value in props.items():
                _module_argument(found, uses, value, base + (key,), rid)
    _inherit_uses(resources, uses)
    for resource in resources:
        if resource.type == POLICY_DOCUMENT:
            kind, principals = uses.get(resource.logical_id, (None, []))
            if kind is None:
                # Not used in this module (an output, a module input): what it is follows
                # from its content.
                has_principal = any(isinstance(s, dict) and ("Principal" in s or "NotPrincipal" in s)
                                    for s in as_list(resource.properties.get("Statement")))
                kind = iam.RESOURCE_POLICY if has_principal else iam.IDENTITY
            found.append(iam.PolicyDocument(resource.path + ("Properties",), resource.properties,
                                            kind, resource.logical_id, principals))
    return found


def _inherit_uses(resources: list[Resource], uses: dict[str, tuple[str, list[str]]]) -> None:
    """A document listed in another's ``source_policy_documents`` or
    ``override_policy_documents`` ends up in it: it is used as that one is (a trust policy's
    sources are trust statements; a role's policy's sources grant the role)."""
    parents: dict[str, list[str]] = {}
    for resource in resources:
        if resource.type != POLICY_DOCUMENT:
            continue
        for key in ("source_policy_documents", "override_policy_documents"):
            for item in as_list(resource.properties.get(key)):
                source = _data_document(item)
                if source:
                    parents.setdefault(source, []).append(resource.logical_id)
    # Chains of sources are short; a bound keeps a cycle from looping.
    for _ in range(8):
        changed = False
        for source, users in parents.items():
            for user in users:
                if user in uses and source not in uses:
                    uses[source] = (uses[user][0], list(uses[user][1]))
                    changed = True
        if not changed:
            break


def _add(found: list[Any], uses: dict[str, tuple[str, list[str]]], value: Any, path: Path,
         kind: str, resource: str, principals: list[str]) -> None:
    target = _data_document(value)
    if target:
        known = uses.get(target)
        if known is None or (known[0] == iam.IDENTITY and kind != iam.IDENTITY):
            uses[target] = (kind, list(principals))
        elif known[0] == kind:
            known[1].extend(p for p in principals if p not in known[1])
        return
    if isinstance(value, dict) and not intrinsic(value):
        found.append(iam.PolicyDocument(path, value, kind, resource, list(principals)))


MODULE_CALL = "module"  # a call of a module from a registry or a repository (terraform.py)


def _module_argument(found: list[Any], uses: dict[str, tuple[str, list[str]]], value: Any,
                     path: Path, module: str) -> None:
    """An argument of a remote module call that is a policy document by its shape (an object
    with a Statement, a data document's ``.json``): judged at the call, as the module's."""
    if _data_document(value):
        return  # judged where it is written, as its content says (a Principal: a resource policy)
    if isinstance(value, dict) and not intrinsic(value) and "Statement" in value:
        statements = as_list(value.get("Statement"))
        kind = iam.RESOURCE_POLICY if any(isinstance(s, dict) and ("Principal" in s or "NotPrincipal" in s)
                                          for s in statements) else iam.IDENTITY
        # Whom the module gives it to is inside the module: no principal is named here.
        found.append(iam.PolicyDocument(path, value, kind, module, []))
        return
    written = _statement_objects(value)
    if written:
        # A list or map of statements in Terraform's words (a module's policy_statements):
        # judged as the identity statements they are, each at its own lines.
        found.append(iam.PolicyDocument(path, {"Statement": written}, iam.IDENTITY, module, [],
                                        statement_key="Statement"))


# A statement object as Terraform modules take them: its keys, and IAM's words for them.
_STATEMENT_KEYS = {"sid": "Sid", "effect": "Effect", "actions": "Action", "not_actions": "NotAction",
                   "resources": "Resource", "not_resources": "NotResource"}


def _statement_objects(value: Any) -> list[Any]:
    """``[{effect = "Allow", actions = [...], resources = [...]}, ...]`` (or a map of them)
    as IAM statements, keeping each item's marks; nothing when the value is not that shape."""
    items = list(value.values()) if isinstance(value, dict) and not intrinsic(value) else \
        value if isinstance(value, list) else []
    out = []
    for item in items[:200]:
        if not isinstance(item, dict) or intrinsic(item) or not ({"actions", "not_actions"} & set(item)) \
                or not set(item) <= set(_STATEMENT_KEYS) | {"principals", "not_principals", "condition"}:
            return []
        statement = type(item)()  # the decoder's node type: marks and key lines carry over
        for key, word in _STATEMENT_KEYS.items():
            if key in item:
                statement[word] = item[key]
        for attribute in ("start_line", "end_line", "source"):
            if hasattr(item, attribute):
                setattr(statement, attribute, getattr(item, attribute))
        if hasattr(item, "key_lines"):
            statement.key_lines = {word: item.key_lines[key] for key, word in _STATEMENT_KEYS.items()
                                   if key in getattr(item, "key_lines", {})}
        out.append(statement)
    return out


def _data_document(value: Any) -> str | None:
    """``data.aws_iam_policy_document.x.json`` -> its address."""
    found = intrinsic(value)
    if found and found[0] == "Fn::GetAtt" and isinstance(found[1], list) and len(found[1]) == 2:
        address, attribute = found[1]
        # Inside a called module the address is module.NAME.-prefixed.
        local = re.sub(r"^(?:module\.[^.]{1,200}\.){1,8}", "", str(address)[:2000])
        if local.startswith(POLICY_DOCUMENT + ".") and attribute in ("json", "minified_json"):
            return str(address)
    return None


def _lambda_permission(resource: Resource) -> Any:
    props = resource.properties
    statement: dict[str, Any] = {"Effect": "Allow", "Action": props.get("action"),
                                 "Principal": props.get("principal")}
    condition = {key: props[name] for key, name in (("SourceAccount", "source_account"),
                                                    ("SourceArn", "source_arn"),
                                                    ("PrincipalOrgID", "principal_org_id"),
                                                    ("FunctionUrlAuthType", "function_url_auth_type"))
                 if name in props}
    if condition:
        statement["Condition"] = condition
    return iam.PolicyDocument(resource.path + ("Properties",), {"Statement": statement},
                              iam.RESOURCE_POLICY, resource.logical_id, synthetic=True)


# The kinds a name can be looked up as: a role's name is no policy's, nor a user's.
_KIND_TYPES = {"role": ("aws_iam_role",), "user": ("aws_iam_user",),
               "group": ("aws_iam_group",), "policy": ("aws_iam_policy",)}


def principal_name(value: Any, doc: Document | None = None, kind: str = "role") -> str | None:
    """A role/user/group/policy reference as a comparable name: the address for a reference
    to a resource of the module, and for a literal name of a resource of that ``kind`` (a
    role attached by its name string is that role, never a policy of the same name)."""
    name = iam.principal_name(value)
    if name and doc is not None and isinstance(value, str):
        return _names(doc, kind).get(name, name)
    return name


def _names(doc: Document, kind: str) -> dict[str, str]:
    """Literal ``name``s of the module's resources of one kind -> their addresses."""
    cache = doc.extra.setdefault("terraform_names", {})
    found = cache.get(kind)
    if found is None:
        found = cache[kind] = {}
        types = _KIND_TYPES.get(kind, ())
        for resource in doc.resources():
            if resource.type in types:
                name = resource.properties.get("name")
                if isinstance(name, str):
                    found.setdefault(name, resource.logical_id)
    return found


def attachments(doc: Document) -> Iterator[tuple[str, str, Path, str, Path | None]]:
    """(policy, principal, path of the attachment, resource holding it, path of the policy
    where it is written apart) for every attachment of a managed policy to a role, user or
    group."""
    for resource in doc.resources():
        props, base, rid = resource.properties, resource.path + ("Properties",), resource.logical_id
        if resource.type in ATTACHMENTS:
            owner, policy_key = ATTACHMENTS[resource.type]
            policy = principal_name(props.get(policy_key), doc, "policy")
            principal = principal_name(props.get(owner), doc, owner)
            if policy and principal:
                yield policy, principal, base + (owner,), rid, base + (policy_key,)
        elif resource.type == "aws_iam_policy_attachment":
            # Exclusive and account-wide: every principal it lists gets the policy.
            policy = principal_name(props.get("policy_arn"), doc, "policy")
            for key in ("roles", "users", "groups"):
                for index, item in enumerate(as_list(props.get(key))):
                    principal = principal_name(item, doc, key[:-1])
                    if policy and principal:
                        yield policy, principal, base + (key, index), rid, base + ("policy_arn",)
        elif resource.type == "aws_iam_role_policy_attachments_exclusive":
            principal = principal_name(props.get("role_name"), doc, "role")
            for index, item in enumerate(as_list(props.get("policy_arns"))):
                policy = principal_name(item, doc, "policy")
                if policy and principal:
                    yield policy, principal, base + ("policy_arns", index), rid, None
        elif resource.type == "aws_iam_role":
            for index, item in enumerate(as_list(props.get("managed_policy_arns"))):
                policy = principal_name(item, doc, "policy")
                if policy:
                    yield policy, rid, base + ("managed_policy_arns", index), rid, None


# How a variable names the stage in more words: stage_name, envName, app_env, target_environment.
_STAGE_PREFIXES = ("app", "deploy", "deployment", "target", "current", "aws")
_STAGE_SUFFIXES = ("name", "id")


MAX_SCANNED_TEXT = 1024 * 1024  # a module's file read for the stage it uses, at most


def _names_the_stage(name: str, words: set[str]) -> bool:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name[:100])
    parts = [w.lower() for w in re.split(r"[\s_\-]+", spaced) if w]
    if len(parts) == 2 and parts[0] in words and parts[1] in _STAGE_SUFFIXES:
        return True
    return len(parts) == 2 and parts[1] in words and parts[0] in _STAGE_PREFIXES


def _attached_principals(doc: Document) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for policy, principal, *_ in attachments(doc):
        out.setdefault(policy, [])
        if principal not in out[policy]:
            out[policy].append(principal)
    return out


def function_roles(doc: Document) -> Iterator[tuple[str, str, Path, str | None]]:
    """(function, role, path of the ``role =`` line, the condition its ``count`` puts it
    under) for every Lambda function."""
    for resource in doc.resources():
        if resource.type in FUNCTION_TYPES and "role" in resource.properties:
            role = principal_name(resource.properties["role"], doc)
            condition = resource.node.get("Condition")
            if role:
                yield (resource.logical_id, role, resource.path + ("Properties", "role"),
                       condition if isinstance(condition, str) else None)
