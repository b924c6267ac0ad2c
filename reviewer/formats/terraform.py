"""Read a Terraform module (the ``.tf``/``.tf.json`` files of one folder, its ``.tfvars``) into
the engine's model.

Resources are named by their Terraform address (``aws_iam_policy.orders``,
``data.aws_iam_policy_document.orders``) and typed by their Terraform type, with their
attributes as properties (nested blocks as lists), so ``kind: match`` rules select
``aws_sqs_queue`` and read ``kms_master_key_id``. Values are worked out statically and never
executed: ``var.x`` is a parameter whose default is the variable's default (or an auto-loaded
tfvars value), ``local.x`` its expression, a reference to another resource stays a reference
(``Fn::GetAtt``), a string template a ``Fn::Sub`` whose text is the template, a conditional a
``Fn::If`` of both branches, and anything else unknown (never guessed). IAM documents are
turned into IAM's own JSON shape wherever they are written (``jsonencode``, a heredoc, a
``data "aws_iam_policy_document"``'s blocks, ``file()`` of a file in the folder), each node
keeping the file and line it was written on.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from typing import Any

from reviewer.engine.decode import DecodeError, Marked, dict_node, list_node, load_json, str_node
from reviewer.engine.document import PARAMETERS, TEMPLATE, TERRAFORM, Document
from reviewer.engine.values import UNKNOWN
from reviewer.formats import hcl
from reviewer.formats.hcl import Attribute, Block, Expr
from reviewer.formats.paths import terraform_folder
from reviewer.formats.terraform_iam import TERRAFORM_ADAPTER

TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")
# How deep locals may refer to locals, and how many values one module may work out: a
# module is hostile text, and locals can refer to each other in a cycle.
MAX_DEPTH = 32
MAX_VALUES = 200_000
# A for expression is worked out over a list of at most this many items.
MAX_FOR_ITEMS = 64
# A whole-string interpolation (``${var.x}``) inside a heredoc or a .tf.json string.
_INTERPOLATION = re.compile(r"\$\{([^{}$]{1,256})\}")
_REFERENCE = re.compile(r"^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d{1,6}\])*$")
_SAFE_NAME = re.compile(r"^[\w.\[\]\"-]{1,200}$")

# Blocks of a .tf.json resource that are blocks, not object-valued attributes.
_JSON_BLOCKS = {"statement", "principals", "not_principals", "condition", "inline_policy",
                "lifecycle", "server_side_encryption_configuration", "rule",
                "apply_server_side_encryption_by_default", "dead_letter_config",
                "destination_config", "on_failure", "point_in_time_recovery",
                "server_side_encryption", "encryption_configuration", "replica"}


class Unknown:
    """A value Terraform works out when it applies the plan; its source text, for people."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text[:200]

    def __repr__(self) -> str:
        return f"Unknown({self.text!r})"

    def __str__(self) -> str:
        return self.text


@dataclass
class Problem:
    """A file of the module that could not be read."""

    path: str
    line: int
    message: str


def read_modules(files: dict[str, str], others: dict[str, bytes] | None = None
                 ) -> tuple[list[Document], list[Problem]]:
    """Every module among ``files`` (path -> text of Terraform files): one template document
    per folder with ``.tf`` files, and one parameter document per ``.tfvars`` file.
    ``others`` are the scan's other files, for ``file("policy.json")``."""
    folders: dict[str, dict[str, str]] = {}
    for path in sorted(files):
        folders.setdefault(terraform_folder(path), {})[path] = files[path]
    documents: list[Document] = []
    problems: list[Problem] = []
    modules: dict[str, _Module] = {}
    for folder, members in sorted(folders.items()):
        try:
            modules[folder] = _Module(folder, members, others or {})
        except Exception as exc:  # noqa: BLE001 - one module must not hide the others
            problems.append(_failed(members, exc))
    _link_calls(modules)
    for module in modules.values():
        try:
            documents.extend(module.documents())
        except Exception as exc:  # noqa: BLE001
            problems.append(_failed(module.files, exc))
            continue
        problems.extend(module.problems)
    return documents, problems


