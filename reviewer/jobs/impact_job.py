"""The impact job: one repository's default branch judged with the organisation's rules as
they are and as a pull request to ``.github`` would make them; the result is noted in the
store, and the last job to note one writes the totals (``reviewer.jobs.impact_plan``)."""

from __future__ import annotations

import logging
from typing import Any

from reviewer.config.errors import ConfigError
from reviewer.config.effective import InForce, in_force
from reviewer.config.rulebook import parse_rule_text, shipped_rules
from reviewer.config.settings import REPOSITORY_CONFIG, REPOSITORY_RULES, parse_settings
from reviewer.engine.impact import RepoImpact
from reviewer.github.branch import read_branch
from reviewer.github.org import OrgPolicies, org_policies_from
from reviewer.jobs.context import JobContext, repository
from reviewer.jobs.impact_plan import finish_if_done, scope_of
from reviewer.pipeline import impact_of

log = logging.getLogger(__name__)

SHOWN = 20  # findings kept per repository and side in the store
SKIP_DIRS = frozenset({"node_modules", ".venv", "venv", "__pycache__", ".aws-sam", "cdk.out",
                       ".terraform", "vendor"})


def run(payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Judge one repository's default branch with the old and the new rules; note it."""
    from reviewer.jobs.bounded import run_bounded
    from reviewer.jobs.queue import store

    scope = scope_of(payload)
    plans = [n for n in store().notes(scope) if n.get("plan")]
    if not plans:
        return {"skipped": "no plan"}
    plan = plans[-1]
    full_name = payload["ref"]
    owner = payload["repository"].split("/")[0]
    try:
        target = repository(payload, full_name)
        files, problems = read_branch(target, payload["branch"], SKIP_DIRS)
        old = layers(owner, plan["old"], files)
        new = layers(owner, plan["new"], files)
        result: RepoImpact = run_bounded(impact_of, full_name, files, old, new)
        note = _note(result, problems)
    except Exception as exc:  # noqa: BLE001 - retried by the queue, then listed
        if not ctx.last_attempt and not isinstance(exc, ConfigError):
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


def give_up(payload: dict[str, Any], error: str) -> None:
    """Never reached in practice (``run`` notes its own failure on the last attempt); the
    log says which repository's impact was lost."""
    log.error("the impact on %s was set aside: %s", payload.get("ref"), error.splitlines()[0] if error else "")
