"""Read a Serverless Framework service (``serverless.yml``, framework v1 to v4) into the
engine's model.

The framework itself compiles a service to CloudFormation; this reader does the part the
rules need, statically: each function is a resource named by its key, typed as SAM's
``AWS::Serverless::Function`` (a function with statements of its own gets a role of its own,
which is what the serverless-iam-roles-per-function plugin does); provider-level statements
and managed policies make the role the framework generates, ``IamRoleLambdaExecution``,
which every function without a role of its own shares; ``resources.Resources`` is
CloudFormation as written. Variables are resolved without running anything: ``${self:...}``,
the stage (``${sls:stage}``, ``${opt:stage, 'dev'}``, ``${self:provider.stage}``),
``${param:x}`` per stage from ``params``, ``${aws:accountId}`` and ``${aws:region}``;
every other source (``${env:}``, ``${ssm:}``, ``${file(...)}``, ...) is unknown. Every node
keeps the line it was written on in serverless.yml.
"""

from __future__ import annotations

import re
from typing import Any

from reviewer.engine.decode import Marked, dict_node, list_node, str_node
from reviewer.engine.document import SERVERLESS, TEMPLATE, Document
from reviewer.engine.values import UNKNOWN

STAGE = "sls:stage"
GENERATED_ROLE = "IamRoleLambdaExecution"
# ${...} without another "${" inside: the innermost variable, read in linear time.
_VARIABLE = re.compile(r"\$\{([^${}]{1,512})\}")
# A string is re-read at most this many times (variables inside variables), and one
# service resolves at most this many variables: past either, values are unknown.
MAX_PASSES = 10
MAX_RESOLUTIONS = 10_000
MAX_NODES = 200_000
MAX_SELF_DEPTH = 16

# Serverless event types and the SAM event types the rules know them by.
EVENT_TYPES = {
    "sns": "SNS", "s3": "S3", "schedule": "Schedule", "eventBridge": "EventBridgeRule",
    "cloudwatchEvent": "CloudWatchEvent", "cloudwatchLog": "CloudWatchLogs", "iot": "IoTRule",
    "sqs": "SQS", "stream": "Kinesis", "http": "Api", "httpApi": "HttpApi",
    "alexaSkill": "AlexaSkill", "cognitoUserPool": "Cognito", "alb": "ALB",
    "websocket": "WebSocket", "kafka": "MSK", "activemq": "MQ", "rabbitmq": "MQ",
}


def read(path: str, data: Any, text: str) -> Document | None:
    """The model of one decoded ``serverless.yml``; None when it is no service (no mapping)."""
    if not isinstance(data, dict):
        return None
    provider = data.get("provider")
    name = provider.get("name") if isinstance(provider, dict) else provider
    if isinstance(name, str) and name.strip().lower() != "aws" and "${" not in name:
        return None  # Azure, Google, Cloudflare ... services: not AWS, not ours to review
    resolver = _Resolver(data)
    resolved = resolver.node(data, 0)
    if not isinstance(resolved, dict):
        return None
    builder = _Builder(resolved, resolver)
    model = builder.model()
    return Document(path=path, kind=TEMPLATE, data=model, text=text, format=SERVERLESS,
                    stage_names=frozenset({STAGE}), stage_ref=STAGE,
                    stage_parts=builder.stage_parts)


def _copy_marks(target: Any, source: Any) -> Any:
    if isinstance(target, Marked) and isinstance(source, Marked):
        target.start_line, target.end_line = source.start_line, source.end_line
        if isinstance(target, dict) and isinstance(source, dict):
            target.key_lines = dict(getattr(source, "key_lines", {}))
    return target


def _node(value: dict[str, Any] | list[Any] | str, like: Any) -> Any:
    """A new mapping, list or string marked with the lines of ``like``."""
    made: Any = dict_node(value) if isinstance(value, dict) else \
        list_node(value) if isinstance(value, list) else str_node(value)
    made.start_line = getattr(like, "start_line", 0) or 0
    made.end_line = getattr(like, "end_line", made.start_line) or made.start_line
    return made


