"""The admin's commands: ``policies validate|test|docs|effective|impact`` and ``explain``.

They read what an organisation's admins write (rule files, ``config.yml``, a repository's
``.github/policy-reviewer.yml``) and say, in one run, everything that is wrong with it and
what it means for a repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Mapping

from reviewer.config.effective import InForce, in_force, waiver_state
from reviewer.config.errors import ConfigError
from reviewer.config.rulebook import (DEFAULT_POLICIES, ORG_CONFIG, RuleSpec, load_rule_dir,
                                      parse_rule_text, rule_file_errors)
from reviewer.config.settings import (BUILTIN_RULE_IDS, REPOSITORY_CONFIG, Settings, did_you_mean,
                                      layer, parse_settings, reference_errors, settings_text_errors)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A bad command line: exit status 2."""


# ----------------------------------------------------------------------------- layers


def org_layer(org_dir: str | None) -> tuple[dict[str, RuleSpec], Settings | None]:
    """The organisation's rule files and configuration (``--org DIR``)."""
    if not org_dir:
        return {}, None
    folder = Path(org_dir)
    rules = load_rule_dir(folder)
    config = folder / ORG_CONFIG
    settings = _load(config) if config.is_file() else Settings(source=str(config))
    return rules, settings


def _load(path: Path) -> Settings:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), 0, "", f"cannot read: {exc.strerror}") from None
    return parse_settings(str(path), text)


def below_repository(policies: str | None, org_dir: str | None) -> tuple[dict[str, RuleSpec], set[str], Settings | None]:
    """Shipped (or ``--policies``) rules with the organisation's added or replacing them,
    the ids the organisation's files set, and the organisation's configuration."""
    base = load_rule_dir(Path(policies) if policies else DEFAULT_POLICIES)
    org_rules, org_settings = org_layer(org_dir)
    base.update(org_rules)
    return base, set(org_rules), org_settings


def layers_in_force(policies: str | None, org_dir: str | None, repo: Settings | None,
                    repo_rules: Mapping[str, RuleSpec] | None = None) -> InForce:
    """Shipped (or ``--policies``) rules, the organisation's folder, then the repository's."""
    base, org_ids, org_settings = below_repository(policies, org_dir)
    return in_force(base, org_ids, org_settings, repo, repo_rules)


# ----------------------------------------------------------------------------- validate


def validate(directory: Path, config: str | None) -> int:
    """Every problem of a rule folder, its ``config.yml`` and (``--config``) a repository's
    configuration, in one run: a misspelt rule id is found now, not by every later scan."""
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such folder")
    errors: list[ConfigError] = []
    rules: dict[str, RuleSpec] = {}
    if directory.resolve() != DEFAULT_POLICIES:
        # Names in a configuration may refer to any layer: the shipped rules are there too.
        rules.update(load_rule_dir(DEFAULT_POLICIES))
    own: dict[str, str] = {}
    for path in sorted(directory.glob("*.y*ml")):
        if path.name == ORG_CONFIG:
            continue
        problems = rule_file_errors(path)
        errors.extend(problems)
        if problems:
            continue
        spec = parse_rule_text(str(path), path.read_text(encoding="utf-8"), check=False)
        if spec.id in own:
            errors.append(ConfigError(str(path), 1, "id",
                                      f'duplicate rule id "{spec.id}" (also in {own[spec.id]})'))
            continue
        own[spec.id] = str(path)
        rules[spec.id] = spec
    org = _check_config(directory / ORG_CONFIG, rules, errors) if (directory / ORG_CONFIG).is_file() else None
    if config:
        repo = _check_config(Path(config), rules, errors)
        if repo is not None and not any(e.path == str(Path(config)) for e in errors):
            try:
                _, merged = layer(dict(rules), org, repo)
            except ConfigError as exc:
                errors.append(exc)
            else:
                # What the organisation would refuse in the app is an error here too.
                errors.extend(ConfigError(p.path, p.start_line, "", p.message)
                              for p in merged.problems if p.path == repo.source)
    for error in sorted(errors, key=lambda e: (e.path, e.line)):
        print(error, file=sys.stderr)
    if errors:
        print(f"{len(errors)} problem(s)", file=sys.stderr)
        return EXIT_USAGE
    checked = f" and {config}" if config else ""
    print(f"{len(own)} rule file(s) valid in {directory}"
          + (f", {ORG_CONFIG} valid" if org is not None else "") + checked.replace(" and ", ", valid: "))
    return EXIT_OK


