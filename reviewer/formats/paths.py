"""Which files belong to which format, by name alone: cheap enough for every file of a scan
or a pull request, and importing no parser."""

from __future__ import annotations

import posixpath
import re
from typing import Iterable, Mapping

# OpenTofu reads .tofu and .tofu.json like .tf and .tf.json.
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json", ".tfvars", ".tfvars.json")
# The names of files a scan or a review reads at all: the rest of a repository is skipped by
# name, before anything is read (Terraform by name; Serverless services are YAML).
CANDIDATE_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".cfn", ".tf", ".tofu", ".tfvars", ".tpl",
                      ".tftpl", ".tfbackend", "terragrunt.hcl", ".gitignore")
# Terraform's partial backend configuration, read with the module beside it (where its
# state is kept), never as a document of its own.
PARTIAL_BACKEND_SUFFIX = ".tfbackend"
# Terragrunt's configuration: where it is, Terragrunt writes the backend and providers of the
# modules it runs, at init.
TERRAGRUNT_NAME = "terragrunt.hcl"
# What git leaves out: a tool that writes Terraform at init (a backend, a main.tf.json) has
# its output ignored there. Read for that alone, never as a document.
GITIGNORE_NAME = ".gitignore"
# CloudFormation refuses template bodies over 1 MB; nothing bigger can be a template.
MAX_FILE_BYTES = 1024 * 1024
SERVERLESS_NAMES = ("serverless.yml", "serverless.yaml")
TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")
# A Terraform plan in JSON: a plan of 5,000 resources is about 10 MB, a monorepo's can pass
# 50. Reading 64 MB of JSON takes a few seconds and about a gigabyte, which one review may spend.
MAX_PLAN_BYTES = 64 * 1024 * 1024


def plan_limit(path: str, head: bytes) -> int:
    """How many bytes of a file to read: more for what starts like a Terraform plan."""
    if path.lower().endswith(".json") and b'"format_version"' in head[:1024].replace(b"\x00", b""):
        return MAX_PLAN_BYTES
    return MAX_FILE_BYTES


def cut_to_limit(path: str, content: bytes) -> bytes:
    """One byte past what the engine reads of a file (more of a Terraform plan), so that
    a file over the limit is still told apart from one just at it."""
    return content[:plan_limit(path, content[:1024]) + 1]


# A backend or cloud block: where a root keeps its state; a provider block: what may make
# a folder a root.
_STATE_BLOCK = re.compile(rb'(?m)^[ \t]*(?:backend[ \t]+"|cloud[ \t]*\{)|"backend"[ \t]*:|"cloud"[ \t]*:')
_ROOT_BLOCK = re.compile(rb'(?m)^[ \t]*(?:backend[ \t]+"|cloud[ \t]*\{|provider[ \t]+")|"backend"[ \t]*:|"cloud"[ \t]*:|"provider"[ \t]*:')
# What a file must hold to say anything of where a folder keeps its state or whether it is
# a root: a backend, cloud or provider block, or a module call.
SAYS_STATE = re.compile(rb'(?m)^[ \t]*(?:backend[ \t]+"|cloud[ \t]*\{|provider[ \t]+"|module[ \t]+")'
                        rb'|"(?:backend|cloud|provider|module)"[ \t]*:')
MAX_STATE_CONTEXT = 2000  # files per side: the other roots' Terraform, read for their backends
MAX_TERRAGRUNT_CONTEXT = 50


def reads_roots(files: Mapping[str, bytes]) -> bool:
    """Whether a folder among ``files`` may be a Terraform root (a provider, backend or cloud
    block, a partial backend file): only then does its review need ``state_context``."""
    return any(p.endswith(PARTIAL_BACKEND_SUFFIX) or (is_terraform(p) and _ROOT_BLOCK.search(c[:MAX_FILE_BYTES]))
               for p, c in files.items())


