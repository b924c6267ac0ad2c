"""The shape the code keeps (issue 17, "How to work"): the engine and the rules read the one
model and import no format; modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "reviewer"
# The most lines a module may have: one job each.
MAX_LINES = 420


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_engine_and_the_rules_import_no_format() -> None:
    offenders = {}
    for folder in ("engine", "rules"):
        for path in sorted((PACKAGE / folder).glob("*.py")):
            formats = sorted(i for i in _imports(path) if i.startswith("reviewer.formats"))
            if formats:
                offenders[f"{folder}/{path.name}"] = formats
    assert offenders == {}


def test_no_rule_branches_on_the_format_but_the_validator_of_cloudformation_text() -> None:
    names = {"TERRAFORM", "SERVERLESS", "CLOUDFORMATION"}
    offenders = []
    for path in sorted((PACKAGE / "rules").glob("*.py")):
        used = {n.id for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Name)}
        if used & names and path.name != "template_valid.py":
            offenders.append(path.name)
    assert offenders == []


def test_modules_stay_small() -> None:
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    assert {p: n for p, n in sizes.items() if n > MAX_LINES} == {}


def _jobs_graph() -> dict[str, set[str]]:
    """reviewer.jobs modules -> the reviewer.jobs modules they import, at any depth of the
    file (imports inside functions count: they close circles just the same)."""
    modules = {f"reviewer.jobs.{p.stem}": p for p in (PACKAGE / "jobs").glob("*.py")
               if p.stem != "__init__"}
    graph = {}
    for name, path in modules.items():
        found = set()
        for imported in _imports(path):
            for candidate in modules:
                if imported == candidate or imported.startswith(candidate + "."):
                    found.add(candidate)
            if imported == "reviewer.jobs":
                pass
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "reviewer.jobs":
                found.update(f"reviewer.jobs.{a.name}" for a in node.names
                             if f"reviewer.jobs.{a.name}" in modules)
        graph[name] = found - {name}
    return graph


def test_the_jobs_package_imports_in_no_circle() -> None:
    graph = _jobs_graph()
    circles = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                circles.append(path[path.index(nxt):] + [nxt])
            elif len(path) < len(graph):
                visit(nxt, path + [nxt])

    for start in sorted(graph):
        visit(start, [start])
    assert circles == []


def test_one_handler_per_job_kind_and_handlers_import_no_other_handler() -> None:
    from reviewer.jobs.dispatch import HANDLERS

    handlers = set(HANDLERS.values())
    graph = _jobs_graph()
    for module in handlers:
        path = PACKAGE / "jobs" / (module.rsplit(".", 1)[1] + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert {"run", "give_up"} <= names, module
        assert graph[module] & (handlers | {"reviewer.jobs.tasks"}) == set(), module