def _failed(files: dict[str, str], exc: Exception) -> Problem:
    """A module whose reading failed in a way no bound foresaw: not reviewed, loudly."""
    import logging

    first = min(files)
    logging.getLogger(__name__).exception("reading the Terraform module of %s failed", first)
    return Problem(first, 1, "not reviewed: this Terraform module could not be read "
                             f"({type(exc).__name__}: {str(exc)[:200]}); please report it")


def _link_calls(modules: dict[str, "_Module"]) -> None:
    """A folder that one module of the scan calls (``module "x" { source = "./x" }``) is
    reviewed as that instance: its addresses are ``module.x.``-prefixed and its variables take
    the caller's arguments. A folder called from several places, or from none, is reviewed
    on its own, with its variables' defaults."""
    calls: dict[str, list[tuple[_Module, Block]]] = {}
    for folder, module in modules.items():
        for block in module.blocks:
            source = _literal(block.attributes.get("source")) if block.type == "module" else None
            if not block.labels or not isinstance(source, str) or not source.startswith(("./", "../")):
                continue
            child = posixpath.normpath(posixpath.join("" if folder == "." else folder, source))
            if child in modules and child != folder:
                calls.setdefault(child, []).append((module, block))
    for child, callers in calls.items():
        if len(callers) == 1:
            modules[child].caller = callers[0]


def _mark(node: Any, line: int, end: int, source: str) -> Any:
    if isinstance(node, Marked):
        node.start_line, node.end_line = line, max(line, end)
        node.source = source
    return node


def _unknown(expr: Expr, source: str) -> dict_node:
    return _mark(dict_node({UNKNOWN: Unknown(expr.text or expr.kind)}), expr.line,
                 expr.end_line, source)


