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

import posixpath
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from reviewer.engine.decode import dict_node, str_node
from reviewer.engine.values import intrinsic
from reviewer.engine.document import PARAMETERS, SET_BY_CALLER, TEMPLATE, TERRAFORM, Document
from reviewer.engine.state import STATE
from reviewer.formats.backends import Layout, module_state, repository_layout
from reviewer.formats.hcl_model import Attribute, Block, HclError
from reviewer.formats.paths import shadowed_by_tofu, terraform_folder
from reviewer.formats.terraform_blocks import BlockReader
from reviewer.formats.terraform_iam import TERRAFORM_ADAPTER
from reviewer.formats.terraform_json import read_blocks, read_tfvars
from reviewer.formats.terraform_plan import Plan
from reviewer.formats.terraform_model import (MAX_FOR_ITEMS, MAX_VALUES, TFVARS_SUFFIXES, Problem, count_condition,
                                              literal, mark)
from reviewer.formats.terraform_values import ValueReader, planned_value


def read_modules(files: dict[str, str], others: dict[str, bytes] | None = None,
                 plans: Sequence[PlanInput] = ()) -> tuple[list[Document], list[Problem]]:
    """Every module among ``files`` (path -> text of Terraform files): one template document
    per folder with ``.tf`` files, and one parameter document per ``.tfvars`` file.
    ``others`` are the scan's other files, for ``file("policy.json")``; ``plans`` settle
    what the configuration leaves unknown (``terraform_plan_overlay``)."""
    folders: dict[str, dict[str, str]] = {}
    shadowed = shadowed_by_tofu(sorted(files))
    for path in sorted(files):
        if path not in shadowed:
            folders.setdefault(terraform_folder(path), {})[path] = files[path]
    documents: list[Document] = []
    problems: list[Problem] = []
    modules: dict[str, _Module] = {}
    layout = repository_layout(others or {})
    for folder, members in sorted(folders.items()):
        try:
            modules[folder] = _Module(folder, members, others or {}, layout)
        except Exception as exc:  # noqa: BLE001 - one module must not hide the others
            problems.append(_failed(members, exc))
    _link_calls(modules)
    trees: list[set[str]] = []
    for given in plans:
        root = _root_of(given.plan, modules)
        if root is not None:
            root.planned = dict(given.plan.variables)
        # The plan speaks of its root and the modules it calls, not of other roots that
        # happen to hold the same addresses (envs/dev beside envs/prod).
        trees.append({folder for folder, module in modules.items() if root is not None and module.calls_from(root)})
    for module in modules.values():
        try:
            documents.extend(module.documents())
        except Exception as exc:  # noqa: BLE001
            problems.append(_failed(module.files, exc))
            continue
        problems.extend(module.problems)
    from reviewer.formats.terraform_plan_overlay import overlay

    for given, tree in zip(plans, trees):
        mine = [doc for doc in documents if doc.path in tree]
        documents.extend(overlay(given.plan, mine, given.side, given.head))
    return documents, problems


@dataclass(frozen=True)
class PlanInput:
    """A plan one side of a review reads: ``after`` for the side it was made from,
    ``before`` for the base of a change (``head``: the files of the side it was made from)."""

    plan: Plan
    side: str = "after"
    head: Mapping[str, bytes] = field(default_factory=dict)


def _root_of(plan: Plan, modules: dict[str, "_Module"]) -> "_Module | None":
    """The folder a plan was made in: the root module (called by no module here) whose
    resources and module calls the plan's configuration names most; on a tie, the plan's
    own folder."""
    best: tuple[int, int, str] | None = None
    home = terraform_folder(plan.path)
    for folder, module in modules.items():
        if module.caller is not None:
            continue
        named = {f"{b.labels[0]}.{b.labels[1]}" if b.type == "resource" else f"data.{b.labels[0]}.{b.labels[1]}"
                 for b in module.blocks if b.type in ("resource", "data") and len(b.labels) >= 2}
        named |= {f"module.{b.labels[0]}" for b in module.blocks if b.type == "module" and b.labels}
        score = len(named & plan.root_addresses)
        if score and (best is None or (score, folder == home) > best[:2]):
            best = (score, folder == home, folder)
    return modules[best[2]] if best else None


