"""``account-separation``: each stage lives in its own AWS account, and says so.

A dev role trusted by prod, or a prod ARN in a dev parameter file, joins two accounts that
were separated so that a mistake in one cannot reach the other.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path as FilePath
from typing import Any, Iterable

from reviewer.engine.decode import planned_str
from reviewer.engine.document import PARAMETERS, Document
from reviewer.engine.finding import Hit, Path
from reviewer.engine.iam import RESOURCE_POLICY, TRUST, Statement, policy_documents, statements
from reviewer.engine.values import get_path, intrinsic, possible_strings, referenced_names, walk_strings
from reviewer.rules.base import Context, Organisation, RuleKind

ACCOUNT_ID = re.compile(r"(?<![\d.])(\d{12})(?![\d.])")
_ARN_ACCOUNT = re.compile(r"arn:[^:\s]*:[^:\s]*:[^:\s]*:(\d{12})(?::|$)")
_ROOT = re.compile(r"^(?:arn:[^:]+:iam::(\d{12}):root|(\d{12}))$")
# Keys whose values hold account ids (Lambda permission, conditions, parameters).
_ACCOUNT_KEYS = re.compile(r"account|principal|aws$", re.IGNORECASE)
# A Serverless Application Repository application: the account is its publisher's.
_SAR_APPLICATION = re.compile(r"arn:[^:\s]*:serverlessrepo:[^:\s]*:(\d{12}):applications/")
# Metadata a program reads (cfn-init's instructions), unlike the rest of Metadata.
_CONFIGURATION_METADATA = ("AWS::CloudFormation::Init",)
KEY_TYPES = ("AWS::KMS::Key", "AWS::KMS::ReplicaKey")


class AccountSeparation(RuleKind):
    kind = "account-separation"

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        org = ctx.organisation
        stage = stage_of(doc, org)
        hits: dict[tuple[Path, str], Hit] = {}
        for hit in _trust_hits(doc, org, stage):
            hits.setdefault((hit.path, hit.value), hit)
        if org.accounts:
            for account, path in _account_ids(doc):
                owned, part = _stage_part(doc, path, org)
                hit = _judge(account, path, org, part or stage, doc, owned=owned)
                if hit and hit.value.startswith("hardcoded:") and isinstance(get_path(doc.data, path), planned_str):
                    continue  # a plan writes out the account it deploys to; nobody wrote it
                if hit:
                    hits.setdefault((path, hit.value), hit)
        return list(hits.values())


def stage_of(doc: Document, org: Organisation) -> str | None:
    """The stage a file is for: its stage parameter's value, or a stage named in its path."""
    if doc.kind == PARAMETERS:
        value = doc.data.get(org.stage_parameter)
        if isinstance(value, str) and value in org.accounts:
            return value
    tokens = {t.lower() for t in re.split(r"[/\\._-]", doc.path)}
    named = [s for s in org.stages if s.lower() in tokens]
    return named[0] if len(named) == 1 else None


@lru_cache(maxsize=1)
def service_accounts() -> dict[str, str]:
    """AWS's own service accounts (data/aws-service-accounts.yml): account id -> what it is,
    e.g. "Elastic Load Balancing log delivery (eu-west-1)"."""
    import yaml

    # Beside this module, as the engine's data files (importlib.resources slows a cold start).
    text = (FilePath(__file__).parent / "data" / "aws-service-accounts.yml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {str(account): f"{service['name']} ({region})"
            for service in data.values() for region, account in service["accounts"].items()}


def is_human_text(path: Path) -> bool:
    """Is this value prose for people (a description, Metadata), where a 12-digit number is
    an example and not a reference? cfn-init's instructions in Metadata are configuration."""
    if path[:1] == ("Metadata",):
        return True
    if len(path) > 2 and path[0] == "Resources" and path[2] == "Metadata":
        return path[3:4] != _CONFIGURATION_METADATA
    # Position 1 is a logical id or parameter name, which may be called anything.
    return any(isinstance(key, str) and key.lower().endswith("description")
               for index, key in enumerate(path) if index != 1)


def _publishers(text: str, path: Path) -> set[str]:
    """Accounts that publish a Serverless Application Repository application the template
    deploys: the publisher's account is where the code comes from, not one the stack
    reaches. Inside a policy statement the same ARN is a grant, and is judged."""
    if "Statement" in path:
        return set()
    return set(_SAR_APPLICATION.findall(text))


