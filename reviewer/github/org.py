"""The organisation's rules: folder ``policy-reviewer/`` of the org's ``.github`` repository,
read from its default branch.

One listing call per review; each file's text is kept by its blob sha, so an unchanged
folder costs no further reads (the cache is per worker process).
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field

from github import GithubException
from github.Repository import Repository

from reviewer.config.rulebook import ORG_CONFIG, RuleSpec, parse_rule_text
from reviewer.config.settings import Settings, parse_settings

ORG_REPOSITORY = ".github"
ORG_FOLDER = "policy-reviewer"

_blobs: dict[str, str] = {}
_lock = threading.Lock()


@dataclass
class OrgPolicies:
    """The organisation's rule files and configuration (empty when it has none)."""

    rules: dict[str, RuleSpec] = field(default_factory=dict)
    settings: Settings | None = None


def fetch_org_policies(repo: Repository, owner: str) -> OrgPolicies:
    """Read ``{owner}/.github/policy-reviewer/`` at its default branch."""
    return org_policies_from(owner, fetch_org_files(repo, owner))


def fetch_org_files(repo: Repository, owner: str) -> dict[str, str]:
    """The organisation folder's YAML files (name -> text); none when it has no folder."""
    requester = repo._requester  # the same installation token reads the org's repository
    try:
        _, listing = requester.requestJsonAndCheck(
            "GET", f"/repos/{owner}/{ORG_REPOSITORY}/contents/{ORG_FOLDER}")
    except GithubException as exc:
        if exc.status == 404:
            return {}  # no org-wide rules: the shipped defaults apply
        raise
    files = {}
    for entry in listing if isinstance(listing, list) else []:
        name = entry["name"]
        if entry.get("type") == "file" and name.endswith((".yml", ".yaml")):
            files[name] = _text(requester, owner, entry)
    return files


def org_policies_from(owner: str, files: dict[str, str]) -> OrgPolicies:
    """The organisation's rules and configuration from its folder's files (name -> text)."""
    policies = OrgPolicies()
    for name, text in sorted(files.items()):
        source = f"{owner}/{ORG_REPOSITORY}/{ORG_FOLDER}/{name}"
        if name == ORG_CONFIG:
            policies.settings = parse_settings(source, text)
        else:
            spec = parse_rule_text(source, text)
            policies.rules[spec.id] = spec
    return policies


def _text(requester: object, owner: str, entry: dict) -> str:
    sha = entry["sha"]
    with _lock:
        if sha in _blobs:
            return _blobs[sha]
    _, blob = requester.requestJsonAndCheck(  # type: ignore[attr-defined]
        "GET", f"/repos/{owner}/{ORG_REPOSITORY}/git/blobs/{sha}")
    text = base64.b64decode(blob.get("content", "")).decode("utf-8", "replace")
    with _lock:
        _blobs[sha] = text
    return text
