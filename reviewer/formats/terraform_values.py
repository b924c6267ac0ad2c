"""Terraform expressions worked out statically, never executed: ``var.x`` a parameter (its
default, an auto-loaded tfvars value, or the caller's argument), ``local.x`` its expression, a
reference to a resource a ``Fn::GetAtt``, a string template a ``Fn::Sub``, a conditional a
``Fn::If`` of both branches, ``jsonencode``/``concat``/``file``/``templatefile`` where their
inputs are known, and anything else unknown (never guessed)."""

from __future__ import annotations

import posixpath
from typing import Any

from reviewer.engine.decode import DecodeError, dict_node, list_node, load_json, str_node
from reviewer.engine.managed_policies import known_policy
from reviewer.engine.values import UNKNOWN, intrinsic
from reviewer.formats.hcl_model import Expr
from reviewer.formats.terraform_model import (INTERPOLATION, MAX_DEPTH, MAX_FOR_ITEMS, MAX_VALUES,
                                              REFERENCE, SAFE_NAME, Problem, is_unknown,
                                              mark, reference_parts, relocate, unknown)
from reviewer.formats.terraform_directives import DirectiveError, has_directives
from reviewer.formats.terraform_text import (fill_template, map_strings, mask_interpolations,
                                             read_template_json, sub, unmask)