class _Resolver:
    """Serverless variables, worked out against the service's own text."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.budget = MAX_RESOLUTIONS
        self.nodes = MAX_NODES
        self.params = raw.get("params") if isinstance(raw.get("params"), dict) else {}
        self._self_stack: list[str] = []

    def node(self, value: Any, depth: int) -> Any:
        """A resolved copy of ``value`` with the same marks (bounded)."""
        self.nodes -= 1
        if self.nodes < 0 or depth > 200:
            return _node({UNKNOWN: "too large"}, value)
        if isinstance(value, dict):
            out = _copy_marks(dict_node(), value)
            for key, item in value.items():
                out[key] = self.node(item, depth + 1)
            return out
        if isinstance(value, list):
            return _copy_marks(list_node(self.node(item, depth + 1) for item in value), value)
        if isinstance(value, str) and "${" in value:
            return self.string(value, depth)
        return value

    def string(self, text: str, depth: int) -> Any:
        """A string's value: itself, a node it refers to as a whole, or a ``Fn::Sub`` of the
        parts only deployment knows."""
        whole = _VARIABLE.fullmatch(text)
        if whole:
            found = self.variable(whole.group(1), depth)
            if not isinstance(found, str):
                return found if found is not None else self._unknown(text, text)
            if "${" not in found or found.startswith("${") and _VARIABLE.fullmatch(found):
                return _copy_marks(str_node(found), text) if "${" not in found else \
                    self._sub(found, text)
        current = text
        unknown: dict[str, Any] = {}
        for _ in range(MAX_PASSES):
            changed = False

            def replace(match: re.Match[str]) -> str:
                nonlocal changed
                found = self.variable(match.group(1), depth)
                if isinstance(found, str) and found != match.group(0):
                    changed = True
                    return found
                if not isinstance(found, str) and match.group(0) not in unknown:
                    # A list or mapping inside text, or a source nobody can read here.
                    unknown[match.group(0)[2:-1]] = _node({UNKNOWN: match.group(0)}, text)
                return match.group(0)

            current = _VARIABLE.sub(replace, current)
            if not changed:
                break
        if "${" not in current:
            return _copy_marks(str_node(current), text)
        return self._sub(current, text, unknown)

    def _sub(self, text: str, like: Any, unknown: dict[str, Any] | None = None) -> Any:
        variables = _node(dict(unknown or {}), like)
        for name in _VARIABLE.findall(text):
            if name not in variables and not _known_name(name):
                variables[name] = _node({UNKNOWN: "${%s}" % name}, like)
        body: Any = _node([_node(text, like), variables], like) if variables else _node(text, like)
        return _node({"Fn::Sub": body}, like)

    def _unknown(self, text: str, like: Any) -> Any:
        return _node({UNKNOWN: text[:200]}, like)

    def variable(self, expression: str, depth: int) -> Any:
        """One ``${...}``: a string (perhaps holding ``${sls:stage}``-style markers), a node,
        or None when it cannot be known here. Fallbacks (``a, b``) are tried in order."""
        self.budget -= 1
        if self.budget < 0:
            return None
        for option in _split_fallbacks(expression):
            found = self._source(option.strip(), depth)
            if found is not None:
                return found
        return None

    def _source(self, option: str, depth: int) -> Any:
        if len(option) >= 2 and option[0] == option[-1] and option[0] in "'\"":
            return option[1:-1]  # a literal fallback: 'dev'
        if re.fullmatch(r"-?\d{1,18}(?:\.\d{1,18})?", option):
            return option
        source, _, address = option.partition(":")
        source = source.strip()
        address = address.strip()
        if option in ("sls:stage", "opt:stage") or (source == "self" and address == "provider.stage"):
            return "${%s}" % STAGE if option != "self:provider.stage" else self._provider_stage(depth)
        if source == "param" and address:
            return "${param:%s}" % address
        if option == "aws:accountId":
            return "${AWS::AccountId}"
        if option == "aws:region":
            return "${AWS::Region}"
        if source == "self":
            return self._self(address, depth)
        if source == "sls" and address == "instanceId":
            return None
        return None  # env, ssm, cf, s3, file(...), opt:region ...: only deployment knows

    def _provider_stage(self, depth: int) -> str:
        # Whatever provider.stage says (usually ${opt:stage, 'dev'}), it is the stage the
        # service is deployed to.
        return "${%s}" % STAGE

    def _self(self, address: str, depth: int) -> Any:
        if address in self._self_stack or len(self._self_stack) >= MAX_SELF_DEPTH:
            return None  # a cycle, or too deep
        node: Any = self.raw
        for part in [p for p in address.split(".") if p] if address else []:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        self._self_stack.append(address)
        try:
            value = self.node(node, depth + 1)
        finally:
            self._self_stack.pop()
        if isinstance(value, dict) and UNKNOWN in value:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, dict) and "Fn::Sub" in value:
            sub = value["Fn::Sub"]
            text = sub if isinstance(sub, str) else sub[0] if isinstance(sub, list) and sub else None
            unknown = isinstance(sub, list) and len(sub) > 1 and any(
                isinstance(v, dict) and UNKNOWN in v for v in sub[1].values())
            return None if unknown or not isinstance(text, str) else str(text)
        return value


def _known_name(name: str) -> bool:
    """Markers the model keeps in text: the stage, params, AWS pseudo parameters."""
    return name == STAGE or name.startswith(("param:", "AWS::"))


def _split_fallbacks(expression: str) -> list[str]:
    """``opt:stage, 'dev'`` -> [``opt:stage``, ``'dev'``], commas in quotes kept."""
    parts, current, quote = [], [], ""
    for char in expression:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            current.append(char)
        elif char == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts[:8]


class _Builder:
    """The CloudFormation-shaped model of a resolved service."""

    def __init__(self, service: dict[str, Any], resolver: _Resolver) -> None:
        self.service = service
        self.resolver = resolver
        self.provider = service.get("provider") if isinstance(service.get("provider"), dict) else dict_node()
        self.stage_parts: dict[tuple[Any, ...], str] = {}

    def model(self) -> dict_node:
        resources = _node({}, self.service)
        parameters = _node({}, self.service)
        stage = self.provider.get("stage")
        parameters[STAGE] = _node({"Default": stage if isinstance(stage, str) and "${" not in stage
                                   else "dev"}, self.provider)
        params = self.service.get("params")
        if isinstance(params, dict):
            default = params.get("default") if isinstance(params.get("default"), dict) else {}
            names = {k for values in params.values() if isinstance(values, dict) for k in values}
            for name in sorted(map(str, names)):
                declared = _node({}, params)
                if name in default and isinstance(default[name], (str, int, float)):
                    declared["Default"] = default[name]
                parameters[f"param:{name}"] = declared
            for stage_name in params:
                # "default" holds every stage's values unless the stage sets its own.
                self.stage_parts[("Params", stage_name)] = str(stage_name)
        model = _node({"Parameters": parameters, "Resources": resources}, self.service)
        model.key_lines = {}
        if isinstance(params, dict):
            model["Params"] = params
        extra = self.service.get("resources")
        for block in extra if isinstance(extra, list) else [extra]:
            if not isinstance(block, dict):
                continue
            for key in ("Resources", "Conditions", "Outputs", "Mappings"):
                section = block.get(key)
                if isinstance(section, dict):
                    target = model.setdefault(key, _copy_marks(dict_node(), section))
                    target.update(section)
                    target.key_lines.update(getattr(section, "key_lines", {}))
                    if key == "Resources":
                        resources.update(section)
                        resources.key_lines.update(getattr(section, "key_lines", {}))
        model["Resources"] = resources
        shared = self._generated_role()
        if shared is not None:
            resources[GENERATED_ROLE] = shared
        functions = self.service.get("functions")
        if isinstance(functions, dict):
            for key, function in functions.items():
                if isinstance(function, dict):
                    line = getattr(functions, "key_lines", {}).get(key, 0)
                    resources[str(key)] = self._function(function, shared is not None, line)
                    resources.key_lines[str(key)] = line
        return model

    # ------------------------------------------------------------------ roles

    def _provider_iam(self) -> tuple[Any, Any, Any]:
        """(statements, managed policies, role given by name or ARN) at provider level."""
        iam = self.provider.get("iam") if isinstance(self.provider.get("iam"), dict) else {}
        role = iam.get("role") if iam else None
        statements = managed = named = None
        if isinstance(role, dict):
            statements, managed = role.get("statements"), role.get("managedPolicies")
        elif role is not None:
            named = role
        statements = statements if statements is not None else self.provider.get("iamRoleStatements")
        managed = managed if managed is not None else self.provider.get("iamManagedPolicies")
        named = named if named is not None else self.provider.get("role")
        return statements, managed, named

    def _role_name(self) -> Any:
        iam = self.provider.get("iam")
        role = iam.get("role") if isinstance(iam, dict) else None
        return role.get("name") if isinstance(role, dict) else None

    def _generated_role(self) -> Any:
        statements, managed, named = self._provider_iam()
        if named is not None or (not statements and not managed):
            return None
        where = statements if isinstance(statements, Marked) else managed
        props = _node({}, where)
        trust = _node({"Statement": _node([_node({
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": _node({"Service": "lambda.amazonaws.com"}, where)}, where)], where)}, where)
        props["AssumeRolePolicyDocument"] = trust
        name = self._role_name()
        if name is not None:
            props["RoleName"] = name  # provider.iam.role.name: a physical name to stage
        if statements:
            document = _node({"Version": "2012-10-17", "Statement": statements}, statements)
            props["Policies"] = _node([_node({"PolicyName": "serverless-provider",
                                              "PolicyDocument": document}, statements)], statements)
        if managed:
            props["ManagedPolicyArns"] = managed
        return _node({"Type": "AWS::IAM::Role", "Properties": props}, where)

    # ------------------------------------------------------------------ functions

    def _function(self, function: dict[str, Any], shared_role: bool, line: int) -> Any:
        props = _node({}, function)
        lines = getattr(function, "key_lines", {})

        def put(name: str, value: Any, source_key: str) -> None:
            props[name] = value
            props.key_lines[name] = lines.get(source_key, getattr(value, "start_line", 0))

        if "name" in function:
            put("FunctionName", function["name"], "name")
        own = function.get("iamRoleStatements")
        iam = function.get("iam") if isinstance(function.get("iam"), dict) else None
        if own is None and iam and isinstance(iam.get("role"), dict):
            own = iam["role"].get("statements")
        _, _, named = self._provider_iam()
        if "role" in function:
            put("Role", _role_reference(function["role"], self.service), "role")
        elif own:
            put("Policies", _node([_node({"Statement": own}, own)], own),
                "iamRoleStatements" if "iamRoleStatements" in function else "iam")
        elif named is not None:
            props["Role"] = _role_reference(named, self.service)
        elif shared_role:
            # Written nowhere: the framework attaches it. Reported at the function's name.
            role = _node({"Fn::GetAtt": _node([GENERATED_ROLE, "Arn"], function)}, function)
            role.start_line = role.end_line = line or role.start_line
            props["Role"] = role
            props.key_lines["Role"] = role.start_line
        if "reservedConcurrency" in function:
            put("ReservedConcurrentExecutions", function["reservedConcurrency"], "reservedConcurrency")
        on_error = function.get("onError")
        if on_error is not None:
            put("DeadLetterQueue", _node({"Type": "SNS", "TargetArn": on_error}, on_error), "onError")
        destinations = function.get("destinations")
        if isinstance(destinations, dict) and destinations.get("onFailure") is not None:
            failure = destinations["onFailure"]
            put("EventInvokeConfig", _node({"DestinationConfig": _node({"OnFailure": _node(
                {"Destination": failure}, failure)}, failure)}, failure), "destinations")
        events = function.get("events")
        if isinstance(events, list):
            put("Events", self._events(events), "events")
        for source_key, name in (("handler", "Handler"), ("runtime", "Runtime")):
            if source_key in function:
                put(name, function[source_key], source_key)
        return _node({"Type": "AWS::Serverless::Function", "Properties": props}, function)

    def _events(self, events: list[Any]) -> Any:
        out = _copy_marks(dict_node(), events) if isinstance(events, Marked) else dict_node()
        for index, event in enumerate(events):
            if not isinstance(event, dict) or len(event) != 1:
                continue
            (kind, spec), = event.items()
            out[f"{kind}{index}"] = _node({"Type": EVENT_TYPES.get(str(kind), str(kind)),
                                            "Properties": spec if isinstance(spec, dict)
                                            else _node({"Source": spec}, event)}, event)
        return out


def _role_reference(value: Any, service: dict[str, Any]) -> Any:
    """``role: MyRole`` names a role of resources.Resources; an ARN or an intrinsic is kept."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9]{1,255}", value):
        return _node({"Fn::GetAtt": _node([value, "Arn"], value)}, value)
    return value
