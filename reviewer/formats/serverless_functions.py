"""The functions of a Serverless service and the roles they run as: the role the framework
generates from provider statements (``IamRoleLambdaExecution``), a function's own statements
(the serverless-iam-roles-per-function plugin), ``role:`` given by name or ARN, and the events
that invoke each function."""

from __future__ import annotations

from typing import Any

from reviewer.engine.decode import Marked, dict_node
from reviewer.engine.values import intrinsic
from reviewer.formats.serverless_nodes import (GENERATED_ROLE, STAGE, is_unknown, marked_like,
                                               node_at)
from reviewer.formats.serverless_syntax import ARN, LOGICAL_ID


# Serverless event types and the SAM event types the rules know them by.
EVENT_TYPES = {
    "sns": "SNS", "s3": "S3", "schedule": "Schedule", "eventBridge": "EventBridgeRule",
    "cloudwatchEvent": "CloudWatchEvent", "cloudwatchLog": "CloudWatchLogs", "iot": "IoTRule",
    "sqs": "SQS", "stream": "Kinesis", "http": "Api", "httpApi": "HttpApi",
    "alexaSkill": "AlexaSkill", "alexaSmartHome": "AlexaSmartHome", "cognitoUserPool": "Cognito",
    "alb": "ALB", "websocket": "WebSocket", "msk": "MSK", "kafka": "SelfManagedKafka",
    "activemq": "MQ", "rabbitmq": "MQ",
}
# The property a one-line event (``- sns: topic``) gives its value.
EVENT_VALUE = {"sns": "Topic", "s3": "Bucket", "schedule": "Schedule", "sqs": "Queue",
                "stream": "Stream", "http": "Path", "httpApi": "Path", "iot": "Sql",
                "cloudwatchLog": "LogGroupName", "alexaSkill": "SkillId"}