class _Module:
    """One folder's blocks, values and policies."""

    def __init__(self, folder: str, files: dict[str, str], others: dict[str, bytes]) -> None:
        self.folder = folder
        self.files = files
        self.others = others
        self.problems: list[Problem] = []
        self.blocks: list[Block] = []
        self.tfvars: dict[str, dict[str, Attribute]] = {}
        for path, text in sorted(files.items()):
            try:
                if path.endswith(TFVARS_SUFFIXES):
                    self.tfvars[path] = _read_tfvars(text, path)
                else:
                    self.blocks.extend(_read_blocks(text, path))
            except hcl.HclError as exc:
                self.problems.append(Problem(path, exc.line, exc.message))
        self.variables = {b.labels[0]: b for b in self.blocks if b.type == "variable" and b.labels}
        self.locals: dict[str, tuple[Attribute, str]] = {}
        for block in self.blocks:
            if block.type == "locals":
                for name, attribute in block.attributes.items():
                    self.locals[name] = (attribute, block.file)
        # Values Terraform loads by itself; a stage's own file (prod.tfvars) is that stage's.
        self.auto: dict[str, tuple[Attribute, str]] = {}
        for path, values in sorted(self.tfvars.items()):
            name = posixpath.basename(path)
            if name in ("terraform.tfvars", "terraform.tfvars.json") or ".auto.tfvars" in name:
                for key, attribute in values.items():
                    self.auto[key] = (attribute, path)
        self._budget = MAX_VALUES
        self._locals_seen: list[str] = []
        self._bindings: list[dict[str, Any]] = []  # a for expression's iterator names
        self.caller_values: dict[str, Any] = {}  # var name -> the text the caller passes
        # The module block that calls this folder, when one module of the scan does.
        self.caller: tuple[_Module, Block] | None = None

    @property
    def prefix(self) -> str:
        """``module.a.module.b.`` for an instance called through a and b (bounded: modules
        that call each other in a circle are not real Terraform)."""
        names: list[str] = []
        module: _Module | None = self
        while module is not None and module.caller is not None and len(names) < 8:
            caller, block = module.caller
            names.append(f"module.{block.labels[0]}.")
            module = caller if caller is not self else None
        return "".join(reversed(names))

    # ----------------------------------------------------------------- documents

    def documents(self) -> list[Document]:
        docs: list[Document] = []
        if self.blocks:
            docs.append(self._template())
            if self._budget < 0:
                # A review that cannot be done in full says so, and does not pass.
                first = min(self.blocks, key=lambda b: (b.file, b.line))
                self.problems.append(Problem(
                    first.file, first.line,
                    f"this module's values need more than {MAX_VALUES:,} steps to work out "
                    "(locals built from locals many times over); the rest were taken as "
                    "unknown, so the module was not reviewed in full"))
        for path, values in sorted(self.tfvars.items()):
            data = dict_node()
            data.start_line, data.end_line, data.source = 1, max(1, self.files[path].count("\n")), path
            for name, attribute in values.items():
                data[name] = self.value(attribute.expr, path)
                data.key_lines[name] = attribute.line
            docs.append(Document(path=path, kind=PARAMETERS, data=data, text=self.files[path],
                                 format=TERRAFORM, adapter=TERRAFORM_ADAPTER))
        return docs

    def _template(self) -> Document:
        parameters = dict_node()
        for name, block in self.variables.items():
            declared = dict_node()
            _mark(declared, block.line, block.end_line, block.file)
            given = self.auto.get(name)
            default = given[0] if given else block.attributes.get("default")
            source = given[1] if given else block.file
            if default is not None:
                declared["Default"] = self.value(default.expr, source)
                declared.key_lines["Default"] = default.line
            parameters[f"var.{name}"] = declared
            parameters.key_lines[f"var.{name}"] = block.line
        resources = dict_node()
        for block in self.blocks:
            if block.type not in ("resource", "data") or len(block.labels) < 2:
                continue
            rtype, name = block.labels[0], block.labels[1]
            address = f"{rtype}.{name}" if block.type == "resource" else f"data.{rtype}.{name}"
            typed = rtype if block.type == "resource" else f"data.{rtype}"
            if block.type == "data" and rtype == "aws_iam_policy_document":
                properties = self._policy_document(block)
            else:
                properties = self._properties(block, block.file)
            node = dict_node({"Type": _mark(str_node(typed), block.line, block.line, block.file),
                              "Properties": properties})
            node.key_lines = {"Type": block.line}
            resources[self.prefix + address] = _mark(node, block.line, block.end_line, block.file)
            resources.key_lines[self.prefix + address] = block.line
        for name, value in self.caller_values.items():
            declared = parameters.get(f"var.{name}")
            if declared is None:
                declared = parameters[f"var.{name}"] = _mark(dict_node(), 0, 0, "")
            declared["Default"] = value
        first = min((b for b in self.blocks), key=lambda b: (b.file, b.line))
        data = dict_node({"Parameters": parameters, "Resources": resources})
        _mark(data, 1, 1, first.file)
        _mark(parameters, 1, 1, first.file)
        _mark(resources, first.line, first.line, first.file)
        return Document(path=self.folder, kind=TEMPLATE, data=data,
                        text=self.files[first.file], format=TERRAFORM,
                        sources={p: t for p, t in self.files.items()}, adapter=TERRAFORM_ADAPTER)

    def _properties(self, block: Block, source: str) -> dict_node:
        props = dict_node()
        _mark(props, block.line, block.end_line, source)
        for name, attribute in block.attributes.items():
            if _is_null(attribute):
                continue  # "= null" leaves an argument unset
            props[name] = self.value(attribute.expr, source)
            props.key_lines[name] = attribute.line
        for kind, children in block.children.items():
            items = list_node(self._properties(child, source) for child in children)
            _mark(items, children[0].line, children[-1].end_line, source)
            props[kind] = items
            props.key_lines[kind] = children[0].line
        return props

    def _policy_document(self, block: Block) -> dict_node:
        """A ``data "aws_iam_policy_document"`` in IAM's JSON shape, lines kept."""
        source = block.file
        props = dict_node()
        _mark(props, block.line, block.end_line, source)
        for name, attribute in block.attributes.items():
            props[name] = self.value(attribute.expr, source)
            props.key_lines[name] = attribute.line
        statements = list_node()
        for child in block.children.get("statement", []):
            statements.append(self._statement(child, source))
        if statements:
            _mark(statements, statements[0].start_line, statements[-1].end_line, source)
            props["Statement"] = statements
            props.key_lines["Statement"] = statements[0].start_line
        return props

    def _statement(self, block: Block, source: str) -> dict_node:
        out = dict_node()
        _mark(out, block.line, block.end_line, source)
        names = {"sid": "Sid", "effect": "Effect", "actions": "Action", "not_actions": "NotAction",
                 "resources": "Resource", "not_resources": "NotResource"}
        for name, attribute in block.attributes.items():
            key = names.get(name)
            if not key or _is_null(attribute):
                continue
            value = self.value(attribute.expr, source)
            if key.startswith("Not") and _is_unknown(value):
                # try(statement.value.not_actions, null): whether there is a NotAction at all
                # is known only when applied; the statement is not judged on it.
                continue
            out[key] = value
            out.key_lines[key] = attribute.line
        for kind, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            blocks = [b for b in block.children.get(kind, []) if not _unknown_principals(b)]
            if blocks:
                out[key] = self._principals(blocks, source)
                out.key_lines[key] = blocks[0].line
        conditions = block.children.get("condition", [])
        if conditions:
            condition = dict_node()
            _mark(condition, conditions[0].line, conditions[-1].end_line, source)
            for item in conditions:
                test = _literal(item.attributes.get("test"))
                variable = _literal(item.attributes.get("variable"))
                values = item.attributes.get("values")
                if not isinstance(test, str) or not isinstance(variable, str) or values is None:
                    continue
                operator = condition.setdefault(test, _mark(dict_node(), item.line, item.end_line, source))
                condition.key_lines.setdefault(test, item.line)
                operator[variable] = self.value(values.expr, source)
                operator.key_lines[variable] = values.line
            out["Condition"] = condition
            out.key_lines["Condition"] = conditions[0].line
        return out

    def _principals(self, blocks: list[Block], source: str) -> Any:
        principal = dict_node()
        _mark(principal, blocks[0].line, blocks[-1].end_line, source)
        for item in blocks:
            kind = _literal(item.attributes.get("type"))
            identifiers = item.attributes.get("identifiers")
            if not isinstance(kind, str) or identifiers is None:
                continue
            value = self.value(identifiers.expr, source)
            if kind == "*":
                return value if not isinstance(value, list) or len(value) != 1 else value[0]
            existing = principal.get(kind)
            if isinstance(existing, list) and isinstance(value, list):
                existing.extend(value)
            else:
                principal[kind] = value
                principal.key_lines[kind] = identifiers.line
        return principal

    # ----------------------------------------------------------------- values

    def value(self, expr: Expr, source: str, depth: int = 0) -> Any:
        """The model value of an expression written in ``source``."""
        self._budget -= 1
        if self._budget < 0 or depth > MAX_DEPTH:
            return _unknown(expr, source)
        kind = expr.kind
        if kind == "literal":
            if isinstance(expr.value, str):
                return _mark(str_node(expr.value), expr.line, expr.end_line, source)
            return expr.value
        if kind == "tuple":
            items = list_node(self.value(item, source, depth + 1) for item in expr.value)
            return _mark(items, expr.line, expr.end_line, source)
        if kind == "object":
            out = dict_node()
            for key, line, item in expr.value:
                if item.kind == "literal" and item.value is None:
                    continue  # jsonencode leaves out nothing, but IAM reads null as absent
                out[key] = self.value(item, source, depth + 1)
                out.key_lines[key] = line
            return _mark(out, expr.line, expr.end_line, source)
        if kind == "template":
            return self._template_string(expr, source, depth)
        if kind == "ref":
            return self._reference(expr, source, depth)
        if kind == "cond":
            cond, yes, no = expr.value
            node = dict_node({"Fn::If": list_node([
                str_node(cond.text[:200] or "condition"),
                self.value(yes, source, depth + 1), self.value(no, source, depth + 1)])})
            return _mark(node, expr.line, expr.end_line, source)
        if kind == "call":
            return self._call(expr, source, depth)
        if kind == "for":
            return self._for(expr, source, depth)
        if kind == "heredoc":
            return self._text_document(expr.value, expr.line, source, expr) or \
                _mark(str_node(expr.value), expr.line, expr.end_line, source)
        return _unknown(expr, source)

    def _for(self, expr: Expr, source: str, depth: int) -> Any:
        """``[for x in ["a", "b"] : "user/${x}"]`` over a list known now: each item."""
        names, collection, body = expr.value
        items = self.value(collection, source, depth + 1)
        if not isinstance(items, list) or len(items) > MAX_FOR_ITEMS or _is_unknown(items):
            return _unknown(expr, source)
        out = list_node()
        for index, item in enumerate(items):
            # "for x in" binds the item; "for i, x in" binds the index too.
            binding = {names[-1]: item} if len(names) == 1 else {names[0]: index, names[1]: item}
            self._bindings.append(binding)
            try:
                out.append(self.value(body, source, depth + 1))
            finally:
                self._bindings.pop()
        return _mark(out, expr.line, expr.end_line, source)

    def _template_string(self, expr: Expr, source: str, depth: int) -> Any:
        parts = expr.value
        if len(parts) == 1 and isinstance(parts[0], Expr):
            return self.value(parts[0], source, depth + 1)  # "${var.x}" is var.x itself
        text: list[str] = []
        variables = dict_node()
        for index, part in enumerate(parts):
            if isinstance(part, str):
                text.append(part)
                continue
            value = self.value(part, source, depth + 1)
            if isinstance(value, str):
                text.append(value)  # a local or literal known now: part of the text
                continue
            name = part.text if _SAFE_NAME.match(part.text or "") else f"expr{index}"
            text.append("${%s}" % name)
            variables[name] = value
        if not variables:
            return _mark(str_node("".join(text)), expr.line, expr.end_line, source)
        node = dict_node({"Fn::Sub": list_node([str_node("".join(text)), variables])})
        return _mark(node, expr.line, expr.end_line, source)

    def _reference(self, expr: Expr, source: str, depth: int) -> Any:
        parts = expr.value
        head = parts[0]
        for binding in reversed(self._bindings):
            if head in binding:
                return self._index(binding[head], parts[1:], expr, source)
        if head == "var" and len(parts) >= 2 and isinstance(parts[1], str):
            name = parts[1]
            argument = self.caller[1].attributes.get(name) if self.caller else None
            if argument is not None:
                # The caller's argument, worked out where it is written (its lines too).
                caller = self.caller[0]
                value = caller.value(argument.expr, self.caller[1].file, depth + 1)
                if isinstance(value, str) and len(parts) == 2:
                    # A text stays var.x, its value the parameter's default: a name built
                    # from var.stage is built from the stage, whatever one caller passes.
                    self.caller_values[name] = value
                    return _mark(dict_node({"Ref": f"var.{name}"}), expr.line, expr.end_line, source)
                return self._index(value, parts[2:], expr, source)
            given = self.auto.get(name)
            declared = self.variables.get(name)
            default = given[0] if given else declared.attributes.get("default") if declared else None
            if default is not None and default.expr.kind in ("tuple", "object") and not \
                    self._set_by_stage(name):
                value = self.value(default.expr, given[1] if given else declared.file, depth + 1)
                return self._index(value, parts[2:], expr, source)
            if len(parts) == 2:
                return _mark(dict_node({"Ref": f"var.{name}"}), expr.line, expr.end_line, source)
            return _unknown(expr, source)
        if head == "local" and len(parts) >= 2 and isinstance(parts[1], str):
            name = parts[1]
            if name not in self.locals or name in self._locals_seen:
                return _unknown(expr, source)
            attribute, where = self.locals[name]
            self._locals_seen.append(name)
            try:
                value = self.value(attribute.expr, where, depth + 1)
            finally:
                self._locals_seen.pop()
            return self._index(value, parts[2:], expr, source)
        if head == "terraform" and parts[1:] == ["workspace"]:
            return _mark(dict_node({"Ref": "terraform.workspace"}), expr.line, expr.end_line, source)
        if head == "data" and len(parts) >= 3:
            address = f"data.{parts[1]}.{parts[2]}"
            rest = [p for p in parts[3:] if isinstance(p, str)]
            return self._get_att(address, rest, expr, source)
        if head == "module" and len(parts) >= 2:
            return self._get_att(f"module.{parts[1]}", [p for p in parts[2:] if isinstance(p, str)],
                                 expr, source)
        if len(parts) >= 2 and parts[1] in ("value", "key") and \
                not any(b.type == "resource" and b.labels[:1] == [head] for b in self.blocks):
            return _unknown(expr, source)  # a dynamic block's iterator (iterator = my_item)
        if "_" in str(head) and len(parts) >= 2 and isinstance(parts[1], str) and \
                head not in ("each", "count", "self", "path"):
            return self._get_att(f"{head}.{parts[1]}", [p for p in parts[2:] if isinstance(p, str)],
                                 expr, source)
        return _unknown(expr, source)

    @property
    def _budget_left(self) -> int:
        return max(self._budget, 0)

    def _set_by_stage(self, name: str) -> bool:
        """Does a stage's own tfvars file (not loaded by default) set this variable?"""
        return any(name in values for path, values in self.tfvars.items()
                   if not posixpath.basename(path).startswith("terraform.tfvars")
                   and ".auto.tfvars" not in path)

    def _get_att(self, address: str, rest: list[str], expr: Expr, source: str) -> dict_node:
        target = str_node(self.prefix + address)
        node = dict_node({"Fn::GetAtt": list_node([target, str_node(".".join(rest) or "id")])})
        return _mark(node, expr.line, expr.end_line, source)

    def _index(self, value: Any, rest: list[Any], expr: Expr, source: str) -> Any:
        for key in rest:
            if isinstance(value, dict) and isinstance(key, str) and key in value:
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
            else:
                return _unknown(expr, source)
        return value

    def _call(self, expr: Expr, source: str, depth: int) -> Any:
        name, args = expr.value
        if name == "jsonencode" and len(args) == 1:
            return self.value(args[0], source, depth + 1)
        if name in ("tolist", "toset") and len(args) == 1:
            return self.value(args[0], source, depth + 1)
        if name == "concat":
            items = list_node()
            for arg in args:
                value = self.value(arg, source, depth + 1)
                if not isinstance(value, list):
                    return _unknown(expr, source)
                items.extend(value)
            return _mark(items, expr.line, expr.end_line, source)
        if name == "file" and len(args) == 1:
            loaded = self._file(args[0], expr, source)
            if loaded is not None:
                return loaded
        if name == "templatefile" and len(args) == 2:
            loaded = self._file(args[0], expr, source)
            variables = self.value(args[1], source, depth + 1)
            if loaded is not None and isinstance(variables, dict) and UNKNOWN not in variables:
                return _fill_template(loaded, variables, self._budget_left)
        return _unknown(expr, source)

    def _file(self, arg: Expr, expr: Expr, source: str) -> Any:
        """``file("policy.json")`` of a JSON file of the module's folder."""
        relative = None
        if arg.kind == "literal" and isinstance(arg.value, str):
            relative = arg.value
        elif arg.kind == "template" and len(arg.value) == 2 and isinstance(arg.value[0], Expr) \
                and arg.value[0].kind == "ref" and arg.value[0].value == ["path", "module"] \
                and isinstance(arg.value[1], str):
            relative = arg.value[1].lstrip("/")
        if not relative:
            return None
        path = posixpath.normpath(posixpath.join("" if self.folder == "." else self.folder, relative))
        content = self.others.get(path)
        if content is None or len(content) > 1024 * 1024:
            return None
        text = content.decode("utf-8", "replace")
        if "%{" in text:
            return None  # a template directive (%{ for }): the text is made when applied
        try:
            data = load_json(text)
        except DecodeError:
            return None
        _relocate(data, 0, path)
        self.files.setdefault(path, text)
        return data

    def _text_document(self, text: str, line: int, source: str, expr: Expr) -> Any:
        """A heredoc holding JSON, read with its lines (``${...}`` inside strings kept)."""
        if not text.lstrip().startswith(("{", "[")):
            return None
        try:
            data = load_json(text)
        except DecodeError:
            # "Resource": ${jsonencode(var.arns)}: an interpolation where a JSON value goes.
            # Each becomes a placeholder string, read as unknown; if the text is still no
            # JSON, the policy is reported as not reviewed rather than passed.
            masked, count = _mask_interpolations(text)
            try:
                data = load_json(masked) if count else None
            except DecodeError:
                data = None
            if data is None:
                if "Statement" in text:
                    self.problems.append(Problem(source, line, "this heredoc looks like a policy "
                                                 "but is not JSON Terraform can be seen to make "
                                                 "here; it was not reviewed"))
                return None
            data = _unmask(data)
        _relocate(data, line - 1, source)
        return self._interpolate(data, source)

    def _interpolate(self, node: Any, source: str) -> Any:
        """Strings of a heredoc or JSON file holding ``${var.x}``: a ``Fn::Sub`` of them."""
        def substitute(text: str) -> Any:
            variables = dict_node()
            for name in _INTERPOLATION.findall(text)[:32]:
                if _REFERENCE.match(name):
                    ref = Expr("ref", _reference_parts(name), getattr(text, "start_line", 0),
                               getattr(text, "end_line", 0), name)
                    variables[name] = self._reference(ref, source, 1)
            return _sub(text, variables, source) if variables else None

        return _map_strings(node, substitute, MAX_VALUES)


