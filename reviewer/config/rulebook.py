"""Rule files (``policies/*.yml``): one rule each, with its parameters and examples."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from reviewer.config.errors import ConfigError, load_config_yaml, schema_errors
from reviewer.engine.locate import locate
from reviewer.rules import KINDS

# Inside the package (installed or not); the repository's top-level policies/ links here.
DEFAULT_POLICIES = Path(__file__).resolve().parents[1] / "policies"


@dataclass
class RuleSpec:
    """A rule as the YAML declares it, after configuration overrides."""

    id: str
    kind: str
    severity: str
    title: str
    rationale: str
    fix: str = ""
    # What the rule reads in each format (cloudformation, terraform, serverless), for people.
    reads: dict[str, str] = field(default_factory=dict)
    enabled: bool = True
    params: dict[str, Any] = field(default_factory=dict)
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    source: str = ""
    locked: bool = False  # set by the organisation: repositories may not weaken it
    suppressible: bool = True  # False: inline Metadata suppressions are refused
    # What the rule is about and who answers for it: shown in docs, SARIF and the review page.
    tags: list[str] = field(default_factory=list)
    category: str = ""
    owner: str = ""
    url: str = ""


@lru_cache(maxsize=1)
def _rule_schema() -> dict[str, Any]:
    return json.loads((Path(__file__).parent / "rule-schema.json").read_text(encoding="utf-8"))


def load_rule_file(path: Path, check: bool = True) -> RuleSpec:
    """Read (and check) one rule file; raises ConfigError with the offending line."""
    return parse_rule_text(str(path), path.read_text(encoding="utf-8"), check, marks=check)


def parse_rule_text(name: str, text: str, check: bool = True, marks: bool = True) -> RuleSpec:
    """A rule file's text (from disk, or from the organisation's repository).

    Without ``marks`` (the shipped rules on every CLI start: their lines are never shown)
    the file is read with the plain C loader, in a third of the time.
    """
    errors = rule_text_errors(name, text) if check else []
    if errors:
        raise errors[0]
    data = load_config_yaml(name, text) if marks else _plain_yaml(name, text)
    return RuleSpec(
        id=data["id"], kind=data["kind"], severity=data["severity"], title=data["title"],
        rationale=" ".join(data["rationale"].split()), fix=" ".join(data.get("fix", "").split()),
        reads={str(k): " ".join(str(v).split()) for k, v in (data.get("reads") or {}).items()},
        enabled=data.get("enabled", True), params=dict(data.get("with", {})),
        examples={k: list(v) for k, v in data["examples"].items()}, source=name,
        tags=[str(t) for t in data.get("tags", [])], category=str(data.get("category", "")),
        owner=str(data.get("owner", "")), url=str(data.get("url", "")),
    )


def _plain_yaml(name: str, text: str) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return load_config_yaml(name, text)  # the marked loader says where, in ConfigError


def rule_file_errors(path: Path) -> list[ConfigError]:
    """Every problem of one rule file on disk."""
    return rule_text_errors(str(path), path.read_text(encoding="utf-8"))


def rule_text_errors(name: str, text: str) -> list[ConfigError]:
    """Every problem of one rule file (schema, kind, parameters, regexes, examples)."""
    try:
        data = load_config_yaml(name, text)
    except ConfigError as exc:
        return [exc]
    if not isinstance(data, dict):
        return [ConfigError(name, 1, "", "a rule file is a mapping with id, kind, severity, ...")]
    errors = schema_errors(name, data, _rule_schema())
    kind = data.get("kind")
    if isinstance(kind, str) and kind not in KINDS:
        line, _ = locate(data, ("kind",))
        errors.append(ConfigError(name, line, "kind", f'unknown kind "{kind}"; known: '
                                  + ", ".join(sorted(KINDS))))
    elif isinstance(kind, str):
        params = data.get("with") if isinstance(data.get("with"), dict) else {}
        if "with" in data:
            errors.extend(parameter_errors(name, data, ("with",), KINDS[kind].parameters))
        for where, message in KINDS[kind].semantic_errors(params):
            path = ("with",) + where
            errors.append(ConfigError(name, locate(data, path)[0], ".".join(map(str, path)), message))
    errors.extend(_example_errors(name, data))
    return errors


def _example_errors(name: str, data: dict[str, Any]) -> list[ConfigError]:
    """Every example must be a template or policy the engine reads."""
    from reviewer.formats import read_files

    errors = []
    examples = data.get("examples") if isinstance(data.get("examples"), dict) else {}
    for outcome, items in examples.items():
        for index, example in enumerate(items if isinstance(items, list) else []):
            if not isinstance(example, dict):
                continue
            if "config" in example:
                errors.extend(_example_config_errors(name, data, (*where_of(outcome, index), "config"),
                                                     example["config"]))
            if not isinstance(example.get("content"), str):
                continue
            where = ("examples", outcome, index, "content")
            line = locate(data, where)[0]
            path = example.get("path", "template.yaml")
            documents, problems = read_files({str(path): example["content"].encode()})
            unreadable = [p for p in problems if p.rule_id == "template-parse"]
            if unreadable:
                errors.append(ConfigError(name, line + unreadable[0].start_line,
                                          ".".join(map(str, where)),
                                          f"example does not parse: {unreadable[0].message}"))
                continue
            if not documents:
                errors.append(ConfigError(name, line, ".".join(map(str, where)),
                                          "example is not a template, policy or parameter file"))
    return errors


def where_of(outcome: str, index: int) -> tuple[Any, ...]:
    """The path of one example in a rule file."""
    return ("examples", outcome, index)


def _example_config_errors(name: str, data: Any, where: tuple[Any, ...], config: Any) -> list[ConfigError]:
    """An example's ``config`` is a configuration file like any other: check it now, so a
    mistake in it is reported at its line instead of breaking the run of the examples."""
    from reviewer.config.settings import parse_settings

    try:
        parse_settings(name, json.dumps(config, default=str))
    except ConfigError as exc:
        key = ".".join(map(str, where)) + (f".{exc.key}" if exc.key else "")
        return [ConfigError(name, locate(data, where)[0], key, f"example config is invalid: {exc.message}")]
    return []


def parameter_errors(name: str, root: Any, where: tuple[Any, ...],
                     parameters: dict[str, dict[str, Any]]) -> list[ConfigError]:
    """Check a rule's ``with`` block against the parameters its kind accepts."""
    import jsonschema

    schema = {"type": "object", "additionalProperties": False, "properties": parameters}
    node = root
    for key in where:
        node = node[key]
    errors = []
    for error in jsonschema.Draft202012Validator(schema).iter_errors(node):
        path = where + tuple(error.absolute_path)
        message = error.message
        if error.validator == "additionalProperties":
            unknown = [k for k in error.instance if k not in parameters]
            path = path + (unknown[0],) if unknown else path
            message = f'unknown parameter "{unknown[0]}"' if unknown else message
        line, _ = locate(root, path)
        errors.append(ConfigError(name, line, ".".join(map(str, path)), message))
    return errors


