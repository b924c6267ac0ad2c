"""``template-valid``: the template passes cfn-lint's error-level rules.

cfn-lint is imported on first use only: importing it costs about a second, which scans
that disable this rule, and files that are not templates, must not pay.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from reviewer.engine.document import CLOUDFORMATION, TEMPLATE, Document
from reviewer.engine.finding import Hit
from reviewer.rules.base import Context, RuleKind


# CloudFormation refuses a template with more resources than this; cfn-lint would still
# spend minutes on one with 20,000, so such a template is reported instead of validated.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
MAX_RESOURCES = 500


@lru_cache(maxsize=4)
def _runner(regions: tuple[str, ...]) -> Any:
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    return Runner(ConfigMixIn(regions=list(regions)))


class TemplateValid(RuleKind):
    kind = "template-valid"
    parameters = {"regions": {"type": "array", "items": {"type": "string"}},
                  "ignore": {"type": "array", "items": {"type": "string"}}}

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        # cfn-lint reads CloudFormation text; Terraform and the Serverless Framework are
        # other languages (a service's resources.Resources is checked by the other rules).
        if doc.kind != TEMPLATE or doc.format != CLOUDFORMATION:
            return
        resources = doc.data.get("Resources") if isinstance(doc.data, dict) else None
        if isinstance(resources, dict) and len(resources) > MAX_RESOURCES:
            yield Hit(("Resources",), f"the template declares {len(resources):,} resources; "
                      f"CloudFormation accepts at most {MAX_RESOURCES}, so it was not validated",
                      "too-many-resources")
            return
        try:
            matches = _validate(doc.text, tuple(ctx.params.get("regions", ["us-east-1"])))
        except Exception as exc:  # noqa: BLE001 - the validator's own bug, not the template's
            # Said at this rule's severity, with what the validator said: the template may
            # well be valid, and the other rules have read it.
            yield Hit(("Resources",) if "Resources" in doc.data else (),
                      "cfn-lint could not validate this template: it stopped with "
                      f"{type(exc).__name__}: {str(exc)[:200]}", "cfn-lint-failed")
            return
        ignore = set(ctx.params.get("ignore", []))
        for match in matches:
            rule_id = match.rule.id
            if not rule_id.startswith("E") or rule_id in ignore:
                continue
            path = tuple(getattr(match, "path", None) or ())
            yield Hit(path, f"cfn-lint {rule_id}: {match.message}",
                      f"{rule_id}:{match.message}", _resource_of(path),
                      lines=(match.linenumber, max(match.linenumber, match.linenumberend)))


def _validate(text: str, regions: tuple[str, ...]) -> list[Any]:
    """cfn-lint's matches for a template's text (its decoder's, when it cannot decode it)."""
    from cfnlint.decode.decode import decode_str

    template, errors = decode_str(text)
    if template is None or errors:
        return list(errors or [])
    return list(_runner(regions).validate_template(template))


def _resource_of(path: tuple[Any, ...]) -> str | None:
    return str(path[1]) if len(path) > 1 and path[0] == "Resources" else None