def _check_config(path: Path, rules: dict[str, RuleSpec], errors: list[ConfigError]) -> Settings | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        errors.append(ConfigError(str(path), 0, "", f"cannot read: {exc.strerror}"))
        return None
    problems = settings_text_errors(str(path), text)
    if problems:
        errors.extend(problems)
        return None
    settings = parse_settings(str(path), text)
    problems = reference_errors(rules, settings)
    errors.extend(problems)
    return None if problems else settings


# ----------------------------------------------------------------------------- test


def test(directory: Path) -> int:
    """Run every rule's examples; on a failure, say where and what was found instead."""
    from reviewer.config.ruletests import run_examples

    rules = load_rule_dir(directory)
    results = run_examples(rules, Settings())
    failed = 0
    for rule_id in rules:
        mine = [r for r in results if r.rule == rule_id]
        bad = [r for r in mine if not r.ok]
        failed += bool(bad)
        print(f"{'FAIL' if bad else 'ok  '} {rule_id} ({len(mine)} examples)")
        for r in bad:
            for line in r.describe().splitlines():
                print(f"       {line}")
    print(f"{len(rules) - failed} passed, {failed} failed")
    return EXIT_FINDINGS if failed else EXIT_OK


# ----------------------------------------------------------------------------- effective


def effective(found: InForce, today: dt.date, fmt: str) -> int:
    """The rules in force for a repository: severity, who set it, lock, waivers."""
    settings = found.settings
    rows = []
    for rule_id in sorted(found.rules):
        spec = found.rules[rule_id]
        waivers = [w for w in settings.waivers if w.rule == rule_id]
        rows.append({
            "rule": rule_id, "severity": spec.severity, "enabled": spec.enabled,
            "set_by": found.layers.get(rule_id, ""), "locked": spec.locked,
            "suppressible": spec.suppressible, "source": spec.source,
            "waivers": [{"path": w.path, "resource": w.resource, "expires": w.expires.isoformat(),
                         "owner": w.owner, "reason": w.reason, "state": waiver_state(w, settings, today),
                         "set_in": f"{w.source}:{w.line}"} for w in waivers],
        })
    builtin_waivers = [w for w in settings.waivers if w.rule not in found.rules]
    problems = [{"file": p.path, "line": p.start_line, "message": p.message} for p in found.problems]
    if fmt == "json":
        print(json.dumps({"rules": rows, "max_waiver_days": settings.max_waiver_days,
                          "fail_on": settings.fail_on, "problems": problems}, indent=2))
        return EXIT_OK
    width = max(len(r["rule"]) for r in rows) if rows else 4
    print(f"{'RULE':<{width}}  SEVERITY  STATE  SET BY                      LOCK")
    for r in rows:
        lock = ("locked" + ("" if r["suppressible"] else ", not suppressible inline")) if r["locked"] \
            else ("not suppressible inline" if not r["suppressible"] else "")
        print(f"{r['rule']:<{width}}  {r['severity']:<8}  {'on' if r['enabled'] else 'off':<5}  "
              f"{r['set_by']:<26}  {lock}".rstrip())
    waivers = [(r["rule"], w) for r in rows for w in r["waivers"]]
    waivers += [(w.rule, {"path": w.path, "resource": w.resource, "expires": w.expires.isoformat(),
                          "owner": w.owner, "state": waiver_state(w, settings, today),
                          "set_in": f"{w.source}:{w.line}"}) for w in builtin_waivers]
    print("")
    print("Waivers:" if waivers else "Waivers: none")
    for rule_id, w in waivers:
        owner = f", owner {w['owner']}" if w.get("owner") else ""
        print(f"  {rule_id} on {w['path'] or w['resource']}: until {w['expires']} "
              f"({w['state']}{owner}) [{w['set_in']}]")
    if settings.max_waiver_days:
        print(f"Longest allowed waiver: {settings.max_waiver_days} days")
    print(f"Fails on: {settings.fail_on}")
    if problems:
        print("")
        print("Refused by the organisation:")
        for p in problems:
            print(f"  {p['file']}:{p['line']}: {p['message']}")
    return EXIT_OK


# ----------------------------------------------------------------------------- explain


