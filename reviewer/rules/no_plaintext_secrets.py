"""``no-plaintext-secrets``: no secret written out in a function's environment, an SSM
``String`` parameter or a property that holds a password.

A value is a secret when its name says so (``DB_PASSWORD``, ``stripeSecretKey``; the last
words decide, so ``DB_SECRET_ARN`` is not one) and it is written as a literal, or when it is
shaped like a known credential (an AWS access key id, a private key, a GitHub, Slack or
Stripe token, a password in a connection URL) whatever its name. What points at a secret
kept elsewhere is fine: ``{{resolve:secretsmanager:...}}``, ``{{resolve:ssm-secure:...}}``,
``!Ref`` of a ``NoEcho`` parameter, ``${ssm:...}``, a reference to another resource (a
``data.aws_secretsmanager_secret_version``), and any value known only when deployed: neither
flagged nor cleared.

A finding never repeats the secret: its message shows the name and the place and a mask,
and its fingerprint names a few bits of a digest of the value, too few to confirm a guess
(``secret_shapes.fingerprint_value``).
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from reviewer.engine.decode import Marked
from reviewer.engine.document import TEMPLATE, Document, Resource
from reviewer.engine.finding import Hit, Path
from reviewer.engine.values import UNKNOWN, as_list, get_path, intrinsic, possible_strings
from reviewer.rules.base import Context, RuleKind
from reviewer.rules.environments import Written, variables, written_texts
from reviewer.rules.match_conditions import resolve
from reviewer.rules.secret_shapes import (DEFAULT_PLACEHOLDERS, MASK, credential_shape,
                                          fingerprint_value, plain_value, secret_by_name)

# Parameters of the parameter store: type -> (type path, value path, name path). Only the
# plain types: a SecureString is encrypted with KMS.
SSM_PARAMETERS: dict[str, tuple[str, str, str]] = {
    "AWS::SSM::Parameter": ("Type", "Value", "Name"),
    "aws_ssm_parameter": ("type", "value", "name"),
}
PLAIN_SSM_TYPES = ("String", "StringList")
# Properties that hold a password, a token or a whole secret: type -> paths.
SECRET_PROPERTIES: dict[str, tuple[str, ...]] = {
    "AWS::RDS::DBInstance": ("MasterUserPassword",),
    "AWS::RDS::DBCluster": ("MasterUserPassword",),
    "AWS::Redshift::Cluster": ("MasterUserPassword",),
    "AWS::RedshiftServerless::Namespace": ("AdminUserPassword",),
    "AWS::DocDB::DBCluster": ("MasterUserPassword",),
    "AWS::Lightsail::Database": ("MasterUserPassword",),
    "AWS::ElastiCache::ReplicationGroup": ("AuthToken",),
    "AWS::ElastiCache::User": ("Passwords.*",),
    "AWS::MemoryDB::User": ("AuthenticationMode.Passwords.*",),
    "AWS::AmazonMQ::Broker": ("Users.*.Password",),
    "AWS::DMS::Endpoint": ("Password",),
    "AWS::DirectoryService::MicrosoftAD": ("Password",),
    "AWS::DirectoryService::SimpleAD": ("Password",),
    "AWS::OpenSearchService::Domain": ("AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword",),
    "AWS::Elasticsearch::Domain": ("AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword",),
    "AWS::IAM::User": ("LoginProfile.Password",),
    "AWS::Amplify::App": ("AccessToken", "OauthToken", "BasicAuthConfig.Password"),
    "AWS::Amplify::Branch": ("BasicAuthConfig.Password",),
    "AWS::CodeBuild::SourceCredential": ("Token",),
    "AWS::SecretsManager::Secret": ("SecretString",),
    "aws_db_instance": ("password",),
    "aws_rds_cluster": ("master_password",),
    "aws_redshift_cluster": ("master_password",),
    "aws_redshiftserverless_namespace": ("admin_user_password",),
    "aws_docdb_cluster": ("master_password",),
    "aws_neptune_cluster": ("master_password",),
    "aws_lightsail_database": ("master_password",),
    "aws_elasticache_replication_group": ("auth_token",),
    "aws_elasticache_user": ("passwords.*",),
    "aws_memorydb_user": ("authentication_mode.*.passwords.*",),
    "aws_mq_broker": ("user.*.password",),
    "aws_dms_endpoint": ("password",),
    "aws_directory_service_directory": ("password",),
    "aws_opensearch_domain": ("advanced_security_options.*.master_user_options.*.master_user_password",),
    "aws_elasticsearch_domain": ("advanced_security_options.*.master_user_options.*.master_user_password",),
    "aws_amplify_app": ("access_token", "oauth_token", "basic_auth_credentials"),
    "aws_amplify_branch": ("basic_auth_credentials",),
    "aws_codebuild_source_credential": ("token",),
    "aws_secretsmanager_secret_version": ("secret_string",),
}
MAX_FINDINGS = 500  # per document


class NoPlaintextSecrets(RuleKind):
    kind = "no-plaintext-secrets"
    parameters = {"placeholders": {"type": "array", "items": {"type": "string"}}}

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        placeholders = tuple(ctx.params.get("placeholders", DEFAULT_PLACEHOLDERS))
        seen: set[Path] = set()
        hits = [*self._environment(doc, placeholders), *self._ssm(doc, placeholders),
                *self._properties(doc, placeholders)]
        for hit in hits[:MAX_FINDINGS]:
            if hit.path not in seen:  # a parameter's default used twice is one secret
                seen.add(hit.path)
                yield hit

    def _environment(self, doc: Document, placeholders: tuple[str, ...]) -> Iterable[Hit]:
        for variable in variables(doc):
            for written in written_texts(doc, variable.value):
                why = _why(variable.name, written.text, placeholders)
                if why:
                    yield _hit(doc, variable.path, variable.value, written, variable.resource,
                               f"{variable.shown} {variable.name} of {variable.of}", why, variable.name)

    def _ssm(self, doc: Document, placeholders: tuple[str, ...]) -> Iterable[Hit]:
        for resource in doc.resources():
            paths = SSM_PARAMETERS.get(resource.type)
            if paths is None:
                continue
            type_path, value_path, name_path = paths
            kinds = resolve(resource.properties, type_path)
            if kinds and all(k == "SecureString" for k, _ in kinds):
                yield from self._secure_string(doc, resource, value_path, placeholders)
                continue
            if not kinds or not all(isinstance(k, str) and k in PLAIN_SSM_TYPES for k, _ in kinds):
                continue  # a type known only when deployed
            # The name as written, ${...} and all: its last words are what it says.
            names = [text for value, _ in resolve(resource.properties, name_path)
                     for text, _ in possible_strings(value, ())]
            name = names[0] if names else resource.logical_id.rsplit(".", 1)[-1]
            for value, where in resolve(resource.properties, value_path):
                for written in written_texts(doc, value):
                    why = _why(name, written.text, placeholders)
                    if why:
                        yield _hit(doc, resource.path + ("Properties",) + where, value, written, resource,
                                   f"{value_path} of SSM parameter {resource.logical_id} "
                                   f"(a {kinds[0][0]} parameter, not a SecureString)",
                                   why, value_path)

    def _secure_string(self, doc: Document, resource: Resource, value_path: str,
                       placeholders: tuple[str, ...]) -> Iterable[Hit]:
        """A SecureString is encrypted in AWS, not in the repository: its value written here
        (Terraform can; CloudFormation cannot make one) is a secret in plain text, unless
        Terraform is told to leave the value to whoever sets it outside (``ignore_changes``)."""
        if _ignores_changes(resource, value_path):
            return
        for value, where in resolve(resource.properties, value_path):
            for written in written_texts(doc, value):
                if plain_value(written.text, placeholders):
                    yield _hit(doc, resource.path + ("Properties",) + where, value, written, resource,
                               f"{value_path} of SecureString parameter {resource.logical_id}",
                               "a SecureString is encrypted in AWS, not where its value is written",
                               value_path)

    def _members(self, doc: Document, resource: Resource, value: dict[str, Any], where: Path,
                 shown: str, placeholders: tuple[str, ...], text: Any = None) -> Iterable[Hit]:
        """Each member of a secret written as a map; ``text``: the JSON text it was read from,
        whose place (and lines) its members' findings take."""
        for key, member in list(value.items())[:MAX_FINDINGS]:
            for written in written_texts(doc, member):
                why = _why(str(key), written.text, placeholders)
                if why:
                    at = resource.path + ("Properties",) + where + (() if text is not None else (key,))
                    yield _hit(doc, at, member if text is None else text, written, resource,
                               f"{shown} member {key} of {resource.logical_id}", why, f"{shown}.{key}")

    def _properties(self, doc: Document, placeholders: tuple[str, ...]) -> Iterable[Hit]:
        for resource in doc.resources():
            for path in SECRET_PROPERTIES.get(resource.type, ()):
                shown = path.replace(".*", "")
                for value, where in resolve(resource.properties, path):
                    parsed = _json_object(value) if path in WHOLE_SECRETS else None
                    if parsed is not None:
                        # A secret written as JSON text ('{"password": "..."}'): judged member by
                        # member, as the same map written with jsonencode({...}) is.
                        yield from self._members(doc, resource, parsed, where, shown, placeholders, value)
                        continue
                    if isinstance(value, dict) and intrinsic(value) is None:
                        # A whole secret written as a map (secret_string = jsonencode({...})):
                        # each member whose name says secret; basic_auth_credentials likewise.
                        yield from self._members(doc, resource, value, where, shown, placeholders)
                        continue
                    for written in written_texts(doc, value):
                        if plain_value(written.text, placeholders):
                            shape = credential_shape(written.text)
                            why = f"the value is shaped like {shape}" if shape else \
                                "the property holds a secret"
                            yield _hit(doc, resource.path + ("Properties",) + where, value, written, resource,
                                       f"{shown} of {resource.logical_id}", why, shown)