def touches_state(files: Mapping[str, bytes]) -> bool:
    """Whether ``files`` say where a root keeps its state (a backend or cloud block, a
    partial backend file): then their review compares it with every other root."""
    return any(p.endswith(PARTIAL_BACKEND_SUFFIX) or (is_terraform(p) and _STATE_BLOCK.search(c[:MAX_FILE_BYTES]))
               for p, c in files.items())


def state_context(files: Mapping[str, bytes], tree: Iterable[str],
                  limit: int = MAX_STATE_CONTEXT) -> tuple[list[str], int]:
    """What a review must also read of ``tree`` to judge where the roots it reads keep their
    state, and how many such files it leaves out (past ``limit``). A folder with a provider
    or backend may be a root: whether a tool writes its backend is told by the repository's
    terragrunt.hcl and .gitignore files. A change that says where a root keeps its state is
    compared with every other root: their Terraform files (not tfvars) and partial backend
    files, the names that usually hold a backend first. Callers ask ``reads_roots`` first
    (before listing the tree); for files that may hold no root it is not called."""
    tree = list(tree)
    folders = {terraform_folder(p) for p in files if is_terraform(p) or p.endswith(PARTIAL_BACKEND_SUFFIX)}
    # One terragrunt.hcl says Terragrunt runs the modules; a .gitignore speaks for the folders
    # below it: those above the folders under review first.
    out = [p for p in tree if posixpath.basename(p) == TERRAGRUNT_NAME][:1]
    ancestors = {"" if f == "." else f for f in folders}
    ancestors |= {"/".join(f.split("/")[:i]) for f in ancestors for i in range(f.count("/") + 1)}
    ignores = [p for p in tree if posixpath.basename(p) == GITIGNORE_NAME]
    out += sorted(ignores, key=lambda p: (posixpath.dirname(p) not in ancestors, p))[:MAX_TERRAGRUNT_CONTEXT]
    left_out = 0
    if touches_state(files):
        others = [p for p in tree
                  if ((is_terraform(p) and not p.endswith(TFVARS_SUFFIXES)) or p.endswith(PARTIAL_BACKEND_SUFFIX))
                  and terraform_folder(p) not in folders]
        likely = ("backend", "terraform", "versions", "provider", "state", "main", "config")
        ranked = sorted(others, key=lambda p: (not posixpath.basename(p).startswith(likely), p))
        out += ranked[:limit]
        left_out = max(0, len(ranked) - limit)
    return [p for p in out if p not in files], left_out


def is_terraform(path: str) -> bool:
    """Terraform is recognised by name: ``.tf``, ``.tf.json``, ``.tfvars``, ``.tfvars.json``,
    and OpenTofu's ``.tofu`` and ``.tofu.json``."""
    return path.endswith(TERRAFORM_SUFFIXES)


def is_serverless(path: str) -> bool:
    """A Serverless Framework service file: ``serverless.yml`` / ``serverless.yaml``."""
    return posixpath.basename(path) in SERVERLESS_NAMES


def shadowed_by_tofu(paths: list[str]) -> set[str]:
    """The ``.tf`` (``.tf.json``) files a ``.tofu`` (``.tofu.json``) file of the same name and
    folder replaces: OpenTofu reads the ``.tofu`` one and ignores the other."""
    present = set(paths)
    out = set()
    for path in paths:
        for tofu, tf in ((".tofu.json", ".tf.json"), (".tofu", ".tf")):
            if path.endswith(tofu):
                twin = path[: -len(tofu)] + tf
                if twin in present:
                    out.add(twin)
                break
    return out


def terraform_folder(path: str) -> str:
    """The module a Terraform file belongs to: its folder ("." at the top)."""
    return posixpath.dirname(path) or "."


# Files a module may read with file() or templatefile().
TEMPLATE_SUFFIXES = (".json", ".tpl", ".tftpl")
# A module is read whole; past these bounds a pull request touching many folders reads only
# the changed files of the rest (still reviewed, with less context).
MAX_MODULE_FOLDERS = 50
MAX_MODULE_FILES = 200
MAX_SIBLINGS = 400  # in all, per side of a review: each is one contents call in the app


