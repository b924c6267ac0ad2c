"""A rule change's effect on every repository, worked out before it merges: the plan and the
totals.

When a pull request to the organisation's ``.github`` repository changes
``policy-reviewer/``, the review job (after publishing its own review) lists the
installation's repositories and queues one job per repository (``reviewer.jobs.impact_job``).
Each job judges that repository's default branch with the organisation's rules as they are
and as the pull request would make them, and notes the difference in the store. Whichever job
notes the last result writes the totals into the pull request's check run (and the full list
onto its review page). A repository that cannot be read is listed as such, never fatal.
"""

from __future__ import annotations

import logging
from typing import Any

from github.CheckRun import CheckRun

from reviewer.config.errors import ConfigError
from reviewer.engine.impact import TOP
from reviewer.github import fetch
from reviewer.github.org import ORG_FOLDER, ORG_REPOSITORY, fetch_org_files, org_policies_from
from reviewer.jobs.context import page_url, repository
from reviewer.report import inert, markdown

log = logging.getLogger(__name__)

KIND = "impact-repo"
# An organisation's rule change is judged on this many repositories at most (the store
# keeps 2,000 notes a scope: the plan and one result a repository).
MAX_REPOSITORIES = 1000
HEADING = "### Impact on the organisation's repositories"


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
    current = (change.org_files if change.org_files is not None else fetch_org_files(repo, owner)).files
    old, new = folders(change, current)
    if old == new:
        return 0
    fresh = run_output(repo, run.id)
    try:
        org_policies_from(owner, new)
    except ConfigError as exc:
        _append(run, fresh, f"Not worked out: the rules as changed here are invalid ({inert.code(exc)}).")
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
    from reviewer.jobs.queue import store
    from reviewer.jobs.store import pull_scope

    # Counting is cheap; reading every result is not (each job would read them all).
    if store().note_count(scope_of(payload)) <= int(plan["total"]):
        return False  # the plan and fewer results than repositories: not yet
    done = results(scope_of(payload))
    if len(done) < int(plan["total"]):
        return False
    section = render(done, plan, page_url(payload["repository"], int(payload["number"])))
    store().add_note(pull_scope("impact", payload["repository"], int(payload["number"])),
                     {"head": payload["head_sha"], "results": done}, keep=3)
    run = repository(payload).get_check_run(int(plan["check_run"]))
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
        out += [f"| {inert.code(n['repo'], table=True)} | {n.get('added_count', 0)} | {n.get('removed_count', 0)} |"
                for n in touched[:TOP]]
        rules: dict[str, list[int]] = {}
        for n in shown:
            for rule, count in (n.get("rules_added") or {}).items():
                rules.setdefault(rule, [0, 0])[0] += count
            for rule, count in (n.get("rules_removed") or {}).items():
                rules.setdefault(rule, [0, 0])[1] += count
        ranked = sorted(rules.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:TOP]
        out += ["", "| rule | added | removed |", "|---|---|---|"]
        out += [f"| {inert.code(rule, table=True)} | {a} | {r} |" for rule, (a, r) in ranked]
    failed = [n for n in shown if n.get("error")]
    if failed:
        out += ["", "Could not be reviewed:", ""]
        out += [f"- {inert.code(n['repo'])}: {inert.prose(str(n['error'])[:300])}" for n in failed[:50]]
        if len(failed) > 50:
            out.append(f"- and {len(failed) - 50} more")
    if plan.get("limited"):
        out += ["", f"Only the first {MAX_REPOSITORIES} repositories of the installation were reviewed."]
    if details:
        out += ["", f"The full list, finding by finding: [the review page]({details})."]
    return "\n".join(out)
