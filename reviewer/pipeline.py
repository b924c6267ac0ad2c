"""Files in, findings out: each file read by its format's adapter (``reviewer.formats``),
then judged by the engine, which sees only the model. The CLI, the app's jobs and the rule
tests all come through here."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Mapping, Sequence

from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings
from reviewer.engine.evaluate import Evaluation, evaluate_documents
from reviewer.formats import GivenPlan, read_files

if TYPE_CHECKING:  # a scan needs none of these: a CLI start does not pay for them
    from reviewer.config.config_change import ConfigJudge
    from reviewer.config.effective import InForce
    from reviewer.engine.impact import RepoImpact
    from reviewer.engine.review import ChangeReview


def evaluate(files: Mapping[str, bytes], rules: Mapping[str, RuleSpec], settings: Settings,
             today: dt.date | None = None, plans: Sequence[GivenPlan] = (),
             context: Mapping[str, bytes] | None = None) -> Evaluation:
    """Read ``files`` (path -> bytes) and run every enabled rule over them; ``context``: other
    files of the repository, read only for where their Terraform roots keep their state."""
    documents, findings = read_files(files, plans, context)
    return evaluate_documents(documents, rules, settings, today, findings)


def review_change(base_files: Mapping[str, bytes], head_files: Mapping[str, bytes],
                  renames: Mapping[str, str], rules: Mapping[str, RuleSpec],
                  settings: Settings, today: dt.date | None = None,
                  judge: "ConfigJudge | None" = None, plan: tuple[str, bytes] | None = None,
                  context: tuple[Mapping[str, bytes], Mapping[str, bytes]] = ({}, {})) -> "ChangeReview":
    """Review a change like a pull request: both sides read and judged with the same rules
    and settings, then compared (see ``engine.review.review_evaluations``). ``plan`` is
    head's Terraform plan (path, bytes): head reads what it plans, the base what it says is
    deployed now, so that what a plan reveals is not taken for new. ``context`` is (base,
    head): other files of the repository at each side (see ``paths.state_context``)."""
    base_plans: list[GivenPlan] = []
    head_plans: list[GivenPlan] = []
    if plan is not None:
        head_plans.append(GivenPlan(plan[0], plan[1]))
        base_plans.append(GivenPlan(plan[0], plan[1], "before", head_files))
    base = evaluate(base_files, rules, settings, today, base_plans, context[0])
    head = evaluate(head_files, rules, settings, today, head_plans, context[1])
    from reviewer.engine.review import review_evaluations

    return review_evaluations(base, head, base_files, head_files, renames, judge, settings.guardrails)


def impact_of(repo: str, files: Mapping[str, bytes], old: "InForce", new: "InForce") -> "RepoImpact":
    """What a rule change adds to and removes from one repository's findings: its files read
    once and judged under both rule sets."""
    documents, problems = read_files(files)
    before = evaluate_documents(documents, old.rules, old.settings, findings=problems)
    after = evaluate_documents(documents, new.rules, new.settings, findings=problems)
    from reviewer.engine.impact import compare_impact

    return compare_impact(repo, before.findings, after.findings)
