"""Importing this module pays the engine's one-off costs: cfn-lint's import and rules, and the
AWS action list. The fork server of ``bounded`` imports it once, so that every review it forks
starts warm; the worker's start-up imports it for the same reason."""

from __future__ import annotations

import reviewer.engine.review  # noqa: F401 - the engine and every rule kind
from reviewer.engine import actions
from reviewer.rules.template_valid import _runner

actions.known_action_count()
_runner(("us-east-1",))
