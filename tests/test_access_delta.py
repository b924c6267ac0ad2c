"""The access delta (issue 19, points 1, 2 and 7): what a change really grants beyond new
action names, per statement, with the lines in head and base.

Each operator case cites the AWS documentation its expected answer comes from:
[ops] IAM JSON policy elements: Condition operators,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
[eval] Policy evaluation logic,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reviewer.config.settings import Settings
from reviewer.engine.access import Condition, contained, implies
from reviewer.engine.access_delta import access_changes, holders
from reviewer.pipeline import evaluate, review_change
from tests.conftest import shipped_rules

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def cond(operator: str, key: str, *values: str, if_exists: bool = False, qualifier: str = "") -> Condition:
    return Condition(operator.lower(), key.lower(), values, if_exists, qualifier)


# ----------------------------------------------------------------------------- operators


@pytest.mark.parametrize("strict, loose, expected", [
    # [ops] StringEquals: exact, case-sensitive; StringLike: * and ? wildcards.
    (cond("StringEquals", "k", "repo:acme/app:ref:refs/heads/main"), cond("StringLike", "k", "repo:acme/*"), True),
    (cond("StringLike", "k", "repo:acme/*"), cond("StringEquals", "k", "repo:acme/app:ref:refs/heads/main"), False),
    (cond("StringEquals", "k", "a"), cond("StringEquals", "k", "a", "b"), True),   # a value list grown: looser
    (cond("StringEquals", "k", "a", "b"), cond("StringEquals", "k", "a"), False),
    (cond("StringEquals", "k", "A"), cond("StringEquals", "k", "a"), False),       # case-sensitive
    (cond("StringEquals", "k", "A"), cond("StringEqualsIgnoreCase", "k", "a"), True),
    (cond("StringLike", "k", "repo:acme/app:*"), cond("StringLike", "k", "repo:acme/*"), True),
    # [ops] Condition keys are case-insensitive.
    (cond("StringEquals", "AWS:SourceVpce", "vpce-1"), cond("StringEquals", "aws:sourcevpce", "vpce-1"), True),
    # [ops] StringNotEquals: the strict one excludes at least as much.
    (cond("StringNotEquals", "k", "a", "b"), cond("StringNotEquals", "k", "a"), True),
    (cond("StringNotEquals", "k", "a"), cond("StringNotEquals", "k", "a", "b"), False),
    # [ops] IpAddress: a CIDR inside another; NotIpAddress the other way round.
    (cond("IpAddress", "aws:SourceIp", "10.1.0.0/16"), cond("IpAddress", "aws:SourceIp", "10.0.0.0/8"), True),
    (cond("IpAddress", "aws:SourceIp", "10.0.0.0/8"), cond("IpAddress", "aws:SourceIp", "10.1.0.0/16"), False),
    (cond("NotIpAddress", "aws:SourceIp", "10.0.0.0/8"), cond("NotIpAddress", "aws:SourceIp", "10.1.0.0/16"), True),
    # [ops] Numeric: a lower bound of "less than" is stricter.
    (cond("NumericLessThan", "s3:max-keys", "10"), cond("NumericLessThanEquals", "s3:max-keys", "100"), True),
    (cond("NumericLessThan", "s3:max-keys", "100"), cond("NumericLessThan", "s3:max-keys", "10"), False),
    # [ops] Bool.
    (cond("Bool", "aws:SecureTransport", "true"), cond("Bool", "aws:SecureTransport", "true"), True),
    (cond("Bool", "aws:SecureTransport", "false"), cond("Bool", "aws:SecureTransport", "true"), False),
    # [ops] ...IfExists: "if the key is not present, the condition is true" - looser.
    (cond("StringEquals", "k", "a", if_exists=True), cond("StringEquals", "k", "a"), False),
    (cond("StringEquals", "k", "a"), cond("StringEquals", "k", "a", if_exists=True), True),
    # [ops] ForAllValues and ForAnyValue are different tests: not interchangeable.
    (cond("StringEquals", "aws:TagKeys", "a", qualifier="forallvalues"),
     cond("StringEquals", "aws:TagKeys", "a", qualifier="foranyvalue"), False),
    # Another key entirely.
    (cond("StringEquals", "k", "a"), cond("StringEquals", "other", "a"), False),
])
def test_condition_implication_follows_the_documented_operators(strict: Condition, loose: Condition,
                                                               expected: bool) -> None:
    assert implies(strict, loose) is expected


def test_a_value_known_only_when_deployed_is_neither_stricter_nor_looser() -> None:
    unknown = Condition("stringequals", "k", (), unknown=True)
    assert implies(unknown, cond("StringEquals", "k", "a")) is None
    assert implies(cond("StringEquals", "k", "a"), unknown) is None


@pytest.mark.parametrize("narrow, wide, expected", [
    ("arn:aws:s3:::invoices-prod/*", "arn:aws:s3:::invoices-*", True),
    ("*", "arn:aws:s3:::invoices-prod/*", False),
    ("arn:aws:s3:::b/a?c", "arn:aws:s3:::b/*", True),
    ("arn:aws:s3:::b[1]", "arn:aws:s3:::b[1]", True),       # [ is a character in IAM
    ("arn:aws:s3:::b1", "arn:aws:s3:::b[1]", False),
])
def test_resource_containment_uses_iams_wildcards(narrow: str, wide: str, expected: bool) -> None:
    assert contained(narrow, wide) is expected


# ----------------------------------------------------------------------------- changes


ROLE = """\
Parameters:
  Endpoint: {Type: String}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
