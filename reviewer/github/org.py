"""The organisation's rules: folder ``policy-reviewer/`` of the org's ``.github`` repository,
read from its default branch, and where they came from.

Fail closed: GitHub answers 404 both for "the organisation has no ``.github`` repository"
and for "the app cannot see it" (installed on selected repositories only). The first means
no organisation rules; the second must never mean that, or a repository would be reviewed
with fewer rules than the organisation set (its locks and raised severities gone). Only when
the installation sees every repository of the account, or the operator has said the
organisation keeps no rules there (``POLICY_REVIEWER_ORGS_WITHOUT_RULES``), is a 404 an
answer; otherwise ``OrgRulesUnknown`` stops the review with a message naming the fix.

Each file's text is kept by its blob sha, so an unchanged folder costs no further reads (the
cache is per worker process).
"""

from __future__ import annotations

import base64
import os
import threading
from dataclasses import dataclass, field
from typing import Any

from github import GithubException
from github.Repository import Repository

from reviewer.config.rulebook import ORG_CONFIG, RuleSpec, parse_rule_text
from reviewer.config.settings import Settings, parse_settings

ORG_REPOSITORY = ".github"
ORG_FOLDER = "policy-reviewer"
NO_RULES_ENV = "POLICY_REVIEWER_ORGS_WITHOUT_RULES"

_blobs: dict[str, str] = {}
_lock = threading.Lock()


class OrgRulesUnknown(Exception):
    """Whether the organisation keeps rules cannot be told; the message is for people."""


@dataclass
class OrgFiles:
    """The organisation folder's YAML files (name -> text) and where they were read."""

    files: dict[str, str]
    source: str  # words for the summary: "`acme/.github` at `abc123def456`", or why none


@dataclass
class OrgPolicies:
    """The organisation's rule files and configuration (empty when it has none)."""

    rules: dict[str, RuleSpec] = field(default_factory=dict)
    settings: Settings | None = None
    source: str = ""


def fetch_org_policies(repo: Repository, owner: str) -> OrgPolicies:
    """Read ``{owner}/.github/policy-reviewer/`` at its default branch."""
    found = fetch_org_files(repo, owner)
    return org_policies_from(owner, found.files, found.source)


def fetch_org_files(repo: Repository, owner: str) -> OrgFiles:
    """The organisation folder's files, read through REST; ``OrgRulesUnknown`` when the app
    cannot tell whether there are any."""
    requester = repo._requester  # the same installation token reads the org's repository
    where = f"`{owner}/{ORG_REPOSITORY}`"
    try:
        _, meta = requester.requestJsonAndCheck("GET", f"/repos/{owner}/{ORG_REPOSITORY}")
    except GithubException as exc:
        # Only 404 can mean "none". A 403 (a rate limit past the retries, SAML single sign-on,
        # an IP allow list) says nothing about the rules: the job fails and is retried.
        if exc.status != 404:
            raise
        return OrgFiles({}, absent_source(repo, owner))
    branch = str(meta.get("default_branch") or "main")
    _, commit = requester.requestJsonAndCheck("GET", f"/repos/{owner}/{ORG_REPOSITORY}/commits/{branch}")
    sha = str(commit.get("sha") or "")
    try:
        _, listing = requester.requestJsonAndCheck(
            "GET", f"/repos/{owner}/{ORG_REPOSITORY}/contents/{ORG_FOLDER}", parameters={"ref": sha})
    except GithubException as exc:
        if exc.status == 404:
            return OrgFiles({}, f"none: {where} has no `{ORG_FOLDER}/` folder at `{sha[:12]}`")
        raise
    files = {}
    for entry in listing if isinstance(listing, list) else []:
        name = entry["name"]
        if entry.get("type") == "file" and name.endswith((".yml", ".yaml")):
            files[name] = _text(requester, owner, entry)
    return OrgFiles(files, f"{where} at `{sha[:12]}`")


def absent_source(repo: Repository, owner: str) -> str:
    """The organisation's ``.github`` repository answered 404: no rules, if that can be
    known; else ``OrgRulesUnknown``."""
    said = operator_says_no_rules()
    if owner.lower() in said or "*" in said:
        return f"none: the app's operator says `{owner}` keeps no rules in `{ORG_REPOSITORY}`"
    try:
        _, data = repo._requester.requestJsonAndCheck(
            "GET", "/installation/repositories", parameters={"per_page": 1})
        selection = data.get("repository_selection") if isinstance(data, dict) else None
    except GithubException:
        selection = None
    if selection == "all":
        return f"none: `{owner}` has no `{ORG_REPOSITORY}` repository"
    raise OrgRulesUnknown(
        f"policy-reviewer cannot see `{owner}/{ORG_REPOSITORY}`, where the organisation keeps "
        "its rules: the app is installed on selected repositories only, so it cannot tell "
        "whether that repository exists. Nothing was checked, so that this change is never "
        "reviewed with fewer rules than the organisation set.\n\n"
        f"To fix it, an owner of `{owner}` adds `{ORG_REPOSITORY}` to the repositories the app "
        "can access (settings → GitHub Apps → policy-reviewer → Repository access). If the "
        "organisation keeps no rules there, whoever runs the app sets "
        f"`{NO_RULES_ENV}={owner}`. Then re-run this check.")


def operator_says_no_rules() -> set[str]:
    """Organisations the operator has said keep no rules (lower case; ``*`` for all)."""
    names = {n.strip().lower() for n in os.environ.get(NO_RULES_ENV, "").split(",") if n.strip()}
    return names


def org_policies_from(owner: str, files: dict[str, str], source: str = "") -> OrgPolicies:
    """The organisation's rules and configuration from its folder's files (name -> text)."""
    policies = OrgPolicies(source=source)
    for name, text in sorted(files.items()):
        where = f"{owner}/{ORG_REPOSITORY}/{ORG_FOLDER}/{name}"
        if name == ORG_CONFIG:
            policies.settings = parse_settings(where, text)
        else:
            spec = parse_rule_text(where, text)
            policies.rules[spec.id] = spec
    return policies


def _text(requester: Any, owner: str, entry: dict) -> str:
    sha = entry["sha"]
    with _lock:
        if sha in _blobs:
            return _blobs[sha]
    _, blob = requester.requestJsonAndCheck(
        "GET", f"/repos/{owner}/{ORG_REPOSITORY}/git/blobs/{sha}")
    text = base64.b64decode(blob.get("content", "")).decode("utf-8", "replace")
    with _lock:
        _blobs[sha] = text
    return text