def _account_ids(doc: Document) -> Iterable[tuple[str, Path]]:
    for text, path in walk_strings(doc.data):
        if doc.kind != PARAMETERS and is_human_text(path):
            continue
        key = next((k for k in reversed(path) if isinstance(k, str) and not k.startswith("Fn::")), "")
        candidates = set(_ARN_ACCOUNT.findall(text)) - _publishers(text, path)
        if ACCOUNT_ID.fullmatch(text.strip()) and (
                _ACCOUNT_KEYS.search(key) or doc.kind == PARAMETERS or "Condition" in path):
            candidates.add(text.strip())
        if "Principal" in path or "Condition" in path:
            candidates.update(ACCOUNT_ID.findall(text))
        for account in sorted(candidates):
            yield account, path


def _stage_part(doc: Document, path: Path, org: Organisation) -> tuple[bool, str | None]:
    """Is this part of the document a stage's values (a Serverless service's ``params.prod``,
    or ``params.default`` for every stage), and which of the organisation's stages?"""
    for prefix, name in doc.stage_parts.items():
        if tuple(path[:len(prefix)]) == tuple(prefix):
            return True, next((s for s in org.stages if s.lower() == str(name).lower()), None)
    return False, None


def _judge(account: str, path: Path, org: Organisation, stage: str | None,
           doc: Document, owned: bool = False) -> Hit | None:
    owner = org.stage_of_account(account)
    if owner is None:
        if account in org.trusted_accounts:
            return None
        if account in service_accounts() and "AssumeRolePolicyDocument" not in path:
            return None  # AWS's own (ELB log delivery), granted where AWS documents it
        return Hit(path, f"account {account} is neither one of the organisation's accounts nor a "
                         "trusted partner; add it to trusted_accounts if it is meant to be here",
                   f"unknown:{account}")
    if stage and owner != stage:
        return Hit(path, f"this {stage} file refers to account {account}, which belongs to "
                         f"{owner}; stages must not reach into each other's accounts",
                   f"cross-stage:{account}")
    if doc.kind == PARAMETERS or owned:
        return None  # a stage's own values are where its own account id belongs
    where = f"the {owner} account" if not stage else "this stage's own account"
    return Hit(path, f"account {account} ({where}) is written out; use ${{AWS::AccountId}} so "
                     "the template deploys to any stage's account",
               f"hardcoded:{account}", severity="warning")


def _trust_hits(doc: Document, org: Organisation, stage: str | None) -> Iterable[Hit]:
    own = org.accounts.get(stage) if stage else None
    parameters = doc.parameters()
    keys = {r.logical_id for r in doc.resources() if r.type in KEY_TYPES}
    in_a_vpc = {r.logical_id for r in doc.resources()
                if r.type in VPC_DOMAINS and r.properties.get(VPC_DOMAINS[r.type])}
    # Terraform's aws_opensearch_domain_policy: the access policy of the domain it names.
    in_a_vpc |= {r.logical_id for r in doc.resources() if r.type in DOMAIN_POLICIES
                 and referenced_names(r.properties.get(DOMAIN_POLICIES[r.type])) & in_a_vpc}
    # ... and a policy document such a domain (or its policy) takes its access policy from.
    in_a_vpc |= {name for r in doc.resources() if r.logical_id in in_a_vpc
                 for name in referenced_names(r.properties)}
    for policy in policy_documents(doc):
        if policy.kind not in (TRUST, RESOURCE_POLICY):
            continue
        found = statements(policy, parameters)
        # The private-API pattern: Allow "*", then Deny "*" unless a condition holds (the
        # request comes through our VPC endpoint, from our organisation): the Deny gates it.
        # A search domain inside a VPC is reached only through its security groups: an
        # open access policy is the usual one there (OpenSearch's guide), not a trust in "*".
        gated = policy.resource in in_a_vpc or \
            any(_denies_everyone_unless(s, parameters) for s in found)
        for statement in found:
            auth = _function_url_auth(statement)
            open_url = auth == "NONE"
            if not statement.allows or (statement.has_condition and auth is None):
                continue
            if "NotPrincipal" in statement.data:
                yield Hit(statement.path + ("NotPrincipal",),
                          "Allow with NotPrincipal trusts everyone but the principals listed; "
                          "name the principals instead", "trust:notprincipal", policy.resource)
            for principal, path in _aws_principals(statement.data.get("Principal"),
                                                   statement.path + ("Principal",), parameters):
                if principal == "*":
                    if gated:
                        continue
                    if open_url:
                        yield Hit(path, 'the permission lets anyone ("*") call the function URL '
                                        "without signing the request (its auth type is NONE): a "
                                        "public endpoint; use the AWS_IAM auth type unless the "
                                        "function is meant for the whole internet",
                                  "trust:*", policy.resource)
                        continue
                    yield Hit(path, 'the policy trusts "*" (anyone) without a condition; name '
                                    "the principals, or add a condition such as aws:PrincipalOrgID",
                              "trust:*", policy.resource)
                    continue
                root = _ROOT.match(principal)
                account = root and (root.group(1) or root.group(2))
                if account and _foreign(account, own, org, policy.kind):
                    yield Hit(path, _root_message(account, policy.resource in keys),
                              f"trust-root:{account}", policy.resource)