%s
"""

BASE = """\
              - Effect: Allow
                Action: [s3:GetObject, s3:PutObject]
                Resource: arn:aws:s3:::invoices-prod/*
                Condition:
                  StringEquals: {aws:SourceVpce: [vpce-1, vpce-2]}
                  IpAddress: {aws:SourceIp: 10.1.0.0/16}
              - Effect: Deny
                Action: s3:DeleteObject
                Resource: arn:aws:s3:::invoices-prod/*"""


def changes(base: str, head: str, path: str = "t.yaml", frame: str = ROLE) -> list[dict[str, Any]]:
    review = review_change({path: (frame % base).encode()}, {path: (frame % head).encode()}, {},
                           shipped_rules(), Settings())
    return [c.to_dict() | {"principal": d.principal} for d in review.delta for c in d.changes]


def kinds(found: list[dict[str, Any]]) -> list[str]:
    return sorted(c["kind"] for c in found)


@pytest.mark.parametrize("edit, kind, detail", [
    (("Resource: arn:aws:s3:::invoices-prod/*\n                Condition", 'Resource: "*"\n                Condition'),
     "wider-resources", "now on * (was arn:aws:s3:::invoices-prod/*)"),
    (("                  IpAddress: {aws:SourceIp: 10.1.0.0/16}\n", ""),
     "condition-removed", "IpAddress aws:SourceIp 10.1.0.0/16"),
    (("10.1.0.0/16", "10.0.0.0/8"), "condition-loosened", "now IpAddress aws:SourceIp 10.0.0.0/8"),
    (("[vpce-1, vpce-2]", "[vpce-1, vpce-2, vpce-3]"), "condition-loosened", "vpce-3"),
    (("StringEquals: {aws:SourceVpce: [vpce-1, vpce-2]}", "StringLike: {aws:SourceVpce: [vpce-*]}"),
     "condition-loosened", "StringLike aws:SourceVpce vpce-*"),
    (("              - Effect: Deny\n                Action: s3:DeleteObject\n"
      "                Resource: arn:aws:s3:::invoices-prod/*", ""), "deny-removed", "no longer denied"),
    (("                Action: s3:DeleteObject\n                Resource: arn:aws:s3:::invoices-prod/*",
      "                Action: s3:DeleteObject\n                Resource: arn:aws:s3:::invoices-prod/archive/*"),
     "deny-narrowed", "denied more narrowly"),
    (("Action: [s3:GetObject, s3:PutObject]", "NotAction: [iam:*]"), "not-action", "every action but iam:*"),
    (("Resource: arn:aws:s3:::invoices-prod/*\n                Condition",
      "NotResource: arn:aws:s3:::audit/*\n                Condition"), "not-resource", "every resource but"),
    (("Resource: arn:aws:s3:::invoices-prod/*\n                Condition",
      "Resource: !Sub 'arn:aws:s3:::${Endpoint}/*'\n                Condition"), "may-widen", "its Resource is known only when deployed"),
    (("[vpce-1, vpce-2]", "!Ref Endpoint"), "may-widen", "known only when deployed"),
])
def test_each_kind_of_widening_is_one_change_with_its_lines(edit: tuple[str, str], kind: str, detail: str) -> None:
    head = BASE.replace(*edit)
    assert head != BASE
    found = changes(BASE, head)
    assert kind in kinds(found), found
    [item] = [c for c in found if c["kind"] == kind]
    assert detail in item["detail"], item
    assert item["line"] > 1 and item["principal"] == "Role"
    if kind != "deny-removed":
        assert item["base_line"] is not None


@pytest.mark.parametrize("edit", [
    # reordered values
    ("Action: [s3:GetObject, s3:PutObject]", "Action: [s3:PutObject, s3:GetObject]"),
    ("[vpce-1, vpce-2]", "[vpce-2, vpce-1]"),
    # a statement split in two
    ("                Action: [s3:GetObject, s3:PutObject]\n",
     "                Action: s3:GetObject\n                Resource: arn:aws:s3:::invoices-prod/*\n"
     "                Condition:\n                  StringEquals: {aws:SourceVpce: [vpce-1, vpce-2]}\n"
     "                  IpAddress: {aws:SourceIp: 10.1.0.0/16}\n              - Effect: Allow\n"
     "                Action: s3:PutObject\n"),
    # narrower: a condition added, a resource narrowed, a value list shrunk, a CIDR narrowed
    ("                  IpAddress: {aws:SourceIp: 10.1.0.0/16}\n",
     "                  IpAddress: {aws:SourceIp: 10.1.0.0/16}\n                  Bool: {aws:SecureTransport: 'true'}\n"),
    ("Resource: arn:aws:s3:::invoices-prod/*\n                Condition",
     "Resource: arn:aws:s3:::invoices-prod/2026/*\n                Condition"),
    ("[vpce-1, vpce-2]", "[vpce-1]"),
    ("10.1.0.0/16", "10.1.2.0/24"),
    # a Deny widened
    ("                Action: s3:DeleteObject\n", "                Action: s3:Delete*\n"),
])
def test_access_that_only_moved_or_narrowed_is_no_change(edit: tuple[str, str]) -> None:
    head = BASE.replace(*edit)
    assert head != BASE
    assert changes(BASE, head) == []


def test_a_github_actions_trust_loosened_to_any_repository_of_the_organisation() -> None:
    """The real pull request the issue describes: StringEquals on sub to StringLike repo:acme/*."""
    frame = """\
Resources:
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com}
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
%s
"""
    base = ("              StringEquals:\n                token.actions.githubusercontent.com:aud: sts.amazonaws.com\n"
            "                token.actions.githubusercontent.com:sub: repo:acme/app:ref:refs/heads/main")
    head = ("              StringEquals:\n                token.actions.githubusercontent.com:aud: sts.amazonaws.com\n"
            "              StringLike:\n                token.actions.githubusercontent.com:sub: repo:acme/*")
    [item] = changes(base, head, frame=frame)
    assert item["principal"] == "Deploy (trust policy)" and item["kind"] == "condition-loosened"
    assert "now StringLike token.actions.githubusercontent.com:sub repo:acme/*" in item["detail"]
    assert "was StringEquals token.actions.githubusercontent.com:sub repo:acme/app:ref:refs/heads/main" in item["detail"]


def test_a_resource_policy_letting_in_another_principal() -> None:
    frame = """\
Resources:
  Bucket: {Type: AWS::S3::Bucket}
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
%s
"""
    base = ("          - Effect: Allow\n            Principal: {AWS: arn:aws:iam::111122223333:root}\n"
            "            Action: s3:GetObject\n            Resource: arn:aws:s3:::b/*")
    head = base.replace("{AWS: arn:aws:iam::111122223333:root}", "{AWS: [arn:aws:iam::111122223333:root, '444455556666']}")
    found = changes(base, head, frame=frame)
    assert kinds(found) == ["principal-added"] and "AWS:444455556666" in found[0]["detail"]
    # The account id and its root ARN are the same principal: no change.
    same = base.replace("{AWS: arn:aws:iam::111122223333:root}", "{AWS: '111122223333'}")
    assert changes(base, same, frame=frame) == []
    added = base + ("\n          - Effect: Allow\n            Principal: '*'\n            Action: s3:ListBucket\n"
                    "            Resource: arn:aws:s3:::b")
    assert "new-grant" in kinds(changes(base, added, frame=frame))


def test_terraform_a_policy_document_widened_to_every_resource() -> None:
    frame = """\
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["s3:GetObject"]
%s
  }
}
resource "aws_iam_role_policy" "p" {
  role   = "app"
  policy = data.aws_iam_policy_document.p.json
}
"""
    found = changes('    resources = ["arn:aws:s3:::invoices-prod/*"]', '    resources = ["*"]', "main.tf", frame)
    # Shown at the resources line in head, and at the statement it replaces in base.
    assert kinds(found) == ["wider-resources"] and found[0]["line"] == 4 and found[0]["base_line"] == 2


def test_serverless_a_condition_dropped_from_the_functions_role() -> None:
    frame = """\
service: billing
provider:
  name: aws
  runtime: python3.12
  iam:
    role:
      statements:
        - Effect: Allow
          Action: sqs:SendMessage
          Resource: arn:aws:sqs:eu-west-1:111122223333:q
%s
functions:
  f: {handler: h.main}
"""
    base = "          Condition:\n            ArnEquals: {aws:SourceArn: arn:aws:sns:eu-west-1:111122223333:t}"
    found = changes(base, "", "serverless.yml", frame)
    assert kinds(found) == ["condition-removed"] and "ArnEquals aws:SourceArn" in found[0]["detail"]


def corpus_files() -> list[Path]:
    found = []
    for folder in ("iac", "terraform", "serverless"):
        root = CORPUS / folder
        found += sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (
            ".yaml", ".yml", ".json", ".template", ".tf"))
    return found


def test_every_policy_of_the_corpus_compared_with_itself_is_no_change() -> None:
    """No crash, and no "may widen" where nothing changed: a document against itself."""
    files = corpus_files()
    assert len(files) > 200
    for start in range(0, len(files), 100):
        batch = {str(p.relative_to(CORPUS)): p.read_bytes()[:2_000_000] for p in files[start:start + 100]}
        docs = evaluate(batch, shipped_rules(), Settings()).documents
        found = holders(docs)
        assert access_changes(found, holders(docs), {}) == {}


def reach_of(base: str, head: str, frame: str) -> list[dict[str, Any]]:
    review = review_change({"t.yaml": (frame % base).encode()}, {"t.yaml": (frame % head).encode()}, {},
                           shipped_rules(), Settings())
    return [r.to_dict() for r in review.reach]


TRUST = """\
Resources:
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
%s
  Untouched:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
"""


def test_who_can_assume_a_role_the_change_touches_with_what_is_new() -> None:
    """Issue 19, point 3: the trust's principals with the conditions that say which of them."""
    base = ("          - Effect: Allow\n            Principal: {AWS: arn:aws:iam::111122223333:root}\n"
            "            Action: sts:AssumeRole\n"
            "            Condition: {StringEquals: {sts:ExternalId: partner-7}}")
    head = base + ("\n          - Effect: Allow\n            Principal: {AWS: '444455556666'}\n"
                   "            Action: sts:AssumeRole")
    [view] = reach_of(base, head, TRUST)  # the untouched role is not listed
    assert view["holder"] == "Deploy" and view["kind"] == "assume" and not view["new_holder"]
    entries = {e["principal"]: e for e in view["entries"]}
    assert entries["AWS:arn:aws:iam::111122223333:root"]["new"] is False
    assert entries["AWS:arn:aws:iam::111122223333:root"]["conditions"] == ["StringEquals sts:ExternalId partner-7"]
    assert entries["AWS:444455556666"]["new"] is True and entries["AWS:444455556666"]["conditions"] == []
    assert reach_of(base, base, TRUST) == []


def test_who_can_reach_a_new_bucket_policy() -> None:
    frame = "Resources:\n  B: {Type: AWS::S3::Bucket}\n%s\n"
    head = """\
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: cloudfront.amazonaws.com}
            Action: s3:GetObject
            Resource: arn:aws:s3:::site/*
            Condition: {StringEquals: {aws:SourceArn: arn:aws:cloudfront::111122223333:distribution/E1}}"""
    [view] = reach_of("", head, frame)
    assert view["holder"] == "P" and view["kind"] == "reach" and view["new_holder"]
    [entry] = view["entries"]
    assert entry["principal"] == "Service:cloudfront.amazonaws.com" and entry["new"]
    assert entry["conditions"] == ["StringEquals aws:SourceArn arn:aws:cloudfront::111122223333:distribution/E1"]
    from reviewer.report import Report, markdown, text

    report = Report("diff", [], shipped_rules(), reach=review_change(
        {"t.yaml": (frame % "").encode()}, {"t.yaml": (frame % head).encode()}, {}, shipped_rules(),
        Settings()).reach)
    assert "P (t.yaml) [new] can be reached by:" in text.render(report)
    assert "### Who can assume or reach what this change touches" in markdown.summary(report)


@pytest.mark.parametrize("path, base, head", [
    ("t.yaml", "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n"
               "      PermissionsBoundary: arn:aws:iam::111122223333:policy/org-boundary\n",
     "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n"),
    ("main.tf", 'resource "aws_iam_role" "R" {\n  assume_role_policy = "{}"\n'
                '  permissions_boundary = "arn:aws:iam::111122223333:policy/org-boundary"\n}\n',
     'resource "aws_iam_role" "R" {\n  assume_role_policy = "{}"\n}\n'),
])
def test_a_removed_permissions_boundary_is_in_the_delta(path: str, base: str, head: str) -> None:
    review = review_change({path: base.encode()}, {path: head.encode()}, {}, shipped_rules(), Settings())
    found = [(c.kind, c.detail) for d in review.delta for c in d.changes]
    assert found == [("boundary-removed", "was arn:aws:iam::111122223333:policy/org-boundary")]


def test_only_the_organisation_sets_guardrails() -> None:
    from reviewer.config.settings import layer, parse_settings

    repo = parse_settings(".github/policy-reviewer.yml",
                          "guardrails:\n  service_control_policies:\n    open: {Statement: []}\n")
    org = parse_settings("config.yml", "guardrails:\n  service_control_policies:\n"
                                       "    no-iam: {Statement: [{Effect: Deny, Action: 'iam:*', Resource: '*'}]}\n")
    _, merged = layer(shipped_rules(), org, repo, {})
    assert list(merged.guardrails["service_control_policies"]) == ["no-iam"]
    assert any(p.rule_id == "config-locked" and "set guardrails" in p.message for p in merged.problems)


def test_a_resource_policy_gain_an_rcp_certainly_denies_says_so() -> None:
    import dataclasses

    frame = ("Resources:\n  P:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [q]\n"
             "      PolicyDocument:\n        Statement:\n%s\n")
    base = "          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: sqs:SendMessage, Resource: '*'}"
    head = base + "\n          - {Effect: Allow, Principal: {AWS: '444455556666'}, Action: sqs:DeleteQueue, Resource: '*'}"
    rcps = {"resource_control_policies": {
        "no-queue-deletes": {"Statement": [{"Effect": "Deny", "Action": "sqs:DeleteQueue", "Resource": "*"}]}}}
    settings = dataclasses.replace(Settings(), guardrails=rcps)
    review = review_change({"t.yaml": (frame % base).encode()}, {"t.yaml": (frame % head).encode()}, {},
                           shipped_rules(), settings)
    [change] = [c for d in review.delta for c in d.changes]
    assert change.kind == "new-grant" and "denied by the organisation's RCP no-queue-deletes" in change.detail


# ----------------------------------------------------------------------------- review findings

REF = """\
Resources:
  Bucket: {Type: AWS::S3::Bucket}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
%s
"""


def test_an_unchanged_value_known_only_when_deployed_is_no_change() -> None:
    base = ('              - {Effect: Allow, Action: [s3:GetObject, s3:PutObject], '
            'Resource: !Sub "${Bucket.Arn}/*"}')
    narrowed = base.replace("[s3:GetObject, s3:PutObject]", "[s3:GetObject]")
    assert changes(base, narrowed, frame=REF) == []
    attribute = "              - {Effect: Allow, Action: [s3:GetObject, s3:PutObject], Resource: !GetAtt Bucket.Arn}"
    assert changes(attribute, attribute.replace(", s3:PutObject", ""), frame=REF) == []
    [wider] = changes(base, base.replace('!Sub "${Bucket.Arn}/*"', '"*"'), frame=REF)
    assert wider["kind"] == "wider-resources" and "(was ${Bucket.Arn}/*)" in wider["detail"]


def test_a_wildcard_granting_the_same_single_action_on_wider_resources_is_seen() -> None:
    base = "              - {Effect: Allow, Action: sqs:SendMessage, Resource: arn:aws:sqs:eu-west-1:111122223333:q}"
    head = '              - {Effect: Allow, Action: "sqs:SendMessage*", Resource: "*"}'
    assert kinds(changes(base, head, frame=REF)) == ["wider-resources"]


def test_not_resource_is_compared_with_not_resource() -> None:
    base = ("              - {Effect: Allow, Action: s3:GetObject, Resource: arn:aws:s3:::a/*}\n"
            "              - {Effect: Allow, Action: s3:ListBucket, NotResource: arn:aws:s3:::x}")
    head = ("              - {Effect: Allow, Action: s3:GetObject, NotResource: arn:aws:s3:::x/*}\n"
            "              - {Effect: Allow, Action: s3:ListBucket, NotResource: arn:aws:s3:::x}")
    assert kinds(changes(base, head, frame=REF)) == ["wider-resources"]
    fewer = ("              - {Effect: Allow, Action: s3:ListBucket, NotResource: [arn:aws:s3:::x, arn:aws:s3:::y]}")
    found = changes(fewer, fewer.replace(", arn:aws:s3:::y", ""), frame=REF)
    assert kinds(found) == ["wider-resources"] and "every resource but arn:aws:s3:::x" in found[0]["detail"]


def test_merged_statements_and_principals_are_no_change() -> None:
    base = ("              - {Effect: Allow, Action: s3:GetObject, Resource: arn:aws:s3:::a/*}\n"
            "              - {Effect: Allow, Action: s3:GetObject, Resource: arn:aws:s3:::b/*}")
    head = "              - {Effect: Allow, Action: s3:GetObject, Resource: [arn:aws:s3:::a/*, arn:aws:s3:::b/*]}"
    assert changes(base, head, frame=REF) == []
    frame = ("Resources:\n  P:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [q]\n"
             "      PolicyDocument:\n        Statement:\n%s\n")
    two = ("          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: sqs:SendMessage, Resource: '*'}\n"
           "          - {Effect: Allow, Principal: {AWS: '444455556666'}, Action: sqs:SendMessage, Resource: '*'}")
    one = ("          - {Effect: Allow, Principal: {AWS: ['111122223333', '444455556666']}, "
           "Action: sqs:SendMessage, Resource: '*'}")
    assert changes(two, one, frame=frame) == []


def test_a_deny_split_is_no_change_and_one_that_spares_more_is_narrowed() -> None:
    frame = ("Resources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: b\n"
             "      PolicyDocument:\n        Statement:\n%s\n")
    base = "          - {Effect: Deny, Principal: '*', Action: [s3:DeleteObject, s3:PutObject], Resource: 'arn:aws:s3:::b/*'}"
    split = ("          - {Effect: Deny, Principal: '*', Action: s3:DeleteObject, Resource: 'arn:aws:s3:::b/*'}\n"
             "          - {Effect: Deny, Principal: '*', Action: s3:PutObject, Resource: 'arn:aws:s3:::b/*'}")
    assert changes(base, split, frame=frame) == []
    one_account = base.replace("Principal: '*'", "Principal: {AWS: '111122223333'}")
    assert kinds(changes(base, one_account, frame=frame)) == ["deny-narrowed"]
    spared = base.replace("Resource: 'arn:aws:s3:::b/*'", "NotResource: 'arn:aws:s3:::b/keep/*'")
    assert kinds(changes(base, spared, frame=frame)) == ["deny-narrowed"]


def test_ifexists_on_a_negated_operator_changes_nothing() -> None:
    """[ops] A negated operator is true when the key is absent: IfExists adds nothing."""
    base = ("              - Effect: Allow\n                Action: s3:GetObject\n"
            "                Resource: arn:aws:s3:::a/*\n"
            "                Condition: {StringNotEquals: {aws:PrincipalTag/team: guest}}")
    head = base.replace("StringNotEquals:", "StringNotEqualsIfExists:")
    assert changes(base, head, frame=REF) == []


def test_a_budget_bounds_the_comparison_and_says_what_it_left(monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer.engine import access_delta

    monkeypatch.setattr(access_delta, "MAX_COMPARISONS", 50)
    base = "\n".join(f"              - {{Effect: Allow, Action: sqs:SendMessage, Resource: arn:aws:sqs:eu-west-1:1:q{i}}}"
                     for i in range(40))
    head = base.replace("sqs:SendMessage", "sqs:ReceiveMessage")
    found = changes(base, head, frame=REF)
    # Out of comparisons after the first statements: what is left is "may widen", never
    # taken as no change.
    assert any(c["kind"] == "may-widen" and c["detail"] == "too large to compare in full" for c in found)


@pytest.mark.parametrize("strict, loose, expected", [
    # [ops] Several values: the condition matches if any does, so the largest limit counts.
    (cond("NumericLessThan", "k", "5", "100"), cond("NumericLessThan", "k", "10"), False),
    (cond("NumericLessThan", "k", "10"), cond("NumericLessThanEquals", "k", "10"), True),
    (cond("NumericLessThanEquals", "k", "10"), cond("NumericLessThan", "k", "10"), False),
    (cond("NumericGreaterThan", "k", "10"), cond("NumericGreaterThan", "k", "5", "20"), True),
    # [ops] A negated operator holds when the key is absent: IfExists changes nothing there.
    (cond("StringNotEquals", "k", "a", if_exists=True), cond("StringNotEquals", "k", "a"), True),
    # Case-insensitive exclusion is wider than the case-sensitive one.
    (cond("StringNotEquals", "k", "a"), cond("StringNotEqualsIgnoreCase", "k", "a"), False),
])
def test_more_operator_cases(strict: Condition, loose: Condition, expected: bool) -> None:
    assert implies(strict, loose) is expected


def test_a_question_mark_stands_for_one_character_never_for_a_run() -> None:
    assert not contained("arn:aws:s3:::b/*", "arn:aws:s3:::b/?")
    assert contained("arn:aws:s3:::b/x", "arn:aws:s3:::b/?")


def test_a_hostile_wildcard_pattern_is_matched_in_bounded_time() -> None:
    """A regular expression of many ``.*`` would backtrack for ever on this (the test would
    never end); the two-pointer match takes at most len(pattern) x len(text) steps."""
    assert not contained("a" * 2000, "*a" * 60 + "b")
    assert contained("a" * 2000 + "b", "*a" * 60 + "b")
