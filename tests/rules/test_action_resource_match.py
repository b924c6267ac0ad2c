"""action-resource-match: an action granted only on resources it cannot act on."""

from __future__ import annotations

import json

import pytest

from reviewer.engine.arns import may_match
from tests.conftest import run

OBJECT = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
BUCKET = "arn:${Partition}:s3:::${BucketName}"
LOG_GROUP = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}"


@pytest.mark.parametrize("fmt,arn,expected", [
    (OBJECT, "arn:aws:s3:::bucket", False),
    (OBJECT, "arn:aws:s3:::bucket/*", True),
    (OBJECT, "arn:aws:s3:::${Bucket}/reports/2026:q1.csv", True),
    (BUCKET, "arn:aws:s3:::bucket/*", False),  # bucket names hold no "/"
    (BUCKET, "arn:aws:s3:::*", True),
    (BUCKET, "arn:${AWS::Partition}:s3:::${Bucket}", True),
    (LOG_GROUP, "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/fn", True),
    (LOG_GROUP, "arn:aws:logs:*:*:log-group:/aws/lambda/*", True),
    (OBJECT, "arn:aws:sqs:eu-west-1:111111111111:queue", False),
    (OBJECT, "arn:aws:s3:*", True),  # a wildcard across fields: cannot be told
    (OBJECT, "arn:aws:s3:::" + "a*" * 400, True),  # long: bounded, not judged
])
def test_arn_patterns_against_documented_formats(fmt: str, arn: str, expected: bool) -> None:
    assert may_match(fmt, arn) is expected


def findings(statement: dict) -> list:
    return run(json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
               rule="action-resource-match", path="p.json")


def test_object_action_on_a_bucket_names_the_types_it_acts_on() -> None:
    [finding] = findings({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                          "Resource": "arn:aws:s3:::invoices"})
    assert finding.message.startswith("s3:GetObject cannot act on arn:aws:s3:::invoices: it acts on ")
    assert "object (arn:${Partition}:s3:::${BucketName}/${ObjectName})" in finding.message


def test_action_without_resource_level_permissions() -> None:
    [finding] = findings({"Effect": "Allow", "Action": "s3:ListAllMyBuckets",
                          "Resource": "arn:aws:s3:::invoices"})
    assert "supports no resource-level permissions" in finding.message


@pytest.mark.parametrize("resource", ["*", "${Whatever}", ["arn:aws:s3:::b", "*"]])
def test_resources_that_may_be_anything_are_not_judged(resource: object) -> None:
    assert findings({"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}) == []


def test_parameters_and_attributes_are_known_only_at_deploy_time() -> None:
    template = """\
        Parameters:
          Target: {Type: String, Default: "arn:aws:s3:::bucket"}
        Resources:
          P:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Statement:
                  - {Effect: Allow, Action: s3:GetObject, Resource: !Ref Target}
                  - {Effect: Allow, Action: s3:GetObject, Resource: !GetAtt Bucket.Arn}
        """
    assert run(template, rule="action-resource-match") == []


def test_a_prefix_two_apis_share_is_not_judged() -> None:
    # elasticloadbalancing:AddTags acts on v2 listeners too; the data lists only Classic's
    # load balancer (found on terraform-aws-iam's load balancer controller policy).
    assert findings({"Effect": "Allow", "Action": "elasticloadbalancing:AddTags",
                     "Resource": "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*"}) == []


def test_a_star_ending_a_segment_may_match_past_the_colons_after_it() -> None:
    # AWS's own AmazonRedshiftQueryEditorV2FullAccess: the account's "*" takes
    # "123456789012:secret", so this names the query editor's secrets.
    secret = "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}"
    assert may_match(secret, "arn:aws:secretsmanager:*:*:sqlworkbench!*")
    # Past a colon only: a volume is still no instance, whatever the stars before it.
    instance = "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}"
    assert not may_match(instance, "arn:aws:ec2:*:*:volume/vol-1")
    assert not may_match(secret, "arn:aws:secretsmanager:eu-west-1:111111111111:sqlworkbench!x")
