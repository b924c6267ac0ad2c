"""Read a Serverless Framework service (``serverless.yml``, framework v1 to v4) into the
engine's model.

The framework itself compiles a service to CloudFormation; this reader does the part the
rules need, statically: each function is a resource named by its key, typed as SAM's
``AWS::Serverless::Function`` (a function with statements of its own gets a role of its own,
which is what the serverless-iam-roles-per-function plugin does); provider-level statements
and managed policies make the role the framework generates, ``IamRoleLambdaExecution``,
which every function without a role of its own shares; ``resources.Resources`` is
CloudFormation as written (and, as in the framework, a resource of the same logical id there
overrides the generated one). Variables are resolved without running anything:
``${self:...}``, the stage (``${sls:stage}``, ``${opt:stage, 'dev'}``,
``${self:provider.stage}``), ``${param:x}`` per stage from ``params``, ``${aws:accountId}``
and ``${aws:region}``; every other source (``${env:}``, ``${ssm:}``, ``${file(...)}``, ...)
is unknown (``Fn::Unknown``). ``${AWS::Region}``, ``${Bucket}`` and other text that is no
Serverless variable is CloudFormation's, and is kept as written. Every node keeps the line
it was written on in serverless.yml.

The text is hostile: every variable is resolved once (memoised), a value referred to many
times is shared, not copied, and the work is bounded. Variables nested too deeply, chains
too long and cycles are unknown; a service whose variables take more work than any real one
(the number of variables, the text they make, what they expand to) is not reviewed, and says
so, rather than passing with unknowns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reviewer.engine.decode import MAX_EXPANDED_NODES, DecodeError, Marked, dict_node, list_node, load, str_node
from reviewer.engine.document import SERVERLESS, TEMPLATE, Document, Resource, Unreadable
from reviewer.engine.values import UNKNOWN, intrinsic
from reviewer.formats.cloudformation import CloudFormationAdapter
from reviewer.formats.text import file_text

STAGE = "sls:stage"
GENERATED_ROLE = "IamRoleLambdaExecution"

# Variables inside variables (``${self:custom.${sls:stage}}``): deeper nesting is unknown.
MAX_NESTING = 10
# A chain of values built from values (custom.a -> custom.b -> ...), with the nesting of the
# YAML itself: past it, a value is unknown. Also keeps Python's own stack small.
MAX_LEVEL = 64
# Variables one service may resolve; past it, values are unknown.
MAX_RESOLUTIONS = 10_000
# Text a resolved string may hold, and all resolved strings together.
MAX_TEXT = 64 * 1024
MAX_TOTAL_TEXT = 8 * 1024 * 1024
# Nodes the model may expand to through values shared by reference (the decoder's bound).
MAX_EXPANDED = MAX_EXPANDED_NODES
# An address (custom.a.b.c) or the name of an unknown variable longer than this is unknown.
MAX_ADDRESS = 512
MAX_NAME = 200

# A Serverless variable names a source: ``self:``, ``opt:``, ``file(...)``, ``ssm(region):``.
# ``${AWS::Region}``, ``${Bucket}``, ``${Bucket.Arn}`` and ``${!Literal}`` are CloudFormation's.
_SOURCE = re.compile(r"\s*([A-Za-z][\w-]{0,63})\s*(\([^()]{0,512}\))?\s*(?::(?!:)|$)")
_SOURCE_START = re.compile(r"\s*[A-Za-z][\w-]{0,63}\s*(?:\(|:(?!:))")
_NUMBER = re.compile(r"-?\d{1,18}(?:\.\d{1,18})?")
_SPLIT = re.compile(r"\$\{|\}")
_CLEAN_NAME = re.compile(r"[^${}]{1,%d}" % MAX_NAME)
_ARN = re.compile(r"arn:")
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]{1,255}")

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
_EVENT_VALUE = {"sns": "Topic", "s3": "Bucket", "schedule": "Schedule", "sqs": "Queue",
                "stream": "Stream", "http": "Path", "httpApi": "Path", "iot": "Sql",
                "cloudwatchLog": "LogGroupName", "alexaSkill": "SkillId"}


class _TooMuch(Exception):
    """A bound on the work was passed: the service is not reviewed, loudly."""

    def __init__(self, what: str, line: int) -> None:
        super().__init__(what)
        self.what = what
        self.line = line


class ServerlessAdapter(CloudFormationAdapter):
    """A service's model is CloudFormation-shaped: CloudFormation's answers, in the
    framework's words."""

    format = SERVERLESS
    declares_stage = False

    def role_id(self, resource: Resource) -> str:
        # A function with statements of its own gets a role named by its key, as its
        # service is (the serverless-iam-roles-per-function plugin).
        return resource.logical_id

    def syntax(self, doc: Document, file: str) -> str:
        return "serverless"


