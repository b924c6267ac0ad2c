"""``key-rotation``: keys and secrets that can rotate themselves do.

A symmetric customer-managed KMS key (key spec ``SYMMETRIC_DEFAULT``, or none: the default)
with its key material in KMS rotates it yearly once automatic rotation is on; without it,
one key material protects everything ever encrypted under the key. Asymmetric and HMAC keys,
imported key material and custom key stores cannot rotate automatically and are not judged.
Where the organisation asks for it (``secrets: true``), a Secrets Manager secret must have a
rotation schedule: an ``AWS::SecretsManager::RotationSchedule`` or
``aws_secretsmanager_secret_rotation`` that names it.
"""

from __future__ import annotations

from typing import Any, Iterable

from reviewer.engine.document import TEMPLATE, Document, Resource
from reviewer.engine.finding import Hit
from reviewer.engine.values import intrinsic, referenced_names
from reviewer.rules.base import Context, RuleKind
from reviewer.rules.match_conditions import resolve


class KeyKind:
    """Where a format's KMS key says how it rotates, and what keys it is."""

    def __init__(self, rotation: str, spec: tuple[str, ...], origin: str, store: str) -> None:
        self.rotation, self.spec, self.origin, self.store = rotation, spec, origin, store


KEYS: dict[str, KeyKind] = {
    "AWS::KMS::Key": KeyKind("EnableKeyRotation", ("KeySpec",), "Origin", "CustomKeyStoreId"),
    "aws_kms_key": KeyKind("enable_key_rotation", ("customer_master_key_spec", "key_spec"),
                           "origin", "custom_key_store_id"),
}
SYMMETRIC = "SYMMETRIC_DEFAULT"
# Secret types -> (rotation schedule types and the path naming the secret they rotate).
SECRETS = ("AWS::SecretsManager::Secret", "aws_secretsmanager_secret")
ROTATIONS: dict[str, str] = {
    "AWS::SecretsManager::RotationSchedule": "SecretId",
    "aws_secretsmanager_secret_rotation": "secret_id",
}


class KeyRotation(RuleKind):
    kind = "key-rotation"
    parameters = {"secrets": {"type": "boolean"}}

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        resources = doc.resources()
        for resource in resources:
            kind = KEYS.get(resource.type)
            if kind is not None:
                yield from _key(resource, kind)
        if ctx.params.get("secrets", False):
            yield from _secrets(resources)


def _literal(resource: Resource, path: str) -> tuple[bool, Any]:
    """(is it set, its value); an intrinsic or unknown value is returned as it is."""
    found = resolve(resource.properties, path)
    return (True, found[0][0]) if found else (False, None)


def _key(resource: Resource, kind: KeyKind) -> Iterable[Hit]:
    for path in kind.spec:
        known, spec = _literal(resource, path)
        if known and (not isinstance(spec, str) or spec != SYMMETRIC):
            return  # asymmetric, HMAC, or known only when deployed
    known, origin = _literal(resource, kind.origin)
    if known and (not isinstance(origin, str) or origin != "AWS_KMS"):
        return  # imported key material, a custom key store, or decided at deploy time
    known, store = _literal(resource, kind.store)
    if known and store is not None:
        return
    known, rotation = _literal(resource, kind.rotation)
    if known and (intrinsic(rotation) is not None or str(rotation).lower() == "true"):
        return  # on, or decided at deploy time
    where = resource.path + (("Properties", kind.rotation) if known else ("Type",))
    said = f"sets {kind.rotation} to {str(rotation).lower()}" if known else f"does not set {kind.rotation}"
    yield Hit(where, f"KMS key {resource.logical_id} {said}: its key material never rotates, so "
                     "one key material protects everything ever encrypted under it",
              "no-key-rotation", resource.logical_id)


def _secrets(resources: list[Resource]) -> Iterable[Hit]:
    rotated: set[str] = set()
    for resource in resources:
        path = ROTATIONS.get(resource.type)
        if path is None:
            continue
        for value, _ in resolve(resource.properties, path):
            names = referenced_names(value) if intrinsic(value) is not None else set()
            if not names:
                return  # a schedule for a secret named elsewhere: it may be any of these
            rotated.update(names)
    for resource in resources:
        if resource.type in SECRETS and resource.logical_id not in rotated:
            yield Hit(resource.path + ("Type",),
                      f"secret {resource.logical_id} has no rotation schedule: the same value "
                      "stays valid until someone changes it by hand",
                      "no-secret-rotation", resource.logical_id)
