"""A file's bytes as text, for every format: what is too large, binary or not UTF-8 is said
to be not reviewed when it looks like something we review, and skipped quietly otherwise."""

from __future__ import annotations

import codecs
import re

from reviewer.engine.document import Unreadable
from reviewer.formats.paths import MAX_FILE_BYTES

# How much of a file is read to tell whether it is a template or policy at all.
SNIFF_BYTES = 64 * 1024
_RESOURCES_KEY = re.compile(r"(?:^|[{,])\s*\"?Resources\"?\s*:", re.MULTILINE)
TEMPLATE_HINT = re.compile(r"AWSTemplateFormatVersion|\b(?:AWS|Custom)::\w+|\"Statement\"|\bStatement\s*:")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def looks_reviewable(text: str) -> bool:
    """Does this text look like a template or a policy (or a part of one)?"""
    return bool(TEMPLATE_HINT.search(text) or _RESOURCES_KEY.search(text))


def file_text(content: bytes, ours_by_name: bool = False, what: str = "file") -> str | None:
    """The text of a file; None when it is plainly none of ours (binary, oversized and not
    like a template). Raises Unreadable when it is ours (by name, or by the look of it) but
    cannot be read: the review says so rather than skip it in silence."""
    head = content[:SNIFF_BYTES]
    if head.startswith(_UTF16_BOMS) or b"\x00" in head[:8192]:
        # UTF-16 text is half NUL bytes: without them it reads as what it says.
        probe = head.replace(b"\x00", b"").decode("utf-8", "replace")
        if not (ours_by_name or looks_reviewable(probe)):
            return None
        utf16 = head.startswith(_UTF16_BOMS) or head[1:2] == b"\x00" or head[:1] == b"\x00"
        raise Unreadable(f"this {what} is " + (
            "UTF-16 text, which AWS's and Terraform's tools do not read as a template; save it "
            "as UTF-8 to have it reviewed" if utf16 else
            "binary (it holds NUL bytes); it was not reviewed"))
    if len(content) > MAX_FILE_BYTES:
        # A package-lock.json is no template: only what looks like one is too large to be.
        if ours_by_name or looks_reviewable(head.decode("utf-8", "replace")):
            raise Unreadable(f"this {what} is larger than 1 MB (CloudFormation's limit for a "
                             "template); it was not reviewed")
        return None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # One Latin-1 byte in a comment must not hide a template from review: read it with
        # the byte replaced, so every line keeps its number.
        return content.decode("utf-8-sig", "replace")
