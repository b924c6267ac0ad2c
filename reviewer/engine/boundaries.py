"""Permissions boundaries: which property of a principal sets one, and what a change does to
them (a boundary removed or replaced widens what the principal may ever do)."""

from __future__ import annotations

from typing import Iterable

from reviewer.engine.access_delta import AccessChange, Key
from reviewer.engine.document import Document, Resource
from reviewer.engine.values import TOO_MANY, possible_strings

# The property that sets a principal's permissions boundary, by type, in each format's words.
BOUNDARY_PROPERTY = {"AWS::IAM::Role": "PermissionsBoundary", "AWS::IAM::User": "PermissionsBoundary",
                     "AWS::Serverless::Function": "PermissionsBoundary",
                     "aws_iam_role": "permissions_boundary", "aws_iam_user": "permissions_boundary"}


def boundary_holders(doc: Document) -> Iterable[tuple[Resource, str]]:
    """The principals of a document that can carry a boundary, with the property's name.
    A SAM function only when SAM makes its role (no ``Role`` of its own)."""
    for resource in doc.resources():
        prop = BOUNDARY_PROPERTY.get(resource.type)
        if prop is None:
            continue
        if resource.type == "AWS::Serverless::Function" and "Role" in resource.properties:
            continue
        yield resource, prop


def boundaries(documents: Iterable[Document]) -> dict[Key, tuple[str | None, int]]:
    """(file, principal) -> (its boundary as written, or None; the line to show)."""
    out: dict[Key, tuple[str | None, int]] = {}
    for doc in documents:
        params = doc.parameters()
        for resource, prop in boundary_holders(doc):
            value = resource.properties.get(prop)
            written = None
            if value is not None:
                texts = [t for t, _ in possible_strings(value, (), params)]
                written = texts[0] if len(texts) == 1 and texts[0] != TOO_MANY else "(known only when deployed)"
            path = resource.path + (("Properties", prop) if value is not None else ())
            out[(doc.path, resource.logical_id)] = (written, doc.locate(path)[1])
    return out


def boundary_changes(base: dict[Key, tuple[str | None, int]], head: dict[Key, tuple[str | None, int]],
                     renames: dict[str, str]) -> dict[Key, list[AccessChange]]:
    """Principals whose boundary head removes or replaces."""
    moved = {(renames.get(path, path), name): value for (path, name), value in base.items()}
    out: dict[Key, list[AccessChange]] = {}
    for key, (now, line) in head.items():
        before = moved.get(key)
        if before is None or before[0] is None or before[0] == now:
            continue
        kind = "boundary-removed" if now is None else "boundary-replaced"
        detail = f"was {before[0]}" + (f", now {now}" if now else "")
        out[key] = [AccessChange(kind, [], detail, line, before[1])]
    return out
