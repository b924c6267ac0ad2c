"""``encryption-in-transit``: data travels encrypted, at a TLS version the organisation accepts.

As AWS Security Hub checks it (S3.5 for buckets, ELB.1 and ELB.17 for load balancers) and as
SNS's and SQS's security best practices say: a bucket, topic or queue has a resource policy
that denies every request made without TLS (a ``Deny`` with ``Bool``/``BoolIfExists``
``aws:SecureTransport`` ``false``); an HTTPS or TLS listener, and an API Gateway custom
domain, uses a security policy whose lowest TLS version is the organisation's minimum or
higher; a plain HTTP listener redirects to HTTPS (or answers with a fixed response) and
forwards nothing. A policy, target or setting known only when deployed is neither flagged
nor cleared.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from reviewer.engine.document import TEMPLATE, Document, Resource
from reviewer.engine.finding import Hit
from reviewer.engine.iam import Statement, policy_documents, statements
from reviewer.engine.values import intrinsic, possible_strings, referenced_names
from reviewer.rules.base import Context, RuleKind
from reviewer.rules.match_conditions import resolve

# What must deny plain requests: type -> what it is called, and the policy property of the
# resource itself (Terraform's inline ``policy``), if any.
HOLDERS: dict[str, tuple[str, str | None]] = {
    "AWS::S3::Bucket": ("S3 bucket", None), "aws_s3_bucket": ("S3 bucket", "policy"),
    "AWS::SQS::Queue": ("SQS queue", None), "aws_sqs_queue": ("SQS queue", "policy"),
    "AWS::SNS::Topic": ("SNS topic", None), "aws_sns_topic": ("SNS topic", "policy"),
}
# Policies for them: type -> (path of the target(s), path of the policy document).
POLICIES: dict[str, tuple[str, str]] = {
    "AWS::S3::BucketPolicy": ("Bucket", "PolicyDocument"),
    "AWS::SQS::QueuePolicy": ("Queues.*", "PolicyDocument"),
    "AWS::SNS::TopicPolicy": ("Topics.*", "PolicyDocument"),
    "aws_s3_bucket_policy": ("bucket", "policy"),
    "aws_sqs_queue_policy": ("queue_url", "policy"),
    "aws_sns_topic_policy": ("arn", "policy"),
}
# The names buckets give themselves, by which a policy may name them.
NAMES = {"AWS::S3::Bucket": "BucketName", "aws_s3_bucket": "bucket"}
# Listeners: type -> (protocol, TLS policy, default actions, action type, redirect protocol).
LISTENERS: dict[str, tuple[str, str, str, str, str]] = {
    "AWS::ElasticLoadBalancingV2::Listener": ("Protocol", "SslPolicy", "DefaultActions.*", "Type",
                                              "RedirectConfig.Protocol"),
    "aws_lb_listener": ("protocol", "ssl_policy", "default_action.*", "type", "redirect.*.protocol"),
    "aws_alb_listener": ("protocol", "ssl_policy", "default_action.*", "type", "redirect.*.protocol"),
}
# API Gateway custom domains (REST APIs; HTTP and WebSocket APIs accept TLS 1.2 only).
DOMAINS = {"AWS::ApiGateway::DomainName": "SecurityPolicy",
           "aws_api_gateway_domain_name": "security_policy"}
# The lowest TLS version a security policy accepts, read from its name: ELB's
# (ELBSecurityPolicy-TLS13-1-2-2021-06, ELBSecurityPolicy-FS-1-1-2019-08), API Gateway's
# (TLS_1_0, SecurityPolicy_TLS13_1_3_2025_09). ELB's oldest names say no version: TLS 1.0.
_VERSION = re.compile(r"(?:TLS13|TLS|FS)[-_]1[-_]([0-3])(?![0-9])", re.IGNORECASE)
_TLS10_POLICIES = re.compile(r"^ELBSecurityPolicy-(?:2016-08|2015-05|2015-03|2015-02|2014-10|2014-01|"
                             r"2011-08|FS-2018-06)$")
DEFAULT_MINIMUM = "1.2"


def lowest_tls(policy: str) -> str | None:
    """The lowest TLS version a named security policy accepts, or None when the name is
    not one we know how to read."""
    text = policy[:200]
    if _TLS10_POLICIES.match(text):
        return "1.0"
    match = _VERSION.search(text)
    return f"1.{match.group(1)}" if match else None


def denies_plain_requests(statement: Statement) -> bool | None:
    """Does the statement deny requests made without TLS? None when deploy time decides."""
    effect, condition = statement.data.get("Effect"), statement.data.get("Condition")
    if intrinsic(effect) is not None or intrinsic(condition) is not None:
        return None
    if effect != "Deny" or not isinstance(condition, dict):
        return False
    for operator, keys in condition.items():
        if str(operator).lower() not in ("bool", "boolifexists") or not isinstance(keys, dict):
            continue
        for key, value in keys.items():
            values = value if isinstance(value, list) else [value]
            if str(key).lower() == "aws:securetransport" and any(str(v).lower() == "false" for v in values):
                return True
    return False


class EncryptionInTransit(RuleKind):
    kind = "encryption-in-transit"
    parameters = {"minimum_tls": {"enum": ["1.0", "1.1", "1.2", "1.3"]}}

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        minimum = str(ctx.params.get("minimum_tls", DEFAULT_MINIMUM))
        for resource in doc.resources():
            if resource.type in LISTENERS:
                yield from _listener(resource, LISTENERS[resource.type], minimum)
            elif resource.type in DOMAINS:
                yield from _domain(resource, DOMAINS[resource.type], minimum)


    def check_project(self, docs: list[Document], ctx: Context) -> Iterable[tuple[Document, Hit]]:
        # A Terraform policy may be for a bucket of a module it calls (bucket =
        # module.logs.bucket_id): that module's buckets are then neither flagged nor cleared.
        templates = [doc for doc in docs if doc.kind == TEMPLATE]
        elsewhere = {prefix for doc in templates for prefix in _module_targets(doc.resources())}
        for doc in templates:
            for hit in _plain_requests(doc, doc.resources(), elsewhere):
                yield doc, hit


def _module_targets(resources: list[Resource]) -> set[str]:
    """The module instances (``module.logs.``) whose outputs a policy here is for."""
    out: set[str] = set()
    for resource in resources:
        paths = POLICIES.get(resource.type)
        if paths is None:
            continue
        at = resource.logical_id.rfind(resource.type + ".")
        prefix = resource.logical_id[:at] if at > 0 else ""
        for value, _ in resolve(resource.properties, paths[0]):
            found = intrinsic(value)
            # A module's output is read as an import (Fn::ImportValue "module.logs.bucket_id").
            names = referenced_names(value) if found is not None else set()
            if found is not None and found[0] == "Fn::ImportValue" and isinstance(found[1], str):
                names.add(found[1])
            for name in names:
                if name.startswith("module."):
                    module = _INDEX.sub("", name).split(".")[1]
                    out.add(f"{prefix}module.{module}.")
    return out


_INDEX = re.compile(r"\[[^\]]{0,100}\]")


def _plain_requests(doc: Document, resources: list[Resource], elsewhere: set[str]) -> Iterable[Hit]:
    by_holder: dict[str, list[Statement]] = {}
    parameters = doc.parameters()
    for policy in policy_documents(doc):
        if policy.resource:
            by_holder.setdefault(policy.resource, []).extend(statements(policy, parameters))
    holders = {r.logical_id for r in resources if r.type in HOLDERS}
    # A bucket policy may name its bucket as the bucket names itself (the same !Sub text).
    named = {text: r.logical_id for r in resources if r.type in NAMES
             for value, _ in resolve(r.properties, NAMES[r.type]) for text, _ in possible_strings(value, ())}
    verdict: dict[str, bool | None] = {}  # holder -> denies plain requests (None: unknown)
    # A policy whose target is not known here may be any holder's; so may one that a module or
    # an included snippet brings in when deployed.
    unlinked = _open_ended(doc)
    for resource in resources:
        paths = POLICIES.get(resource.type)
        if paths is None:
            continue
        targets = [v for v, _ in resolve(resource.properties, paths[0])]
        names = {n for v in targets for n in (referenced_names(v) if intrinsic(v) is not None else set())}
        names |= {named[t] for v in targets for t, _ in possible_strings(v, ()) if t in named}
        if not targets or not names & holders:
            unlinked = unlinked or bool(targets)
            continue
        found = _denies(resource, paths[1], by_holder)
        for name in names & holders:
            verdict[name] = _either(verdict.get(name, False), found)
    for resource in resources:
        kind = HOLDERS.get(resource.type)
        if kind is None:
            continue
        own = _denies(resource, kind[1], by_holder) if kind[1] else False
        result = _either(verdict.get(resource.logical_id, False), own)
        if any(resource.logical_id.startswith(prefix) for prefix in elsewhere):
            continue  # a policy in the module's caller may be its
        if result is False and not unlinked:
            word = POLICY_WORDS.get(resource.type, "policy")
            yield Hit(resource.path + ("Type",),
                      f"{kind[0]} {resource.logical_id} has no {word} that denies requests made "
                      "without TLS (a Deny with Bool aws:SecureTransport false): it accepts "
                      "plain HTTP", "no-tls-deny", resource.logical_id)


def _open_ended(doc: Document) -> bool:
    """Whether the template holds resources only deploy time knows: an ``Fn::Transform``
    among its resources (an AWS::Include snippet), a registry module (``...::MODULE``), or a
    resource whose type is a tool's tag (Rain's ``!Rain::Module``)."""
    resources = doc.data.get("Resources") if isinstance(doc.data, dict) else None
    if not isinstance(resources, dict):
        return False
    if "Fn::Transform" in resources:
        return True
    for body in list(resources.values())[:5000]:
        kind = body.get("Type") if isinstance(body, dict) else None
        if kind is not None and (not isinstance(kind, str) or kind.upper().endswith("::MODULE")):
            return True
    return False


POLICY_WORDS = {"AWS::S3::Bucket": "AWS::S3::BucketPolicy", "AWS::SQS::Queue": "AWS::SQS::QueuePolicy",
                "AWS::SNS::Topic": "AWS::SNS::TopicPolicy", "aws_s3_bucket": "policy or aws_s3_bucket_policy",
                "aws_sqs_queue": "policy or aws_sqs_queue_policy",
                "aws_sns_topic": "policy or aws_sns_topic_policy"}


def _either(a: bool | None, b: bool | None) -> bool | None:
    """True when either denies; unknown when neither does and one is unknown."""
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


def _denies(resource: Resource, path: str, by_holder: dict[str, list[Statement]]) -> bool | None:
    """Does the policy at ``path`` (written there, or a policy document it refers to) deny
    plain requests?"""
    found = resolve(resource.properties, path)
    if not found:
        return False
    held = list(by_holder.get(resource.logical_id, []))
    for value, _ in found:
        if isinstance(value, dict) and intrinsic(value) is not None:
            names = referenced_names(value) & set(by_holder)
            if not names:
                return None  # a policy made elsewhere or at deploy time
            for name in names:
                held.extend(by_holder[name])
    answers = [denies_plain_requests(s) for s in held]
    return True if True in answers else (None if None in answers or not held else False)


def _literal(resource: Resource, path: str) -> list[Any]:
    return [v for v, _ in resolve(resource.properties, path)]


def _listener(resource: Resource, paths: tuple[str, str, str, str, str], minimum: str) -> Iterable[Hit]:
    protocol_path, policy_path, actions_path, type_path, redirect_path = paths
    protocols = _literal(resource, protocol_path)
    if len(protocols) != 1 or not isinstance(protocols[0], str):
        return
    protocol = protocols[0].upper()
    if protocol in ("HTTPS", "TLS"):
        yield from _tls_policy(resource, policy_path, minimum, "listener")
    elif protocol == "HTTP":
        actions = [a for a, _ in resolve(resource.properties, actions_path)]
        kinds = [(_literal_of(a, type_path), _redirect_protocol(a, redirect_path)) for a in actions]
        if not kinds or any(k is None or (str(k).lower() == "redirect" and r is None) for k, r in kinds):
            return  # actions, or where they redirect, decided at deploy time
        forwards = any(str(k).lower() == "forward" for k, _ in kinds)
        stays = any(str(k).lower() == "redirect" and str(r).upper() != "HTTPS" for k, r in kinds)
        if forwards or stays:
            what = "forward requests instead of redirecting them to HTTPS" if forwards else \
                "redirect requests without moving them to HTTPS (a redirect keeps the request's protocol unless it names HTTPS)"
            yield Hit(resource.path + ("Properties", protocol_path),
                      f"listener {resource.logical_id} serves plain HTTP: its {actions_path.split('.')[0]} {what}",
                      "http-no-redirect", resource.logical_id)


def _literal_of(node: Any, path: str) -> Any:
    found = [v for v, _ in resolve(node, path)]
    value = found[0] if found else None
    return value if isinstance(value, str) else None


def _redirect_protocol(node: Any, path: str) -> str | None:
    """Where a redirect sends requests: as written, ELB's default ``#{protocol}`` (the
    request's own) when not written, None when only deploy time knows."""
    found = [v for v, _ in resolve(node, path)]
    if not found:
        return "#{protocol}"
    return found[0] if isinstance(found[0], str) else None


def _domain(resource: Resource, path: str, minimum: str) -> Iterable[Hit]:
    yield from _tls_policy(resource, path, minimum, "custom domain")


def _tls_policy(resource: Resource, path: str, minimum: str, what: str) -> Iterable[Hit]:
    found = _literal(resource, path)
    if not found:
        if what == "custom domain":
            yield Hit(resource.path + ("Type",),
                      f"{what} {resource.logical_id} sets no {path}: set a policy whose lowest TLS "
                      f"version is {minimum} or higher", "tls:unset", resource.logical_id)
        return  # a listener without one gets ELB's default policy, which changes over time
    value = found[0]
    if not isinstance(value, str):
        return
    lowest = lowest_tls(value)
    if lowest is not None and lowest < minimum:
        yield Hit(resource.path + ("Properties", path),
                  f"{what} {resource.logical_id} accepts TLS {lowest} ({path} {value[:200]}); the "
                  f"organisation's minimum is TLS {minimum}", f"tls:{value[:200]}", resource.logical_id)
