"""``async-failure-destination``: asynchronously invoked functions keep failed events.

Lambda retries an asynchronous event twice and then drops it; without a dead-letter queue
or an on-failure destination the event is lost without a trace.
"""

from __future__ import annotations

from typing import Any, Iterable

from reviewer.engine.document import TEMPLATE, Document, Resource
from reviewer.engine.finding import Hit
from reviewer.engine.iam import principal_name
from reviewer.engine.values import get_path, possible_strings
from reviewer.rules.base import Context, RuleKind

# SAM event sources that invoke the function asynchronously. Alexa skills and Cognito user
# pool triggers wait for the function's answer (a synchronous invoke: the caller sees the
# failure), and queue and stream sources are polled; none of those lose an event this way.
ASYNC_EVENTS = {"S3", "SNS", "EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2",
                "CloudWatchLogs", "IoTRule", "SES"}
ASYNC_PRINCIPALS = ("s3.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com",
                    "logs.amazonaws.com", "iot.amazonaws.com", "ses.amazonaws.com",
                    "scheduler.amazonaws.com")
FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")


class AsyncFailureDestination(RuleKind):
    kind = "async-failure-destination"

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        resources = doc.resources()
        invoked = _async_invocations(resources)
        covered = {principal_name(r.properties.get("FunctionName")) for r in resources
                   if r.type == "AWS::Lambda::EventInvokeConfig"
                   and get_path(r.properties, ("DestinationConfig", "OnFailure"))}
        for resource in resources:
            if resource.type not in FUNCTION_TYPES or resource.logical_id not in invoked:
                continue
            if resource.logical_id in covered or _handles_failures(resource.properties):
                continue
            yield Hit(resource.path + ("Type",),
                      f"function {resource.logical_id} is invoked asynchronously by "
                      f"{', '.join(sorted(invoked[resource.logical_id]))} but has no dead-letter "
                      "queue or on-failure destination; failed events would be dropped",
                      "no-failure-destination", resource.logical_id)


def _handles_failures(props: dict[str, Any]) -> bool:
    return bool(props.get("DeadLetterQueue") or props.get("DeadLetterConfig")
                or get_path(props, ("EventInvokeConfig", "DestinationConfig", "OnFailure")))


def is_async_event(event: Any) -> bool:
    """Does this SAM event invoke the function asynchronously?

    An SNS event with ``SqsSubscription`` puts a queue between topic and function: SAM
    subscribes the queue and the function polls it, so a failed message stays in the queue
    (its redrive policy decides what happens next), not in Lambda's asynchronous retries.
    A subscription decided at deploy time (an intrinsic) is not guessed at.
    """
    if not isinstance(event, dict) or event.get("Type") not in ASYNC_EVENTS:
        return False
    if event["Type"] == "SNS":
        props = event.get("Properties")
        subscription = props.get("SqsSubscription") if isinstance(props, dict) else None
        if isinstance(subscription, dict) or str(subscription).lower() == "true":
            return False
    return True


def _async_invocations(resources: list[Resource]) -> dict[str, set[str]]:
    invoked: dict[str, set[str]] = {}
    for resource in resources:
        if resource.type == "AWS::Serverless::Function":
            events = resource.properties.get("Events")
            for event in (events.values() if isinstance(events, dict) else []):
                if is_async_event(event):
                    invoked.setdefault(resource.logical_id, set()).add(f"{event['Type']} events")
        if resource.type == "AWS::Lambda::Permission":
            function = principal_name(resource.properties.get("FunctionName"))
            principals = {s for s, _ in possible_strings(resource.properties.get("Principal"), ())}
            async_ = sorted(p for p in principals if p in ASYNC_PRINCIPALS)
            if function and async_:
                invoked.setdefault(function, set()).update(async_)
    return invoked
