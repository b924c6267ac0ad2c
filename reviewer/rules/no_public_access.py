"""``no-public-access``: no resource or trust policy lets anyone in.

A statement that allows ``Principal: "*"`` (or ``AWS: "*"``, or a Lambda permission for
``*``) is public unless a condition pins the caller to known principals, networks or
sources. What pins is Amazon S3's published meaning of "public", used for every service: a
fixed value (no wildcard, no policy variable) of aws:SourceIp (a CIDR narrower than the
whole internet), aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceOwner,
aws:SourceAccount, s3:x-amz-server-side-encryption-aws-kms-key-id or aws:userid, and the
principal keys AWS added since (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID,
aws:PrincipalOrgPaths, aws:SourceOrgID, aws:SourceOrgPaths; kms:CallerAccount for keys).
A negated operator, ``...IfExists`` or ``ForAllValues`` lets requests without the key
through, so it pins nothing. A value known only when deployed is neither flagged nor
cleared.

Two more ways strangers get in, reported the same way: a web identity trust for GitHub
Actions (or another OIDC provider) that does not say which ``sub`` may assume the role, and
a service principal on a resource policy without aws:SourceArn or aws:SourceAccount, the
confused-deputy case (a warning: the service may act for another account).
https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
"""

from __future__ import annotations

import ipaddress
from typing import Iterable

from reviewer.engine.access import Access, Condition, read
from reviewer.engine.document import Document
from reviewer.engine.finding import Hit
from reviewer.engine.iam import RESOURCE_POLICY, TRUST, Statement, policy_documents, statements
from reviewer.engine.values import get_path
from reviewer.rules.base import Context, RuleKind

PINNING_KEYS = ("aws:SourceIp", "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceOwner",
                "aws:SourceAccount", "s3:x-amz-server-side-encryption-aws-kms-key-id", "aws:userid",
                "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
                "aws:SourceOrgID", "aws:SourceOrgPaths", "kms:CallerAccount")
# Keys that tie a service's request to this account's own resources (the confused deputy).
SOURCE_KEYS = ("aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceOrgID",
               "aws:SourceOrgPaths", "aws:SourceVpce", "kms:CallerAccount", "kms:ViaService",
               "aws:Referer")  # SES's guide pins its deliveries to S3 with aws:Referer (the account)
# Domains placed in a VPC: reachable from that VPC only, whatever their access policy says
# (AWS's guide recommends an open access policy there, security groups doing the rest).
VPC_DOMAINS = {"AWS::OpenSearchService::Domain": "VPCOptions", "AWS::Elasticsearch::Domain": "VPCOptions",
               "aws_opensearch_domain": "vpc_options", "aws_elasticsearch_domain": "vpc_options"}
_POSITIVE = {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}


class NoPublicAccess(RuleKind):
    kind = "no-public-access"
    parameters = {"pinning_keys": {"type": "array", "items": {"type": "string"}},
                  "source_keys": {"type": "array", "items": {"type": "string"}}}

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        pinning = {k.lower() for k in ctx.params.get("pinning_keys", PINNING_KEYS)}
        sources = {k.lower() for k in ctx.params.get("source_keys", SOURCE_KEYS)}
        parameters = doc.parameters()
        in_vpc = {r.logical_id for r in doc.resources()
                  if r.type in VPC_DOMAINS and r.properties.get(VPC_DOMAINS[r.type])}
        for policy in policy_documents(doc):
            if policy.kind not in (RESOURCE_POLICY, TRUST) or policy.resource in in_vpc:
                continue  # identity policies name no principal; an endpoint's "*" is its VPC's
            for statement in statements(policy, parameters):
                access = read(statement)
                if access.effect != "Allow" or {"Principal", "Effect", "Condition"} & access.unknown \
                        or any(c.unknown for c in access.conditions):
                    continue  # a Deny keeps people out; an unknown is neither flagged nor cleared
                yield from _judge(statement, access, policy.kind, pinning, sources, doc)