SERVERLESS_ADAPTER = ServerlessAdapter()


def decode_file(path: str, content: bytes) -> Document | None:
    """Decode one ``serverless.yml``; None when it is no AWS service."""
    text = file_text(content, ours_by_name=True, what="serverless.yml")
    if text is None:
        return None
    try:
        data = load(text, path)
    except DecodeError as exc:
        raise Unreadable(exc.message, exc.line) from None
    return read(path, data, text)


def read(path: str, data: Any, text: str) -> Document | None:
    """The model of one decoded ``serverless.yml``; None when it is no AWS service."""
    if data is None:
        return None  # an empty file
    if not isinstance(data, dict):
        raise Unreadable("serverless.yml is not a mapping of service settings",
                         getattr(data, "start_line", 1) or 1)
    provider = data.get("provider")
    name = provider.get("name") if isinstance(provider, dict) else provider
    if isinstance(name, str) and name.strip().lower() != "aws" and "${" not in name:
        return None  # Azure, Google, Cloudflare ... services: not AWS, not ours to review
    try:
        builder = _Builder(data, _Resolver(data))
        model = builder.model()
    except _TooMuch as exc:
        raise Unreadable(f"the service's variables {exc.what}, more than any real service; "
                         "it was not reviewed", exc.line) from None
    except RecursionError:  # a backstop: the bounds above keep the stack far from this
        raise Unreadable("serverless.yml is nested too deeply to be read; it was not reviewed") from None
    # The framework names the stack service-stage: a name built from it carries the stage,
    # unless provider.stackName says otherwise.
    stage_names = {STAGE, "AWS::StackName"} if builder.stack_carries_stage() else {STAGE}
    stage_names.update(f"param:{name}" for name in builder.params_per_stage())
    return Document(path=path, kind=TEMPLATE, data=model, text=text, format=SERVERLESS,
                    stage_names=frozenset(stage_names), stage_ref=STAGE,
                    stage_parts=builder.stage_parts, adapter=SERVERLESS_ADAPTER)


# --------------------------------------------------------------------------- nodes


def _mark(node: Any, start: int, end: int | None = None) -> Any:
    node.start_line = start or 0
    node.end_line = max(end or start or 0, node.start_line)
    return node


def _like(value: dict[str, Any] | list[Any] | str, like: Any) -> Any:
    """A new mapping, list or string marked with the lines of ``like``."""
    made: Any = dict_node(value) if isinstance(value, dict) else \
        list_node(value) if isinstance(value, list) else str_node(value)
    return _mark(made, getattr(like, "start_line", 0), getattr(like, "end_line", 0))


def _at(value: dict[str, Any] | list[Any] | str, line: int) -> Any:
    """A new node on one line (something the framework makes, reported where it is asked for)."""
    made: Any = dict_node(value) if isinstance(value, dict) else \
        list_node(value) if isinstance(value, list) else str_node(value)
    return _mark(made, line, line)


def _unknown(text: str, like: Any) -> Any:
    return _like({UNKNOWN: _like(text[:MAX_NAME], like)}, like)


def is_unknown(value: Any) -> bool:
    return isinstance(value, dict) and UNKNOWN in value


# --------------------------------------------------------------------------- variables


@dataclass(frozen=True)
class _Token:
    """A part of a string that only deployment knows: the stage, a param, a pseudo
    parameter (``name`` written as ``${name}``), or an unknown source (``unknown`` is the
    variable as written)."""

    name: str
    unknown: str = ""


_STAGE_TOKEN = _Token(STAGE)
_ACCOUNT_TOKEN = _Token("AWS::AccountId")
_REGION_TOKEN = _Token("AWS::Region")


class _Missing:
    """A ``self:`` address that is not in the file: the next fallback is tried."""


MISSING = _Missing()


@dataclass
class _Var:
    """``${...}`` as parsed: its parts (text and nested variables) and the text as written."""

    parts: list[Any]
    raw: str


@dataclass
class _Whole:
    """A string that is one variable whose value is no text: a mapping, list or number."""

    value: Any


class _Text(list):  # type: ignore[type-arg]
    """A string's value in parts: text (str) and what only deployment knows (_Token)."""


Parts = _Text