class ValueReader:
    """The expressions of one module; the module holds its variables, locals and caller."""


    def value(self, expr: Expr, source: str, depth: int = 0) -> Any:
        """The model value of an expression written in ``source``."""
        self._budget -= 1
        if self._budget < 0 or depth > MAX_DEPTH:
            return unknown(expr, source)
        kind = expr.kind
        if kind == "literal":
            if isinstance(expr.value, str):
                return mark(str_node(expr.value), expr.line, expr.end_line, source)
            return expr.value
        if kind == "tuple":
            items = list_node(self.value(item, source, depth + 1) for item in expr.value)
            return mark(items, expr.line, expr.end_line, source)
        if kind == "object":
            out = dict_node()
            for key, line, item in expr.value:
                if item.kind == "literal" and item.value is None:
                    continue  # jsonencode leaves out nothing, but IAM reads null as absent
                out[key] = self.value(item, source, depth + 1)
                out.key_lines[key] = line
            return mark(out, expr.line, expr.end_line, source)
        if kind == "template":
            return self._template_string(expr, source, depth)
        if kind == "ref":
            return self._reference(expr, source, depth)
        if kind == "cond":
            cond, yes, no = expr.value
            node = dict_node({"Fn::If": list_node([
                str_node(cond.text[:200] or "condition"),
                self.value(yes, source, depth + 1), self.value(no, source, depth + 1)])})
            return mark(node, expr.line, expr.end_line, source)
        if kind == "call":
            return self._call(expr, source, depth)
        if kind == "for":
            return self._for(expr, source, depth)
        if kind == "heredoc":
            return self._text_document(expr.value, expr.line, source, expr) or \
                mark(str_node(expr.value), expr.line, expr.end_line, source)
        return unknown(expr, source)

    def _for(self, expr: Expr, source: str, depth: int) -> Any:
        """``[for x in ["a", "b"] : "user/${x}"]`` over a list known now: each item."""
        names, collection, body = expr.value
        items = self.value(collection, source, depth + 1)
        if not isinstance(items, list) or len(items) > MAX_FOR_ITEMS or is_unknown(items):
            return unknown(expr, source)
        out = list_node()
        for index, item in enumerate(items):
            # "for x in" binds the item; "for i, x in" binds the index too.
            binding = {names[-1]: item} if len(names) == 1 else {names[0]: index, names[1]: item}
            self._bindings.append(binding)
            try:
                out.append(self.value(body, source, depth + 1))
            finally:
                self._bindings.pop()
        return mark(out, expr.line, expr.end_line, source)

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
            name = part.text if SAFE_NAME.match(part.text or "") else f"expr{index}"
            text.append("${%s}" % name)
            variables[name] = value
        if not variables:
            return mark(str_node("".join(text)), expr.line, expr.end_line, source)
        node = dict_node({"Fn::Sub": list_node([str_node("".join(text)), variables])})
        return mark(node, expr.line, expr.end_line, source)

    def _reference(self, expr: Expr, source: str, depth: int) -> Any:
        parts = expr.value
        head = parts[0]
        for binding in reversed(self._bindings):
            if head in binding:
                return _at_use(self._index(binding[head], parts[1:], expr, source), expr, source)
        if head == "var" and len(parts) >= 2 and isinstance(parts[1], str):
            name = parts[1]
            planned = getattr(self, "planned", {})
            if name in planned:
                # Set when the plan was made: a list or map is its value where it is used; a
                # text stays var.x (its default the plan's), so a name keeps its stage.
                if isinstance(planned[name], (list, dict)):
                    value = planned_value(planned[name], expr.line, expr.end_line, source)
                    return self._index(value, parts[2:], expr, source)
                if len(parts) == 2:
                    return mark(dict_node({"Ref": f"var.{name}"}), expr.line, expr.end_line, source)
                return unknown(expr, source)
            argument = self.caller[1].attributes.get(name) if self.caller else None
            if argument is not None:
                # The caller's argument, worked out where it is written (its lines too).
                caller = self.caller[0]
                value = caller.value(argument.expr, self.caller[1].file, depth + 1)
                passed = intrinsic(value)
                if passed and passed[0] == "Ref" and isinstance(passed[1], str) and \
                        passed[1].startswith("var.") and caller.decided_outside(passed[1][4:]):
                    # The caller's own variable, which nothing here sets (no default, no
                    # tfvars): known when applied, never this module's default of that name.
                    return unknown(expr, source)
                if isinstance(value, str) and len(parts) == 2:
                    # A text stays var.x, its value the parameter's default: a name built
                    # from var.stage is built from the stage, whatever one caller passes.
                    self.caller_values[name] = value
                    return mark(dict_node({"Ref": f"var.{name}"}), expr.line, expr.end_line, source)
                return self._index(value, parts[2:], expr, source)
            given = self.auto.get(name)
            declared = self.variables.get(name)
            default = given[0] if given else declared.attributes.get("default") if declared else None
            if default is not None and default.expr.kind in ("tuple", "object") and not \
                    self._set_by_stage(name):
                value = self.value(default.expr, given[1] if given else declared.file, depth + 1)
                return self._index(value, parts[2:], expr, source)
            if len(parts) == 2:
                return mark(dict_node({"Ref": f"var.{name}"}), expr.line, expr.end_line, source)
            return unknown(expr, source)
        if head == "local" and len(parts) >= 2 and isinstance(parts[1], str):
            name = parts[1]
            if name not in self.locals or name in self._locals_seen:
                return unknown(expr, source)
            attribute, where = self.locals[name]
            self._locals_seen.append(name)
            try:
                value = self.value(attribute.expr, where, depth + 1)
            finally:
                self._locals_seen.pop()
            return self._index(value, parts[2:], expr, source)
        if head == "terraform" and parts[1:] == ["workspace"]:
            return mark(dict_node({"Ref": "terraform.workspace"}), expr.line, expr.end_line, source)
        if head == "data" and len(parts) >= 3 and parts[1] == "aws_iam_policy":
            return self._looked_up_policy(str(parts[2]), parts[3:], expr, source)
        if head == "data" and len(parts) >= 3:
            address = f"data.{parts[1]}.{parts[2]}"
            rest = [p for p in parts[3:] if isinstance(p, str)]
            return self._get_att(address, rest, expr, source)
        if head == "module" and len(parts) >= 2:
            # Another module's output, decided there (cloudposse's label id carries the
            # stage): the model's value from elsewhere, as CloudFormation's Fn::ImportValue.
            output = ".".join(str(p) for p in parts[1:3] if isinstance(p, str))
            node = dict_node({"Fn::ImportValue": str_node(f"{self.prefix}module.{output}")})
            return mark(node, expr.line, expr.end_line, source)
        if len(parts) >= 2 and parts[1] in ("value", "key") and \
                not any(b.type == "resource" and b.labels[:1] == [head] for b in self.blocks):
            return unknown(expr, source)  # a dynamic block's iterator (iterator = my_item)
        if "_" in str(head) and len(parts) >= 2 and isinstance(parts[1], str) and \
                head not in ("each", "count", "self", "path"):
            return self._get_att(f"{head}.{parts[1]}", [p for p in parts[2:] if isinstance(p, str)],
                                 expr, source)
        return unknown(expr, source)

    @property
    def _budget_left(self) -> int:
        return max(self._budget, 0)

    def _set_by_stage(self, name: str) -> bool:
        """Does a stage's own tfvars file (not loaded by default) set this variable?"""
        return any(name in values for path, values in self.tfvars.items()
                   if not posixpath.basename(path).startswith("terraform.tfvars")
                   and ".auto.tfvars" not in path)

    def decided_outside(self, name: str) -> bool:
        """Is ``var.name`` set by nothing this review reads: no default, no tfvars, no
        caller's argument (or the module is reusable, its variables its callers')?"""
        declared = self.variables.get(name)
        if name in getattr(self, "planned", {}):
            return False
        if declared is None or getattr(self, "reusable", False):
            return True
        if name in self.auto or any(name in values for values in self.tfvars.values()):
            return False
        if self.caller is not None and name in self.caller[1].attributes:
            return False
        return "default" not in declared.attributes

    def _looked_up_policy(self, label: str, rest: list[Any], expr: Expr, source: str) -> Any:
        """``data.aws_iam_policy.x.arn``: the ARN, where the lookup names the policy by a
        literal ARN or by the name of an AWS managed policy (``ReadOnlyAccess``); the
        lookup's address for another literal name (a customer policy of the account); and
        unknown where the name or ARN is computed (it may be either)."""
        block = next((b for b in self.blocks if b.type == "data" and
                      b.labels == ["aws_iam_policy", label]), None)
        address = f"data.aws_iam_policy.{label}"
        if block is None:
            return self._get_att(address, [str(p) for p in rest], expr, source)
        given = {key: block.attributes[key].expr for key in ("arn", "name", "path_prefix")
                 if key in block.attributes}
        literal = {key: e.value for key, e in given.items()
                   if e.kind == "literal" and isinstance(e.value, str)}
        if len(literal) != len(given) or not given:
            return unknown(expr, source)
        arn = literal.get("arn")
        if arn is None:
            managed = known_policy(literal.get("name", ""))
            if managed is not None and literal.get("path_prefix", "/") in ("/", "/" + managed.path):
                arn = managed.arn()
        if arn is not None and rest in (["arn"], ["id"]):
            return mark(str_node(arn), expr.line, expr.end_line, source)
        return self._get_att(address, [str(p) for p in rest], expr, source)

    def _get_att(self, address: str, rest: list[str], expr: Expr, source: str) -> dict_node:
        target = str_node(self.prefix + address)
        node = dict_node({"Fn::GetAtt": list_node([target, str_node(".".join(rest) or "id")])})
        return mark(node, expr.line, expr.end_line, source)

    def _index(self, value: Any, rest: list[Any], expr: Expr, source: str) -> Any:
        for key in rest:
            if isinstance(value, dict) and isinstance(key, str) and key in value:
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
            else:
                return unknown(expr, source)
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
                    return unknown(expr, source)
                items.extend(value)
            return mark(items, expr.line, expr.end_line, source)
        if name == "file" and len(args) == 1:
            loaded = self._file(args[0], expr, source)
            if loaded is not None:
                return loaded
        if name == "templatefile" and len(args) == 2:
            loaded = self._file(args[0], expr, source, rendered=True)
            variables = self.value(args[1], source, depth + 1)
            if loaded is not None and isinstance(variables, dict) and UNKNOWN not in variables:
                return fill_template(loaded, variables, self._budget_left)
        return unknown(expr, source)

    def _file(self, arg: Expr, expr: Expr, source: str, rendered: bool = False) -> Any:
        """``file("policy.json")`` of a JSON file of the module's folder; ``rendered`` for
        ``templatefile()``, whose ``%{ }`` directives are rendered first."""
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
        if rendered and has_directives(text):
            return self._rendered(text, path, expr, source)
        try:
            data = load_json(text)
        except DecodeError:
            return None
        relocate(data, 0, path)
        self.files.setdefault(path, text)
        return data

    def _rendered(self, text: str, path: str, expr: Expr, source: str) -> Any:
        """A template with directives: judged through this call whatever happens, so a
        template that cannot be rendered is said to be not reviewed (never skipped)."""
        self.files.setdefault(path, text)
        try:
            data = read_template_json(text)
        except DirectiveError as exc:
            data, why = None, str(exc)
        else:
            why = "no way its %{ } directives may go gives JSON"
        if data is None:
            if "Statement" in text:
                self.problems.append(Problem(source, expr.line, f"the policy template {path} is "
                                             f"not reviewed: {why}"))
            return None
        relocate(data, 0, path)
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
            masked, count = mask_interpolations(text)
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
            data = unmask(data)
        relocate(data, line - 1, source)
        return self._interpolate(data, source)

    def _interpolate(self, node: Any, source: str) -> Any:
        """Strings of a heredoc or JSON file holding ``${var.x}``: a ``Fn::Sub`` of them."""
        def substitute(text: str) -> Any:
            variables = dict_node()
            for name in INTERPOLATION.findall(text)[:32]:
                if REFERENCE.match(name):
                    ref = Expr("ref", reference_parts(name), getattr(text, "start_line", 0),
                               getattr(text, "end_line", 0), name)
                    variables[name] = self._reference(ref, source, 1)
            return sub(text, variables, source) if variables else None

        return map_strings(node, substitute, MAX_VALUES)


def planned_value(value: Any, line: int, end: int, source: str) -> Any:
    """A value a plan was made with, in the model, marked where it is used."""
    from reviewer.formats.terraform_plan_overlay import to_node

    return to_node(value, line, end, source, 0)


def _at_use(value: Any, expr: Expr, source: str) -> Any:
    """A value a plan gave (an instance's ``each.value``) is shown where it is used: the plan
    has no lines, the configuration does."""
    from reviewer.engine.decode import planned_str
    from reviewer.formats.terraform_plan_overlay import clone, remark

    items = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else [value]
    if not any(isinstance(item, planned_str) for item in items[:64]):
        return value
    return remark(clone(value), expr.line, expr.end_line, source)