_PLACEHOLDER = "__policy-reviewer:terraform-expression__"


def _mask_interpolations(text: str) -> tuple[str, int]:
    """Each ``${...}`` outside a JSON string (braces inside it counted) replaced by a JSON
    string placeholder. Linear, and gives up on an unclosed one."""
    out: list[str] = []
    count = 0
    i, n = 0, len(text)
    in_string = False
    while i < n:
        char = text[i]
        if in_string:
            out.append(char)
            if char == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if char == '"':
                in_string = False
            i += 1
            continue
        if char == '"':
            in_string = True
            out.append(char)
            i += 1
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            depth, j = 0, i + 1
            while j < n:
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n:
                return text, 0
            out.append('"' + _PLACEHOLDER + '"')
            count += 1
            i = j + 1
            continue
        out.append(char)
        i += 1
    return "".join(out), count


def _unmask(node: Any) -> Any:
    """Placeholders back to unknown values."""
    return _map_strings(node, lambda text: _mark(
        dict_node({UNKNOWN: Unknown("${...}")}), getattr(text, "start_line", 0),
        getattr(text, "end_line", 0), "") if text == _PLACEHOLDER else None, MAX_VALUES)


def _fill_template(node: Any, variables: dict[str, Any], budget: int) -> Any:
    """``templatefile("policy.json.tpl", {bucket = ...})``: each string holding ``${name}``
    becomes a ``Fn::Sub`` whose variables are the values passed (unknown when not passed).
    Bounded by the module's remaining budget of values."""
    def substitute(text: str) -> Any:
        names = _INTERPOLATION.findall(text)[:32]
        given = dict_node({name: variables[name] if name in variables else
                           dict_node({UNKNOWN: "${%s}" % name}) for name in names})
        return _sub(text, given, getattr(text, "source", "")) if names else None

    return _map_strings(node, substitute, budget)


