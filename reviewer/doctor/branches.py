"""Does a repository's default branch require the app's check, from this app, and can its
merge queue get an answer?

GitHub has two places that require a check: rulesets (``GET /repos/{o}/{r}/rules/branches/
{branch}`` lists the active rules of every ruleset, the repository's and the organisation's)
and the older branch protection. Either may name the app the check must come from
(``integration_id`` in a ruleset, ``app_id`` in branch protection); without it, anyone who
can post a commit status can post a green ``policy-reviewer``.
"""

from __future__ import annotations

from typing import Any

from reviewer.doctor.answers import (AppAnswer, InstallationAnswer, RepoAnswer, StatusChecks,
                                     Unreadable, Wiring)
from reviewer.doctor.findings import (FAIL, OK, UNKNOWN, WARN, Finding, Section, missing_permissions,
                                      unknown)

# Reading branch protection needs this permission, which the app does not otherwise need.
PROTECTION_PERMISSION = "Administration (read)"


def repo_section(wiring: Wiring, app: AppAnswer | None, inst: InstallationAnswer,
                 repo: RepoAnswer) -> Section:
    """The findings about one repository's default branch."""
    section = Section(f"{repo.full_name} (default branch {repo.default_branch})")
    if repo.archived:
        section.findings.append(Finding(OK, "archived: it takes no pull requests, nothing to check"))
        return section
    app_id = app.id if app is not None else _int(wiring.app_id)
    section.findings.append(_required_check(repo, wiring.check_name, app_id))
    queue = _merge_queue(repo, inst)
    if queue is not None:
        section.findings.append(queue)
    return section


def _required_check(repo: RepoAnswer, check: str, app_id: int | None) -> Finding:
    """One finding: is ``check`` required on the default branch, and pinned to this app?"""
    # Each requirement of the check: where it is set, and the app it must come from (None: any).
    found: list[tuple[str, int | None]] = []
    if isinstance(repo.rules, list):
        for rule in repo.rules:
            if rule.get("type") != "required_status_checks":
                continue
            for item in (rule.get("parameters") or {}).get("required_status_checks") or []:
                if item.get("context") == check:
                    found.append((_ruleset_name(rule), item.get("integration_id")))
    if isinstance(repo.protection, StatusChecks):
        found += [("branch protection", source) for context, source in repo.protection.checks
                  if context == check]
    unread = [(what, failure) for what, failure in (("rulesets", repo.rules), ("branch protection",
                                                                                 repo.protection))
              if isinstance(failure, Unreadable)]
    note = "".join(f"; {what} could not be read ({failure.reason})" for what, failure in unread)
    branch = repo.default_branch
    if not found:
        if unread:
            return unknown(f"whether {branch} requires the {check} check", unread[0][1],
                           _unread_fix(unread, check))
        return Finding(FAIL, f"{branch} does not require the {check} check: a failing review does not "
                             "block merging",
                       f"require it in a ruleset for the default branch (Settings → Rules → Rulesets → Require "
                       f"status checks to pass → add {check}, with this app as its source), or in branch "
                       "protection")
    others = sorted({source for _, source in found if source not in (None, app_id)})
    where = ", ".join(sorted({w for w, _ in found}))
    if others:
        # GitHub then waits for a check from another app, which this app's check never satisfies.
        return Finding(FAIL, f"{branch} requires {check} from app {', '.join(map(str, others))}, not from this "
                             f"app ({app_id}): pull requests wait for it forever",
                       f"in {where}, choose this app as the source of {check}")
    if any(source == app_id for _, source in found):
        return Finding(OK, f"{branch} requires {check} from this app ({where}){note}")
    return Finding(WARN, f"{branch} requires {check} ({where}) but does not pin it to this app: anyone "
                         f"who can post a commit status can post a passing {check}{note}",
                   f"choose this app as the check's source (a ruleset's integration id {app_id}; branch "
                   "protection's \"expected source\")")


def _merge_queue(repo: RepoAnswer, inst: InstallationAnswer) -> Finding | None:
    """A merge queue asks for the check on its own commits, through merge_group events."""
    if not isinstance(repo.rules, list) or not any(r.get("type") == "merge_queue" for r in repo.rules):
        return None
    lacking = []
    if "merge_group" not in inst.events:
        lacking.append("does not receive merge_group events")
    if missing_permissions(inst.permissions, {"merge_queues": "read"}):
        lacking.append("has no Merge queues (read) permission")
    if not lacking:
        return Finding(OK, f"{repo.default_branch} uses a merge queue, and the installation receives its "
                           "merge_group events")
    return Finding(FAIL, f"{repo.default_branch} uses a merge queue, but the installation "
                         f"{' and '.join(lacking)}: queued pull requests wait for the check until the "
                         "queue gives up on them",
                   "subscribe the app to Merge group and grant Merge queues (read) in its settings; then an "
                   "owner accepts them in the installation's settings")


def _unread_fix(unread: list[tuple[str, Unreadable]], check: str) -> str:
    # GitHub also answers 403 for a plan without branch protection; only this one is a permission.
    if any(what == "branch protection" and failure.status == 403 and "not accessible" in failure.reason
           for what, failure in unread):
        return (f"grant the app {PROTECTION_PERMISSION} so that doctor can read branch protection, or look "
                f"in Settings → Branches whether {check} is required")
    return "run doctor again later"


def _ruleset_name(rule: dict[str, Any]) -> str:
    source = rule.get("ruleset_source")
    kind = "organisation ruleset" if rule.get("ruleset_source_type") == "Organization" else "ruleset"
    ident = rule.get("ruleset_id")
    return f"{kind} {ident}" + (f" of {source}" if source else "") if ident is not None else kind


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None
