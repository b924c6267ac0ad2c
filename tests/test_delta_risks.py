"""The permission delta says what is at stake: risk labels, riskiest first (issue 8, point 5)."""

from __future__ import annotations

import json

from reviewer.config.settings import Settings
from reviewer.pipeline import review_change
from reviewer.report import Report
from reviewer.report import markdown, sarif, text
from tests.conftest import shipped_rules

POLICY = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [%s]
                Resource: "*"
"""


def delta(base: str, head: str) -> tuple[list, Report]:
    rules = shipped_rules()
    review = review_change({"t.yaml": (POLICY % base).encode()}, {"t.yaml": (POLICY % head).encode()},
                           {}, rules, Settings())
    report = Report("diff", review.comparison.findings, rules, fixed=review.comparison.fixed,
                    delta=review.delta, base="a", head="b")
    return review.delta, report


def test_gained_actions_are_labelled_and_riskiest_first() -> None:
    [item], report = delta(
        "lambda:GetFunction",
        "lambda:GetFunction, sqs:SendMessage, s3:GetObject, sts:GetSessionToken, "
        "s3:PutBucketPolicy, iam:PassRole, lambda:CreateFunction, lambda:InvokeFunction")
    assert item.principal == "Role"
    assert item.added == ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction",
                          "sts:GetSessionToken", "s3:PutBucketPolicy", "s3:GetObject",
                          "sqs:SendMessage"]
    assert item.risks["iam:PassRole"][0] == "privilege escalation"
    assert item.risks["sts:GetSessionToken"] == ["credentials exposure"]
    assert item.risks["s3:PutBucketPolicy"][0] == "resource exposure"
    assert item.risks["s3:GetObject"] == ["data exfiltration"]
    assert item.risks["sqs:SendMessage"] == ["infrastructure modification"]
    assert item.escalation == ["PassExistingRoleToNewLambdaThenInvoke"]
    # Grouped by what is at stake, riskiest first, on the resources the statements name.
    assert ("on *: privilege escalation 3 (iam:PassRole, lambda:CreateFunction, lambda:InvokeFunction), "
            "credentials exposure 1 (sts:GetSessionToken)") in text.render(report)
    assert "can now escalate its privileges: PassExistingRoleToNewLambdaThenInvoke" in text.render(report)
    assert "**can escalate privileges (PassExistingRoleToNewLambdaThenInvoke)**" in markdown.summary(report)
    props = json.loads(sarif.render(report))["runs"][0]["properties"]["permissionDelta"]
    assert props[0]["risks"]["s3:GetObject"] == ["data exfiltration"]


def test_an_escalation_completed_by_the_change_labels_what_was_already_there() -> None:
    """PassRole was granted before; the change adds the two actions that complete the path."""
    [item], _ = delta("iam:PassRole", "iam:PassRole, lambda:CreateFunction, lambda:InvokeFunction")
    assert item.added == ["lambda:CreateFunction", "lambda:InvokeFunction"]
    assert all(item.risks[a][0] == "privilege escalation" for a in item.added)
    assert item.escalation == ["PassExistingRoleToNewLambdaThenInvoke"]


def test_a_wildcards_message_names_its_riskiest_actions_first() -> None:
    """Issue 19, point 6: not the first five of the alphabet, but what is at stake."""
    from reviewer.rules.no_wildcard_actions import describe_grant

    text = describe_grant("s3:Get*")
    assert text.startswith('"s3:Get*" grants 63 actions: s3:GetObject [data exfiltration], '
                           "s3:GetObjectVersion [data exfiltration], ")
    kms = describe_grant("kms:*")
    assert kms.index("kms:Decrypt") < kms.index(", and ")  # among the five shown
    assert "kms:ConnectCustomKeyStore" not in kms


def test_a_gain_an_scp_certainly_denies_is_shown_as_denied_and_puts_nothing_at_stake() -> None:
    """Issue 19, point 5: the organisation's service control policies in the delta."""
    import dataclasses

    rules = shipped_rules()
    base = (POLICY % "lambda:GetFunction").encode()
    head = (POLICY % "lambda:GetFunction, iam:PassRole, lambda:CreateFunction, lambda:InvokeFunction, "
                     "s3:GetObject").encode()
    scps = {"service_control_policies": {
        "no-iam": {"Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]},
        # Under a condition: not certain, so it denies nothing here.
        "s3-in-eu": {"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                                    "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}}]}}}
    settings = dataclasses.replace(Settings(), guardrails=scps)
    [item] = review_change({"t.yaml": base}, {"t.yaml": head}, {}, rules, settings).delta
    assert item.denied == {"iam:PassRole": "no-iam"}
    assert item.risks["iam:PassRole"] == [] and item.risks["s3:GetObject"] == ["data exfiltration"]
    assert item.escalation == []  # PassRole is a step of the path, and it is denied
    labels = [label for _, risks in item.grouped() for label, _ in risks]
    assert "denied by the organisation's SCP no-iam" in labels
    # Without the guardrails: the escalation path is complete.
    [plain] = review_change({"t.yaml": base}, {"t.yaml": head}, {}, rules, Settings()).delta
    assert plain.escalation == ["PassExistingRoleToNewLambdaThenInvoke"]


def test_an_allow_list_scp_denies_what_it_does_not_list() -> None:
    from reviewer.engine.guardrails import denied_by

    allow_list = {"only-some": {"Statement": [{"Effect": "Allow", "Action": ["s3:*", "sqs:*"], "Resource": "*"}]}}
    assert denied_by("iam:PassRole", allow_list) == "only-some"
    assert denied_by("s3:GetObject", allow_list) is None
    assert denied_by("iam:PassRole", {"full": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}}) is None