def module_folders(paths: list[str]) -> list[str]:
    """The Terraform modules (folders) that changed files belong to."""
    folders = sorted({terraform_folder(p) for p in paths
                      if is_terraform(p) or p.endswith(PARTIAL_BACKEND_SUFFIX)})
    return folders[:MAX_MODULE_FOLDERS]


def is_module_member(path: str) -> bool:
    """A file of a module folder that its review needs: Terraform, tfvars, a JSON policy
    its configuration may read with ``file()`` or ``templatefile()``, or a partial backend
    configuration."""
    return is_terraform(path) or path.endswith(TEMPLATE_SUFFIXES + (PARTIAL_BACKEND_SUFFIX,))


def module_siblings(changed: list[str], tree: list[str]) -> list[str]:
    """Files of ``tree`` in the same folder as a changed Terraform file, which the module's
    review needs though they did not change (its variables, its tfvars)."""
    folders = set(module_folders(changed))
    if not folders:
        return []
    out: dict[str, list[str]] = {}
    for path in tree:
        folder = terraform_folder(path)
        if folder in folders and is_module_member(path):
            out.setdefault(folder, []).append(path)
        elif path.endswith(TEMPLATE_SUFFIXES):
            # file("${path.module}/policies/x.json") reads a folder or two below the module
            # (not for the top folder: that would be every JSON file of the repository).
            owner = next((f for f in folders if f != "." and path.startswith(f + "/")
                          and path.count("/") - f.count("/") <= 3), None)
            if owner is not None:
                out.setdefault(owner, []).append(path)
    # Terraform and tfvars first, so a folder of many JSON files never crowds them out.
    ranked = [sorted(members, key=lambda p: (not is_terraform(p), p))[:MAX_MODULE_FILES]
              for members in out.values()]
    return sorted(p for members in ranked for p in members)[:MAX_SIBLINGS]


# ${file(./resources/table.yml)}: a part of a Serverless service kept in another file, its
# path relative to the service's folder.
_FILE_VARIABLE = re.compile(r"\$\{file\(\s*['\"]?([^()'\"$]{1,256}?)['\"]?\s*\)")
# The framework's own variables: a YAML file holding them is a part of a service.
_SERVICE_VARIABLE = re.compile(r"\$\{(?:self|sls|opt|param|file|env|ssm|cf|s3|strToBool)[:(]")
# How far above a part of a service its serverless.yml may be, and how many files a review
# reads this way on each side.
SERVICE_LEVELS = 3
MAX_COMPANIONS = 200
_INCLUDED = (".yml", ".yaml", ".json")


def companions(files: Mapping[str, bytes]) -> list[str]:
    """What a review must also read, given the files it has read: each Serverless service's
    included files (``${file(...)}``), and for a file that is part of a service (it uses the
    framework's variables) the ``serverless.yml`` that may include it, in its folder or up to
    SERVICE_LEVELS above. Paths already read are left out."""
    wanted: list[str] = []
    for path in sorted(files):
        text = files[path][:MAX_FILE_BYTES].decode("utf-8", "replace")
        if is_serverless(path) or _SERVICE_VARIABLE.search(text):
            folder = posixpath.dirname(path)
            for match in _FILE_VARIABLE.finditer(text):
                included = posixpath.normpath(posixpath.join(folder, match.group(1).strip()))
                if included.lower().endswith(_INCLUDED) and not included.startswith("../"):
                    wanted.append(included)
        if not is_serverless(path) and path.lower().endswith(_INCLUDED) and _SERVICE_VARIABLE.search(text):
            folder = posixpath.dirname(path)
            for _ in range(SERVICE_LEVELS + 1):
                wanted.extend(posixpath.join(folder, name) if folder else name for name in SERVERLESS_NAMES)
                if not folder:
                    break
                folder = posixpath.dirname(folder)
    out = [p for p in dict.fromkeys(wanted) if p not in files]
    return out[:MAX_COMPANIONS]