class FunctionsBuilder:
    """Functions, roles and events; the service's raw text, resolver and provider come from
    the ``Builder``."""

    raw: Any
    resolver: Any
    provider: Any

    def _provider_iam(self) -> tuple[list[Any], list[Any], Any]:
        """(statement lists, managed policy lists, role given by name or ARN) at provider level."""
        iam = self.provider.get("iam") if isinstance(self.provider.get("iam"), dict) else {}
        role = iam.get("role") if iam else None
        statements, managed, named = [], [], None
        if isinstance(role, dict) and not intrinsic(role) and not is_unknown(role):
            statements.append(role.get("statements"))
            managed.append(role.get("managedPolicies"))
        elif role is not None:
            named = role
        statements.append(self.provider.get("iamRoleStatements"))
        managed.append(self.provider.get("iamManagedPolicies"))
        if named is None:
            named = self.provider.get("role")
        return ([s for s in statements if s is not None and s != []],
                [m for m in managed if m is not None and m != []], named)

    def _role_settings(self) -> dict[str, Any]:
        iam = self.provider.get("iam") if isinstance(self.provider.get("iam"), dict) else {}
        role = iam.get("role") if iam else None
        return role if isinstance(role, dict) and not intrinsic(role) else {}

    def _generated_role(self) -> Any:
        statements, managed, named = self._provider_iam()
        if named is not None or (not statements and not managed):
            return None
        line = self.provider_line
        props = node_at({}, line)
        principal = node_at({"Service": node_at(["lambda.amazonaws.com"], line)}, line)
        trust = node_at({"Effect": "Allow", "Principal": principal,
                     "Action": node_at(["sts:AssumeRole"], line)}, line)
        props["AssumeRolePolicyDocument"] = node_at({"Version": "2012-10-17",
                                                 "Statement": node_at([trust], line)}, line)
        props.key_lines["AssumeRolePolicyDocument"] = line
        if statements:
            props["Policies"] = self._policies(statements)
            props.key_lines["Policies"] = getattr(statements[0], "start_line", line)
        if managed:
            props["ManagedPolicyArns"] = managed[0] if len(managed) == 1 else \
                marked_like([item for m in managed for item in (m if isinstance(m, list) else [m])], managed[0])
        settings = self._role_settings()
        lines = getattr(settings, "key_lines", {})
        for key, prop in (("name", "RoleName"), ("path", "Path"),
                          ("permissionsBoundary", "PermissionsBoundary")):
            if settings.get(key) is not None:
                props[prop] = settings[key]
                props.key_lines[prop] = lines.get(key, line)
        boundary = self.provider.get("rolePermissionsBoundary")
        if boundary is not None and "PermissionsBoundary" not in props:
            props["PermissionsBoundary"] = boundary
        role = node_at({"Type": node_at("AWS::IAM::Role", line), "Properties": props}, line)
        role.key_lines = {"Type": line, "Properties": line}
        return role

    def _policies(self, statements: list[Any]) -> Any:
        """Provider statements as the role's inline policies, each keeping its own lines."""
        out = marked_like([], statements[0])
        service = self.raw.get("service")
        name = service if isinstance(service, str) and "${" not in service else "service"
        for node in statements:
            document = marked_like({"Version": "2012-10-17", "Statement": node}, node)
            document.key_lines["Statement"] = getattr(node, "start_line", 0)
            policy = marked_like({"PolicyName": f"{name}-${{{STAGE}}}-lambda", "PolicyDocument": document}, node)
            out.append(policy)
        return out

    # ------------------------------------------------------------------ functions

    def _functions(self, resources: dict_node, written: dict_node) -> None:
        raw = self.raw.get("functions")
        entries: list[tuple[str, Any, int]] = []
        blocks = raw if isinstance(raw, list) else [raw]  # v1: a list of mappings, merged
        for block in blocks:
            block = self.resolver.node(block) if isinstance(block, str) else block
            if isinstance(block, dict) and not is_unknown(block):
                lines = getattr(block, "key_lines", {})
                entries.extend((str(k), v, lines.get(k, getattr(v, "start_line", 0)))
                               for k, v in block.items())
        statements, managed, named = self._provider_iam()
        shared = named is None and bool(statements or managed)
        for key, function, line in entries:
            function = self.resolver.node(function) if isinstance(function, (dict, str)) else function
            if not isinstance(function, dict) or is_unknown(function):
                continue  # ${file(fn.yml)}: what it holds is known only when deployed
            # resources.Resources may add properties to the function the framework makes
            # (HelloLambdaFunction, no Type): they are the function's.
            compiled = function_id(key)
            override = written.get(compiled)
            if isinstance(override, dict) and "Type" not in override:
                del written[compiled]
            else:
                override = None
            # A function named like a resource of resources.Resources is called by the
            # framework's logical id for it, so neither hides the other.
            logical_id = key if key not in written and key != GENERATED_ROLE else compiled
            resources[logical_id] = self._function(function, shared, line, override)
            resources.key_lines[logical_id] = line

    def _function(self, function: dict[str, Any], shared: bool, line: int, override: Any) -> Any:
        props = marked_like({}, function)
        lines = getattr(function, "key_lines", {})

        props.words = {}  # the model's keys -> the framework's (FunctionName -> name)

        def put(name: str, value: Any, source_key: str) -> None:
            props[name] = value
            if source_key:
                props.words[name] = source_key
            props.key_lines[name] = lines.get(source_key, getattr(value, "start_line", 0) or line)

        for source_key, name in (("handler", "Handler"), ("runtime", "Runtime")):
            if function.get(source_key) is not None:
                put(name, function[source_key], source_key)
        if function.get("name") is not None:
            put("FunctionName", function["name"], "name")
        environment = self._environment(function)
        if environment is not None:
            put("Environment", environment, "environment")
        own, own_key = function.get("iamRoleStatements"), "iamRoleStatements"
        iam = function.get("iam") if isinstance(function.get("iam"), dict) else None
        role_settings = iam.get("role") if iam else None
        if own is None and isinstance(role_settings, dict) and not intrinsic(role_settings):
            own, own_key = role_settings.get("statements"), "iam"
        own_managed = role_settings.get("managedPolicies") if isinstance(role_settings, dict) \
            and not intrinsic(role_settings) else None
        statements, managed, named = self._provider_iam()
        role = function.get("role")
        if role is None and iam and role_settings is not None and (
                isinstance(role_settings, str) or intrinsic(role_settings)):
            role = role_settings
        if role is not None:
            put("Role", role_reference(role), "role" if "role" in function else "iam")
        elif own or own_managed:
            policies = marked_like([], own if isinstance(own, Marked) else function)
            if own:
                statement = marked_like({"Statement": own}, own)
                statement.key_lines["Statement"] = lines.get(own_key, getattr(own, "start_line", 0))
                policies.append(statement)
            if isinstance(own_managed, list):
                policies.extend(own_managed)
            if self._inherits(function):
                for node in statements:
                    policies.append(marked_like({"Statement": node}, node))
                for node in managed:
                    policies.extend(node if isinstance(node, list) else [node])
            put("Policies", policies, own_key)
        elif named is not None:
            # The provider's role, used by this function: reported at the function.
            put("Role", copy_at_line(role_reference(named), line), "")
            props.key_lines["Role"] = line
        elif shared:
            # Written nowhere: the framework attaches it. Reported at the function's name.
            props["Role"] = node_at({"Fn::GetAtt": node_at([GENERATED_ROLE, "Arn"], line)}, line)
            props.key_lines["Role"] = line
        if function.get("reservedConcurrency") is not None:
            put("ReservedConcurrentExecutions", function["reservedConcurrency"], "reservedConcurrency")
        on_error = function.get("onError")
        if on_error is not None:
            kind = "SQS" if isinstance(on_error, str) and ":sqs:" in on_error else "SNS"
            put("DeadLetterQueue", node_at({"Type": kind, "TargetArn": on_error},
                                       lines.get("onError", line)), "onError")
        destinations = function.get("destinations")
        if isinstance(destinations, dict) and destinations.get("onFailure") is not None:
            failure = destinations["onFailure"]
            at = getattr(destinations, "key_lines", {}).get("onFailure", lines.get("destinations", line))
            put("EventInvokeConfig", node_at({"DestinationConfig": node_at({"OnFailure": node_at(
                {"Destination": failure}, at)}, at)}, at), "destinations")
        events = function.get("events")
        if isinstance(events, list):
            put("Events", self._events(events, line), "events")
        resource = marked_like({"Type": node_at("AWS::Serverless::Function", line), "Properties": props}, function)
        resource.key_lines = {"Type": line, "Properties": line}
        condition = function.get("condition")
        if isinstance(condition, str):
            resource["Condition"] = condition
            resource.key_lines["Condition"] = lines.get("condition", line)
        if isinstance(override, dict) and "Type" not in override:
            resource = override(resource, override)
        return resource

    def _environment(self, function: dict[str, Any]) -> Any:
        """The function's environment as the framework compiles it: ``provider.environment``
        with the function's own ``environment`` over it, as ``Environment.Variables``. Each
        value stays the node it was written as (one provider variable is one node, shared by
        every function), so a rule can point at its line and say it once."""
        merged = None
        for source in (self.provider.get("environment"), function.get("environment")):
            if not isinstance(source, dict) or is_unknown(source) or intrinsic(source):
                continue  # ${file(env.yml)}, ${ssm:...}: known only when deployed
            if merged is None:
                merged = marked_like({}, source)
            merged.update(source)
            merged.key_lines.update(getattr(source, "key_lines", {}))
        if merged is None:
            return None
        environment = marked_like({"Variables": merged}, merged)
        environment.key_lines["Variables"] = getattr(merged, "start_line", 0)
        return environment

    def _inherits(self, function: dict[str, Any]) -> bool:
        """serverless-iam-roles-per-function: the function's role also gets the provider's
        statements when it says so, or when the plugin's defaultInherit does."""
        own = function.get("iamRoleStatementsInherit")
        if own is not None:
            return own is True or str(own).lower() == "true"
        custom = self.raw.get("custom")
        plugin = custom.get("serverless-iam-roles-per-function") if isinstance(custom, dict) else None
        inherit = plugin.get("defaultInherit") if isinstance(plugin, dict) else None
        return inherit is True or str(inherit).lower() == "true"

    def _events(self, events: list[Any], line: int) -> Any:
        out = marked_like({}, events)
        for index, event in enumerate(events):
            if not isinstance(event, dict) or len(event) != 1:
                continue
            (kind, spec), = event.items()
            kind = str(kind)
            sam = EVENT_TYPES.get(kind, kind)
            if kind == "stream":
                text = spec.get("type") or spec.get("arn") if isinstance(spec, dict) else spec
                sam = "DynamoDB" if isinstance(text, str) and "dynamodb" in text.lower() else "Kinesis"
            if isinstance(spec, dict):
                properties = spec
            else:
                properties = marked_like({EVENT_VALUE.get(kind, "Value"): spec}, event)
                properties.key_lines[EVENT_VALUE.get(kind, "Value")] = getattr(event, "start_line", line)
            name = f"{kind}{index + 1}"
            out[name] = marked_like({"Type": marked_like(sam, event), "Properties": properties}, event)
            out.key_lines[name] = getattr(event, "start_line", line)
        return out


