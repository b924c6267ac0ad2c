"""Could an ARN written in a policy name a resource of a given type?

AWS documents each resource type with an ARN format
(``arn:${Partition}:s3:::${BucketName}/${ObjectName}``); a policy writes ARNs with ``*`` and
``?`` wildcards, and with ``${...}`` parts known only at deploy time. Both are patterns, so
the question is whether some ARN matches both: a small dynamic programme over the two,
field by field, each field bounded in length (ARNs are at most 2,048 characters).
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_FIELD = 512
_DEPLOY_TIME = "\x01"
_SUB_VARIABLE = re.compile(r"\$\{[^}]{0,256}\}")
# Pseudo parameters are known only at deploy time, but their shape is fixed: none holds ":"
# or "/", so a bucket ARN ending in ${AWS::Region} still names no object. One value of each
# shape stands for all of them.
_PSEUDO = {"${AWS::Region}": "us-east-1", "${AWS::AccountId}": "123456789012",
           "${AWS::Partition}": "aws", "${AWS::URLSuffix}": "amazonaws.com",
           "${AWS::StackName}": "stack"}
_PSEUDO_PATTERN = re.compile("|".join(re.escape(k) for k in _PSEUDO))

# Token kinds: a literal character, a format variable, and the policy side's wildcards.
_LIT, _VAR, _LASTVAR, _ANY, _ONE = range(5)


def _format_tokens(text: str, last_field: bool) -> list[tuple[int, str]]:
    tokens: list[tuple[int, str]] = []
    i = 0
    while i < len(text):
        if text.startswith("${", i) and "}" in text[i:]:
            end = text.index("}", i)
            name = text[i + 2:end]
            # Bucket names hold no "/": a bucket ARN cannot name an object.
            tokens.append((_VAR, "/" if name == "BucketName" else ""))
            i = end + 1
        else:
            tokens.append((_LIT, text[i]))
            i += 1
    if last_field and tokens and tokens[-1][0] == _VAR and tokens[-1][1] == "":
        # The last part of a path-like resource (an object key, a log stream) may hold
        # anything, ":" included.
        tokens[-1] = (_LASTVAR, "")
    return tokens


def _policy_tokens(text: str) -> list[tuple[int, str]]:
    tokens: list[tuple[int, str]] = []
    i = 0
    while i < len(text):
        if text[i] in ("*", _DEPLOY_TIME):
            tokens.append((_ANY, ""))
            i += 1
        elif text[i] == "?":
            tokens.append((_ONE, ""))
            i += 1
        else:
            tokens.append((_LIT, text[i]))
            i += 1
    return tokens


def _var_takes(var: tuple[int, str], char: str | None) -> bool:
    """Can a format variable produce this character (None: any character we choose)?"""
    if char is None:
        return True
    if var[0] == _LASTVAR:
        return True
    return char != ":" and char not in var[1]


def _intersects(fmt: list[tuple[int, str]], pol: list[tuple[int, str]]) -> bool:
    m, n = len(fmt), len(pol)
    # ok[i][j]: fmt[i:] and pol[j:] can match the same string.
    ok = [[False] * (n + 1) for _ in range(m + 1)]
    ok[m][n] = True
    for i in range(m, -1, -1):
        for j in range(n, -1, -1):
            if i == m and j == n:
                continue
            a = fmt[i] if i < m else None
            b = pol[j] if j < n else None
            result = False
            if b is not None and b[0] == _ANY:
                result = ok[i][j + 1] or (a is not None and ok[i + 1][j])
            if not result and a is not None and a[0] in (_VAR, _LASTVAR):
                result = ok[i + 1][j] or (b is not None and b[0] != _ANY and _var_takes(
                    a, b[1] if b[0] == _LIT else None) and ok[i][j + 1])
            if not result and a is not None and b is not None and a[0] == _LIT:
                if b[0] == _ONE or (b[0] == _LIT and a[1].lower() == b[1].lower()):
                    result = ok[i + 1][j + 1]
            ok[i][j] = result
    return ok[0][0]


@lru_cache(maxsize=8192)
def may_match(arn_format: str, arn: str) -> bool:
    """True unless the ARN can name no resource of the format (unknown cases: True)."""
    if arn.strip() == "*" or not arn.startswith("arn:"):
        return True
    fmt_fields = arn_format.split(":", 5)
    # ${Bucket}: known at deploy time, could be anything (and may hold ":").
    arn = _PSEUDO_PATTERN.sub(lambda m: _PSEUDO[m.group(0)], arn)
    arn_fields = _SUB_VARIABLE.sub(_DEPLOY_TIME, arn).split(":", 5)
    if len(fmt_fields) != 6 or len(arn_fields) != 6:
        # A wildcard spanning fields ("arn:aws:s3:*") or a malformed ARN: cannot be told.
        return True
    # IAM lets a "*" that ends a segment match past the colons after it: in
    # "arn:aws:secretsmanager:*:*:sqlworkbench!*" the account's "*" may take
    # "123456789012:secret", so the resource part may name what follows any colon of it.
    spans = arn_fields[3].endswith("*") or arn_fields[4].endswith("*")
    for index, (f, a) in enumerate(zip(fmt_fields, arn_fields)):
        if len(f) > MAX_FIELD or len(a) > MAX_FIELD:
            return True
        tails = [f] + ([f[i + 1:] for i, c in enumerate(f) if c == ":"] if spans and index == 5 else [])
        if not any(_intersects(_format_tokens(t, index == 5), _policy_tokens(a)) for t in tails):
            return False
    return True