class _Resolver:
    """Serverless variables, worked out against the service's own text."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.resolutions = MAX_RESOLUTIONS
        self.text = MAX_TOTAL_TEXT
        self.expanded = MAX_EXPANDED
        self.level = 0
        self.line = 1  # of the string being resolved, for a service that passes a bound
        self._nodes: dict[int, Any] = {}  # id of a raw node -> its resolved node
        self._strings: dict[int, Parts | _Whole] = {}  # id of a raw string -> its value
        self._sizes: dict[int, int] = {}  # id of a resolved node -> nodes it expands to
        self._active: set[tuple[str, int]] = set()
        self._keep: list[Any] = []  # raw values memoised by id stay alive

    # ------------------------------------------------------------------ nodes

    def node(self, value: Any) -> Any:
        """A resolved copy of ``value`` with the same marks; a value met before is shared."""
        if not isinstance(value, (dict, list, str)) or isinstance(value, str) and "${" not in value:
            return value
        key = id(value)
        if key in self._nodes:
            found = self._nodes[key]
            self._expand(self._sizes.get(id(found), 1), value)
            return found
        if ("node", key) in self._active or self.level >= MAX_LEVEL:
            return _unknown("(refers to itself, or nested too deeply)", value)
        self._active.add(("node", key))
        self.level += 1
        try:
            found = self._build(value)
        finally:
            self.level -= 1
            self._active.discard(("node", key))
        self._nodes[key] = found
        self._keep.append(value)
        return found

    def _build(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._render(self.string(value), value)
        if isinstance(value, dict):
            call = intrinsic(value)
            if call and call[0] == "Fn::Sub":
                return self._sub_intrinsic(value, call[1])
            out = _like({}, value)
            out.key_lines = dict(getattr(value, "key_lines", {}))
            size = 1
            for key, item in value.items():
                out[key] = self.node(item)
                size += self._sizes.get(id(out[key]), 1)
        else:
            out = _like([], value)
            size = 1
            for item in value:
                out.append(self.node(item))
                size += self._sizes.get(id(out[-1]), 1)
        self._expand(1, value)
        self._sizes[id(out)] = size
        return out

    def _expand(self, size: int, where: Any) -> None:
        self.expanded -= size
        if self.expanded < 0:
            raise _TooMuch(f"expand to more than {MAX_EXPANDED:,} values", _line(where))

    def _sub_intrinsic(self, value: dict[str, Any], arg: Any) -> Any:
        """CloudFormation's ``Fn::Sub``: its text is already a template, so Serverless
        variables are replaced in it and CloudFormation's own ``${...}`` stay."""
        text, variables = (arg, None) if isinstance(arg, str) else \
            (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) \
            else (None, None)
        if text is None:
            out = _like({}, value)
            out.key_lines = dict(getattr(value, "key_lines", {}))
            out["Fn::Sub"] = self.node(arg)
            return out
        parts = self.string(text)
        resolved_vars = self.node(variables) if isinstance(variables, dict) else None
        out = self._render(parts, text, resolved_vars, in_sub=True)
        out.key_lines = dict(getattr(value, "key_lines", {}))
        return _mark(out, getattr(value, "start_line", 0), getattr(value, "end_line", 0))

    def _render(self, parts: Parts | _Whole, like: Any, variables: Any = None,
                in_sub: bool = False) -> Any:
        """A string's value as a model node: the text, the node it names as a whole, or a
        ``Fn::Sub`` whose unknown parts are ``Fn::Unknown`` variables."""
        if isinstance(parts, _Whole):
            value = parts.value
            if in_sub:
                return self._render(_unknown_text("a list or mapping inside text"), like,
                                    variables, in_sub)
            return value
        tokens = [p for p in parts if isinstance(p, _Token)]
        if not tokens and not in_sub:
            return _like("".join(parts), like)
        if len(parts) == 1 and tokens and tokens[0].unknown and not in_sub:
            return _unknown("${%s}" % tokens[0].unknown, like)
        text: list[str] = []
        unknown: dict[str, Any] = {}
        for part in parts:
            if isinstance(part, str):
                text.append(part)
            elif part.unknown:
                name = part.unknown if _CLEAN_NAME.fullmatch(part.unknown) else f"unknown{len(unknown) + 1}"
                unknown.setdefault(name, _unknown("${%s}" % part.unknown, like))
                text.append("${%s}" % name)
            else:
                text.append("${%s}" % part.name)
        body = _like("".join(text), like)
        if isinstance(variables, dict) or unknown:
            merged = _like({}, variables if isinstance(variables, Marked) else like)
            if isinstance(variables, dict):
                merged.update(variables)
                merged.key_lines = dict(getattr(variables, "key_lines", {}))
            merged.update(unknown)
            return _like({"Fn::Sub": _like([body, merged], like)}, like)
        return _like({"Fn::Sub": body}, like)

    # ------------------------------------------------------------------ strings

    def string(self, text: str) -> Parts | _Whole:
        """The value of a string: its parts, or the one value it names."""
        if "${" not in text:
            return _Text([text])
        key = id(text)
        if key in self._strings:
            found = self._strings[key]
            self._charge(found, text)
            return found
        if ("string", key) in self._active or self.level >= MAX_LEVEL:
            return _unknown_text("refers to itself, or nested too deeply")
        self._active.add(("string", key))
        self.level += 1
        outer, self.line = self.line, _line(text) or self.line
        try:
            found = self._string(text)
        finally:
            self.level -= 1
            self.line = outer
            self._active.discard(("string", key))
        self._strings[key] = found
        self._keep.append(text)
        return found

    def _charge(self, value: Parts | _Whole, where: Any) -> None:
        if isinstance(value, _Whole):
            self._expand(self._sizes.get(id(value.value), 1), where)
            return
        self.text -= sum(len(p) for p in value if isinstance(p, str))
        if self.text < 0:
            raise _TooMuch(f"make more than {MAX_TOTAL_TEXT:,} characters of text", _line(where))

    def _string(self, text: str) -> Parts | _Whole:
        parsed = _parse(text)
        if parsed is None:
            return _unknown_text("variables nested too deeply")
        if len(parsed) == 1 and isinstance(parsed[0], _Var):
            value = self.variable(parsed[0])
            return value if isinstance(value, _Text) else _Whole(value)
        out = _Text()
        for part in parsed:
            if isinstance(part, str):
                out.append(part)
                continue
            value = self.variable(part)
            if isinstance(value, _Text):
                out.extend(value)
            elif isinstance(value, (int, float, bool)) and not isinstance(value, bool):
                out.append(str(value))
            elif isinstance(value, bool):
                out.append("true" if value else "false")
            else:  # a list or mapping inside text: the framework refuses it
                out.append(_Token("", _clean(part.raw[2:-1])))
        return self._bounded(out, text)

    def _bounded(self, parts: Parts, text: str) -> Parts:
        """Adjacent text joined, within the bounds on text."""
        out = _Text()
        for part in parts:
            if isinstance(part, str) and out and isinstance(out[-1], str):
                out[-1] += part
            else:
                out.append(part)
            if isinstance(part, str) and len(out[-1]) > MAX_TEXT:
                raise _TooMuch(f"make a string longer than {MAX_TEXT:,} characters", _line(text))
        self._charge(out, text)
        return out

    def variable(self, var: _Var) -> Any:
        """One ``${...}``: parts of text, a node or a scalar. Fallbacks are tried in order;
        CloudFormation's own ``${...}`` stays as written."""
        first = var.parts[0] if var.parts else ""
        if not isinstance(first, str) or not _SOURCE_START.match(first):
            if not (len(var.parts) == 1 and isinstance(first, str)):
                return _Text([_Token("", _clean(var.raw[2:-1]))])
            return _Text([var.raw])  # ${AWS::Region}, ${Bucket.Arn}: CloudFormation's
        self.resolutions -= 1
        if self.resolutions < 0:
            raise _TooMuch(f"number more than {MAX_RESOLUTIONS:,}", self.line)
        for option in _fallbacks(var.parts):
            found = self._option(option)
            if found is MISSING:
                continue
            if found is None:
                break
            return found
        return _Text([_Token("", _clean(var.raw[2:-1]))])

    def _option(self, option: list[Any]) -> Any:
        """One fallback: a quoted literal, a number, a nested variable, or ``source:address``.
        None: only deployment knows; MISSING: try the next."""
        stripped = [p for p in option if not (isinstance(p, str) and not p.strip())]
        if len(stripped) == 1 and isinstance(stripped[0], _Var):
            found = self.variable(stripped[0])
            return None if _is_unknown_parts(found) else found
        address = []
        for part in option:
            if isinstance(part, str):
                address.append(part)
                continue
            found = self.variable(part)
            if isinstance(found, _Text) and all(isinstance(p, str) for p in found):
                address.extend(found)
            elif isinstance(found, (int, float)) and not isinstance(found, bool):
                address.append(str(found))
            else:
                return None  # an address only deployment knows
        text = "".join(address).strip()
        if len(text) > MAX_ADDRESS:
            return None
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
            return _Text([text[1:-1]])
        if _NUMBER.fullmatch(text):
            return _Text([text])
        match = _SOURCE.match(text)
        if not match:
            return None
        source, address_text = match.group(1), text[match.end():].strip()
        if match.group(2):
            return None  # file(...), ssm(region), cf(region): read from elsewhere
        return self._source(source, address_text)

    def _source(self, source: str, address: str) -> Any:
        if source in ("sls", "opt") and address == "stage":
            return _Text([_STAGE_TOKEN])
        if source == "opt" and address == "region" or source == "aws" and address == "region":
            return _Text([_REGION_TOKEN])
        if source == "aws" and address == "accountId":
            return _Text([_ACCOUNT_TOKEN])
        if source == "param" and address and _CLEAN_NAME.fullmatch(address):
            return _Text([_Token("param:" + address)])
        if source == "self":
            return self._self(address)
        return None  # env, ssm, cf, s3, file(...), opt:<other> ...: only deployment knows

    def _self(self, address: str) -> Any:
        if address == "provider.stage":
            # Whatever provider.stage says (usually ${opt:stage, 'dev'}), it is the stage the
            # service is deployed to.
            return _Text([_STAGE_TOKEN])
        if not address:
            return None  # the whole file
        node: Any = self.raw
        resolved = False
        for part in address.split("."):
            if isinstance(node, str) and "${" in node:
                node = self.node(node)  # a value that is itself a variable
                resolved = True
                if is_unknown(node):
                    return None
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                if address == "provider.region":
                    return _Text([_REGION_TOKEN])  # the framework's default: where it deploys
                return MISSING
        if address == "service" and isinstance(node, dict):
            node = node.get("name")  # v1: service: {name: ...}
        if node is None:
            return MISSING
        if isinstance(node, str):
            if resolved:
                return _Text([node])
            value = self.string(node)
            return value.value if isinstance(value, _Whole) else value
        if isinstance(node, (int, float, bool)):
            return node
        value = node if resolved else self.node(node)
        if is_unknown(value):
            return None
        if isinstance(value, str):
            return _Text([value])
        if isinstance(value, dict) and intrinsic(value) and intrinsic(value)[0] == "Fn::Sub":
            return None  # a resolved string made of unknown parts
        return value