# Properties that hold a whole secret, which may be JSON text of several members.
WHOLE_SECRETS = ("SecretString", "secret_string")


def _json_object(value: Any) -> dict[str, Any] | None:
    """A JSON object written as text (bounded), or None."""
    if not isinstance(value, str) or not value.lstrip().startswith("{") or len(value) > 64 * 1024:
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _ignores_changes(resource: Resource, path: str) -> bool:
    """Terraform's ``lifecycle { ignore_changes = [value] }`` (or ``all``): the value written
    is a stand-in, and the real one is set outside Terraform."""
    for rule in as_list(resource.properties.get("lifecycle"))[:10]:
        ignored = rule.get("ignore_changes") if isinstance(rule, dict) else None
        names = {str(v.get(UNKNOWN, v)) if isinstance(v, dict) else str(v) for v in as_list(ignored)[:100]}
        if ignored == "all" or names & {path, "all"}:
            return True
    return False


def _why(name: str, text: str, placeholders: tuple[str, ...]) -> str | None:
    """Why a literal under this name is a secret, or None when it is not one."""
    shape = credential_shape(text)
    if shape:
        return f"the value is shaped like {shape}"
    if secret_by_name(name, text, placeholders):
        return "its name says it is a secret"
    return None


def _hit(doc: Document, path: Path, value: Any, written: Written, resource: Resource, what: str,
         why: str, where: str) -> Hit:
    """A finding that names the secret's place, never its value. A value the model merged
    from elsewhere (SAM Globals) is not at ``path`` in the document: its own lines say where."""
    # Terraform's variables take their value from a default, a tfvars file or a caller: the
    # finding is at that line, and says which variable carries it.
    via = "" if not written.via else f" through {written.via}" if written.via.startswith("var.") \
        else f" through the default of parameter {written.via}"
    lines = None
    if written.path is None and get_path(doc.data, path) is not value and \
            isinstance(value, Marked) and value.start_line > 0:
        lines = (value.start_line, value.end_line)
    return Hit(written.path or path,
               f"{what} is written in plain text{via} ({MASK}): {why}; anyone who can read "
               "the repository or the deployed configuration can read it",
               fingerprint_value(where, written.text), resource.logical_id, lines=lines)
