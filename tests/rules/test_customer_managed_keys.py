"""customer-managed-keys: the opt-in rule for a key the organisation controls (issue 8)."""

from __future__ import annotations

import pytest

from tests.conftest import run, shipped_rules

RULE = "customer-managed-keys"


def test_it_is_opt_in() -> None:
    """A matter of policy: off unless the organisation switches it on."""
    spec = shipped_rules()[RULE]
    assert not spec.enabled and spec.severity == "warning"
    # encryption-in-transit asks the bare bucket for a TLS-only policy: another rule's business.
    config = {"rules": {"template-valid": {"enabled": False}, "encryption-in-transit": {"enabled": False}}}
    assert [f.rule_id for f in run("Resources:\n  B: {Type: AWS::S3::Bucket}\n", config=config)] == []
    config["rules"][RULE] = {"enabled": True}
    assert [f.rule_id for f in run("Resources:\n  B: {Type: AWS::S3::Bucket}\n", config=config)] == [RULE]


@pytest.mark.parametrize("resource", [
    "{Type: AWS::S3::Bucket}",
    "{Type: AWS::S3::Bucket, Properties: {BucketEncryption: {ServerSideEncryptionConfiguration: "
    "[{ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}}]}}}",
    "{Type: AWS::S3::Bucket, Properties: {BucketEncryption: {ServerSideEncryptionConfiguration: "
    "[{ServerSideEncryptionByDefault: {SSEAlgorithm: 'aws:kms', KMSMasterKeyID: alias/aws/s3}}]}}}",
    "{Type: AWS::SQS::Queue}",
    "{Type: AWS::SQS::Queue, Properties: {SqsManagedSseEnabled: true}}",
    "{Type: AWS::SQS::Queue, Properties: {KmsMasterKeyId: 'arn:aws:kms:eu-west-1:111111111111:alias/aws/sqs'}}",
    "{Type: AWS::SNS::Topic}",
    "{Type: AWS::DynamoDB::Table, Properties: {SSESpecification: {SSEEnabled: false}}}",
    "{Type: AWS::DynamoDB::Table, Properties: {SSESpecification: {SSEEnabled: true, KMSMasterKeyId: alias/aws/dynamodb}}}",
    "{Type: AWS::Serverless::SimpleTable}",
    "{Type: AWS::DynamoDB::GlobalTable, Properties: {Replicas: [{Region: eu-west-1}]}}",
])
def test_aws_owned_and_managed_keys_are_reported(resource: str) -> None:
    [finding] = run(f"Resources:\n  Data: {resource}\n", rule=RULE)
    assert "not encrypted with a customer-managed KMS key" in finding.message


@pytest.mark.parametrize("key", [
    "!Ref Key", "!GetAtt Key.Arn", "alias/billing", "alias/awsome", "mrk-1234abcd12ab34cd56ef1234567890ab",
    "1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:kms:eu-west-1:111111111111:alias/billing",
])
def test_the_organisations_keys_pass(key: str) -> None:
    template = f"""\
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {{SSEAlgorithm: aws:kms, KMSMasterKeyID: {key}}}
  Queue: {{Type: AWS::SQS::Queue, Properties: {{KmsMasterKeyId: {key}}}}}
  Topic: {{Type: AWS::SNS::Topic, Properties: {{KmsMasterKeyId: {key}}}}}
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {{SSESpecification: {{SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: {key}}}}}
  Global:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      SSESpecification: {{SSEEnabled: true, SSEType: KMS}}
      Replicas: [{{Region: eu-west-1, SSESpecification: {{KMSMasterKeyId: {key}}}}}]
"""
    assert run(template, rule=RULE) == []
