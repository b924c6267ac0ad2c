"""``async-failure-destination``: asynchronously invoked functions keep failed events.

Lambda retries an asynchronous event twice and then drops it; without a dead-letter queue
or an on-failure destination the event is lost without a trace.

What invokes a function asynchronously, and what keeps its failures, is data: the tables
below name resource types and property paths of every format the model holds
(CloudFormation and SAM, the Serverless Framework's functions, Terraform), so the rule never
asks which format it reads.
"""

from __future__ import annotations

from typing import Any, Iterable

from reviewer.engine.document import TEMPLATE, Document, Resource
from reviewer.engine.finding import Hit
from reviewer.engine.iam import principal_name
from reviewer.engine.values import possible_strings
from reviewer.rules.base import Context, RuleKind
from reviewer.rules.match_conditions import resolve, resolve_or_blocked

# SAM event sources that invoke the function asynchronously. Alexa skills and Cognito user
# pool triggers wait for the function's answer (a synchronous invoke: the caller sees the
# failure), and queue and stream sources are polled; none of those lose an event this way.
ASYNC_EVENTS = {"S3", "SNS", "EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2",
                "CloudWatchLogs", "IoTRule", "SES"}
ASYNC_PRINCIPALS = ("s3.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com",
                    "logs.amazonaws.com", "iot.amazonaws.com", "ses.amazonaws.com",
                    "scheduler.amazonaws.com")

# Function type -> paths whose presence keeps failed events (a dead-letter queue, an
# on-failure destination).
FUNCTIONS: dict[str, tuple[str, ...]] = {
    "AWS::Lambda::Function": ("DeadLetterConfig.TargetArn",),
    "AWS::Serverless::Function": ("DeadLetterQueue", "DeadLetterConfig.TargetArn",
                                  "EventInvokeConfig.DestinationConfig.OnFailure"),
    "aws_lambda_function": ("dead_letter_config.*.target_arn",),
}
# Separate invoke configurations: type -> (the function's path, the on-failure path).
INVOKE_CONFIGS: dict[str, tuple[str, str]] = {
    "AWS::Lambda::EventInvokeConfig": ("FunctionName", "DestinationConfig.OnFailure"),
    "aws_lambda_function_event_invoke_config": ("function_name",
                                                "destination_config.*.on_failure.*.destination"),
}
# Permissions that let a service invoke a function: type -> (function path, principal path).
PERMISSIONS: dict[str, tuple[str, str]] = {
    "AWS::Lambda::Permission": ("FunctionName", "Principal"),
    "aws_lambda_permission": ("function_name", "principal"),
}
# Resources that make a service invoke a function asynchronously: type -> (what invokes,
# the path of the function's ARN, an optional (path, value) that must hold).
INVOKERS: dict[str, tuple[str, str, tuple[str, str] | None]] = {
    "aws_s3_bucket_notification": ("S3 notifications", "lambda_function.*.lambda_function_arn", None),
    "aws_cloudwatch_event_target": ("EventBridge targets", "arn", None),
    "aws_sns_topic_subscription": ("SNS subscriptions", "endpoint", ("protocol", "lambda")),
    "aws_cloudwatch_log_subscription_filter": ("CloudWatch Logs subscriptions", "destination_arn", None),
    "aws_scheduler_schedule": ("EventBridge Scheduler schedules", "target.*.arn", None),
    "AWS::Events::Rule": ("EventBridge rules", "Targets.*.Arn", None),
    "AWS::Scheduler::Schedule": ("EventBridge Scheduler schedules", "Target.Arn", None),
    "AWS::SNS::Subscription": ("SNS subscriptions", "Endpoint", ("Protocol", "lambda")),
    "AWS::S3::Bucket": ("S3 notifications",
                        "NotificationConfiguration.LambdaConfigurations.*.Function", None),
}


class AsyncFailureDestination(RuleKind):
    kind = "async-failure-destination"

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        resources = doc.resources()
        invoked = _async_invocations(resources)
        covered = _covered(resources)
        for resource in resources:
            keeps = FUNCTIONS.get(resource.type)
            if keeps is None or resource.logical_id not in invoked:
                continue
            if resource.logical_id in covered or _may_keep_failures(resource, keeps):
                continue
            yield Hit(resource.path + ("Type",),
                      f"function {resource.logical_id} is invoked asynchronously by "
                      f"{', '.join(sorted(invoked[resource.logical_id]))} but has no dead-letter "
                      "queue or on-failure destination; failed events would be dropped",
                      "no-failure-destination", resource.logical_id)


def _may_keep_failures(resource: Resource, keeps: tuple[str, ...]) -> bool:
    """Does a path that keeps failures hold a value, or one only deploy time knows (a
    DeadLetterConfig under !If): then it is neither flagged nor cleared."""
    for path in keeps:
        found, blocked = resolve_or_blocked(resource.properties, path)
        if found or blocked:
            return True
    return False


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


def _function_of(value: Any) -> str | None:
    """The function a reference names (``aws_lambda_function.x.arn``, ``!GetAtt Fn.Arn``)."""
    return principal_name(value) if not isinstance(value, str) else None


def _covered(resources: list[Resource]) -> set[str]:
    covered: set[str] = set()
    for resource in resources:
        paths = INVOKE_CONFIGS.get(resource.type)
        if paths and resolve(resource.properties, paths[1]):
            for value, _ in resolve(resource.properties, paths[0]):
                name = principal_name(value)
                if name:
                    covered.add(name)
    return covered


def _async_invocations(resources: list[Resource]) -> dict[str, set[str]]:
    invoked: dict[str, set[str]] = {}
    for resource in resources:
        if resource.type == "AWS::Serverless::Function":
            events = resource.properties.get("Events")
            for event in (events.values() if isinstance(events, dict) else []):
                if is_async_event(event):
                    invoked.setdefault(resource.logical_id, set()).add(f"{event['Type']} events")
        if resource.type in PERMISSIONS:
            function_path, principal_path = PERMISSIONS[resource.type]
            for value, _ in resolve(resource.properties, function_path):
                function = principal_name(value)
                principals = {s for p, _ in resolve(resource.properties, principal_path)
                              for s, _ in possible_strings(p, ())}
                async_ = sorted(p for p in principals if p in ASYNC_PRINCIPALS)
                if function and async_:
                    invoked.setdefault(function, set()).update(async_)
        if resource.type in INVOKERS:
            what, arn_path, required = INVOKERS[resource.type]
            if required and not any(str(v).lower() == required[1]
                                    for v, _ in resolve(resource.properties, required[0])):
                continue
            for value, _ in resolve(resource.properties, arn_path):
                function = _function_of(value)
                if function:
                    invoked.setdefault(function, set()).add(what)
    return invoked
