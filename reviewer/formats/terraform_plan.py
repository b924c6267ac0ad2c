"""Read a Terraform (or OpenTofu) plan in JSON, as ``terraform show -json plan.out`` writes it.

A plan settles what the configuration leaves unknown: the variables it was made with, the
instances of ``for_each`` and ``count``, module outputs, and the resources of modules from a
registry, which are not in the repository at all. This module only reads: what the plan
says each resource will be (``after``) and is now (``before``), with every value the plan
marks sensitive withheld (it never reaches a rule, a message or a report) and what is known
only when applied left unknown. ``terraform_plan_overlay`` lays it over the configuration.

Plans are hostile text like any file: their size, nesting and number of resources are
bounded, and a plan that cannot be read says why (a corrupted file, a format this reader
does not know, a plan of a failed ``terraform plan``).
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from reviewer.engine.document import Unreadable

from reviewer.formats.paths import MAX_PLAN_BYTES  # noqa: F401 - (paths: read before parsing)
MAX_PLAN_RESOURCES = 50_000
# Deeper than this no provider's schema goes; deeper values are withheld as unknown.
MAX_VALUE_DEPTH = 48
# Modules inside modules: Terraform has no limit, real configurations use a few.
MAX_MODULE_DEPTH = 16
# The plan formats this reader knows (format_version's major number); 1.x is every
# Terraform since 1.0 and every OpenTofu.
KNOWN_MAJORS = ("0", "1")
_ADDRESS = re.compile(r'"address"\s*:\s*"((?:[^"\\\n]|\\.){1,1024})"')
_SNIFF = 4096


class Hidden:
    """A value the plan does not show: ``sensitive``, or ``unknown`` until applied."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"Hidden({self.why})"


SENSITIVE = Hidden("sensitive")
AFTER_APPLY = Hidden("known after apply")


@dataclass
class PlannedResource:
    """One resource instance of the plan."""

    address: str  # module.iam.aws_iam_role_policy.this["x"]
    module: str  # module.iam (with instance keys), "" at the root
    mode: str  # managed | data
    type: str
    name: str
    after: Any  # what it will be (None: destroyed); sensitive and unknown parts Hidden
    before: Any  # what it is now (None: created)
    line: int  # where the plan names it
    # The arguments its configuration writes (None: the plan does not say), and each one's
    # first reference to another resource, for a value known only when applied.
    written: frozenset[str] | None = None
    references: dict[str, str] = field(default_factory=dict)

    @property
    def local(self) -> str:
        """``aws_iam_policy.this`` / ``data.aws_iam_policy_document.d``, without instance key."""
        return f"{self.type}.{self.name}" if self.mode == "managed" else f"data.{self.type}.{self.name}"

    @property
    def module_path(self) -> str:
        """The module's address without instance keys: ``module.a.module.b``."""
        return strip_keys(self.module)

    @property
    def config_address(self) -> str:
        """The address of the block that makes this instance."""
        return f"{self.module_path}.{self.local}" if self.module else self.local


@dataclass
class Plan:
    """What a plan file says, read and bounded."""

    path: str
    text: str
    format_version: str
    terraform_version: str
    variables: dict[str, Any]  # the root module's input values; sensitive ones left out
    resources: list[PlannedResource]
    # The root module's configuration: its resources' and module calls' addresses, and the
    # source of every module call (by its address without keys), to place them.
    root_addresses: frozenset[str]
    module_sources: dict[str, str]


def strip_keys(address: str) -> str:
    """``module.a["x"].module.b[0]`` -> ``module.a.module.b``: instance keys removed (a
    quoted key may hold brackets and escaped quotes)."""
    out: list[str] = []
    depth = 0
    quoted = escaped = False
    for char in address[:4096]:
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif depth:
            quoted = char == '"'
        else:
            out.append(char)
    return "".join(out)


def looks_like_plan(path: str, content: bytes) -> bool:
    """Terraform's JSON: ``format_version`` first, ``terraform_version`` beside it; only the
    first bytes are read."""
    if not path.lower().endswith(".json"):
        return False
    head = _decode(content[:_SNIFF], strict=False).lstrip()
    # Terraform's JSON of a plan or a state: a state is said to be no plan, not skipped.
    return head.startswith("{") and '"format_version"' in head[:512] and '"terraform_version"' in head


def _decode(content: bytes, strict: bool = True) -> str:
    """UTF-8, or UTF-16 with its BOM (what PowerShell's ``>`` writes)."""
    errors = "strict" if strict else "replace"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", errors)
    return content.decode("utf-8-sig", errors)


