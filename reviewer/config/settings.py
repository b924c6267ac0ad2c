"""The configuration file: organisation facts, per-rule overrides, waivers.

It has one shape wherever it lives (``--config FILE``, a repository's
``.github/policy-reviewer.yml``). Unknown keys are errors, not silently ignored: a typo in
``enabled`` must not switch a rule back on or off unnoticed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from reviewer.cache import digest, known_valid, remember_valid
from reviewer.config.errors import ConfigError, load_config_yaml, schema_errors
from reviewer.config.rulebook import RuleSpec, parameter_errors
from reviewer.engine.finding import Finding
from reviewer.engine.locate import locate
from reviewer.rules import KINDS
from reviewer.rules.base import DEFAULT_STAGE_VARIABLES, Organisation

REPOSITORY_CONFIG = ".github/policy-reviewer.yml"
REPOSITORY_RULES = ".github/policy-reviewer"  # a repository's own rule files, if the org allows


@dataclass
class Waiver:
    """Permission to keep a known problem until a date, with the reason."""

    rule: str
    reason: str
    expires: dt.date
    path: str | None = None
    resource: str | None = None
    owner: str | None = None
    source: str = ""
    line: int = 0


@dataclass
class Settings:
    """A parsed configuration file."""

    organisation: Organisation = field(default_factory=Organisation)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    override_lines: dict[str, int] = field(default_factory=dict)
    waivers: list[Waiver] = field(default_factory=list)
    fail_on: str = "new-errors"
    source: str = ""
    allow_repository_rules: bool = True  # organisation only: may repositories add rule files?
    # Organisation only: the GitHub teams (slugs) whose members may accept findings.
    approvers: list[str] = field(default_factory=list)
    # Organisation only: may a pull request's author accept their own findings; the fewest
    # characters of a reason for accepting.
    authors_may_accept: bool = False
    min_reason: int = 15
    # Organisation only: its SCPs and RCPs by name (policy documents), for the delta.
    guardrails: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Organisation only: the longest a waiver may run from the day it is judged.
    max_waiver_days: int | None = None
    document: Any = field(default=None, repr=False)  # the parsed file, to locate later errors
    # Findings about the configuration itself (attempts to override a locked rule ...).
    problems: list[Finding] = field(default_factory=list)


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    # Beside this module (not importlib.resources: its import costs a cold CLI 6 ms).
    return json.loads((Path(__file__).parent / "config-schema.json").read_text(encoding="utf-8"))


def parse_settings(name: str, text: str) -> Settings:
    """Parse configuration text; every problem is a ConfigError naming file, line and key."""
    settings, errors = _parse(name, text)
    if errors:
        raise errors[0]
    return settings


def settings_text_errors(name: str, text: str) -> list[ConfigError]:
    """Every problem of a configuration text on its own (syntax, keys, types, dates)."""
    return _parse(name, text)[1]


def _parse(name: str, text: str) -> tuple[Settings, list[ConfigError]]:
    try:
        data = load_config_yaml(name, text)
    except ConfigError as exc:
        return Settings(source=name), [exc]
    if data is None:
        return Settings(source=name), []
    if not isinstance(data, dict):
        return Settings(source=name), [ConfigError(
            name, 1, "", "the configuration is a mapping (organisation, rules, waivers)")]
    # Validating needs jsonschema (0.1 s to import): a text that validated before against
    # the same schema is not checked again, so a pre-commit run starts fast.
    key = digest(text, json.dumps(_schema(), sort_keys=True))
    if not known_valid("config", key):
        errors = schema_errors(name, data, _schema())
        if errors:
            return Settings(source=name), errors
    org = data.get("organisation", {})
    settings = Settings(
        organisation=Organisation(
            stage_parameter=org.get("stage_parameter", "Stage"),
            stage_variables=tuple(org.get("stage_variables", DEFAULT_STAGE_VARIABLES)),
            accounts={str(k): str(v) for k, v in org.get("accounts", {}).items()},
            trusted_accounts=[str(a) for a in org.get("trusted_accounts", [])],
        ),
        overrides={str(k): dict(v) for k, v in data.get("rules", {}).items()},
        override_lines={str(k): locate(data, ("rules", k))[0] for k in data.get("rules", {})},
        fail_on=data.get("fail_on", "new-errors"),
        source=name,
        allow_repository_rules=data.get("allow_repository_rules", True),
        approvers=[str(t) for t in data.get("approvers", {}).get("teams", [])],
        authors_may_accept=bool(data.get("approvers", {}).get("authors_may_accept", False)),
        min_reason=int(data.get("approvers", {}).get("min_reason", 15)),
        guardrails={str(k): dict(v) for k, v in data.get("guardrails", {}).items()},
        max_waiver_days=data.get("max_waiver_days"),
        document=data,
    )
    errors = []
    for index, item in enumerate(data.get("waivers", [])):
        line = locate(data, ("waivers", index))[0]
        try:
            expires = dt.date.fromisoformat(item["expires"])
        except ValueError:
            errors.append(ConfigError(name, locate(data, ("waivers", index, "expires"))[0],
                                      f"waivers.{index}.expires", "not a date (YYYY-MM-DD)"))
            continue
        settings.waivers.append(Waiver(
            rule=item["rule"], reason=item["reason"], expires=expires, path=item.get("path"),
            resource=item.get("resource"), owner=item.get("owner"), source=name, line=line,
        ))
    if not errors:
        remember_valid("config", key)
    return settings, errors


def load_settings(path: str) -> Settings:
    """Read a configuration file from disk."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise ConfigError(path, 0, "", f"cannot read: {exc.strerror}") from None
    return parse_settings(path, text)