# Search domains placed in a VPC, by the property that places them there.
VPC_DOMAINS = {"AWS::OpenSearchService::Domain": "VPCOptions", "AWS::Elasticsearch::Domain": "VPCOptions",
               "aws_opensearch_domain": "vpc_options", "aws_elasticsearch_domain": "vpc_options"}


DOMAIN_POLICIES = {"aws_opensearch_domain_policy": "domain_name",
                   "aws_elasticsearch_domain_policy": "domain_name"}


def _function_url_auth(statement: Statement) -> str | None:
    """A Lambda permission's function URL auth type, when it is the statement's only
    condition: it says how the function is called (NONE: unsigned, from anywhere), not who
    may call it, so it narrows no principal."""
    condition = statement.data.get("Condition")
    if not isinstance(condition, dict) or set(condition) != {"FunctionUrlAuthType"}:
        return None
    return str(condition["FunctionUrlAuthType"]).upper()


def _denies_everyone_unless(statement: Statement, parameters: dict[str, Any]) -> bool:
    """A Deny for every principal that a condition lifts."""
    if "Deny" not in statement.effects or not statement.has_condition:
        return False
    principals = _aws_principals(statement.data.get("Principal"), statement.path, parameters)
    return any(p == "*" for p, _ in principals)


def _root_message(account: str, key_policy: bool) -> str:
    if not key_policy:
        return (f"the policy trusts the whole account {account} without a condition; trust a "
                "named role, or add a condition (sts:ExternalId, aws:PrincipalArn)")
    # Whether the account is the key's own is the organisation's to say, not the template's.
    return (f"the key policy gives the whole account {account} the key without a condition. "
            "If that is the key's own account, this is AWS's default key policy statement "
            "(the account's IAM policies decide): write ${AWS::AccountId}, or list the account "
            "in organisation.accounts; if not, name the roles, or add a condition (aws:PrincipalArn)")


def _foreign(account: str, own: str | None, org: Organisation, kind: str) -> bool:
    """Is trusting this whole account a trust in someone else's? Not the stage's own
    account, nor one of the organisation's (another stage's account is reported as
    cross-stage, and with no stage known the rule does not guess), nor an AWS service
    account in a resource policy (a log bucket trusting ELB's account is AWS's recipe)."""
    if account == own or account in org.accounts.values():
        return False
    return not (kind == RESOURCE_POLICY and account in service_accounts())


def _aws_principals(node: Any, path: Path, parameters: dict[str, Any]) -> list[tuple[str, Path]]:
    """AWS principals of a statement: ``"*"``, or the values under ``AWS``.

    Service and federated principals (``{Service: ...}``) are not accounts and are skipped.
    """
    if isinstance(node, dict) and "AWS" in node:
        aws = node["AWS"]
        items = [(item, path + ("AWS", i)) for i, item in enumerate(aws)] if isinstance(aws, list) \
            else [(aws, path + ("AWS",))]
    elif isinstance(node, str) or intrinsic(node):
        items = [(node, path)]
    else:
        return []
    return [(s.strip(), p) for item, item_path in items
            for s, p in possible_strings(item, item_path, parameters)]
