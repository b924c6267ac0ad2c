"""valid-actions and valid-condition-keys against AWS's current service reference."""

from __future__ import annotations

import json

from tests.conftest import run


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def actions_found(*statements: dict, config: dict | None = None) -> list:
    return run(policy(*statements), rule="valid-actions", path="p.json", config=config)


def keys_found(action: object, condition: dict, config: dict | None = None) -> list:
    return run(policy({"Effect": "Allow", "Action": action, "Resource": "*", "Condition": condition}),
               rule="valid-condition-keys", path="p.json", config=config)


def test_a_misspelt_action_gets_the_nearest_real_ones() -> None:
    [finding] = actions_found({"Effect": "Allow", "Action": "dynamodb:PutItems", "Resource": "*"})
    assert "dynamodb:PutItem" in finding.message and finding.severity == "error"


def test_typos_in_deny_and_notaction_are_found_too() -> None:
    found = actions_found({"Effect": "Deny", "Action": "iam:DeleteRoles", "Resource": "*"},
                          {"Effect": "Allow", "NotAction": "iam:PassRoles", "Resource": "*"})
    assert sorted(f.value for f in found) == ["Action:iam:deleteroles", "NotAction:iam:passroles"]


def test_an_api_call_written_as_an_action_says_which_action_authorises_it() -> None:
    [finding] = actions_found({"Effect": "Allow", "Action": "s3:HeadBucket", "Resource": "*"})
    assert finding.message == ('"s3:HeadBucket" is an API call, not an IAM action: IAM '
                               "authorises it with s3:ListBucket")


def test_an_unknown_service_is_a_warning_that_admins_can_silence() -> None:
    statement = {"Effect": "Allow", "Action": "acme-internal:Deploy", "Resource": "*"}
    [finding] = actions_found(statement)
    assert finding.severity == "warning" and "not a service AWS documents" in finding.message
    config = {"rules": {"valid-actions": {"with": {"ignore_services": ["acme-internal"]}}}}
    assert actions_found(statement, config=config) == []


def test_real_actions_in_any_case_pass() -> None:
    assert actions_found({"Effect": "Allow", "Action": ["S3:getObject", "s3:List*", "*"],
                          "Resource": "*"}) == []


def test_condition_keys_of_the_actions_and_global_ones_pass() -> None:
    assert keys_found(["s3:ListBucket", "s3:GetObject"], {
        "StringLike": {"s3:prefix": "home/*"},
        "StringEquals": {"aws:PrincipalTag/team": "orders", "s3:ExistingObjectTag/x": "y",
                         "AWS:SOURCEVPCE": "vpce-1"}}) == []


def test_a_key_of_another_service_is_reported_with_a_hint() -> None:
    [finding] = keys_found("sqs:SendMessage", {"StringEquals": {"s3:prefix": "x"}})
    assert finding.start_line == 1 and "not a condition key of these actions" in finding.message
    [typo] = keys_found("s3:GetObject", {"Bool": {"aws:SecureTransprt": "true"}})
    assert "did you mean aws:SecureTransport?" in typo.message


def test_keys_that_cannot_be_judged_are_left_alone() -> None:
    assert keys_found("*", {"StringEquals": {"s3:prefix": "x"}}) == []
    assert keys_found("sts:AssumeRoleWithWebIdentity",
                      {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:a/*"}}) == []
    config = {"rules": {"valid-condition-keys": {"with": {"ignore_keys": ["s3:prefix"]}}}}
    assert keys_found("sqs:SendMessage", {"StringEquals": {"s3:prefix": "x"}}, config=config) == []


def test_a_tag_key_that_the_data_writes_as_plain_tag_key_matches_any_tag() -> None:
    # Secrets Manager documents "secretsmanager:ResourceTag/tag-key" (seen on the External
    # Secrets policy of terraform-aws-iam): the tag is any tag, not one named "tag-key".
    assert keys_found("secretsmanager:GetSecretValue",
                      {"StringEquals": {"secretsmanager:ResourceTag/managed-by": "eso"}}) == []
    assert keys_found("secretsmanager:GetSecretValue",
                      {"StringEquals": {"secretsmanager:Resourcetags/managed-by": "eso"}}) != []


def test_an_action_nothing_like_any_known_one_is_said_mildly() -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObjekt", "s3:Zzqxwv"], "Resource": "*"}]})
    found = {f.message.split('"')[1]: f for f in run(policy, rule="valid-actions", path="p.json")}
    typo, unknown = found["s3:GetObjekt"], found["s3:Zzqxwv"]
    assert typo.severity == "error" and "did you mean s3:GetObject" in typo.message
    assert unknown.severity == "warning" and "newer than that data" in unknown.message
