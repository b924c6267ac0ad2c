"""The AWS action list, from the service data that policyuniverse ships.

Loaded on first use only, and kept in a small cache file: importing policyuniverse parses
an 8 MB table (about 0.2 s), which a CLI run in a pre-commit hook should pay once per
policyuniverse release, not on every run. Names keep AWS's casing (``s3:GetObject``) so a
message or a permission delta reads the way the IAM documentation writes it.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

Catalogue = tuple[dict[str, list[str]], dict[str, str]]


def _cache_file() -> Path:
    base = os.environ.get("POLICY_REVIEWER_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "policy-reviewer")
    return Path(base) / f"aws-actions-{metadata.version('policyuniverse')}.json"


def _build() -> Catalogue:
    from policyuniverse import service_data  # heavy: the whole AWS service table

    by_service: dict[str, list[str]] = {}
    levels: dict[str, str] = {}
    for service in service_data.values():
        prefix = service["prefix"]
        names = by_service.setdefault(prefix, [])
        for action, body in service["actions"].items():
            full = f"{prefix}:{action}"
            names.append(full)
            levels[full.lower()] = body.get("calculated_action_group", "Unknown")
    for names in by_service.values():
        names.sort(key=str.lower)
    return by_service, levels


@lru_cache(maxsize=1)
def _catalogue() -> Catalogue:
    """(service prefix -> actions in AWS casing, lower-case action -> access level)."""
    path = _cache_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["services"], data["levels"]
    except (OSError, ValueError, KeyError):
        pass  # no cache yet, or a damaged one: rebuild it
    by_service, levels = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent run never reads half a file.
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as tmp:
            json.dump({"services": by_service, "levels": levels}, tmp)
        os.replace(tmp.name, path)
    except OSError:
        pass  # a read-only home is fine: we just pay the import each time
    return by_service, levels


def has_wildcard(pattern: str) -> bool:
    """IAM action patterns use ``*`` and ``?`` as wildcards."""
    return "*" in pattern or "?" in pattern


@lru_cache(maxsize=4096)
def expand(pattern: str) -> tuple[str, ...]:
    """Every known action a pattern matches, case-insensitively, as IAM matches."""
    by_service, _ = _catalogue()
    pattern = pattern.strip()
    if ":" in pattern:
        prefix = pattern.split(":", 1)[0].lower()
        candidates = by_service.get(prefix, []) if not has_wildcard(prefix) else [
            a for p, names in by_service.items() if fnmatch.fnmatchcase(p, prefix) for a in names
        ]
    elif pattern == "*":
        candidates = [a for names in by_service.values() for a in names]
    else:
        return ()
    regex = re.compile(fnmatch.translate(pattern.lower()))
    return tuple(a for a in candidates if regex.match(a.lower()))


def access_level(action: str) -> str:
    """IAM access level of an action: List, Read, Write, Tagging, Permissions or Unknown."""
    _, levels = _catalogue()
    return levels.get(action.lower(), "Unknown")


@lru_cache(maxsize=4096)
def expand_at_levels(pattern: str, levels: frozenset[str]) -> tuple[str, ...]:
    """The actions a pattern grants whose access level is one of ``levels``."""
    granted = expand(pattern) if has_wildcard(pattern) else (pattern,)
    return tuple(a for a in granted if access_level(a) in levels)


def known_action_count() -> int:
    """How many actions the catalogue knows (for messages about ``*``)."""
    by_service, _ = _catalogue()
    return sum(len(names) for names in by_service.values())
