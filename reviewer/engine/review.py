"""Review a change like a pull request: evaluate base and head, compare, and delta."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings
from reviewer.engine.compare import Comparison, compare
from reviewer.engine.delta import PrincipalDelta, grants, permission_delta
from reviewer.engine.evaluate import evaluate


@dataclass
class ChangeReview:
    """The comparison of two commits and what principals gain."""

    comparison: Comparison
    delta: list[PrincipalDelta]


def review_change(base_files: Mapping[str, bytes], head_files: Mapping[str, bytes],
                  renames: Mapping[str, str], rules: Mapping[str, RuleSpec],
                  settings: Settings, today: dt.date | None = None) -> ChangeReview:
    """Evaluate both sides with the same rules and settings, then classify findings.

    ``renames`` maps base paths to head paths. The settings are the caller's to choose; the
    app reads them from the base commit so that a change cannot loosen its own review.
    """
    base = evaluate(base_files, rules, settings, today)
    head = evaluate(head_files, rules, settings, today)
    comparison = compare(base.findings, head.findings, dict(renames))
    delta = permission_delta(grants(base.documents), grants(head.documents), dict(renames))
    return ChangeReview(comparison, delta)
