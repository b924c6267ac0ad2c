"""What functions are given in their environment, and what a written value may be, for the
rules about secrets and credentials (``no-plaintext-secrets``, ``no-long-lived-credentials``).

The tables name resource types and property paths of every format the model holds (SAM and
CloudFormation, Terraform, the Serverless Framework's functions), so no rule asks which
format it reads. A Serverless provider's ``environment`` is one node shared by every function
(the model merges it under each function's own, as the framework does), and SAM ``Globals``
likewise: ``variables`` yields such a variable once, at the line it is written on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from reviewer.engine.decode import Marked
from reviewer.engine.document import Document, Resource
from reviewer.engine.finding import Path
from reviewer.engine.values import TOO_MANY, UNKNOWN, get_path, intrinsic, possible_strings
from reviewer.rules.match_conditions import resolve

# Function type -> (path of its environment variables, the path as people write it).
ENVIRONMENTS: dict[str, tuple[str, str]] = {
    "AWS::Lambda::Function": ("Environment.Variables", "Environment.Variables"),
    "AWS::Serverless::Function": ("Environment.Variables", "Environment.Variables"),
    "aws_lambda_function": ("environment.*.variables", "environment.variables"),
}
MAX_VARIABLES = 2000  # per document: a generated template may be big, never unbounded


@dataclass
class Variable:
    """One environment variable, as written once: the functions that get it (a Serverless
    provider's variable, or one of SAM ``Globals``, reaches several), the first of them its
    resource."""

    resource: Resource
    name: str
    value: Any
    path: Path  # into the document, to the variable's value under ``resource``
    shown: str  # where it is, in the format's words ("Environment.Variables", "environment")
    functions: list[str] = field(default_factory=list)

    @property
    def of(self) -> str:
        """The functions that get it, in words: ``function a``, ``functions a, b and c``."""
        names = self.functions or [self.resource.logical_id]
        if len(names) == 1:
            return f"function {names[0]}"
        shown = names[:MAX_NAMED]
        rest = f" and {len(names) - len(shown)} more" if len(names) > len(shown) else ""
        return "functions " + ", ".join(shown[:-1]) + (f" and {shown[-1]}" if not rest else
                                                       f", {shown[-1]}{rest}")


MAX_NAMED = 5


def _branches(found: list[tuple[Any, Path]]) -> list[tuple[Any, Path]]:
    """Maps as found, and both maps of an ``!If`` between two (each may be deployed)."""
    out: list[tuple[Any, Path]] = []
    for block, where in found:
        chosen = intrinsic(block)
        if chosen is not None and chosen[0] == "Fn::If" and isinstance(chosen[1], list) and len(chosen[1]) == 3:
            out += [(branch, where + ("Fn::If", index)) for index, branch in enumerate(chosen[1]) if index
                    and isinstance(branch, dict) and intrinsic(branch) is None]
        else:
            out.append((block, where))
    return out


def variables(doc: Document) -> Iterator[Variable]:
    """Every function's environment variables, each written one only once."""
    found: dict[tuple[Any, ...], Variable] = {}
    count = 0
    for resource in doc.resources():
        table = ENVIRONMENTS.get(resource.type)
        if table is None:
            continue
        path, shown = table
        word = doc.adapter.word(resource, path.split(".")[0])
        if word != path.split(".")[0]:
            shown = word  # the Serverless Framework's ``environment``: one level, its own word
        for block, where in _branches(resolve(resource.properties, path)):
            if not isinstance(block, dict) or intrinsic(block) is not None:
                continue  # a map known only when deployed (var.env, merge(...))
            for name, value in block.items():
                count += 1
                if count > MAX_VARIABLES:
                    break
                # One node shared by several functions is one variable; a number is no node.
                key: tuple[Any, ...] = ("node", id(value)) if isinstance(value, (dict, list, Marked)) \
                    else ("value", resource.logical_id, where, str(name))
                if key in found:
                    found[key].functions.append(resource.logical_id)
                    continue  # a provider's or Globals' variable: said once, where written
                found[key] = Variable(resource, str(name), value,
                                      resource.path + ("Properties",) + where + (name,), shown,
                                      [resource.logical_id])
    yield from found.values()


def own_lines(doc: Document, variable: Variable) -> tuple[int, int] | None:
    """The lines a variable is written on, when its path in the document does not lead to
    it (one of SAM ``Globals``, merged into the function by the model); None otherwise."""
    value = variable.value
    if isinstance(value, Marked) and value.start_line > 0 and get_path(doc.data, variable.path) is not value:
        return value.start_line, value.end_line
    return None


@dataclass
class Written:
    """A literal a value holds, and where it is written when that is not the value's own
    place (a parameter's default)."""

    text: str
    path: Path | None = None
    via: str | None = None  # the parameter whose default it is


def written_texts(doc: Document, value: Any) -> list[Written]:
    """The literals a value may be, as written in the repository. A reference to a
    parameter that hides its value (NoEcho) or has no default, a reference to another
    resource, a dynamic reference and anything known only when deployed yield nothing; a
    parameter's default yields the default, at its own line; ``!If`` both branches."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [Written(str(value))]
    if isinstance(value, str):
        return [Written(value)]
    found = intrinsic(value)
    if found is None or found[0] == UNKNOWN:
        return []
    name, arg = found
    if name == "Ref" and isinstance(arg, str):
        parameter = doc.parameters().get(arg)
        if not isinstance(parameter, dict):
            return []
        # NoEcho hides a value in the console, not in the repository: its Default is judged.
        default = parameter.get("Default")
        if isinstance(default, bool) or not isinstance(default, (str, int)):
            return []
        return [Written(str(default), ("Parameters", arg, "Default"), arg)]
    # A text still holding ${...} (a !Sub of a resource's attribute) is judged by its shape
    # alone (a password in a connection URL): ``plain_value`` refuses it as a whole.
    return [Written(text) for text, _ in possible_strings(value, ()) if text != TOO_MANY]