def _line(node: Any) -> int:
    return getattr(node, "start_line", 0) or 1


def _unknown_text(why: str) -> _Text:
    return _Text([_Token("", why)])


def _is_unknown_parts(value: Any) -> bool:
    return isinstance(value, _Text) and len(value) == 1 and isinstance(value[0], _Token) \
        and bool(value[0].unknown)


def _clean(text: str) -> str:
    """An unknown variable's text as a name: nested ``${`` and ``}`` would end it early."""
    return text.replace("${", "{").replace("}", ")")[:MAX_NAME]


def _parse(text: str) -> list[Any] | None:
    """``a-${self:b.${opt:c}}-d`` -> ["a-", _Var([...]), "-d"]; None when nested too deeply.
    An unclosed ``${`` is text."""
    stack: list[list[Any]] = [[]]
    starts: list[int] = []
    position = 0
    for match in _SPLIT.finditer(text):
        if match.group() == "${":
            if len(stack) > MAX_NESTING:
                return None
            if match.start() > position:
                stack[-1].append(text[position:match.start()])
            stack.append([])
            starts.append(match.start())
            position = match.end()
        elif len(stack) > 1:
            if match.start() > position:
                stack[-1].append(text[position:match.start()])
            parts = stack.pop()
            start = starts.pop()
            stack[-1].append(_Var(parts, text[start:match.end()]))
            position = match.end()
    if len(stack) > 1:  # unclosed: everything from the first open "${" is text
        base = stack[0]
        base.append(text[starts[0]:])
        return _joined(base)
    if position < len(text):
        stack[0].append(text[position:])
    return _joined(stack[0])


