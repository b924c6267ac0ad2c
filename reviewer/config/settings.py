"""The configuration file: organisation facts, per-rule overrides, waivers.

It has one shape wherever it lives (``--config FILE``, a repository's
``.github/policy-reviewer.yml``). Unknown keys are errors, not silently ignored: a typo in
``enabled`` must not switch a rule back on or off unnoticed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
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
from reviewer.rules.base import Organisation

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
    document: Any = field(default=None, repr=False)  # the parsed file, to locate later errors
    # Findings about the configuration itself (attempts to override a locked rule ...).
    problems: list[Finding] = field(default_factory=list)


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    # Beside this module (not importlib.resources: its import costs a cold CLI 6 ms).
    return json.loads((Path(__file__).parent / "config-schema.json").read_text(encoding="utf-8"))


def parse_settings(name: str, text: str) -> Settings:
    """Parse configuration text; every problem is a ConfigError naming file, line and key."""
    data = load_config_yaml(name, text)
    if data is None:
        return Settings(source=name)
    if not isinstance(data, dict):
        raise ConfigError(name, 1, "", "the configuration is a mapping (organisation, rules, waivers)")
    # Validating needs jsonschema (0.1 s to import): a text that validated before against
    # the same schema is not checked again, so a pre-commit run starts fast.
    key = digest(text, json.dumps(_schema(), sort_keys=True))
    if not known_valid("config", key):
        errors = schema_errors(name, data, _schema())
        if errors:
            raise errors[0]
    org = data.get("organisation", {})
    settings = Settings(
        organisation=Organisation(
            stage_parameter=org.get("stage_parameter", "Stage"),
            accounts={str(k): str(v) for k, v in org.get("accounts", {}).items()},
            trusted_accounts=[str(a) for a in org.get("trusted_accounts", [])],
        ),
        overrides={str(k): dict(v) for k, v in data.get("rules", {}).items()},
        override_lines={str(k): locate(data, ("rules", k))[0] for k in data.get("rules", {})},
        fail_on=data.get("fail_on", "new-errors"),
        source=name,
        allow_repository_rules=data.get("allow_repository_rules", True),
        approvers=[str(t) for t in data.get("approvers", {}).get("teams", [])],
        document=data,
    )
    for index, item in enumerate(data.get("waivers", [])):
        line = locate(data, ("waivers", index))[0]
        try:
            expires = dt.date.fromisoformat(item["expires"])
        except ValueError:
            raise ConfigError(name, locate(data, ("waivers", index, "expires"))[0],
                              f"waivers.{index}.expires", "not a date (YYYY-MM-DD)") from None
        settings.waivers.append(Waiver(
            rule=item["rule"], reason=item["reason"], expires=expires, path=item.get("path"),
            resource=item.get("resource"), owner=item.get("owner"), source=name, line=line,
        ))
    remember_valid("config", key)
    return settings


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
    data = settings.document
    out = dict(rules)
    for rule_id, override in settings.overrides.items():
        if rule_id not in rules:
            raise ConfigError(settings.source, settings.override_lines.get(rule_id, 0),
                              f"rules.{rule_id}", f'no rule "{rule_id}"; known: '
                              + ", ".join(sorted(rules)))
        spec = rules[rule_id]
        if "with" in override and data:
            errors = parameter_errors(settings.source, data, ("rules", rule_id, "with"),
                                      KINDS[spec.kind].parameters)
            merged = {**spec.params, **override["with"]}
            for where, message in KINDS[spec.kind].semantic_errors(merged):
                path = ("rules", rule_id, "with") + where
                errors.append(ConfigError(settings.source, locate(data, path)[0],
                                          ".".join(map(str, path)), message))
            if errors:
                raise errors[0]
        out[rule_id] = dataclasses.replace(
            spec,
            severity=override.get("severity", spec.severity),
            enabled=override.get("enabled", spec.enabled),
            params={**spec.params, **override.get("with", {})},
            locked=override.get("locked", spec.locked),
            suppressible=override.get("suppressible", spec.suppressible),
        )
    for waiver in settings.waivers:
        if waiver.rule not in out and waiver.rule not in BUILTIN_RULE_IDS:
            raise ConfigError(settings.source, waiver.line, "waivers.rule",
                              f'waiver names no known rule "{waiver.rule}"')
    return out


# Findings the engine itself reports, outside any rule file.
BUILTIN_RULE_IDS = ("template-parse", "waiver-expired", "suppression-invalid", "config-locked")


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
    if repo.approvers:
        line = locate(repo.document, ("approvers",))[0] if repo.document else 1
        problems.append(Finding("config-locked", "error", repo.source, line, line,
                                "only the organisation may name approvers; ignored", "approvers"))
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
        overrides={**org.overrides, **allowed},
        waivers=org.waivers + waivers,
        fail_on="all-errors" if "all-errors" in (org.fail_on, repo.fail_on) else "new-errors",
        source=repo.source,
        approvers=org.approvers,
        problems=org.problems + repo.problems + problems,
    )
    return rules, merged
