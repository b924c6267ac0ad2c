"""``concurrency-limit``: every Lambda function reserves its concurrency.

Without a reservation one function's burst can take the whole account's concurrency and
throttle every other function of every stage that shares the account.
"""

from __future__ import annotations

from typing import Iterable

from reviewer.engine.document import TEMPLATE, Document
from reviewer.engine.finding import Hit
from reviewer.rules.base import Context, RuleKind

FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")


class ConcurrencyLimit(RuleKind):
    kind = "concurrency-limit"

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        for resource in doc.resources():
            if resource.type in FUNCTION_TYPES and "ReservedConcurrentExecutions" not in resource.properties:
                yield Hit(resource.path + ("Type",),
                          f"function {resource.logical_id} sets no ReservedConcurrentExecutions",
                          "ReservedConcurrentExecutions", resource.logical_id)
