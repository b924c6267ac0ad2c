"""A rule change's effect on every repository, worked out before it merges.

When a pull request to the organisation's ``.github`` repository changes
``policy-reviewer/``, the review job (after publishing its own review) lists the
installation's repositories and queues one job per repository. Each job reads that
repository's default branch, judges it with the organisation's rules as they are and as the
pull request would make them, and notes the difference in the store. Whichever job notes the
last result writes the totals into the pull request's check run (and the full list onto its
review page). The jobs go through the queue like any review, so several workers (through
Redis, on several machines) share them, and a repository that cannot be read is listed as
such, never fatal.
"""

from __future__ import annotations

import logging
from typing import Any

from github.CheckRun import CheckRun

from reviewer.config.errors import ConfigError
from reviewer.config.rulebook import parse_rule_text, shipped_rules
from reviewer.config.effective import InForce, in_force
from reviewer.config.settings import REPOSITORY_CONFIG, REPOSITORY_RULES, parse_settings
from reviewer.engine.impact import TOP, RepoImpact
from reviewer.pipeline import impact_of
from reviewer.github import fetch
from reviewer.github.branch import read_branch
from reviewer.github.org import ORG_FOLDER, ORG_REPOSITORY, OrgPolicies, fetch_org_files, org_policies_from
from reviewer.report import markdown

log = logging.getLogger(__name__)

KIND = "impact-repo"
# An organisation's rule change is judged on this many repositories at most (the store
# keeps 2,000 notes a scope: the plan and one result a repository).
MAX_REPOSITORIES = 1000
SHOWN = 20  # findings kept per repository and side in the store
HEADING = "### Impact on the organisation's repositories"
SKIP_DIRS = frozenset({"node_modules", ".venv", "venv", "__pycache__", ".aws-sam", "cdk.out",
                       ".terraform", "vendor"})


def scope_of(payload: dict[str, Any]) -> str:
    """The store scope of one rule change's impact (pull request and head commit)."""
    return f"impact-run:{payload['repository']}#{payload['number']}@{payload['head_sha']}"


def org_rule_change(payload: dict[str, Any], change: fetch.Change) -> bool:
    """Is this pull request a change to the organisation's rules?"""
    owner, _, name = payload["repository"].partition("/")
    if name != ORG_REPOSITORY:
        return False
    prefix = ORG_FOLDER + "/"
    return any(p.startswith(prefix) for p in set(change.base_files) | set(change.head_files))


