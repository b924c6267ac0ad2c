"""Review a change to the rules themselves: validate, test, and say what it changes.

Rule files live in ``policies/`` of a repository that keeps its own, or in the
organisation's ``.github`` repository under ``policy-reviewer/`` (with ``config.yml``).
Invalid files and failing examples become findings at the offending line, so they are
commented inline like any other problem; the summary lists rules added and removed,
severity, parameter and lock changes, and waivers added with their expiry.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from reviewer.config.errors import ConfigError
from reviewer.config.rulebook import ORG_CONFIG, RuleSpec, parse_rule_text, rule_text_errors
from reviewer.config.ruletests import run_examples
from reviewer.config.settings import Settings, parse_settings
from reviewer.engine.finding import Finding

RULE_PATH = re.compile(r"^(?:policies|policy-reviewer|\.github/policy-reviewer)/[^/]+\.ya?ml$")


def is_rule_path(path: str) -> bool:
    """Rule files and the organisation's config.yml."""
    return bool(RULE_PATH.match(path))


@dataclass
class RuleChange:
    """Findings about the changed rule files and a readable account of the change."""

    findings: list[Finding] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


def _load(files: Mapping[str, bytes]) -> tuple[dict[str, RuleSpec], Settings | None, list[Finding]]:
    rules: dict[str, RuleSpec] = {}
    settings = None
    problems: list[Finding] = []
    for path in sorted(files):
        text = files[path].decode("utf-8", "replace")
        try:
            if path.rsplit("/", 1)[-1] == ORG_CONFIG:
                settings = parse_settings(path, text)
                continue
            errors = rule_text_errors(path, text)
            if errors:
                problems.extend(_finding("rule-file-invalid", e) for e in errors)
                continue
            spec = parse_rule_text(path, text, check=False)
            rules[spec.id] = spec
        except ConfigError as exc:
            problems.append(_finding("rule-file-invalid", exc))
    return rules, settings, problems


def _finding(rule_id: str, error: ConfigError) -> Finding:
    return Finding(rule_id, "error", error.path, max(error.line, 1), max(error.line, 1),
                   error.message + (f" ({error.key})" if error.key else ""),
                   f"{error.key}:{error.message}")


def review_rule_files(base: Mapping[str, bytes], head: Mapping[str, bytes]) -> tuple[list[Finding], list[Finding], list[str]]:
    """(base findings, head findings, change summary) for the changed rule files."""
    base_rules, base_settings, base_problems = _load(base)
    head_rules, head_settings, head_problems = _load(head)
    head_problems += _example_failures(head_rules)
    base_problems += _example_failures(base_rules)
    return base_problems, head_problems, describe(base_rules, head_rules, base_settings, head_settings)


def _example_failures(rules: dict[str, RuleSpec]) -> list[Finding]:
    out = []
    for result in run_examples(rules, Settings()):
        if not result.ok:
            spec = rules[result.rule]
            out.append(Finding("rule-test-failed", "error", spec.source, result.line, result.line,
                               f"{result.describe()} ({result.rule})",
                               f"{result.rule}:{result.outcome}:{result.name}", resource=result.rule))
    return out


def describe(base: dict[str, RuleSpec], head: dict[str, RuleSpec],
             base_settings: Settings | None, head_settings: Settings | None) -> list[str]:
    """What the change does to the rules, one line each."""
    lines = [f"rule `{r}` added ({head[r].severity})" for r in sorted(head.keys() - base.keys())]
    lines += [f"rule `{r}` removed" for r in sorted(base.keys() - head.keys())]
    for rule_id in sorted(base.keys() & head.keys()):
        old, new = base[rule_id], head[rule_id]
        if old.severity != new.severity:
            lines.append(f"rule `{rule_id}`: severity {old.severity} → {new.severity}")
        if old.enabled != new.enabled:
            lines.append(f"rule `{rule_id}`: {'enabled' if new.enabled else 'disabled'}")
        if _plain(old.params) != _plain(new.params):
            lines.append(f"rule `{rule_id}`: parameters changed ({_short(old.params)} → {_short(new.params)})")
    old_o = base_settings.overrides if base_settings else {}
    new_o = head_settings.overrides if head_settings else {}
    for rule_id in sorted(set(old_o) | set(new_o)):
        before, after = old_o.get(rule_id, {}), new_o.get(rule_id, {})
        for key in sorted(set(before) | set(after)):
            if _plain(before.get(key)) != _plain(after.get(key)):
                lines.append(f"configuration of `{rule_id}`: {key} {_short(before.get(key))} → "
                             f"{_short(after.get(key))}")
    old_w = {(w.rule, w.path, w.resource) for w in (base_settings.waivers if base_settings else [])}
    for waiver in head_settings.waivers if head_settings else []:
        if (waiver.rule, waiver.path, waiver.resource) not in old_w:
            lines.append(f"waiver added: `{waiver.rule}` on {waiver.path or waiver.resource}, "
                         f"expires {waiver.expires.isoformat()} — {waiver.reason}")
    return lines


def _plain(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _short(value: Any) -> str:
    text = "unset" if value is None else _plain(value)
    return text if len(text) <= 80 else text[:77] + "..."