def read_plan(path: str, content: bytes) -> Plan:
    """Read a plan, or raise Unreadable saying why it cannot be reviewed."""
    if len(content) > MAX_PLAN_BYTES:
        raise Unreadable(f"not reviewed: this Terraform plan is larger than {MAX_PLAN_BYTES // 2**20} MB; "
                         "plan a smaller part of the configuration (one root module per plan)")
    try:
        text = _decode(content)
    except UnicodeDecodeError:
        raise Unreadable("not reviewed: this Terraform plan is not UTF-8 or UTF-16 text; write it "
                         "again with terraform show -json") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"not reviewed: this Terraform plan is not valid JSON ({exc.msg} at line "
                         f"{exc.lineno}, column {exc.colno}): it may be cut short or corrupted; write "
                         "it again with terraform show -json", exc.lineno) from None
    except RecursionError:
        raise Unreadable("not reviewed: this Terraform plan nests deeper than any plan does") from None
    if not isinstance(data, dict):
        raise Unreadable("not reviewed: this file is not a Terraform plan (not a JSON object)")
    version = str(data.get("format_version") or "")
    tool = str(data.get("terraform_version") or "an unknown version")[:40]
    if version.split(".")[0] not in KNOWN_MAJORS:
        raise Unreadable(f"not reviewed: this plan's format {version[:20] or '(none)'} (from Terraform "
                         f"{tool}) is not one this reviewer reads (0.x and 1.x, Terraform 0.12 "
                         "onwards and OpenTofu); its values were not judged")
    if data.get("errored") is True:
        raise Unreadable(f"not reviewed: this plan is from a terraform plan that failed (Terraform "
                         f"{tool}), so it does not hold every resource; plan again without errors")
    if not isinstance(data.get("planned_values"), dict) and not isinstance(data.get("resource_changes"), list):
        raise Unreadable("not reviewed: this Terraform JSON has no planned_values or resource_changes; "
                         "it is not a plan (a state?)")
    configuration = _dict(data.get("configuration"))
    root = _dict(configuration.get("root_module"))
    lines = _address_lines(text)
    resources = list(_resources(data, lines))
    _add_configuration(resources, root)
    return Plan(path=path, text=text, format_version=version[:20], terraform_version=tool,
                variables=_variables(data, root), resources=resources,
                root_addresses=frozenset(_root_addresses(root)), module_sources=dict(_sources(root, "", 0)))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _variables(data: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """The root module's inputs, without those the configuration declares sensitive."""
    declared = _dict(root.get("variables"))
    out: dict[str, Any] = {}
    for name, given in _dict(data.get("variables")).items():
        if not isinstance(given, dict) or "value" not in given:
            continue
        if _dict(declared.get(name)).get("sensitive") is True:
            continue
        out[str(name)] = given["value"]
    return out


def _address_lines(text: str) -> dict[str, int]:
    """The line where the plan first names each address (plans list planned values first)."""
    out: dict[str, int] = {}
    line, last = 1, 0
    for found in _ADDRESS.finditer(text):
        line += text.count("\n", last, found.start())
        last = found.start()
        out.setdefault(found.group(1), line)
    return out


def _resources(data: dict[str, Any], lines: dict[str, int]) -> Iterator[PlannedResource]:
    """Every resource instance: from resource_changes (before and after), then those only
    planned_values or prior_state show (data sources read while planning)."""
    seen: set[str] = set()
    for change in data.get("resource_changes") or []:
        if not isinstance(change, dict) or not isinstance(change.get("address"), str):
            continue
        body = _dict(change.get("change"))
        actions = body.get("actions") or []
        after = None if actions == ["delete"] else \
            hide(body.get("after"), body.get("after_sensitive"), body.get("after_unknown"))
        before = hide(body.get("before"), body.get("before_sensitive"), None)
        resource = _resource(change, after, before, lines)
        if resource is not None and resource.address not in seen:
            seen.add(resource.address)
            yield resource
        if len(seen) > MAX_PLAN_RESOURCES:
            raise Unreadable(f"not reviewed: this plan holds more than {MAX_PLAN_RESOURCES:,} resources")
    for key, when in (("planned_values", "after"), ("prior_state", "before")):
        top = _dict(data.get(key))
        top = _dict(top.get("values")) if key == "prior_state" else top
        for item in _module_resources(_dict(top.get("root_module")), 0):
            address = item.get("address")
            if not isinstance(address, str) or address in seen:
                continue
            values = hide(item.get("values"), item.get("sensitive_values"), None)
            # A data source read while planning is in prior_state alone, as it is now and will be.
            now = when == "after" or item.get("mode") == "data"
            resource = _resource(item, values if now else None, values, lines)
            if resource is not None:
                seen.add(address)
                yield resource
            if len(seen) > MAX_PLAN_RESOURCES:
                raise Unreadable(f"not reviewed: this plan holds more than {MAX_PLAN_RESOURCES:,} resources")


def _resource(item: dict[str, Any], after: Any, before: Any, lines: dict[str, int]) -> PlannedResource | None:
    address, rtype, name = item.get("address"), item.get("type"), item.get("name")
    if not all(isinstance(v, str) and v for v in (address, rtype, name)):
        return None
    module = item.get("module_address")
    if not isinstance(module, str):
        # planned_values and prior_state do not say it: the address up to the local part.
        local = f"{rtype}.{name}" if item.get("mode") != "data" else f"data.{rtype}.{name}"
        at = address.rfind("." + local)
        module = address[:at] if at > 0 else ""
    return PlannedResource(address=address, module=module, mode="data" if item.get("mode") == "data" else "managed",
                           type=rtype, name=name, after=after, before=before, line=lines.get(address, 1))


def _module_resources(module: dict[str, Any], depth: int) -> Iterator[dict[str, Any]]:
    if depth > MAX_MODULE_DEPTH:
        return
    for item in module.get("resources") or []:
        if isinstance(item, dict):
            yield item
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            yield from _module_resources(child, depth + 1)


def hide(values: Any, sensitive: Any, unknown: Any, depth: int = 0) -> Any:
    """``values`` with what the plan marks sensitive replaced by SENSITIVE, and what it
    knows only after apply by AFTER_APPLY (never a guess): the masks mirror the values."""
    if sensitive is True:
        return SENSITIVE
    if unknown is True:
        return AFTER_APPLY
    if depth > MAX_VALUE_DEPTH:
        return AFTER_APPLY
    if isinstance(values, dict):
        smask, umask = _dict(sensitive), _dict(unknown)
        out = {str(k): hide(v, smask.get(k), umask.get(k), depth + 1) for k, v in values.items()}
        for key, flag in umask.items():
            if key not in out and flag is True:
                out[str(key)] = AFTER_APPLY
        return out
    if isinstance(values, list):
        slist = sensitive if isinstance(sensitive, list) else []
        ulist = unknown if isinstance(unknown, list) else []
        return [hide(v, slist[i] if i < len(slist) else None, ulist[i] if i < len(ulist) else None, depth + 1)
                for i, v in enumerate(values)]
    return values


def _add_configuration(resources: list[PlannedResource], root: dict[str, Any]) -> None:
    """Which arguments each resource's configuration writes, and what each refers to: a
    default the provider fills in is not what anybody wrote (a function's
    reserved_concurrent_executions of -1 is no limit)."""
    configured: dict[str, dict[str, Any]] = {}
    for prefix, module in _modules(root, "", 0):
        for item in module.get("resources") or []:
            if isinstance(item, dict) and isinstance(item.get("address"), str):
                configured[prefix + item["address"]] = _dict(item.get("expressions"))
    for resource in resources:
        expressions = configured.get(resource.config_address)
        if expressions is None:
            continue
        resource.written = frozenset(expressions)
        for key, expression in expressions.items():
            refs = _dict(expression).get("references") if isinstance(expression, dict) else None
            if isinstance(refs, list) and refs and isinstance(refs[0], str):
                resource.references[key] = refs[0][:512]


def _modules(module: dict[str, Any], prefix: str, depth: int) -> Iterator[tuple[str, dict[str, Any]]]:
    if depth > MAX_MODULE_DEPTH:
        return
    yield prefix, module
    for name, call in _dict(module.get("module_calls")).items():
        child = _dict(_dict(call).get("module"))
        yield from _modules(child, f"{prefix}module.{name}.", depth + 1)


def _sources(module: dict[str, Any], prefix: str, depth: int) -> Iterator[tuple[str, str]]:
    if depth > MAX_MODULE_DEPTH:
        return
    for name, call in _dict(module.get("module_calls")).items():
        call = _dict(call)
        source = call.get("source")
        yield f"{prefix}module.{name}", str(source)[:300] if isinstance(source, str) else ""
        yield from _sources(_dict(call.get("module")), f"{prefix}module.{name}.", depth + 1)


def _root_addresses(root: dict[str, Any]) -> Iterator[str]:
    for item in root.get("resources") or []:
        if isinstance(item, dict) and isinstance(item.get("address"), str):
            yield item["address"]
    for name in _dict(root.get("module_calls")):
        yield f"module.{name}"
