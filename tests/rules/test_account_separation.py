"""account-separation with the organisation's stage -> account map."""

from __future__ import annotations

from typing import Any

from tests.conftest import run

RULE = "account-separation"


def trust(principal: str, condition: str = "") -> str:
    return f"""\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {principal}
            Action: sts:AssumeRole
{condition}"""


def test_prod_trusted_by_dev_template(org_config: dict[str, Any]) -> None:
    findings = run(trust('{AWS: "arn:aws:iam::333333333333:role/ci"}'), rule=RULE,
                   path="stacks/dev/app.yaml", config=org_config)
    assert [(f.value, f.severity, f.start_line) for f in findings] == [
        ("cross-stage:333333333333", "error", 8)]


def test_whole_foreign_root_without_condition(org_config: dict[str, Any]) -> None:
    findings = run(trust('{AWS: "999999999999"}'), rule=RULE, path="prod.yaml", config=org_config)
    assert [f.value for f in findings] == ["trust-root:999999999999"]
    with_condition = trust('{AWS: "999999999999"}',
                           "            Condition: {StringEquals: {sts:ExternalId: x}}\n")
    assert run(with_condition, rule=RULE, path="prod.yaml", config=org_config) == []


def test_star_trust_is_found_without_any_configuration() -> None:
    [finding] = run(trust('"*"'), rule=RULE)
    assert finding.value == "trust:*"


def test_unknown_and_hardcoded_accounts(org_config: dict[str, Any]) -> None:
    template = """\
Resources:
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceAccount: "444444444444"
  Q:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy:
        deadLetterTargetArn: arn:aws:sqs:eu-west-1:111111111111:dlq
"""
    findings = run(template, rule=RULE, path="stacks/dev/app.yaml", config=org_config)
    assert [(f.value, f.severity, f.start_line) for f in findings] == [
        ("unknown:444444444444", "error", 8), ("hardcoded:111111111111", "warning", 13)]


def test_parameter_file_of_one_stage(org_config: dict[str, Any]) -> None:
    text = '{"Parameters": {"Stage": "staging", "Peer": "arn:aws:iam::222222222222:role/x",\n' \
           '  "Audit": "333333333333"}}'
    findings = run(text, rule=RULE, path="config/params.json", config=org_config)
    assert [(f.value, f.start_line) for f in findings] == [("cross-stage:333333333333", 2)]


def test_unquoted_account_ids_in_config_are_a_config_error() -> None:
    import pytest

    from reviewer.config.errors import ConfigError
    from reviewer.config.settings import parse_settings

    with pytest.raises(ConfigError) as info:
        parse_settings("org.yml", "organisation:\n  accounts:\n    dev: 011111111111\n")
    assert info.value.line == 3 and info.value.key == "organisation.accounts.dev"


def test_standalone_resource_policy_and_string_documents() -> None:
    bucket_policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n' \
                    ' "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}'
    [finding] = run(bucket_policy, rule=RULE, path="bucket-policy.json")
    assert finding.value == "trust:*" and finding.start_line == 2
    as_text = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: '{"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "x"}, "Action": "sts:AssumeRole"}]}'
"""
    [finding] = run(as_text, rule=RULE)
    assert finding.value == "trust:notprincipal" and finding.start_line == 5


# --- Not every 12-digit number is an account the template reaches (issue 8) ------------------

def test_example_account_ids_in_text_for_people_are_not_accounts(org_config: dict[str, Any]) -> None:
    template = """\
Description: "Lets the tools account (e.g. arn:aws:iam::123456789012:root) deploy"
Metadata:
  Notes: {Origin: "copied from arn:aws:sqs:eu-west-1:444455556666:orders"}