def _map_strings(node: Any, replace: Any, budget: int) -> Any:
    """Replace, in place, each string inside a decoded JSON value for which ``replace``
    gives a value (None keeps it). An iterative walk of at most ``budget`` containers."""
    stack: list[Any] = [node]
    while stack and budget > 0:
        item = stack.pop()
        budget -= 1
        children = list(item.items()) if isinstance(item, dict) else list(enumerate(item)) \
            if isinstance(item, list) else []
        for key, child in children:
            if isinstance(child, str):
                if "${" in child or child == _PLACEHOLDER:
                    found = replace(child)
                    if found is not None:
                        item[key] = found
            elif isinstance(child, (dict, list)):
                stack.append(child)
    return node


def _sub(text: str, variables: dict_node, source: str) -> dict_node:
    """``Fn::Sub`` of a text and its variables, with the text's lines."""
    node = dict_node({"Fn::Sub": list_node([str_node(str(text)), variables])})
    return _mark(node, getattr(text, "start_line", 0), getattr(text, "end_line", 0), source)


def _reference_parts(name: str) -> list[Any]:
    """``aws_iam_role.app[0].arn`` -> ["aws_iam_role", "app", 0, "arn"]."""
    return [int(p[1:-1]) if p.startswith("[") else p for p in re.findall(r"[^.\[\]]+|\[\d+\]", name)]


