"""Serverless variables worked out against the service's own text, without running anything:
``${self:...}``, the stage (``${sls:stage}``, ``${opt:stage, 'dev'}``, ``${self:provider.stage}``),
``${param:x}``, ``${aws:accountId}`` and ``${aws:region}``; every other source is unknown
(``Fn::Unknown``). Every variable is resolved once (memoised), a value referred to many times is
shared, not copied, and the work is bounded."""

from __future__ import annotations

from typing import Any

from reviewer.engine.decode import Marked
from reviewer.engine.values import intrinsic
from reviewer.formats.serverless_includes import Includes
from reviewer.formats.serverless_nodes import (MAX_ADDRESS, MAX_EXPANDED, MAX_LEVEL, MAX_RESOLUTIONS,
                                               MAX_TEXT, MAX_TOTAL_TEXT, TooMuch, is_unknown, line_of,
                                               mark, marked_like, unknown_node)
from reviewer.formats.serverless_syntax import (ACCOUNT_TOKEN, CLEAN_NAME, MISSING, NUMBER,
                                                PLUGIN_VARIABLE, REGION_TOKEN, SOURCE, SOURCE_START,
                                                STAGE_TOKEN, Parts, Text, Token,
                                                Var, Whole, clean, fallbacks, is_unknown_parts, parse,
                                                unknown_text)