Parameters:
  ToolsRole:
    Type: String
    Description: "The deployer, like arn:aws:iam::123456789012:role/deployer"
    ConstraintDescription: "a role ARN such as arn:aws:iam::123456789012:role/deployer"
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Metadata:
      Docs: "see arn:aws:sqs:eu-west-1:444455556666:orders for the shape"
  Role:
    Type: AWS::IAM::Role
    Properties:
      Description: "was trusted by arn:aws:iam::777788889999:root"
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: "arn:aws:iam::555555555555:role/ci"}
            Action: sts:AssumeRole
            Condition: {StringEquals: {sts:ExternalId: x}}
Outputs:
  Role: {Description: "assumed from 123456789012", Value: !GetAtt Role.Arn}
"""
    findings = run(template, rule=RULE, config=org_config)
    # The real trust stays a finding; the examples for people do not.
    assert [(f.value, f.start_line) for f in findings] == [("unknown:555555555555", 21)]


def test_cfn_init_metadata_is_configuration_not_prose(org_config: dict[str, Any]) -> None:
    template = """\
Resources:
  Host:
    Type: AWS::EC2::Instance
    Metadata:
      AWS::CloudFormation::Init:
        config:
          commands:
            pull: {command: "aws sqs receive-message --queue-url https://x --queue arn:aws:sqs:eu-west-1:444455556666:jobs"}
"""
    [finding] = run(template, rule=RULE, config=org_config)
    assert finding.value == "unknown:444455556666" and finding.start_line == 8


def test_elb_log_delivery_account_in_a_bucket_policy(org_config: dict[str, Any]) -> None:
    template = """\
Resources:
  LogsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Logs
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: ["arn:aws:iam::127311923021:root", "054676820928"]}
            Action: s3:PutObject
            Resource: !Sub "arn:aws:s3:::${Logs}/AWSLogs/${AWS::AccountId}/*"
"""
    assert run(template, rule=RULE, config=org_config) == []
    assert run(template, rule=RULE) == []  # nor trusted "as a whole account" without a config


def test_elb_account_trusted_by_a_role_is_still_reported(org_config: dict[str, Any]) -> None:
    findings = run(trust('{AWS: "arn:aws:iam::797873946194:root"}'), rule=RULE, config=org_config)
    assert sorted(f.value for f in findings) == ["trust-root:797873946194", "unknown:797873946194"]


def test_service_accounts_are_the_documented_elb_mapping() -> None:
    from reviewer.rules.account_separation import service_accounts

    accounts = service_accounts()
    documented = {"127311923021": "us-east-1", "033677994240": "us-east-2", "027434742980": "us-west-1",
                  "797873946194": "us-west-2", "156460612806": "eu-west-1", "054676820928": "eu-central-1",
                  "652711504416": "eu-west-2", "009996457667": "eu-west-3", "897822967062": "eu-north-1",
                  "582318560864": "ap-northeast-1", "600734575887": "ap-northeast-2",
                  "114774131450": "ap-southeast-1", "783225319266": "ap-southeast-2",
                  "718504428378": "ap-south-1", "985666609251": "ca-central-1", "507241528517": "sa-east-1"}
    for account, region in documented.items():
        assert accounts[account] == f"Elastic Load Balancing log delivery ({region})"
    assert all(len(a) == 12 and a.isdigit() for a in accounts)


def test_serverless_application_publisher_is_not_an_unknown_account(org_config: dict[str, Any]) -> None:
    template = """\
Mappings:
  Apps:
    eu-west-1: {Resizer: "arn:aws:serverlessrepo:eu-west-1:077246666028:applications/image-resizer"}
Resources:
  Resizer:
    Type: AWS::Serverless::Application
    Properties:
      Location:
        ApplicationId: arn:aws:serverlessrepo:us-east-1:077246666028:applications/image-resizer
        SemanticVersion: 1.2.0
  Regional:
    Type: AWS::Serverless::Application
    Properties:
      Location:
        ApplicationId: !FindInMap [Apps, !Ref "AWS::Region", Resizer]
        SemanticVersion: 1.2.0
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: serverlessrepo:UpdateApplication
            Resource: arn:aws:serverlessrepo:us-east-1:444455556666:applications/ours