def _is_null(attribute: Attribute) -> bool:
    return attribute.expr.kind == "literal" and attribute.expr.value is None


def _is_unknown(value: Any) -> bool:
    return isinstance(value, dict) and UNKNOWN in value


def _unknown_principals(block: Block) -> bool:
    """A principals block written from an iterator (``dynamic "principals"``): its type is
    known only when applied, so it names no principal here."""
    kind = block.attributes.get("type")
    return kind is None or kind.expr.kind != "literal"


def _literal(attribute: Attribute | None) -> Any:
    if attribute is None or attribute.expr.kind != "literal":
        return None
    return attribute.expr.value


def _relocate(node: Any, offset: int, source: str) -> None:
    """Shift a decoded JSON value's lines by ``offset`` and name its file (bounded walk)."""
    stack = [node]
    seen = 0
    while stack and seen < MAX_VALUES:
        item = stack.pop()
        seen += 1
        if isinstance(item, Marked):
            item.start_line += offset
            item.end_line += offset
            item.source = source
        if isinstance(item, dict):
            if hasattr(item, "key_lines"):
                item.key_lines = {k: v + offset for k, v in item.key_lines.items()}
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


# --------------------------------------------------------------------------- reading files


def _read_blocks(text: str, path: str) -> list[Block]:
    if path.endswith(".json"):
        return _json_blocks(text, path)
    blocks = hcl.parse(text, path)
    return blocks