def _joined(parts: list[Any]) -> list[Any]:
    out: list[Any] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        else:
            out.append(part)
    return out


def _fallbacks(parts: list[Any]) -> list[list[Any]]:
    """``opt:stage, 'dev'`` -> [[``opt:stage``], [``'dev'``]]: commas outside quotes and
    parentheses separate fallbacks; nested variables stay whole."""
    options: list[list[Any]] = [[]]
    quote, depth = "", 0
    for part in parts:
        if not isinstance(part, str):
            options[-1].append(part)
            continue
        start = 0
        for index, char in enumerate(part):
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "(":
                depth += 1
            elif char == ")":
                depth = max(depth - 1, 0)
            elif char == "," and depth == 0:
                options[-1].append(part[start:index])
                options.append([])
                start = index + 1
        options[-1].append(part[start:])
    return [[p for p in option if p != ""] for option in options[:8]]


# --------------------------------------------------------------------------- the model


class _Builder:
    """The CloudFormation-shaped model of a service."""

    def __init__(self, raw: dict[str, Any], resolver: _Resolver) -> None:
        self.raw = raw
        self.resolver = resolver
        provider = raw.get("provider")
        self.provider_line = getattr(raw, "key_lines", {}).get("provider", 1)
        self.provider = resolver.node(provider) if isinstance(provider, dict) else _like({}, raw)
        if not isinstance(self.provider, dict):
            self.provider = _like({}, raw)
        self.stage_parts: dict[tuple[Any, ...], str] = {}

    def model(self) -> dict_node:
        model = _like({}, self.raw)
        lines = getattr(self.raw, "key_lines", {})
        model["Parameters"] = self._parameters()
        model.key_lines["Parameters"] = self.provider_line
        resources = _like({}, self.raw)
        model["Resources"] = resources
        model.key_lines["Resources"] = lines.get("functions", lines.get("resources", 1))
        self._params(model)
        written = self._written_resources(model)
        self._functions(resources, written)
        role = self._generated_role()
        if role is not None:
            resources[GENERATED_ROLE] = role
            resources.key_lines[GENERATED_ROLE] = self.provider_line
        for logical_id, node in written.items():
            line = written.key_lines.get(logical_id, getattr(node, "start_line", 0))
            if logical_id in resources and isinstance(node, dict):
                # resources.Resources overrides what the framework makes under that id.
                resources[logical_id] = _override(resources[logical_id], node)
            else:
                resources[logical_id] = node
            resources.key_lines[logical_id] = line
        return model

    def stack_carries_stage(self) -> bool:
        """Is the stack's name different in every stage? The default, service-stage, is."""
        name = self.provider.get("stackName")
        if name is None:
            return True
        found = intrinsic(name)
        text = found[1] if found and found[0] == "Fn::Sub" else None
        text = text[0] if isinstance(text, list) and text else text
        return isinstance(text, str) and "${%s}" % STAGE in text

    # ------------------------------------------------------------------ parameters

    def _parameters(self) -> Any:
        parameters = _at({}, self.provider_line)
        stage = self.raw.get("provider", {}).get("stage") if isinstance(self.raw.get("provider"), dict) else None
        default = stage if isinstance(stage, str) and "${" not in stage else _default_stage(stage)
        declared = _like({"Default": default or "dev"}, stage if isinstance(stage, Marked) else parameters)
        parameters[STAGE] = declared
        params = self.raw.get("params")
        if not isinstance(params, dict):
            return parameters
        names: set[str] = set()
        for values in params.values():
            if isinstance(values, dict):
                names.update(str(k) for k in values)
        default_values = params.get("default")
        default_values = self.resolver.node(default_values) if isinstance(default_values, dict) else {}
        for name in sorted(names):
            key = f"param:{name}"
            if name in default_values:
                parameters[key] = _like({"Default": default_values[name]}, default_values[name]
                                        if isinstance(default_values[name], Marked) else default_values)
                # A default is every stage's value unless the stage sets its own.
                self.stage_parts[("Parameters", key)] = "default"
            else:
                parameters[key] = _like({}, params)
        return parameters

    def params_per_stage(self) -> list[str]:
        """Params every stage of ``params`` sets to a value of its own (``fnName: orders-dev``,
        ``fnName: orders-prod``): a name made from one differs from stage to stage, as a name
        made from the stage does."""
        params = self.raw.get("params")
        if not isinstance(params, dict):
            return []
        stages = [v for k, v in params.items() if k != "default"]
        if len(stages) < 2 or not all(isinstance(v, dict) for v in stages):
            return []
        default = params.get("default") if isinstance(params.get("default"), dict) else {}
        out = []
        for name in sorted({str(k) for values in stages for k in values}):
            values = [v.get(name) for v in stages]
            literal = [x for x in values if isinstance(x, str) and "${" not in x]
            if len(literal) == len(values) and len(set(literal)) == len(literal) \
                    and default.get(name) not in literal:
                out.append(name)
        return out

    def _params(self, model: dict_node) -> None:
        """``params.<stage>`` as ``Params.<stage>``, marked as that stage's values. The
        defaults are the parameters' ``Default`` (one copy, so a finding is made once)."""
        params = self.raw.get("params")
        if not isinstance(params, dict):
            return
        out = _like({}, params)
        for stage, values in params.items():
            if stage == "default":
                continue
            out[stage] = self.resolver.node(values)
            out.key_lines[stage] = getattr(params, "key_lines", {}).get(stage, 0)
            self.stage_parts[("Params", stage)] = str(stage)
        model["Params"] = out
        model.key_lines["Params"] = getattr(self.raw, "key_lines", {}).get("params", 0)

    # ------------------------------------------------------------------ resources

    def _written_resources(self, model: dict_node) -> Any:
        """``resources``: Resources, Conditions, Outputs and Mappings as written (a list of
        such blocks is merged, as the framework does)."""
        written = _like({}, self.raw)
        written.key_lines = {}
        extra = self.raw.get("resources")
        blocks = extra if isinstance(extra, list) else [extra]
        for block in blocks:
            block = self.resolver.node(block) if isinstance(block, (dict, str)) else block
            if not isinstance(block, dict) or is_unknown(block):
                continue
            for key in ("Resources", "Conditions", "Outputs", "Mappings"):
                section = block.get(key)
                if not isinstance(section, dict) or is_unknown(section):
                    continue
                target = written if key == "Resources" else model.setdefault(key, _like({}, section))
                target.update(section)
                target.key_lines.update(getattr(section, "key_lines", {}))
                model.key_lines.setdefault(key, getattr(block, "key_lines", {}).get(key, 0))
            extensions = block.get("extensions")
            if isinstance(extensions, dict):  # v3: properties added to generated resources
                for key, node in extensions.items():
                    if isinstance(node, dict) and key not in written:
                        written[key] = node
                        written.key_lines[key] = getattr(extensions, "key_lines", {}).get(key, 0)
        return written

    # ------------------------------------------------------------------ roles

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
        props = _at({}, line)
        principal = _at({"Service": _at(["lambda.amazonaws.com"], line)}, line)
        trust = _at({"Effect": "Allow", "Principal": principal,
                     "Action": _at(["sts:AssumeRole"], line)}, line)
        props["AssumeRolePolicyDocument"] = _at({"Version": "2012-10-17",
                                                 "Statement": _at([trust], line)}, line)
        props.key_lines["AssumeRolePolicyDocument"] = line
        if statements:
            props["Policies"] = self._policies(statements)
            props.key_lines["Policies"] = getattr(statements[0], "start_line", line)
        if managed:
            props["ManagedPolicyArns"] = managed[0] if len(managed) == 1 else \
                _like([item for m in managed for item in (m if isinstance(m, list) else [m])], managed[0])
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
        role = _at({"Type": _at("AWS::IAM::Role", line), "Properties": props}, line)
        role.key_lines = {"Type": line, "Properties": line}
        return role

    def _policies(self, statements: list[Any]) -> Any:
        """Provider statements as the role's inline policies, each keeping its own lines."""
        out = _like([], statements[0])
        service = self.raw.get("service")
        name = service if isinstance(service, str) and "${" not in service else "service"
        for node in statements:
            document = _like({"Version": "2012-10-17", "Statement": node}, node)
            document.key_lines["Statement"] = getattr(node, "start_line", 0)
            policy = _like({"PolicyName": f"{name}-${{{STAGE}}}-lambda", "PolicyDocument": document}, node)
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
            compiled = _function_id(key)
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
        props = _like({}, function)
        lines = getattr(function, "key_lines", {})

        def put(name: str, value: Any, source_key: str) -> None:
            props[name] = value
            props.key_lines[name] = lines.get(source_key, getattr(value, "start_line", 0) or line)

        for source_key, name in (("handler", "Handler"), ("runtime", "Runtime")):
            if function.get(source_key) is not None:
                put(name, function[source_key], source_key)
        if function.get("name") is not None:
            put("FunctionName", function["name"], "name")
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
            put("Role", _role_reference(role), "role" if "role" in function else "iam")
        elif own or own_managed:
            policies = _like([], own if isinstance(own, Marked) else function)
            if own:
                statement = _like({"Statement": own}, own)
                statement.key_lines["Statement"] = lines.get(own_key, getattr(own, "start_line", 0))
                policies.append(statement)
            if isinstance(own_managed, list):
                policies.extend(own_managed)
            if self._inherits(function):
                for node in statements:
                    policies.append(_like({"Statement": node}, node))
                for node in managed:
                    policies.extend(node if isinstance(node, list) else [node])
            put("Policies", policies, own_key)
        elif named is not None:
            # The provider's role, used by this function: reported at the function.
            put("Role", _at_line(_role_reference(named), line), "")
            props.key_lines["Role"] = line
        elif shared:
            # Written nowhere: the framework attaches it. Reported at the function's name.
            props["Role"] = _at({"Fn::GetAtt": _at([GENERATED_ROLE, "Arn"], line)}, line)
            props.key_lines["Role"] = line
        if function.get("reservedConcurrency") is not None:
            put("ReservedConcurrentExecutions", function["reservedConcurrency"], "reservedConcurrency")
        on_error = function.get("onError")
        if on_error is not None:
            kind = "SQS" if isinstance(on_error, str) and ":sqs:" in on_error else "SNS"
            put("DeadLetterQueue", _at({"Type": kind, "TargetArn": on_error},
                                       lines.get("onError", line)), "onError")
        destinations = function.get("destinations")
        if isinstance(destinations, dict) and destinations.get("onFailure") is not None:
            failure = destinations["onFailure"]
            at = getattr(destinations, "key_lines", {}).get("onFailure", lines.get("destinations", line))
            put("EventInvokeConfig", _at({"DestinationConfig": _at({"OnFailure": _at(
                {"Destination": failure}, at)}, at)}, at), "destinations")
        events = function.get("events")
        if isinstance(events, list):
            put("Events", self._events(events, line), "events")
        resource = _like({"Type": _at("AWS::Serverless::Function", line), "Properties": props}, function)
        resource.key_lines = {"Type": line, "Properties": line}
        condition = function.get("condition")
        if isinstance(condition, str):
            resource["Condition"] = condition
            resource.key_lines["Condition"] = lines.get("condition", line)
        if isinstance(override, dict) and "Type" not in override:
            resource = _override(resource, override)
        return resource

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
        out = _like({}, events)
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
                properties = _like({_EVENT_VALUE.get(kind, "Value"): spec}, event)
                properties.key_lines[_EVENT_VALUE.get(kind, "Value")] = getattr(event, "start_line", line)
            name = f"{kind}{index + 1}"
            out[name] = _like({"Type": _like(sam, event), "Properties": properties}, event)
            out.key_lines[name] = getattr(event, "start_line", line)
        return out


