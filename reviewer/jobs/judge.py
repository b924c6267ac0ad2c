"""Judge a fetched change with the rules in force: shared by the pull request's review and
the merge queue's. The organisation's rules fail closed (reviewer.github.org); the engine
runs in a child process with a time limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reviewer.config.config_change import ConfigJudge, touches_configuration
from reviewer.config.errors import ConfigError
from reviewer.config.rulebook import RuleSpec, shipped_rules
from reviewer.config.settings import REPOSITORY_CONFIG, Settings
from reviewer.github import fetch
from reviewer.github.org import OrgPolicies, fetch_org_policies, org_policies_from
from reviewer.jobs.bounded import run_bounded
from reviewer.jobs.in_force import rules_in_force
from reviewer.pipeline import review_change


@dataclass
class Judged:
    """The engine's review of a change and what it was judged with."""

    review: Any  # reviewer.engine.review.Review
    rules: dict[str, RuleSpec]
    config: Settings
    org: OrgPolicies
    config_text: str | None
    rule_texts: dict[str, str]


def judge(payload: dict[str, Any], change: fetch.Change, repo: Any) -> Judged:
    """Review ``change`` with the shipped, organisation and repository rules (read at the
    base commit). ``ConfigError``: the configuration in force cannot be used;
    ``OrgRulesUnknown``: whether the organisation keeps rules cannot be told."""
    owner = payload["repository"].split("/")[0]
    org = org_policies_from(owner, change.org_files.files, change.org_files.source) \
        if change.org_files is not None else fetch_org_policies(repo, owner)
    changes_config = touches_configuration(set(change.base_files) | set(change.head_files))
    config_text, rule_texts = change.config_text, dict(change.rule_texts)
    try:
        rules, config = rules_in_force(payload, org, config_text, change.rule_texts)
    except ConfigError:
        if not changes_config:
            raise
        # The base's configuration is broken and this change fixes it: review with the
        # organisation's rules alone (no repository waivers: stricter, never looser), so
        # that the fix itself can pass.
        config_text, rule_texts = None, {}
        rules, config = rules_in_force(payload, org, None, {})
    judge_config = ConfigJudge({**shipped_rules(), **org.rules}, org.settings, dict(change.rule_texts))
    # A hostile change cannot hold this worker's thread for ever.
    review = run_bounded(review_change, change.base_files, change.head_files,
                         change.renames, rules, config, None, judge_config, None,
                         (change.base_context, change.head_context))
    if config_text is None and change.config_text is not None:
        review.rule_changes.insert(0, f"the base commit's `{REPOSITORY_CONFIG}` is invalid, so "
                                      "this review used the organisation's rules alone")
    return Judged(review, rules, config, org, config_text, rule_texts)
