"""Which files belong to which format, by name alone: cheap enough for every file of a scan
or a pull request, and importing no parser."""

from __future__ import annotations

import posixpath

TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
SERVERLESS_NAMES = ("serverless.yml", "serverless.yaml")


def is_terraform(path: str) -> bool:
    """Terraform is recognised by name: ``.tf``, ``.tf.json``, ``.tfvars``, ``.tfvars.json``."""
    return path.endswith(TERRAFORM_SUFFIXES)


def is_serverless(path: str) -> bool:
    """A Serverless Framework service file: ``serverless.yml`` / ``serverless.yaml``."""
    return posixpath.basename(path) in SERVERLESS_NAMES


def terraform_folder(path: str) -> str:
    """The module a Terraform file belongs to: its folder ("." at the top)."""
    return posixpath.dirname(path) or "."