def _default_stage(stage: Any) -> str | None:
    """The stage a ``${opt:stage, 'dev'}`` deploys to when none is given."""
    if not isinstance(stage, str):
        return None
    parsed = _parse(stage)
    if not parsed or len(parsed) != 1 or not isinstance(parsed[0], _Var):
        return None
    options = _fallbacks(parsed[0].parts)
    last = options[-1] if options else []
    text = last[0].strip() if len(last) == 1 and isinstance(last[0], str) else ""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return None


def _function_id(key: str) -> str:
    """The framework's logical id of a function: ``hello-world`` -> ``HelloDashworldLambdaFunction``."""
    name = key.replace("-", "Dash").replace("_", "Underscore")
    return (name[:1].upper() + name[1:]) + "LambdaFunction"


def _override(generated: Any, written: dict[str, Any]) -> Any:
    """A resource of resources.Resources with the logical id of one the framework makes:
    the framework merges it over its own, the written properties winning."""
    merged = _like({}, written)
    merged.key_lines = dict(getattr(generated, "key_lines", {}))
    merged.update(generated)
    merged.update({k: v for k, v in written.items() if k != "Properties"})
    merged.key_lines.update(getattr(written, "key_lines", {}))
    old = generated.get("Properties") if isinstance(generated, dict) else None
    new = written.get("Properties")
    if isinstance(old, dict) and isinstance(new, dict):
        props = _like({}, new)
        props.key_lines = dict(getattr(old, "key_lines", {}))
        props.update(old)
        props.update(new)
        props.key_lines.update(getattr(new, "key_lines", {}))
        merged["Properties"] = props
    elif new is not None:
        merged["Properties"] = new
    return merged


def _role_reference(value: Any) -> Any:
    """``role: MyRole`` names a role of resources.Resources (its ARN is meant); an ARN, an
    intrinsic or an unknown value is kept."""
    if isinstance(value, str) and not _ARN.match(value) and _LOGICAL_ID.fullmatch(value):
        return _like({"Fn::GetAtt": _like([value, "Arn"], value)}, value)
    return value


def _at_line(value: Any, line: int) -> Any:
    """A shallow copy of a node placed on one line."""
    if isinstance(value, dict):
        copy = _at(dict(value), line)
        copy.key_lines = dict(getattr(value, "key_lines", {}))
        return copy
    if isinstance(value, str):
        return _at(str(value), line)
    return value