"""
    findings = run(template, rule=RULE, config=org_config)
    # A grant on someone's application, inside a policy, is still judged.
    assert [(f.value, f.start_line) for f in findings] == [("unknown:444455556666", 24)]


def test_organisation_account_root_is_not_a_foreign_trust(org_config: dict[str, Any]) -> None:
    """A key policy's default statement written with the literal account id: the account is
    the organisation's, so it is not a trust in someone else's account (writing the id out
    is still a warning), while a partner's root without a condition stays an error."""
    template = """\
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Sid: Enable IAM policies
            Effect: Allow
            Principal: {AWS: "arn:aws:iam::111111111111:root"}
            Action: "kms:*"
            Resource: "*"
          - Effect: Allow
            Principal: {AWS: "arn:aws:iam::999999999999:root"}
            Action: kms:Decrypt
            Resource: "*"
"""
    findings = run(template, rule=RULE, config=org_config)
    assert sorted((f.value, f.severity) for f in findings) == [
        ("hardcoded:111111111111", "warning"), ("trust-root:999999999999", "error")]
    dev = run(template, rule=RULE, path="stacks/prod/key.yaml", config=org_config)
    assert sorted(f.value for f in dev) == ["cross-stage:111111111111", "trust-root:999999999999"]


def test_key_policy_root_of_an_account_not_known_to_be_ours_says_what_it_may_be() -> None:
    template = """\
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: {AWS: "arn:aws:iam::444455556666:root"}
            Action: "kms:*"
            Resource: "*"
"""
    [finding] = run(template, rule=RULE)
    assert finding.value == "trust-root:444455556666"
    assert "AWS's default key policy statement" in finding.message
    assert "organisation.accounts" in finding.message
    # Declared as the organisation's, it is no trust in someone else's account.
    config = {"organisation": {"accounts": {"dev": "444455556666"}}}
    assert [f.value for f in run(template, rule=RULE, config=config)] == ["hardcoded:444455556666"]


PRIVATE_API = """\
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        ResourcePolicy:
          CustomStatements:
            - {Effect: Allow, Principal: "*", Action: execute-api:Invoke, Resource: "execute-api:/*"}
%s
"""
GATE = """\
            - Effect: Deny
              Principal: "*"
              Action: execute-api:Invoke
              Resource: "execute-api:/*"
              Condition: {StringNotEquals: {aws:SourceVpce: vpce-0123}}"""


def test_a_private_api_gated_by_a_conditional_deny_trusts_no_stranger(org_config: dict) -> None:
    """Allow "*" and Deny "*" unless the request comes through the VPC endpoint: AWS's
    private API pattern. Without the Deny, "*" is anyone."""
    from tests.conftest import run

    assert run(PRIVATE_API % GATE, rule="account-separation", config=org_config) == []
    [open_api] = run(PRIVATE_API % "", rule="account-separation", config=org_config)
    assert open_api.start_line == 9 and 'trusts "*"' in open_api.message


def test_a_part_of_a_document_that_is_one_stages_values(org_config: dict[str, Any]) -> None:
    """Per-stage values inside one file (a Serverless service's params): each stage's part may
    name its own account, and naming another stage's account there is cross-stage."""
    from reviewer.formats import read_file
    from reviewer.rules.account_separation import AccountSeparation
    from reviewer.rules.base import Context
    from tests.conftest import settings_from

    doc = read_file("template.yaml", b"""\
Params:
  dev:
    deployAccount: "111111111111"
    peerAccount: "222222222222"
Resources:
  Q: {Type: AWS::SQS::Queue}
""")
    assert doc is not None
    doc.stage_parts = {("Params", "dev"): "dev"}  # as the Serverless reader sets it
    org = settings_from(org_config).organisation
    hits = list(AccountSeparation().check(doc, Context(params={}, organisation=org)))
    assert [(h.path, h.value) for h in hits] == [(("Params", "dev", "peerAccount"), "cross-stage:222222222222")]