def effective_rules(rules: dict[str, RuleSpec], settings: Settings) -> dict[str, RuleSpec]:
    """Apply the configuration's overrides to the shipped rules, key by key."""
    errors = reference_errors(rules, settings)
    if errors:
        raise errors[0]
    out = dict(rules)
    for rule_id, override in settings.overrides.items():
        spec = rules[rule_id]
        locked = override.get("locked", spec.locked)
        out[rule_id] = dataclasses.replace(
            spec,
            severity=override.get("severity", spec.severity),
            enabled=override.get("enabled", spec.enabled),
            params={**spec.params, **override.get("with", {})},
            locked=locked,
            # A lock means what it says: an inline suppression would be a way round it, so
            # a locked rule is not suppressible unless the organisation says so explicitly.
            suppressible=override.get("suppressible", False if locked and not spec.locked
                                      else spec.suppressible),
        )
    return out


def reference_errors(rules: dict[str, RuleSpec], settings: Settings) -> list[ConfigError]:
    """Every rule the configuration names that does not exist, and every override whose
    parameters the rule does not take, each with its line and a "did you mean"."""
    data = settings.document
    known = sorted(set(rules) | set(BUILTIN_RULE_IDS))
    errors = []
    for rule_id, override in settings.overrides.items():
        if rule_id not in rules:
            errors.append(ConfigError(settings.source, settings.override_lines.get(rule_id, 0),
                                      f"rules.{rule_id}", f'no rule "{rule_id}"' + did_you_mean(rule_id, rules)))
            continue
        spec = rules[rule_id]
        if "with" in override and data:
            errors.extend(parameter_errors(settings.source, data, ("rules", rule_id, "with"),
                                           KINDS[spec.kind].parameters))
            merged = {**spec.params, **override["with"]}
            for where, message in KINDS[spec.kind].semantic_errors(merged):
                path = ("rules", rule_id, "with") + where
                errors.append(ConfigError(settings.source, locate(data, path)[0],
                                          ".".join(map(str, path)), message))
    for index, waiver in enumerate(settings.waivers):
        if waiver.rule not in known:
            line = locate(data, ("waivers", index, "rule"))[0] if data else waiver.line
            errors.append(ConfigError(settings.source, line, f"waivers.{index}.rule",
                                      f'waiver names no known rule "{waiver.rule}"'
                                      + did_you_mean(waiver.rule, known)))
    return errors


def did_you_mean(name: str, known: Any) -> str:
    """``; did you mean "x"?`` for the closest known name, else the list of names."""
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if close:
        return f'; did you mean "{close[0]}"?'
    return "; known: " + ", ".join(names)


# Findings the engine itself reports, outside any rule file.
BUILTIN_RULE_IDS = ("template-parse", "waiver-expired", "waiver-too-long", "suppression-invalid",
                    "config-locked", "config-invalid", "review-incomplete")


SEVERITY_RANK = {"note": 0, "warning": 1, "error": 2}