def _read_tfvars(text: str, path: str) -> dict[str, Attribute]:
    if path.endswith(".json"):
        data = _load_json(text)
        return {str(k): Attribute(str(k), _json_expr(v), _line(data, k, v)) for k, v in data.items()} \
            if isinstance(data, dict) else {}
    return hcl.parse_tfvars(text, path)


def _load_json(text: str) -> Any:
    try:
        return load_json(text)
    except DecodeError as exc:
        raise hcl.HclError(exc.message, exc.line) from None


def _line(parent: Any, key: Any, value: Any) -> int:
    return getattr(parent, "key_lines", {}).get(key) or getattr(value, "start_line", 1) or 1


def _json_blocks(text: str, path: str) -> list[Block]:
    """Terraform's JSON syntax: ``{"resource": {"aws_iam_role": {"x": {...}}}}``."""
    data = _load_json(text)
    blocks: list[Block] = []
    if not isinstance(data, dict):
        return blocks
    for kind, body in data.items():
        if kind in ("resource", "data") and isinstance(body, dict):
            for rtype, named in body.items():
                for name, content in (named.items() if isinstance(named, dict) else []):
                    for item in content if isinstance(content, list) else [content]:
                        blocks.append(_json_block(kind, [str(rtype), str(name)], item, path))
        elif kind == "variable" and isinstance(body, dict):
            for name, content in body.items():
                blocks.append(_json_block(kind, [str(name)], content, path))
        elif kind == "locals":
            for item in body if isinstance(body, list) else [body]:
                blocks.append(_json_block(kind, [], item, path))
    return blocks