def explain(found: InForce, rule_id: str) -> int:
    """A rule's rationale, fix, parameters in force and examples."""
    from reviewer.report import BUILTIN_RULES

    spec = found.rules.get(rule_id)
    if spec is None and rule_id in BUILTIN_RULES:
        title, rationale, level = BUILTIN_RULES[rule_id]
        print(f"{rule_id}: {title}\n\nSeverity: {level} (reported by the engine itself)\n\n{rationale}")
        return EXIT_OK
    if spec is None:
        raise UsageError(f'no rule "{rule_id}"'
                         + did_you_mean(rule_id, set(found.rules) | set(BUILTIN_RULE_IDS)))
    out = [f"{spec.id}: {spec.title}", ""]
    state = "" if spec.enabled else ", switched off"
    lock = ", locked by the organisation" if spec.locked else ""
    lock += "" if spec.suppressible else ", not suppressible inline"
    out.append(f"Severity: {spec.severity}{state}{lock} (set by: {found.layers.get(spec.id, '')})")
    out.append(f"Kind: {spec.kind}; defined in {spec.source}")
    for label, value in (("Category", spec.category), ("Tags", ", ".join(spec.tags)),
                         ("Owner", spec.owner), ("More", spec.url)):
        if value:
            out.append(f"{label}: {value}")
    out += ["", "Why:", _wrap(spec.rationale)]
    if spec.fix:
        out += ["", "Fix:", _wrap(spec.fix)]
    if spec.params:
        import yaml

        from reviewer.report.docs import _plain
        out += ["", "Parameters in force (with:):",
                _indent(yaml.safe_dump(_plain(spec.params), sort_keys=False).rstrip())]
    waivers = [w for w in found.settings.waivers if w.rule == spec.id]
    if waivers:
        out += ["", "Waivers:"]
        out += [f"  {w.path or w.resource} until {w.expires.isoformat()}: {w.reason}" for w in waivers]
    for outcome, label in (("fail", "Fails"), ("pass", "Passes")):
        for example in spec.examples.get(outcome, [])[:1]:
            path = example.get("path", "template.yaml")
            out += ["", f"{label}: {example.get('name', '')} ({path})",
                    _indent(str(example.get("content", "")).rstrip())]
        more = len(spec.examples.get(outcome, [])) - 1
        if more > 0:
            out.append(f"  (and {more} more {outcome} example(s) in {spec.source})")
    print("\n".join(out))
    return EXIT_OK


def _wrap(text: str) -> str:
    import textwrap

    return textwrap.fill(" ".join(text.split()), width=88, initial_indent="  ", subsequent_indent="  ")


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """The admin commands on the ``policy-reviewer`` parser."""
    layers = argparse.ArgumentParser(add_help=False)
    layers.add_argument("--policies", metavar="DIR", help="rule files (default: the shipped policies/)")
    layers.add_argument("--org", metavar="DIR", help="the organisation's folder: rule files and config.yml")
    layers.add_argument("--config", metavar="FILE", help=f"the repository's configuration (default: "
                                                         f"{REPOSITORY_CONFIG} of the current repository)")

    explain_parser = sub.add_parser("explain", parents=[layers],
                                    help="a rule's rationale, parameters, examples and fix")
    explain_parser.add_argument("rule", metavar="RULE")

    policies = sub.add_parser("policies", help="validate, test, document rule files; rules in force; impact")
    psub = policies.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (("validate", "check rule files, config.yml and (--config) a repository's configuration"),
                       ("test", "run every rule's fail/pass examples"),
                       ("docs", "write docs/rules.md from the rule files")):
        p = psub.add_parser(name, help=text)
        p.add_argument("directory", nargs="?", metavar="DIR", help="rule files (default: shipped)")
        if name == "docs":
            p.add_argument("--output", "-o", default="docs/rules.md", metavar="FILE")
        if name == "validate":
            p.add_argument("--config", metavar="FILE",
                           help="also check a repository's configuration against these rules")
    eff = psub.add_parser("effective", parents=[layers],
                          help="the rules in force for a repository: severity, layer, locks, waivers")
    eff.add_argument("--format", choices=("text", "json"), default="text")
    impact = psub.add_parser("impact", help="what a rule change adds and removes across repositories")
    impact.add_argument("--old", required=True, metavar="DIR", help="the organisation's folder before")
    impact.add_argument("--new", required=True, metavar="DIR", help="the organisation's folder after")
    impact.add_argument("--format", choices=("text", "json"), default="text")
    impact.add_argument("repos", nargs="+", metavar="REPO", help="local checkouts")