def function_id(key: str) -> str:
    """The framework's logical id of a function: ``hello-world`` -> ``HelloDashworldLambdaFunction``."""
    name = key.replace("-", "Dash").replace("_", "Underscore")
    return (name[:1].upper() + name[1:]) + "LambdaFunction"


def override(generated: Any, written: dict[str, Any]) -> Any:
    """A resource of resources.Resources with the logical id of one the framework makes:
    the framework merges it over its own, the written properties winning."""
    merged = marked_like({}, written)
    merged.key_lines = dict(getattr(generated, "key_lines", {}))
    merged.update(generated)
    merged.update({k: v for k, v in written.items() if k != "Properties"})
    merged.key_lines.update(getattr(written, "key_lines", {}))
    old = generated.get("Properties") if isinstance(generated, dict) else None
    new = written.get("Properties")
    if isinstance(old, dict) and isinstance(new, dict):
        props = marked_like({}, new)
        props.key_lines = dict(getattr(old, "key_lines", {}))
        props.update(old)
        props.update(new)
        props.key_lines.update(getattr(new, "key_lines", {}))
        merged["Properties"] = props
    elif new is not None:
        merged["Properties"] = new
    return merged


def role_reference(value: Any) -> Any:
    """``role: MyRole`` names a role of resources.Resources (its ARN is meant); an ARN, an
    intrinsic or an unknown value is kept."""
    if isinstance(value, str) and not ARN.match(value) and LOGICAL_ID.fullmatch(value):
        return marked_like({"Fn::GetAtt": marked_like([value, "Arn"], value)}, value)
    return value


def copy_at_line(value: Any, line: int) -> Any:
    """A shallow copy of a node placed on one line."""
    if isinstance(value, dict):
        copy = node_at(dict(value), line)
        copy.key_lines = dict(getattr(value, "key_lines", {}))
        return copy
    if isinstance(value, str):
        return node_at(str(value), line)
    return value