def _judge(statement: Statement, access: Access, kind: str, pinning: set[str],
           sources: set[str], doc: Document) -> Iterable[Hit]:
    where = statement.path + (("Principal",) if "Principal" in statement.data else
                              ("NotPrincipal",) if "NotPrincipal" in statement.data else ())
    if statement.document.synthetic:
        # A permission's statement is made from its properties: point at the principal's.
        where = next((statement.document.path + (key,) for key in ("Principal", "principal")
                      if get_path(doc.data, statement.document.path + (key,)) is not None), where)
    resource = statement.document.resource
    principals = access.principals or ()
    pinned = [c for c in access.conditions if _pins(c, pinning)]
    if "*" in principals and not pinned:
        what = "assume this role" if kind == TRUST else _verbs(access)
        who = (f"NotPrincipal lets everyone but {', '.join(access.not_principals[:2])}"
               if access.not_principals is not None else 'Principal "*" lets anyone')
        yield Hit(where, f'{who}, in any AWS account or none, {what}: no '
                         "condition pins the caller to known accounts, an organisation, networks "
                         "or a source; name the principals, or add such a condition "
                         "(aws:PrincipalOrgID, aws:SourceVpce, aws:SourceArn, ...)",
                  "public:" + ",".join(sorted(a.lower() for a in access.actions[:20])), resource)
        return
    if kind == TRUST:
        for principal in principals:
            provider = principal.partition(":")[2]
            if principal.startswith("Federated:") and ("oidc-provider/" in provider or
                                                       provider.startswith("token.actions.")):
                host = provider.split("oidc-provider/")[-1]
                if not any(c.key == f"{host.lower()}:sub" and _fixed_or_scoped(c) for c in access.conditions):
                    yield Hit(where, f"the web identity trust for {host} does not say which subject "
                                     f"({host}:sub) may assume this role: any workflow of any "
                                     "repository the provider serves can; add a StringEquals (or "
                                     "StringLike) condition on the sub claim naming yours",
                              f"oidc-sub:{host.lower()}", resource)
        return
    services = [p.partition(":")[2] for p in principals if p.startswith("Service:")]
    if services and not any(c.key in sources and not c.if_exists and c.operator in _POSITIVE
                            for c in access.conditions):
        yield Hit(where, f"the service principal {', '.join(services[:2])} may act here for any "
                         "AWS account (the confused deputy): add aws:SourceArn or aws:SourceAccount "
                         "naming this account's own resources",
                  "deputy:" + ",".join(sorted(s.lower() for s in services)), resource, severity="warning")


def _pins(condition: Condition, pinning: set[str]) -> bool:
    """Does this condition hold the caller to fixed, known values of a pinning key?"""
    if condition.key not in pinning or condition.if_exists or condition.qualifier == "forallvalues":
        return False
    if condition.operator not in _POSITIVE or not condition.values:
        return False
    if condition.key == "aws:sourceip":
        return condition.operator == "ipaddress" and all(_narrow_network(v) for v in condition.values)
    if condition.key == "aws:userid":
        # "AROLEID:*" is every session of a role: S3 treats only fixed ids as non-public.
        return all("*" not in v and "?" not in v for v in condition.values)
    return all(_fixed(v) for v in condition.values)


def _fixed(value: str) -> bool:
    return bool(value) and "*" not in value and "?" not in value and "${" not in value


def _fixed_or_scoped(condition: Condition) -> bool:
    """A sub condition that names its subjects: for GitHub, ``repo:<owner>/...`` with the
    owner written out (a wildcard after it is a choice of repositories or branches, not a
    hole); for another provider, a value that does not start with a wildcard."""
    if condition.if_exists or condition.operator not in _POSITIVE or not condition.values:
        return False
    for value in condition.values:
        if value.startswith("repo:"):
            owner, slash, _ = value[len("repo:"):].partition("/")
            if not slash or not owner or "*" in owner or "?" in owner:
                return False
        elif not value or value[0] in "*?":
            return False
    return True


def _narrow_network(value: str) -> bool:
    try:
        return ipaddress.ip_network(value, strict=False).prefixlen > 0
    except ValueError:
        return False


def _verbs(access: Access) -> str:
    shown = ", ".join(access.actions[:3]) or "every action but " + ", ".join((access.not_actions or ())[:3])
    return f"call {shown}" + (" and more" if len(access.actions) > 3 else "")