def _json_block(kind: str, labels: list[str], body: Any, path: str, depth: int = 0) -> Block:
    start = getattr(body, "start_line", 1) or 1
    end = getattr(body, "end_line", start) or start
    block = Block(kind, labels, {}, [], start, end, path)
    if not isinstance(body, dict) or depth > hcl.MAX_DEPTH:
        return block
    for key, value in body.items():
        line = _line(body, key, value)
        items = value if isinstance(value, list) else [value]
        if key in _JSON_BLOCKS and items and all(isinstance(i, dict) for i in items):
            for item in items:
                child = _json_block(str(key), [], item, path, depth + 1)
                block.blocks.append(child)
                block.children.setdefault(str(key), []).append(child)
        else:
            block.attributes[str(key)] = Attribute(str(key), _json_expr(value), line)
    return block


def _json_expr(value: Any, depth: int = 0) -> Expr:
    line = getattr(value, "start_line", 0) or 0
    end = getattr(value, "end_line", line) or line
    if depth > hcl.MAX_DEPTH:
        return Expr("other", None, line, end, "")
    if isinstance(value, dict):
        return Expr("object", [(str(k), _line(value, k, v), _json_expr(v, depth + 1))
                               for k, v in value.items()], line, end)
    if isinstance(value, list):
        return Expr("tuple", [_json_expr(v, depth + 1) for v in value], line, end)
    if isinstance(value, str) and "${" in value:
        parts: list[Any] = []
        position = 0
        for match in _INTERPOLATION.finditer(value):
            if match.start() > position:
                parts.append(value[position:match.start()])
            inner = match.group(1).strip()
            if _REFERENCE.match(inner):
                parts.append(Expr("ref", _reference_parts(inner), line, end, inner))
            else:
                parts.append(Expr("other", None, line, end, inner))
            position = match.end()
        if position < len(value):
            parts.append(value[position:])
        return Expr("template", parts, line, end, value)
    return Expr("literal", value, line, end, json.dumps(value) if not isinstance(value, str) else value)

