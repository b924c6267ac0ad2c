"""The AWS action list, from the service data that policyuniverse ships.

Loaded on first use only: reading it costs a few hundred milliseconds, which a scan that
never meets a wildcard should not pay. Names keep AWS's casing (``s3:GetObject``) so a
message or a permission delta reads the way the IAM documentation writes it.
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, list[str]], dict[str, str]]:
    """(service prefix -> actions in AWS casing, lower-case action -> access level)."""
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


def known_action_count() -> int:
    """How many actions the catalogue knows (for messages about ``*``)."""
    by_service, _ = _catalogue()
    return sum(len(names) for names in by_service.values())