def layer(rules: dict[str, RuleSpec], org: Settings | None, repo: Settings | None,
          repo_rules: dict[str, RuleSpec] | None = None) -> tuple[dict[str, RuleSpec], Settings]:
    """Shipped rules → the organisation's configuration → the repository's.

    The organisation may lock a rule; a repository's attempt to disable it, lower its
    severity, change its parameters or waive it is refused and reported as a finding
    (``config-locked``) naming the line, while the organisation's setting stays in force.
    A repository may add rules of its own (``.github/policy-reviewer/*.yml``) unless the
    organisation sets ``allow_repository_rules: false``; it may not replace existing ones.
    """
    org = org or Settings()
    rules = effective_rules(rules, org)
    problems: list[Finding] = []
    for rule_id, spec in (repo_rules or {}).items():
        if not org.allow_repository_rules:
            reason = "the organisation does not allow repositories to add rules"
        elif rule_id in rules:
            reason = f"rule {rule_id} already exists; a repository may only add new rules"
        else:
            rules[rule_id] = spec
            continue
        problems.append(Finding("config-locked", "error", spec.source, 1, 1,
                                f"{reason}; {spec.source} is ignored", f"repository-rule:{rule_id}"))
    if repo is None:
        return rules, dataclasses.replace(org, problems=org.problems + problems)
    allowed: dict[str, dict[str, Any]] = {}

    def refuse(line: int, rule_id: str, what: str) -> None:
        problems.append(Finding(
            "config-locked", "error", repo.source, line, line,
            f"rule {rule_id} is locked by the organisation: this repository may not {what}; "
            "the organisation's setting stays in force", f"{rule_id}:{what}"))

    for rule_id, override in repo.overrides.items():
        spec = rules.get(rule_id)
        line = repo.override_lines.get(rule_id, 0)
        keep = dict(override)
        for key in ("locked", "suppressible"):
            if key in keep:
                keep.pop(key)
                problems.append(Finding(
                    "config-locked", "error", repo.source, line, line,
                    f"only the organisation may set {key} (rule {rule_id}); ignored",
                    f"{rule_id}:{key}"))
        if spec is not None and spec.locked:
            if keep.get("enabled") is False:
                refuse(line, rule_id, "disable it")
            if "with" in keep:
                refuse(line, rule_id, "change its parameters")
            if SEVERITY_RANK.get(keep.get("severity", spec.severity), 2) < SEVERITY_RANK[spec.severity]:
                refuse(line, rule_id, "lower its severity")
                keep.pop("severity")
            keep.pop("enabled", None)
            keep.pop("with", None)
        allowed[rule_id] = keep
    for key, present in (("approvers", bool(repo.approvers)),
                         ("max_waiver_days", repo.max_waiver_days is not None),
                         ("guardrails", bool(repo.guardrails))):
        if present:
            line = locate(repo.document, (key,))[0] if repo.document else 1
            what = {"approvers": "name approvers", "max_waiver_days": "set max_waiver_days",
                    "guardrails": "set guardrails"}[key]
            problems.append(Finding("config-locked", "error", repo.source, line, line,
                                    f"only the organisation may {what}; ignored", key))
    waivers = []
    for waiver in repo.waivers:
        spec = rules.get(waiver.rule)
        if spec is not None and spec.locked:
            refuse(waiver.line, waiver.rule, "waive it")
        else:
            waivers.append(waiver)
    narrowed = dataclasses.replace(repo, overrides=allowed, waivers=waivers)
    rules = effective_rules(rules, narrowed)
    organisation = org.organisation if org.organisation.accounts else repo.organisation
    merged = Settings(
        organisation=organisation,
        # Per rule and key: a repository's refused keys are gone, the organisation's stay.
        overrides={rule_id: {**org.overrides.get(rule_id, {}), **allowed.get(rule_id, {})}
                   for rule_id in {**org.overrides, **allowed}},
        waivers=org.waivers + waivers,
        fail_on="all-errors" if "all-errors" in (org.fail_on, repo.fail_on) else "new-errors",
        source=repo.source,
        approvers=org.approvers,
        authors_may_accept=org.authors_may_accept,
        min_reason=org.min_reason,
        guardrails=org.guardrails,
        max_waiver_days=org.max_waiver_days,
        problems=org.problems + repo.problems + problems,
    )
    return rules, merged