class Resolver:
    """Serverless variables, worked out against the service's own text."""

    def __init__(self, raw: dict[str, Any], includes: Includes | None = None) -> None:
        self.raw = raw
        self.includes = includes
        # serverless-pseudo-parameters turns each string holding #{AWS::Region} (or
        # #{Queue}, #{Queue.Arn}) into an Fn::Sub of ${...}: without the plugin the same
        # text is known only when the author's tooling runs.
        self.pseudo_parameters = _uses_plugin(raw, "serverless-pseudo-parameters")
        self.resolutions = MAX_RESOLUTIONS
        self.text = MAX_TOTAL_TEXT
        self.expanded = MAX_EXPANDED
        self.level = 0
        self.line = 1  # of the string being resolved, for a service that passes a bound
        self._nodes: dict[int, Any] = {}  # id of a raw node -> its resolved node
        self._strings: dict[int, Parts | Whole] = {}  # id of a raw string -> its value
        self._sizes: dict[int, int] = {}  # id of a resolved node -> nodes it expands to
        self._active: set[tuple[str, int]] = set()
        self._keep: list[Any] = []  # raw values memoised by id stay alive

    # ------------------------------------------------------------------ nodes

    def node(self, value: Any) -> Any:
        """A resolved copy of ``value`` with the same marks; a value met before is shared."""
        if not isinstance(value, (dict, list, str)) or \
                isinstance(value, str) and "${" not in value and "#{" not in value:
            return value
        key = id(value)
        if key in self._nodes:
            found = self._nodes[key]
            self._expand(self._sizes.get(id(found), 1), value)
            return found
        if ("node", key) in self._active or self.level >= MAX_LEVEL:
            return unknown_node("(refers to itself, or nested too deeply)", value)
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
            out = marked_like({}, value)
            out.key_lines = dict(getattr(value, "key_lines", {}))
            size = 1
            for key, item in value.items():
                out[key] = self.node(item)
                size += self._sizes.get(id(out[key]), 1)
        else:
            out = marked_like([], value)
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
            raise TooMuch(f"expand to more than {MAX_EXPANDED:,} values", line_of(where))

    def _sub_intrinsic(self, value: dict[str, Any], arg: Any) -> Any:
        """CloudFormation's ``Fn::Sub``: its text is already a template, so Serverless
        variables are replaced in it and CloudFormation's own ``${...}`` stay."""
        text, variables = (arg, None) if isinstance(arg, str) else \
            (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) \
            else (None, None)
        if text is None:
            out = marked_like({}, value)
            out.key_lines = dict(getattr(value, "key_lines", {}))
            out["Fn::Sub"] = self.node(arg)
            return out
        parts = self.string(text)
        resolved_vars = self.node(variables) if isinstance(variables, dict) else None
        out = self._render(parts, text, resolved_vars, in_sub=True)
        out.key_lines = dict(getattr(value, "key_lines", {}))
        return mark(out, getattr(value, "start_line", 0), getattr(value, "end_line", 0))

    def _render(self, parts: Parts | Whole, like: Any, variables: Any = None,
                in_sub: bool = False) -> Any:
        """A string's value as a model node: the text, the node it names as a whole, or a
        ``Fn::Sub`` whose unknown parts are ``Fn::Unknown`` variables."""
        if isinstance(parts, Whole):
            value = parts.value
            if in_sub:
                return self._render(unknown_text("a list or mapping inside text"), like,
                                    variables, in_sub)
            return value
        parts = self._plugin_parts(parts)
        tokens = [p for p in parts if isinstance(p, Token)]
        if not tokens and not in_sub:
            return marked_like("".join(parts), like)
        if len(parts) == 1 and tokens and tokens[0].unknown and not in_sub:
            return unknown_node("${%s}" % tokens[0].unknown, like)
        text: list[str] = []
        unknown: dict[str, Any] = {}
        for part in parts:
            if isinstance(part, str):
                text.append(part)
            elif part.unknown:
                name = part.unknown if CLEAN_NAME.fullmatch(part.unknown) else f"unknown{len(unknown) + 1}"
                unknown.setdefault(name, unknown_node("${%s}" % part.unknown, like))
                text.append("${%s}" % name)
            else:
                text.append("${%s}" % part.name)
        body = marked_like("".join(text), like)
        if isinstance(variables, dict) or unknown:
            merged = marked_like({}, variables if isinstance(variables, Marked) else like)
            if isinstance(variables, dict):
                merged.update(variables)
                merged.key_lines = dict(getattr(variables, "key_lines", {}))
            merged.update(unknown)
            return marked_like({"Fn::Sub": marked_like([body, merged], like)}, like)
        return marked_like({"Fn::Sub": body}, like)

    def _plugin_parts(self, parts: Parts) -> Parts:
        """``#{name}`` of the serverless-pseudo-parameters plugin: the pseudo parameter or
        resource it names (``${name}`` of an Fn::Sub), or, without the plugin, unknown."""
        if not any(isinstance(p, str) and "#{" in p for p in parts):
            return parts
        out = Text()
        for part in parts:
            if not isinstance(part, str) or "#{" not in part:
                out.append(part)
                continue
            position = 0
            for match in PLUGIN_VARIABLE.finditer(part):
                if match.start() > position:
                    out.append(part[position:match.start()])
                name = match.group(1).strip()
                out.append(Token(name) if self.pseudo_parameters else Token("", clean(match.group(0))))
                position = match.end()
            if position < len(part):
                out.append(part[position:])
        return out

    # ------------------------------------------------------------------ strings

    def string(self, text: str) -> Parts | Whole:
        """The value of a string: its parts, or the one value it names."""
        if "${" not in text:
            return Text([text])
        key = id(text)
        if key in self._strings:
            found = self._strings[key]
            self._charge(found, text)
            return found
        if ("string", key) in self._active or self.level >= MAX_LEVEL:
            return unknown_text("refers to itself, or nested too deeply")
        self._active.add(("string", key))
        self.level += 1
        outer, self.line = self.line, line_of(text) or self.line
        try:
            found = self._string(text)
        finally:
            self.level -= 1
            self.line = outer
            self._active.discard(("string", key))
        self._strings[key] = found
        self._keep.append(text)
        return found

    def _charge(self, value: Parts | Whole, where: Any) -> None:
        if isinstance(value, Whole):
            self._expand(self._sizes.get(id(value.value), 1), where)
            return
        self.text -= sum(len(p) for p in value if isinstance(p, str))
        if self.text < 0:
            raise TooMuch(f"make more than {MAX_TOTAL_TEXT:,} characters of text", line_of(where))

    def _string(self, text: str) -> Parts | Whole:
        parsed = parse(text)
        if parsed is None:
            return unknown_text("variables nested too deeply")
        if len(parsed) == 1 and isinstance(parsed[0], Var):
            value = self.variable(parsed[0])
            return value if isinstance(value, Text) else Whole(value)
        out = Text()
        for part in parsed:
            if isinstance(part, str):
                out.append(part)
                continue
            value = self.variable(part)
            if isinstance(value, Text):
                out.extend(value)
            elif isinstance(value, (int, float, bool)) and not isinstance(value, bool):
                out.append(str(value))
            elif isinstance(value, bool):
                out.append("true" if value else "false")
            else:  # a list or mapping inside text: the framework refuses it
                out.append(Token("", clean(part.raw[2:-1])))
        return self._bounded(out, text)

    def _bounded(self, parts: Parts, text: str) -> Parts:
        """Adjacent text joined, within the bounds on text."""
        out = Text()
        for part in parts:
            if isinstance(part, str) and out and isinstance(out[-1], str):
                out[-1] += part
            else:
                out.append(part)
            if isinstance(part, str) and len(out[-1]) > MAX_TEXT:
                raise TooMuch(f"make a string longer than {MAX_TEXT:,} characters", line_of(text))
        self._charge(out, text)
        return out

    def variable(self, var: Var) -> Any:
        """One ``${...}``: parts of text, a node or a scalar. Fallbacks are tried in order;
        CloudFormation's own ``${...}`` stays as written."""
        first = var.parts[0] if var.parts else ""
        if not isinstance(first, str) or not SOURCE_START.match(first):
            if not (len(var.parts) == 1 and isinstance(first, str)):
                return Text([Token("", clean(var.raw[2:-1]))])
            return Text([var.raw])  # ${AWS::Region}, ${Bucket.Arn}: CloudFormation's
        self.resolutions -= 1
        if self.resolutions < 0:
            raise TooMuch(f"number more than {MAX_RESOLUTIONS:,}", self.line)
        for option in fallbacks(var.parts):
            found = self._option(option)
            if found is MISSING:
                continue
            if found is None:
                break
            return found
        return Text([Token("", clean(var.raw[2:-1]))])

    def _option(self, option: list[Any]) -> Any:
        """One fallback: a quoted literal, a number, a nested variable, or ``source:address``.
        None: only deployment knows; MISSING: try the next."""
        stripped = [p for p in option if not (isinstance(p, str) and not p.strip())]
        if len(stripped) == 1 and isinstance(stripped[0], Var):
            found = self.variable(stripped[0])
            return None if is_unknown_parts(found) else found
        address = []
        for part in option:
            if isinstance(part, str):
                address.append(part)
                continue
            found = self.variable(part)
            if isinstance(found, Text) and all(isinstance(p, str) for p in found):
                address.extend(found)
            elif isinstance(found, (int, float)) and not isinstance(found, bool):
                address.append(str(found))
            else:
                written = "".join(p if isinstance(p, str) else getattr(p, "raw", "") for p in option)
                # file(x.${opt:stage}.yml): the name is made when deployed; file(x.yml):${...}
                # names its file, and only the key inside it is unknown.
                if written.lstrip().startswith("file(") and ")" not in "".join(address) \
                        and self.includes is not None:
                    self.includes.unknown_name(written.strip(), self.line)
                return None  # an address only deployment knows
        text = "".join(address).strip()
        if len(text) > MAX_ADDRESS:
            return None
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
            return Text([text[1:-1]])
        if NUMBER.fullmatch(text):
            return Text([text])
        match = SOURCE.match(text)
        if not match:
            return None
        source, address_text = match.group(1), text[match.end():].strip()
        if match.group(2):
            if source == "file" and self.includes is not None:
                return self._file(match.group(2)[1:-1], address_text)
            return None  # ssm(region), cf(region), file(...) of a .js: read from elsewhere
        return self._source(source, address_text)

    def _source(self, source: str, address: str) -> Any:
        if source in ("sls", "opt") and address == "stage":
            return Text([STAGE_TOKEN])
        if source == "opt" and address == "region" or source == "aws" and address == "region":
            return Text([REGION_TOKEN])
        if source == "aws" and address == "accountId":
            return Text([ACCOUNT_TOKEN])
        if source == "param" and address and CLEAN_NAME.fullmatch(address):
            return Text([Token("param:" + address)])
        if source == "self":
            return self._self(address)
        return None  # env, ssm, cf, s3, file(...), opt:<other> ...: only deployment knows

    def _self(self, address: str) -> Any:
        if address == "provider.stage":
            # Whatever provider.stage says (usually ${opt:stage, 'dev'}), it is the stage the
            # service is deployed to.
            return Text([STAGE_TOKEN])
        if not address:
            return None  # the whole file
        found = self._lookup(self.raw, address)
        if found is MISSING and address == "provider.region":
            return Text([REGION_TOKEN])  # the framework's default: where it deploys
        return found

    def _file(self, written: str, address: str) -> Any:
        """``${file(./x.yml)}`` (the whole file) or ``${file(./x.yml):a.b}``."""
        assert self.includes is not None
        data = self.includes.load(written, self.line)
        if data is None:
            return None
        if not address:
            if isinstance(data, str):
                text = self.string(data)
                return text.value if isinstance(text, Whole) else text
            value = self.node(data)
            return None if is_unknown(value) else value
        return self._lookup(data, address)

    def _lookup(self, root: Any, address: str) -> Any:
        """The value at a dotted address inside the service (or an included file)."""
        node: Any = root
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
                return MISSING
        if address == "service" and root is self.raw and isinstance(node, dict):
            node = node.get("name")  # v1: service: {name: ...}
        if node is None:
            return MISSING
        if isinstance(node, str):
            if resolved:
                return Text([node])
            value = self.string(node)
            return value.value if isinstance(value, Whole) else value
        if isinstance(node, (int, float, bool)):
            return node
        value = node if resolved else self.node(node)
        if is_unknown(value):
            return None
        if isinstance(value, str):
            return Text([value])
        if isinstance(value, dict) and intrinsic(value) and intrinsic(value)[0] == "Fn::Sub":
            return None  # a resolved string made of unknown parts
        return value


def _uses_plugin(raw: dict[str, Any], name: str) -> bool:
    """Does the service list this plugin (``plugins: [...]`` or ``plugins: {modules: [...]}``)?"""
    plugins = raw.get("plugins")
    if isinstance(plugins, dict):
        plugins = plugins.get("modules")
    return isinstance(plugins, list) and any(isinstance(p, str) and p.strip() == name for p in plugins)
