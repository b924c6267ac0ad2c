"""``encryption-at-rest``: tables, buckets, queues and topics say how they are encrypted."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from reviewer.engine.document import TEMPLATE, Document
from reviewer.engine.finding import Hit
from reviewer.engine.values import get_path
from reviewer.rules.base import Context, RuleKind


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true") or (
        isinstance(value, dict) and bool(value))  # an intrinsic: decided at deploy time


def _present(value: Any) -> bool:
    return value is not None


# type -> (what is missing, test on the resource's properties)
CHECKS: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "AWS::DynamoDB::Table": ("SSESpecification.SSEEnabled: true",
                             lambda p: _truthy(get_path(p, ("SSESpecification", "SSEEnabled")))),
    "AWS::DynamoDB::GlobalTable": ("SSESpecification.SSEEnabled: true",
                                   lambda p: _truthy(get_path(p, ("SSESpecification", "SSEEnabled")))),
    "AWS::Serverless::SimpleTable": ("SSESpecification.SSEEnabled: true",
                                     lambda p: _truthy(get_path(p, ("SSESpecification", "SSEEnabled")))),
    "AWS::S3::Bucket": ("BucketEncryption",
                        lambda p: _present(p.get("BucketEncryption"))),
    "AWS::SQS::Queue": ("KmsMasterKeyId or SqsManagedSseEnabled: true",
                        lambda p: _present(p.get("KmsMasterKeyId")) or _truthy(p.get("SqsManagedSseEnabled"))),
    "AWS::SNS::Topic": ("KmsMasterKeyId", lambda p: _present(p.get("KmsMasterKeyId"))),
}


class EncryptionAtRest(RuleKind):
    kind = "encryption-at-rest"

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        for resource in doc.resources():
            check = CHECKS.get(resource.type)
            if check and not check[1](resource.properties):
                yield Hit(resource.path + ("Type",),
                          f"{resource.type.split('::')[-1]} {resource.logical_id} is not "
                          f"encrypted at rest: set {check[0]}",
                          "encryption", resource.logical_id)
