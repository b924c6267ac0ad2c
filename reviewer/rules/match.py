"""``kind: match``: rules written in YAML alone.

A match rule picks resources by type (wildcards allowed: ``AWS::Serverless::*``), may narrow
them with a ``when`` condition, and reports every resource for which its ``require``
condition does not hold::

    with:
      resources: ["AWS::SQS::Queue"]
      require:
        any:
          - exists: KmsMasterKeyId
          - equals: {path: SqsManagedSseEnabled, value: true}
      message: "queue {resource} is not encrypted at rest"

Conditions: ``all`` / ``any`` (lists), ``not``, ``type`` (resource type pattern),
``exists`` / ``absent`` (a path), ``equals``, ``one_of``, ``matches`` (regex), ``contains``,
``gt`` / ``ge`` / ``lt`` / ``le`` (numbers), ``every`` (a condition on each item at a path)
and ``referenced_by`` (another resource of the template points at this one). Paths are
dotted property paths from the resource's ``Properties``; ``*`` stands for any list item or
key (``Tags.*.Key``).

A message speaks the format's own words: ``messages`` lists alternatives, each with a
``format`` (cloudformation, terraform, serverless) and/or ``resources`` (type patterns), and
the first that fits a resource replaces ``message`` for it::

      messages:
        - {format: serverless, message: "function {resource} sets no reservedConcurrency"}
        - {resources: [aws_sns_topic], message: "SNS topic {resource} names no KMS key"}

Conditions are three-valued. A value given by an intrinsic function (``!Ref``, ``!If`` ...)
or a Terraform expression only known when applied is *unknown*, and unknown propagates
through ``not``, ``all``, ``any``, ``every``, ``when`` and ``require`` as in Kleene's logic
(``not unknown`` is unknown; ``all`` is false if any part is false, else unknown if any part
is). When the outcome for a resource is unknown, the rule's ``on_unknown`` says what to do:
``pass`` (the default: say nothing), ``fail`` (report it) or ``warn`` (report it as a
warning). A match rule never decides on an unknown value without the author saying so.
"""

from __future__ import annotations

import fnmatch
from typing import Any, Iterable

from reviewer.engine.document import FORMATS, TEMPLATE, Document, Resource
from reviewer.engine.finding import Hit, Path
from reviewer.rules.base import Context, RuleKind
from reviewer.rules.match_conditions import (NOT_SET, ON_UNKNOWN, Scope, condition_errors, holds_in,
                                             leaf_paths, resolve, t_any, t_not)
from reviewer.rules.message_template import render, template_error

class Match(RuleKind):
    kind = "match"
    parameters = {
        "resources": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "when": {"type": "object"},
        "require": {"type": "object"},
        "message": {"type": "string"},
        "messages": {"type": "array", "maxItems": 50, "items": {
            "type": "object", "additionalProperties": False, "required": ["message"],
            "properties": {"format": {"enum": list(FORMATS)},
                           "resources": {"type": "array", "items": {"type": "string"}},
                           "message": {"type": "string"}}}},
        "at": {"type": "string"},
        "on_unknown": {"enum": list(ON_UNKNOWN)},
    }
    required_parameters = ("resources", "require", "message")

    @classmethod
    def semantic_errors(cls, params: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
        errors = [((), f'kind "match" needs "{p}"') for p in cls.required_parameters if p not in params]
        for key in ("when", "require"):
            if key in params:
                errors.extend(condition_errors(params[key], (key,)))
        if isinstance(params.get("message"), str):
            problem = template_error(params["message"])
            if problem:
                errors.append((("message",), problem))
        for index, choice in enumerate(params.get("messages") or []):
            text = choice.get("message") if isinstance(choice, dict) else None
            problem = template_error(text) if isinstance(text, str) else None
            if problem:
                errors.append((("messages", index, "message"), problem))
        return errors

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        params = ctx.params
        patterns = params["resources"]
        on_unknown = params.get("on_unknown", "pass")
        references: dict[int, tuple[set[str], bool]] = {}
        for resource in doc.resources():
            if not any(fnmatch.fnmatchcase(resource.type, p) for p in patterns):
                continue
            scope = Scope(resource, resource.properties, doc, references)
            applies = holds_in(params["when"], scope, 0) if "when" in params else True
            if applies is False:
                continue
            satisfied = holds_in(params["require"], scope, 0)
            # "when → require", in three values: a finding only when it is known false.
            verdict = t_any([t_not(applies), satisfied])
            if verdict is True or (verdict is None and on_unknown == "pass"):
                continue
            message = self._message(resource, params)
            severity = None
            if verdict is None:
                message += " (this depends on a value known only at deploy time)"
                severity = "warning" if on_unknown == "warn" else None
            yield Hit(self._place(resource, params), message,
                      f"match:{resource.type}", resource.logical_id, severity=severity)

    @staticmethod
    def _place(resource: Resource, params: dict[str, Any]) -> Path:
        candidates = [params["at"]] if params.get("at") else leaf_paths(params["require"])
        for path in candidates:
            found = resolve(resource.properties, path)
            if found and found[0][1] and found[0][1][0] in resource.node.get("Properties", {}):
                return resource.path + ("Properties",) + found[0][1]
        return resource.path + ("Type",)

    @staticmethod
    def _message(resource: Resource, params: dict[str, Any]) -> str:
        values: dict[str, Any] = {"resource": resource.logical_id, "type": resource.type,
                                  "short_type": resource.type.split("::")[-1]}
        for path in leaf_paths(params["require"]):
            found = resolve(resource.properties, path)
            values.setdefault("value", found[0][0] if found else NOT_SET)
        values.setdefault("value", NOT_SET)
        return render(_template_for(resource, params), values)


def _template_for(resource: Resource, params: dict[str, Any]) -> str:
    """The first of ``messages`` that fits the resource's format and type, else ``message``."""
    for choice in params.get("messages") or []:
        if choice.get("format", resource.format) != resource.format:
            continue
        types = choice.get("resources")
        if types and not any(fnmatch.fnmatchcase(resource.type, p) for p in types):
            continue
        return str(choice["message"])
    return str(params["message"])