ORG_CONFIG = "config.yml"


@lru_cache(maxsize=1)
def _shipped() -> dict[str, RuleSpec]:
    return load_rule_dir(DEFAULT_POLICIES)


def shipped_rules() -> dict[str, RuleSpec]:
    """The shipped rules, read once per process (a worker judges many reviews with them);
    a fresh dict each call, and layers replace specs rather than change them."""
    return dict(_shipped())


def load_rule_dir(directory: Path) -> dict[str, RuleSpec]:
    """All rule files of a folder, keyed by id; duplicate ids are an error.

    An organisation's folder also holds its configuration, ``config.yml``, which is not a
    rule file.
    """
    if not directory.is_dir():
        raise ConfigError(str(directory), 0, "", "no such policies folder")
    rules: dict[str, RuleSpec] = {}
    # The shipped rules are checked by the test suite (and `policies validate`); re-checking
    # them on every run would cost a CLI start-up the jsonschema import.
    check = directory.resolve() != DEFAULT_POLICIES
    for path in sorted(directory.glob("*.y*ml")):
        if path.name == ORG_CONFIG:
            continue
        spec = load_rule_file(path, check)
        if spec.id in rules:
            raise ConfigError(str(path), 1, "id",
                              f'duplicate rule id "{spec.id}" (also in {rules[spec.id].source})')
        rules[spec.id] = spec
    return rules
