"""The format adapters: each turns its files into the engine's one model
(``reviewer.engine.document.Document``: a template of typed resources whose computed values
are CloudFormation intrinsics, every node marked with the file and lines it came from, and an
adapter that says where its IAM is), so that rules never branch on the format.

``read_files`` is the registry: a file goes to the adapter its name or content calls for.
Nothing one file does stops the others: a file or a Terraform module that cannot be read,
for whatever reason, is that file's loud ``template-parse`` error ("not reviewed: ..."), and
every other file is still read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, NamedTuple, Sequence

from reviewer import logs
from reviewer.engine.document import TEMPLATE, Document, Unreadable
from reviewer.engine.finding import Finding
from reviewer.engine.locate import locate, locate_in_file
from reviewer.formats.paths import is_serverless, is_terraform
from reviewer.formats.text import file_text

if TYPE_CHECKING:
    from reviewer.formats.terraform import PlanInput


class GivenPlan(NamedTuple):
    """A plan given beside a review's files (``diff --plan``): its bytes, and which side of
    the change reads it: ``after`` (the side it was made from) or ``before`` (the base;
    ``head`` holds the files of the side the plan was made from)."""

    path: str
    content: bytes
    side: str = "after"
    head: Mapping[str, bytes] | None = None


# Terraform text one review reads (the engine's time limit is 120 s by default).
MAX_TERRAFORM_BYTES = 4 * 1024 * 1024
# Terraform's own template files: read through the templatefile() call that renders them,
# never judged as JSON on their own when they do not parse.
_TERRAFORM_TEMPLATES = (".tpl", ".tftpl")


def not_reviewed(path: str, message: str, line: int = 1) -> Finding:
    """A file that could not be read: an error, so that it cannot pass unseen."""
    return Finding("template-parse", "error", path, line, line, message, "parse")


def read_files(files: Mapping[str, bytes], plans: Sequence[GivenPlan] = (),
               context: Mapping[str, bytes] | None = None) -> tuple[list[Document], list[Finding]]:
    """Every file's documents, and a finding for each file that could not be read.
    Terraform files are read a folder (one module) at a time; a Terraform plan among the
    files (recognised by content), or given in ``plans``, settles what they leave unknown.
    ``context`` holds other files of the repository (see ``paths.state_context``), read only
    for where their folders keep their Terraform state."""
    documents: list[Document] = []
    findings: list[Finding] = []
    terraform = _terraform_texts(files, findings)
    plans, used = _plans(files, plans, findings)
    if terraform or plans:
        from reviewer.formats.terraform import read_modules  # the HCL parser only when needed

        modules, problems = read_modules(terraform, {**(context or {}), **files}, plans)
        # A policy file a module reads with file() or templatefile() is judged through that
        # call, where its findings name the resource; on its own it would say everything
        # twice (and a template's %{ if } is no JSON).
        used |= {path for module in modules for path in module.sources if path not in terraform}
        documents.extend(modules)
        findings.extend(not_reviewed(p.path, p.message, p.line) for p in problems)
        for module in modules:
            findings.extend(_remote_modules(module))
        if context:
            from reviewer.formats.backends import context_documents

            documents.extend(context_documents(context, {m.path for m in modules}, {**context, **files}))
    # Services first: the files they include with ${file(...)} are read as part of them.
    services = sorted(p for p in files if is_serverless(p) and not is_terraform(p))
    others = sorted(p for p in files if not is_serverless(p) and not is_terraform(p))
    for path in services + others:
        if path in used:
            continue
        doc = _guarded(path, files, findings)
        if doc is None:
            continue
        documents.append(doc)
        findings.extend(_includes(doc))
        includes = doc.extra.get("includes")
        if includes is not None:
            used.update(includes.consumed)
            findings.extend(_include_problems(doc.path, includes))
    return documents, findings


def _plans(files: Mapping[str, bytes], given: Sequence[GivenPlan], findings: list[Finding]
           ) -> tuple[list["PlanInput"], set[str]]:
    """The plans of a review: those given, and every file that is one by its content. A plan
    that cannot be read is an error on the side it was made from."""
    from reviewer.formats.terraform_plan import looks_like_plan, read_plan

    found = [path for path in sorted(files) if looks_like_plan(path, files[path])]
    if not found and not given:
        return [], set()
    from reviewer.formats.terraform import PlanInput

    plans = []
    for item in [GivenPlan(path, files[path]) for path in found] + list(given):
        try:
            plans.append(PlanInput(read_plan(item.path, item.content), item.side, item.head or {}))
        except Unreadable as exc:
            if item.side == "after":
                findings.append(not_reviewed(item.path, exc.message, exc.line))
    return plans, set(found)


def _guarded(path: str, files: Mapping[str, bytes], findings: list[Finding]) -> Document | None:
    """One file read, whatever happens: what cannot be read is a finding."""
    try:
        return read_file(path, files[path], files)
    except Unreadable as exc:
        if not path.endswith(_TERRAFORM_TEMPLATES):
            findings.append(not_reviewed(path, exc.message, exc.line))
    except Exception as exc:  # noqa: BLE001 - one file's surprise must not stop the rest
        logs.logger(__name__).exception("reading %s failed", path)
        findings.append(not_reviewed(path, f"not reviewed: the file could not be read "
                                           f"({type(exc).__name__}: {str(exc)[:200]}); please report it"))
    return None


def _include_problems(service: str, includes: Any) -> list[Finding]:
    """A service's include that cannot be read: a broken file is its own error. One that is
    not there is what the framework reads at deploy time (a secrets.json that git ignores, a
    build's output): unknown, like ${env:...}, and said as a note on the service."""
    out = []
    for problem in includes.problems:
        if problem.unreadable:
            out.append(not_reviewed(problem.path, problem.message, problem.line))
        else:
            out.append(Finding("include-not-reviewed", "note", service, problem.line, problem.line,
                               problem.message, f"include:{problem.path}"))
    return out


def read_file(path: str, content: bytes, files: Mapping[str, bytes] | None = None) -> Document | None:
    """One file that is not Terraform (a template, a policy, a parameter file, a Serverless
    service); None when it is none of ours. Raises Unreadable when it is but cannot be read.
    ``files`` are the review's other files, for what a service includes."""
    if is_serverless(path):
        from reviewer.formats import serverless

        return serverless.decode_file(path, content, files)
    from reviewer.formats import cloudformation

    return cloudformation.decode_file(path, content)


def _terraform_texts(files: Mapping[str, bytes], findings: list[Finding]) -> dict[str, str]:
    out: dict[str, str] = {}
    total = 0
    for path in sorted(p for p in files if is_terraform(p)):
        try:
            text = file_text(files[path], ours_by_name=True, what="Terraform file")
        except Unreadable as exc:
            findings.append(not_reviewed(path, exc.message, exc.line))
            continue
        if text is None:
            continue
        if total + len(text) > MAX_TERRAFORM_BYTES:
            # Reading HCL costs about 10 s a megabyte: past this a review would not end in
            # time, and one that cannot be done in full says so.
            findings.append(not_reviewed(path, f"more than {MAX_TERRAFORM_BYTES // 1024 // 1024} "
                                               "MB of Terraform in one review; this file was not reviewed"))
            continue
        out[path] = text
        total += len(text)
    return out


def _remote_modules(doc: Document) -> list[Finding]:
    """A module from a registry or a repository: its resources are not in the repository, so
    what they grant is unknown (the policy documents the call passes it were judged). Said
    as a note, so that nobody takes silence for a clean bill."""
    out = []
    if doc.kind != TEMPLATE:
        return out
    planned = doc.extra.get("planned_modules", {})
    for resource in doc.resources():
        if resource.type != "module" or resource.logical_id in planned:
            continue
        source = str(resource.properties.get("source") or "")[:200]
        line = locate(doc.data, resource.path)[0]
        file = locate_in_file(doc.data, resource.path)[0] or doc.path
        out.append(Finding(
            "include-not-reviewed", "note", file, line, line,
            f"{resource.logical_id} comes from {source}: its resources are not in this "
            "repository, so what they grant is unknown here (the policy documents this call "
            "passes it were judged); pass a plan to review them (terraform show -json of this "
            "configuration's plan)",
            f"module:{source}", resource=resource.logical_id))
    return out


def _includes(doc: Document) -> list[Finding]:
    """``AWS::Include`` snippets come from S3 at deploy time: what they hold is not reviewed."""
    if doc.kind != TEMPLATE or "AWS::Include" not in doc.text:  # a walk only where it may pay
        return []
    from reviewer.formats.cloudformation import includes

    out = []
    for where, location in includes(doc.data):
        line = locate(doc.data, where)[0]
        out.append(Finding(
            "include-not-reviewed", "warning", doc.path, line, line,
            f"AWS::Include brings in {location[:200]} at deploy time; what it holds "
            "was not reviewed (review the snippet's own file, or inline it)",
            f"include:{location[:200]}"))
    return out