def _failed(files: dict[str, str], exc: Exception) -> Problem:
    """A module whose reading failed in a way no bound foresaw: not reviewed, loudly."""
    from reviewer import logs

    first = min(files)
    logs.logger(__name__).exception("reading the Terraform module of %s failed", first)
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
            source = literal(block.attributes.get("source")) if block.type == "module" else None
            if not block.labels or not isinstance(source, str) or not source.startswith(("./", "../")):
                continue
            child = posixpath.normpath(posixpath.join("" if folder == "." else folder, source))
            if child in modules and child != folder:
                calls.setdefault(child, []).append((module, block))
    for child, callers in calls.items():
        if len(callers) == 1:
            modules[child].caller = callers[0]


class _Module(BlockReader, ValueReader):
    """One folder's blocks, values and policies."""

    def __init__(self, folder: str, files: dict[str, str], others: dict[str, bytes],
                 layout: Layout | None = None) -> None:
        self.folder = folder
        self.files = files
        self.others = others
        self.layout = layout  # what the repository's files say of every module's state
        self.problems: list[Problem] = []
        self.blocks: list[Block] = []
        self.tfvars: dict[str, dict[str, Attribute]] = {}
        for path, text in sorted(files.items()):
            try:
                if path.endswith(TFVARS_SUFFIXES):
                    self.tfvars[path] = read_tfvars(text, path)
                else:
                    self.blocks.extend(read_blocks(text, path))
            except HclError as exc:
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
        # The values a plan of this root module was made with (var name -> JSON value).
        self.planned: dict[str, Any] = {}

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

    def calls_from(self, root: "_Module") -> bool:
        """Is this module ``root``, or called from it (through at most eight calls)?"""
        module: _Module | None = self
        for _ in range(9):
            if module is root:
                return True
            module = module.caller[0] if module is not None and module.caller else None
        return False

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

    @property
    def reusable(self) -> bool:
        """A module that no module of the review calls and that configures no backend or
        provider (a published module, its caller elsewhere): its variables are the caller's
        to set, whatever their defaults."""
        if self.caller is not None or self.tfvars or self.planned:
            return False
        return not any(b.type == "provider" or b.type == "terraform" and
                       ("backend" in b.children or "cloud" in b.children) for b in self.blocks)

    def _instances(self, block: Block) -> list[tuple[str, dict[str, Any] | None]]:
        """The instances Terraform makes of a block, where its ``for_each`` or ``count`` is
        known here (a literal map or set, ``toset([...])``, a local, a variable's default):
        ``["key"]`` with ``each.key``/``each.value``, or ``[i]`` with ``count.index``.
        Anything known only when applied stays one block, its ``each.value`` unknown."""
        one: list[tuple[str, dict[str, Any] | None]] = [("", None)]
        chosen = block.attributes.get("for_each")
        if chosen is not None:
            if (chosen.expr.text or "") in ("", "{}", "[]", "toset([])") and self.value(chosen.expr, block.file) in ({}, []):
                return []  # for_each over nothing, written so: Terraform makes no instance
            if self.reusable and "var." in (chosen.expr.text or "var."):
                return one  # a reusable module's variables are its callers' to set
            items = self.value(chosen.expr, block.file)
            if isinstance(items, dict) and not intrinsic(items):
                pairs = [(k, v) for k, v in items.items() if isinstance(k, str)]
            elif isinstance(items, list) and all(isinstance(i, str) for i in items):
                pairs = [(str(i), i) for i in items]  # a set: each.key is each.value
            else:
                return one
            if not pairs and "var." not in (chosen.expr.text or ""):
                return []  # for_each over nothing written here: Terraform makes no instance
            if not 0 < len(pairs) <= MAX_FOR_ITEMS or len({k for k, _ in pairs}) != len(pairs):
                return one
            return [(f'["{key}"]', {"each": dict_node({"key": str_node(key), "value": value})})
                    for key, value in pairs]
        counted = block.attributes.get("count")
        if counted is not None and count_condition(block) is None:
            number = self.value(counted.expr, block.file)
            if str(number) == "0" and not isinstance(number, bool) and "var." not in (counted.expr.text or "var."):
                return []  # count = 0 written here (not a variable a caller or -var may set)
            if isinstance(number, (int, str)) and not isinstance(number, bool) and str(number).isdigit() \
                    and 2 <= int(number) <= MAX_FOR_ITEMS:
                return [(f"[{i}]", {"count": dict_node({"index": i})}) for i in range(int(number))]
        return one

    def _template(self) -> Document:
        parameters = dict_node()
        reusable = self.reusable
        for name, block in self.variables.items():
            declared = dict_node()
            mark(declared, block.line, block.end_line, block.file)
            if reusable:
                declared[SET_BY_CALLER] = True
            given = self.auto.get(name)
            default = given[0] if given else block.attributes.get("default")
            source = given[1] if given else block.file
            if name in self.planned:
                declared["Default"] = planned_value(self.planned[name], block.line, block.end_line, block.file)
                declared.key_lines["Default"] = block.line
            elif default is not None:
                declared["Default"] = self.value(default.expr, source)
                declared.key_lines["Default"] = default.line
            parameters[f"var.{name}"] = declared
            parameters.key_lines[f"var.{name}"] = block.line
        resources = dict_node()
        conditions = dict_node()
        for block in self.blocks:
            if block.type not in ("resource", "data") or len(block.labels) < 2:
                continue
            rtype, name = block.labels[0], block.labels[1]
            typed = rtype if block.type == "resource" else f"data.{rtype}"
            for suffix, binding in self._instances(block):
                address = (f"{rtype}.{name}" if block.type == "resource" else f"data.{rtype}.{name}") + suffix
                if binding:
                    self._bindings.append(binding)
                try:
                    if block.type == "data" and rtype == "aws_iam_policy_document":
                        properties = self._policy_document(block)
                    else:
                        properties = self._properties(block, block.file)
                finally:
                    if binding:
                        self._bindings.pop()
                node = dict_node({"Type": mark(str_node(typed), block.line, block.line, block.file),
                                  "Properties": properties})
                node.key_lines = {"Type": block.line}
                condition = count_condition(block)
                if condition is not None:
                    # count = cond ? 1 : 0: the resource exists where cond holds, as under a
                    # CloudFormation Condition (two resources on opposite sides never coexist).
                    node["Condition"] = f"{self.prefix}{address}.count"
                    conditions[node["Condition"]] = condition
                resources[self.prefix + address] = mark(node, block.line, block.end_line, block.file)
                resources.key_lines[self.prefix + address] = block.line
        for block in self.blocks:
            # A module from a registry or a repository: its resources are not here, but the
            # policy documents it is given are, at the call (terraform_iam reads them).
            if block.type != "module" or not block.labels:
                continue
            source = literal(block.attributes.get("source"))
            if isinstance(source, str) and not source.startswith(("./", "../")):
                node = dict_node({"Type": mark(str_node("module"), block.line, block.line, block.file),
                                  "Properties": self._properties(block, block.file)})
                node.key_lines = {"Type": block.line}
                address = f"{self.prefix}module.{block.labels[0]}"
                resources[address] = mark(node, block.line, block.end_line, block.file)
                resources.key_lines[address] = block.line
        for name, value in self.caller_values.items():
            declared = parameters.get(f"var.{name}")
            if declared is None:
                declared = parameters[f"var.{name}"] = mark(dict_node(), 0, 0, "")
            declared["Default"] = value
        first = min((b for b in self.blocks), key=lambda b: (b.file, b.line))
        data = dict_node({"Parameters": parameters, "Resources": resources, "Conditions": conditions})
        mark(data, 1, 1, first.file)
        mark(parameters, 1, 1, first.file)
        mark(resources, first.line, first.line, first.file)
        return Document(path=self.folder, kind=TEMPLATE, data=data,
                        text=self.files[first.file], format=TERRAFORM,
                        sources={p: t for p, t in self.files.items()}, adapter=TERRAFORM_ADAPTER,
                        extra={STATE: module_state(self.folder, self.blocks, self.others, self.layout)})
