"""AWS managed policies (``data/aws-managed-policies.json``, every current one; its ``_about``
says where the list comes from): where each lives, so that a name is known to be AWS's, and
what the "full access" ones grant."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path as FilePath


# A name to look up; never an address or a logical id with a dot (aws_iam_policy.app).
_NAME = re.compile(r"[\w+=,@-]{1,128}")
# The partition may be written as a pseudo parameter (${AWS::Partition}) or a data source.
_ARN = re.compile(r"^arn:(?:[a-z-]{1,20}|\$\{[^}]{1,100}\}):iam::aws:policy/((?:[\w+=,.@-]{1,64}/){0,4})([\w+=,.@-]{1,128})$")


@dataclass(frozen=True)
class ManagedPolicy:
    """One AWS managed policy."""

    name: str
    path: str  # "service-role/", "" at the root
    grants: tuple[str, ...]  # service-wide wildcards it allows on every resource
    excepted: tuple[str, ...]  # what a NotAction keeps out of ``grants``

    def arn(self, partition: str = "aws") -> str:
        """The policy's ARN."""
        return f"arn:{partition}:iam::aws:policy/{self.path}{self.name}"

    def granted(self) -> str:
        """What it grants, for a message: ``"s3:*" and "s3-object-lambda:*"``."""
        shown = " and ".join(f'"{action}"' for action in self.grants)
        if self.excepted:
            shown += " except " + ", ".join(f'"{action}"' for action in self.excepted)
        return shown


@functools.lru_cache(maxsize=1)
def _policies() -> dict[str, ManagedPolicy]:
    # JSON, not YAML: 1,569 entries load in a couple of milliseconds instead of thirty.
    text = (FilePath(__file__).parent / "data" / "aws-managed-policies.json").read_text(encoding="utf-8")
    data = json.loads(text)
    full = data.get("full_access") or {}
    out = {}
    for path, names in (data.get("paths") or {}).items():
        for name in names or ():
            facts = full.get(name) or {}
            out[str(name)] = ManagedPolicy(str(name), str(path), tuple(facts.get("grants", ())),
                                           tuple(facts.get("except", ())))
    return out


def known_policy(ref: str) -> ManagedPolicy | None:
    """The AWS managed policy a name or an ``arn:aws:iam::aws:policy/...`` ARN means, if it
    is one this data knows (a name that is not is never taken for one)."""
    match = _ARN.match(ref)
    if match:
        found = _policies().get(match.group(2))
        return found if found is not None and found.path == match.group(1) else None
    if not _NAME.fullmatch(ref):
        return None  # a customer policy's ARN, an address: nothing to look up
    return _policies().get(ref)


def full_access(ref: str) -> ManagedPolicy | None:
    """The AWS managed policy ``ref`` means, if it grants all of a service."""
    found = known_policy(ref)
    return found if found is not None and found.grants else None
