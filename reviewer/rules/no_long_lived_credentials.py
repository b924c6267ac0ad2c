"""``no-long-lived-credentials``: no IAM access keys, console passwords, or access keys
handed to functions; roles and STS give credentials that expire.

Reported: an IAM access key created by the template or module (``AWS::IAM::AccessKey``,
``aws_iam_access_key``; one made ``Inactive`` cannot be used and is not), an IAM user with a
login profile (``LoginProfile`` of ``AWS::IAM::User``, ``aws_iam_user_login_profile``), and a
function environment variable that carries an AWS access key: named for one
(``AWS_ACCESS_KEY_ID``, ``PARTNER_AWS_SECRET_ACCESS_KEY``; the name says AWS, so MinIO's or
R2's keys are not), referring to an access key of the template (``!GetAtt Key.SecretAccessKey``,
``aws_iam_access_key.ci.secret``), or shaped like an access key id.
"""

from __future__ import annotations

from typing import Any, Iterable

from reviewer.engine.document import TEMPLATE, Document, Resource
from reviewer.engine.finding import Hit
from reviewer.engine.iam import principal_name
from reviewer.engine.values import intrinsic, possible_strings, referenced_names
from reviewer.rules.base import Context, RuleKind
from reviewer.rules.environments import own_lines, variables
from reviewer.rules.match_conditions import resolve
from reviewer.rules.secret_shapes import access_key_id_shaped, name_words

# Access key types -> the path of their status.
ACCESS_KEYS = {"AWS::IAM::AccessKey": "Status", "aws_iam_access_key": "status"}
# Users' console passwords: type -> (path of the login profile within it, or "" for a
# resource that is one; the path of the user it is for).
LOGIN_PROFILES: dict[str, tuple[str, str]] = {
    "AWS::IAM::User": ("LoginProfile", ""),
    "aws_iam_user_login_profile": ("", "user"),
}
# Words of a variable's name that carry an access key, when the name also says AWS
# (AWS_ACCESS_KEY_ID, PARTNER_AWS_SECRET_ACCESS_KEY, AWS_ACCESS_KEY_ID_PARTNER) ...
KEY_WORDS = (("ACCESS", "KEY"), ("SECRET", "KEY"))
# ... unless its last word says it names where the key is kept (AWS_SECRET_KEY_PARAMETER).
NAMES_A_PLACE = frozenset(("ARN", "NAME", "PATH", "PARAM", "PARAMETER", "PARAMETERS", "SSM",
                           "REF", "LOCATION", "URL", "FILE",
                           # ... or says something about a key rather than holding one
                           # (AWS_ACCESS_KEY_ROTATION_DAYS, AWS_SECRET_KEY_ENABLED).
                           "DAYS", "AGE", "TTL", "ROTATION", "ENABLED", "DISABLED", "EXPIRY",
                           "EXPIRES", "COUNT", "LENGTH", "HEADER", "FIELD"))


class NoLongLivedCredentials(RuleKind):
    kind = "no-long-lived-credentials"

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        resources = doc.resources()
        keys = {r.logical_id for r in resources if r.type in ACCESS_KEYS}
        for resource in resources:
            if resource.type in ACCESS_KEYS and not _inactive(resource):
                yield Hit(resource.path + ("Type",),
                          f"{_named(resource)} creates a long-lived access key: "
                          "it works until someone deletes it, wherever it is copied to",
                          "access-key", resource.logical_id)
            profile = LOGIN_PROFILES.get(resource.type)
            if profile is not None:
                yield from _login_profile(resource, *profile)
        for variable in variables(doc):
            why = _carries_key(variable.name, variable.value, keys)
            if why:
                yield Hit(variable.path,
                          f"{variable.shown} {variable.name} of {variable.of} {why}: a long-lived "
                          "credential in a function's configuration; the function's execution "
                          "role gives it credentials that expire",
                          f"env:{variable.name}", variable.resource.logical_id,
                          lines=own_lines(doc, variable))


def _named(resource: Resource) -> str:
    """The resource with its type, unless its name already says it (a Terraform address)."""
    if f".{resource.type}." in f".{resource.logical_id}":
        return resource.logical_id
    return f"{resource.type} {resource.logical_id}"


def _inactive(resource: Resource) -> bool:
    found = resolve(resource.properties, ACCESS_KEYS[resource.type])
    return bool(found) and all(isinstance(v, str) and v.lower() == "inactive" for v, _ in found)


def _login_profile(resource: Resource, path: str, user_path: str) -> Iterable[Hit]:
    if path:
        found = resolve(resource.properties, path)
        if not found or all(v is None or _no_value(v) for v, _ in found):
            return
        yield Hit(resource.path + ("Properties", path),
                  f"IAM user {resource.logical_id} has a {path}: a console password that does not "
                  "expire by itself; people sign in through IAM Identity Center or a federated role",
                  "login-profile", resource.logical_id)
        return
    users = [principal_name(v) for v, _ in resolve(resource.properties, user_path)]
    user = next((u for u in users if u), None)
    of = f" for IAM user {user}" if user and "${" not in user else ""
    yield Hit(resource.path + ("Type",),
              f"{_named(resource)} gives a console password{of}: a credential "
              "that does not expire by itself; people sign in through IAM Identity Center or a "
              "federated role", "login-profile", resource.logical_id)


def _no_value(value: Any) -> bool:
    """``!Ref AWS::NoValue``: the property is left out."""
    found = intrinsic(value)
    return found is not None and found[0] == "Ref" and found[1] == "AWS::NoValue"


def _carries_key(name: str, value: Any, keys: set[str]) -> str | None:
    """Why a variable carries an AWS access key, or None."""
    words = name_words(name)
    if "AWS" in words and words[-1] not in NAMES_A_PLACE and any(
            words[i:i + len(e)] == e for e in KEY_WORDS for i in range(len(words))):
        if value is None or (isinstance(value, str) and not value.strip()) or _no_value(value):
            return None  # set empty: nothing is passed
        return "is named for an AWS access key"
    if intrinsic(value) is not None and keys & referenced_names(value):
        return "refers to an IAM access key of this template"
    for text, _ in possible_strings(value, ()):
        if access_key_id_shaped(text):
            return "holds an AWS access key id"
    return None