def folders(change: fetch.Change, current: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The organisation's folder as it is (default branch) and as the pull request makes it."""
    prefix = ORG_FOLDER + "/"
    new = dict(current)
    for path in change.base_files:
        if path.startswith(prefix) and path not in change.head_files:
            new.pop(path[len(prefix):], None)
    for path, content in change.head_files.items():
        name = path[len(prefix):]
        if path.startswith(prefix) and "/" not in name and name.endswith((".yml", ".yaml")):
            new[name] = content.decode("utf-8", "replace")
    return dict(current), new


def start(payload: dict[str, Any], change: fetch.Change, repo: Any, run: CheckRun,
          submit: Any) -> int:
    """Plan the impact of an organisation rule change and queue one job per repository.

    Returns how many repositories were queued. Whatever goes wrong is said in the check
    run's summary: the review itself has been published already.
    """
    from reviewer.jobs.queue import store

    owner = payload["repository"].split("/")[0]
    if not payload.get("same_repository"):
        # A fork's author need not be able to read a single repository of the organisation:
        # rules they wrote are never run over everyone's code on their behalf.
        _append(run, run_output(repo, run.id), "Not worked out: this pull request comes from a "
                "fork. Push the branch to the `.github` repository itself to see the impact.")
        return 0
    current = change.org_files if change.org_files is not None else fetch_org_files(repo, owner)
    old, new = folders(change, current)
    if old == new:
        return 0
    fresh = run_output(repo, run.id)
    try:
        org_policies_from(owner, new)
    except ConfigError as exc:
        _append(run, fresh, f"Not worked out: the rules as changed here are invalid (`{exc}`).")
        return 0
    try:
        repos = installation_repositories(repo)
    except Exception as exc:  # noqa: BLE001 - GitHub may fail; the review stands
        _append(run, fresh, f"Not worked out: the installation's repositories could not be listed "
                            f"({type(exc).__name__}).")
        return 0
    notes = store()
    scope = scope_of(payload)
    # Who can read this check run decides what it may name: from a public .github
    # repository, results of private repositories are only on the review page, shown to
    # those who can read each one.
    org_private = next((private for name, _, private in repos if name == payload["repository"]), False)
    notes.add_note(scope, {"plan": True, "total": len(repos), "old": old, "new": new,
                           "check_run": run.id, "title": fresh[0], "summary": fresh[1],
                           "limited": len(repos) >= MAX_REPOSITORIES, "org_private": org_private})
    _append(run, fresh, f"Being worked out for {len(repos)} repositories with the old and the new "
                        "rules; this section is updated when every one is done.")
    for full_name, branch, private in repos:
        submit({**{k: payload[k] for k in ("repository", "number", "head_sha", "installation_id")},
                "kind": KIND, "ref": full_name, "branch": branch, "private": private})
    # A re-run of the same commit finds its repositories' jobs done already: total now.
    finish_if_done(payload, [n for n in notes.notes(scope) if n.get("plan")][-1])
    return len(repos)


def installation_repositories(repo: Any) -> list[tuple[str, str, bool]]:
    """(full name, default branch, private) of every live repository the installation reads."""
    requester = repo._requester
    out: list[tuple[str, str, bool]] = []
    page = 1
    while len(out) < MAX_REPOSITORIES:
        _, data = requester.requestJsonAndCheck("GET", "/installation/repositories",
                                                parameters={"per_page": 100, "page": page})
        items = data.get("repositories", []) if isinstance(data, dict) else []
        out += [(r["full_name"], r.get("default_branch") or "main", r.get("private") is not False)
                for r in items if not r.get("archived") and not r.get("disabled")]
        if len(items) < 100:
            break
        page += 1
    return out[:MAX_REPOSITORIES]


def run_output(repo: Any, run_id: int) -> tuple[str, str]:
    """The check run's title and summary as published."""
    _, data = repo._requester.requestJsonAndCheck("GET", f"{repo.url}/check-runs/{run_id}")
    output = data.get("output") or {}
    return str(output.get("title") or ""), str(output.get("summary") or "")


def _append(run: Any, output: tuple[str, str], section: str) -> None:
    """Write the impact section under the review's own summary (never over it)."""
    title, summary = output
    summary = summary.split("\n\n" + HEADING)[0]
    text = f"\n\n{HEADING}\n\n{section}"
    room = markdown.MAX_SUMMARY - len(text)
    run._requester.requestJsonAndCheck("PATCH", run.url, input={
        "output": {"title": title, "summary": summary[:max(room, 0)] + text}})


# ----------------------------------------------------------------------------- one repository


def run_repository(payload: dict[str, Any], attempt: int, last_attempt: int) -> dict[str, Any]:
    """Judge one repository's default branch with the old and the new rules; note it."""
    from reviewer.jobs.bounded import run_bounded
    from reviewer.jobs.queue import store
    from reviewer.jobs.review_job import app_settings, tokens
    from reviewer.github.client import installation_client

    scope = scope_of(payload)
    plans = [n for n in store().notes(scope) if n.get("plan")]
    if not plans:
        return {"skipped": "no plan"}
    plan = plans[-1]
    full_name = payload["ref"]
    owner = payload["repository"].split("/")[0]
    try:
        client = installation_client(app_settings().api_url,
                                     tokens().token(int(payload["installation_id"])))
        target = client.get_repo(full_name)
        files, problems = read_branch(target, payload["branch"], SKIP_DIRS)
        old = layers(owner, plan["old"], files)
        new = layers(owner, plan["new"], files)
        result: RepoImpact = run_bounded(impact_of, full_name, files, old, new)
        note = _note(result, problems)
    except Exception as exc:  # noqa: BLE001 - retried by the queue, then listed
        if attempt < last_attempt and not isinstance(exc, ConfigError):
            raise
        message = str(exc) if isinstance(exc, ConfigError) else type(exc).__name__ + ": " + str(exc)[:300]
        note = {"repo": full_name, "error": message}
    note["private"] = payload.get("private") is not False
    store().add_note(scope, note)
    finish_if_done(payload, plan)
    return {"repo": full_name}


def layers(owner: str, org_files: dict[str, str], files: dict[str, bytes]) -> InForce:
    """The rules in force for a repository under one version of the organisation's folder."""
    org: OrgPolicies = org_policies_from(owner, org_files)
    config = files.get(REPOSITORY_CONFIG)
    repo_config = parse_settings(REPOSITORY_CONFIG, config.decode("utf-8", "replace")) if config else None
    repo_rules = {}
    for path in sorted(p for p in files if p.startswith(REPOSITORY_RULES + "/") and p.count("/") == 2):
        spec = parse_rule_text(path, files[path].decode("utf-8", "replace"))
        repo_rules[spec.id] = spec
    base = {**shipped_rules(), **org.rules}
    return in_force(base, set(org.rules), org.settings, repo_config, repo_rules)


def _note(result: RepoImpact, problems: list[str]) -> dict[str, Any]:
    short = result.to_dict()
    return {"repo": result.repo, "error": None, "problems": problems,
            "added_count": len(result.added), "removed_count": len(result.removed),
            "added_errors": sum(1 for f in result.added if f.severity == "error"),
            "rules_added": _by_rule(result.added), "rules_removed": _by_rule(result.removed),
            "added": short["added"][:SHOWN], "removed": short["removed"][:SHOWN]}


def _by_rule(findings: list[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in findings:
        out[f.rule_id] = out.get(f.rule_id, 0) + 1
    return out


# ----------------------------------------------------------------------------- the totals


def results(scope: str) -> list[dict[str, Any]]:
    """The latest result of each repository (a retried job may have noted twice)."""
    from reviewer.jobs.queue import store

    latest: dict[str, dict[str, Any]] = {}
    for note in store().notes(scope):
        if not note.get("plan") and isinstance(note.get("repo"), str):
            latest[note["repo"]] = note
    return sorted(latest.values(), key=lambda n: n["repo"])


def finish_if_done(payload: dict[str, Any], plan: dict[str, Any]) -> bool:
    """When every repository has a result, write the totals into the check run. Two jobs
    finishing together may both write: the same text, so no harm."""
    from reviewer.github.client import installation_client
    from reviewer.github.settings import page_settings
    from reviewer.jobs.queue import store
    from reviewer.jobs.review_job import app_settings, tokens
    from reviewer.jobs.store import pull_scope

    # Counting is cheap; reading every result is not (each job would read them all).
    if store().note_count(scope_of(payload)) <= int(plan["total"]):
        return False  # the plan and fewer results than repositories: not yet
    done = results(scope_of(payload))
    if len(done) < int(plan["total"]):
        return False
    page = page_settings()
    details = f"{page.public_url}/reviews/{payload['repository']}/{payload['number']}" if page else None
    section = render(done, plan, details)
    store().add_note(pull_scope("impact", payload["repository"], int(payload["number"])),
                     {"head": payload["head_sha"], "results": done}, keep=3)
    client = installation_client(app_settings().api_url, tokens().token(int(payload["installation_id"])))
    repo = client.get_repo(payload["repository"])
    run = repo.get_check_run(int(plan["check_run"]))
    _append(run, (plan["title"], plan["summary"]), section)
    return True


def headline(done: list[dict[str, Any]]) -> str:
    """'adds N findings in M repositories, removes K', as engine.impact words it."""
    added = sum(n.get("added_count", 0) for n in done)
    removed = sum(n.get("removed_count", 0) for n in done)
    errors = sum(n.get("added_errors", 0) for n in done)
    touched = sum(1 for n in done if n.get("added_count") or n.get("removed_count"))
    failed = sum(1 for n in done if n.get("error"))
    return (f"adds {added} finding(s) ({errors} error(s)) in {touched} "
            f"repositor{'y' if touched == 1 else 'ies'}, removes {removed}; {len(done)} reviewed"
            + (f", {failed} could not be read" if failed else ""))


def render(done: list[dict[str, Any]], plan: dict[str, Any], details: str | None) -> str:
    """The check run's impact section: totals, the repositories and rules most affected,
    the repositories that could not be read, and the link to the full list. From a public
    ``.github`` repository it names and counts public repositories only."""
    shown = done if plan.get("org_private") else [n for n in done if n.get("private") is False]
    hidden = len(done) - len(shown)
    out = [f"The rules as changed here {headline(shown)}.", ""]
    if hidden:
        out += [f"{hidden} private repositor{'y was' if hidden == 1 else 'ies were'} judged too. "
                "This repository is public, so their results are only on the review page, for "
                "those who can read them.", ""]
    touched = sorted((n for n in shown if n.get("added_count") or n.get("removed_count")),
                     key=lambda n: (-n.get("added_count", 0), -n.get("removed_count", 0), n["repo"]))
    if touched:
        out += ["| repository | added | removed |", "|---|---|---|"]
        out += [f"| {_cell(n['repo'])} | {n.get('added_count', 0)} | {n.get('removed_count', 0)} |"
                for n in touched[:TOP]]
        rules: dict[str, list[int]] = {}
        for n in shown:
            for rule, count in (n.get("rules_added") or {}).items():
                rules.setdefault(rule, [0, 0])[0] += count
            for rule, count in (n.get("rules_removed") or {}).items():
                rules.setdefault(rule, [0, 0])[1] += count
        ranked = sorted(rules.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:TOP]
        out += ["", "| rule | added | removed |", "|---|---|---|"]
        out += [f"| `{_cell(rule)}` | {a} | {r} |" for rule, (a, r) in ranked]
    failed = [n for n in shown if n.get("error")]
    if failed:
        out += ["", "Could not be reviewed:", ""]
        out += [f"- {_cell(n['repo'])}: {_cell(str(n['error']))}" for n in failed[:50]]
        if len(failed) > 50:
            out.append(f"- and {len(failed) - 50} more")
    if plan.get("limited"):
        out += ["", f"Only the first {MAX_REPOSITORIES} repositories of the installation were reviewed."]
    if details:
        out += ["", f"The full list, finding by finding: [the review page]({details})."]
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:300]
