"""A pull request that changes the repository's configuration is reviewed like code.

The configuration in force for a review is always the base's (a change cannot loosen its
own review), so a weakening or a broken file used to slip through: nothing was said when it
was proposed, and once merged its ``config-locked`` finding was *unchanged* and blocked
nobody (or every later review failed on a file that no longer parsed). Here both sides of
the change are judged as the app will judge them once merged, under a name without a
commit, so that what the pull request adds is *new* and blocks it: invalid keys and
misspelt rule ids (``config-invalid``) and every attempt to weaken a locked rule
(``config-locked``). The summary says what the change would do to the rules in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from reviewer.config.errors import ConfigError
from reviewer.config.rulebook import RuleSpec, parse_rule_text, rule_text_errors
from reviewer.config.rulediff import describe
from reviewer.config.settings import (REPOSITORY_CONFIG, REPOSITORY_RULES, Settings, layer,
                                      parse_settings, reference_errors, settings_text_errors)
from reviewer.engine.finding import Finding


def touches_configuration(paths: set[str]) -> bool:
    """Does a change touch the repository's configuration or its own rule files?"""
    return REPOSITORY_CONFIG in paths or any(p.startswith(REPOSITORY_RULES + "/") for p in paths)


def is_in_force_problem(finding: Finding) -> bool:
    """A finding about the repository's configuration as read from the base commit (its
    path names the commit: ``.github/policy-reviewer.yml@abc123``)."""
    return finding.rule_id in ("config-locked", "config-invalid") and (
        finding.path.startswith(REPOSITORY_CONFIG) or finding.path.startswith(REPOSITORY_RULES + "/"))


@dataclass
class ConfigJudge:
    """The layers below the repository's: what its configuration is judged against."""

    rules: dict[str, RuleSpec]  # shipped and the organisation's rules, before the repository's
    org: Settings | None
    # The repository's rule files as in force (from the base), by path; changed ones are
    # replaced by each side's version.
    repo_rule_texts: dict[str, str] = field(default_factory=dict)

    def judge(self, files: Mapping[str, bytes]) -> tuple[list[Finding], tuple[dict[str, RuleSpec], Settings] | None]:
        """Findings about one side's configuration, and the rules it would put in force."""
        findings: list[Finding] = []
        texts = {p: t for p, t in self.repo_rule_texts.items() if p not in files}
        texts.update({p: c.decode("utf-8", "replace") for p, c in files.items()
                      if p.startswith(REPOSITORY_RULES + "/") and p.endswith((".yml", ".yaml"))})
        repo_rules: dict[str, RuleSpec] = {}
        for path in sorted(texts):
            if rule_text_errors(path, texts[path]):
                continue  # reported by the rule-file review (rule-file-invalid), once
            spec = parse_rule_text(path, texts[path], check=False)
            repo_rules[spec.id] = spec
        settings = None
        if REPOSITORY_CONFIG in files:
            text = files[REPOSITORY_CONFIG].decode("utf-8", "replace")
            errors = settings_text_errors(REPOSITORY_CONFIG, text)
            if not errors:
                settings = parse_settings(REPOSITORY_CONFIG, text)
                errors = reference_errors({**self.rules, **repo_rules}, settings)
            if errors:
                findings.extend(_invalid(e) for e in errors)
                return findings, None
        try:
            rules, merged = layer(dict(self.rules), self.org, settings, repo_rules)
        except ConfigError as exc:
            return findings + [_invalid(exc)], None
        findings.extend(p for p in merged.problems if is_in_force_problem(p))
        return findings, (rules, merged)


def _invalid(error: ConfigError) -> Finding:
    line = max(error.line, 1)
    return Finding("config-invalid", "error", REPOSITORY_CONFIG if error.path.startswith(REPOSITORY_CONFIG)
                   else error.path, line, line,
                   error.message + (f" ({error.key})" if error.key else "") +
                   "; once merged, every review of this repository would stop on it",
                   f"{error.key}:{error.message}")


def review_configuration(base: Mapping[str, bytes], head: Mapping[str, bytes],
                         judge: ConfigJudge) -> tuple[list[Finding], list[Finding], list[str]]:
    """(base findings, head findings, what the change would do) for a configuration change."""
    base_findings, base_state = judge.judge(base)
    head_findings, head_state = judge.judge(head)
    lines: list[str] = []
    if head_state is None:
        lines.append(f"`{REPOSITORY_CONFIG}` as changed here is invalid: see the findings")
    elif base_state is not None:
        base_rules, base_settings = base_state
        head_rules, head_settings = head_state
        lines += [f"once merged: {line}" for line in
                  describe(base_rules, head_rules, base_settings, head_settings)]
        # describe() lists the waivers added; the ones removed matter as much.
        old_waivers = {(w.rule, w.path, w.resource) for w in base_settings.waivers}
        new_waivers = {(w.rule, w.path, w.resource) for w in head_settings.waivers}
        lines += [f"once merged: waiver removed: `{rule}` on {path or resource}"
                  for rule, path, resource in sorted(old_waivers - new_waivers, key=str)]
        if not lines:
            lines.append("once merged: no rule in force would change")
    if base_state is not None or head_state is not None or base_findings or head_findings:
        lines.append("this review still used the configuration of the base commit; the change "
                     "takes effect for pull requests opened after it is merged")
    return base_findings, head_findings, lines
