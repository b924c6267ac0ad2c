"""staged-names: names embed the stage, the stage parameter is declared, fixes are exact."""

from __future__ import annotations

from tests.conftest import run

RULE = "staged-names"
HEADER = "Parameters:\n  Stage: {Type: String, AllowedValues: [dev, staging, prod]}\nResources:\n"


def test_literal_name_gets_a_yaml_suggestion_keeping_indentation_and_comment() -> None:
    template = HEADER + """\
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: ForwardBilling  # billing entry point
"""
    [finding] = run(template, rule=RULE)
    assert finding.start_line == 7
    assert finding.suggestion == '      FunctionName: !Sub "ForwardBilling-${Stage}"  # billing entry point'


def test_json_suggestion_keeps_the_comma() -> None:
    template = """{
  "Parameters": {"Stage": {"Type": "String", "AllowedValues": ["dev", "prod"]}},
  "Resources": {
    "Table": {
      "Type": "AWS::DynamoDB::Table",
      "Properties": {
        "TableName": "orders",
        "BillingMode": "PAY_PER_REQUEST"
      }
    }
  }
}
"""
    [finding] = run(template, rule=RULE, path="t.json")
    assert finding.start_line == 7
    assert finding.suggestion == '        "TableName": {"Fn::Sub": "orders-${Stage}"},'


def test_sub_without_stage_and_expressions() -> None:
    template = HEADER + """\
  A:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "${AWS::StackName}-a"}
  B:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Join ["-", [b, !Ref Stage]]}
  C:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub ["c-${S}", {S: !Ref Stage}]}
  D:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !If [Named, !Sub "d-${Stage}", !Ref AWS::NoValue]}
  E:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Sub "e-${Stage}-${AWS::AccountId}"}
"""
    findings = run(template, rule=RULE)
    assert [f.resource for f in findings] == ["A"]


def test_custom_stage_parameter_name_and_org_stages() -> None:
    config = {"organisation": {"stage_parameter": "Env",
                               "accounts": {"dev": "111111111111", "prod": "333333333333"}}}
    template = """\
Parameters:
  Env: {Type: String, AllowedValues: [dev, qa, prod]}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "q-${Env}"}
"""
    [finding] = run(template, rule=RULE, config=config)
    assert "qa" in finding.message and finding.start_line == 2


def test_missing_allowed_values() -> None:
    template = "Parameters:\n  Stage: {Type: String}\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n" \
               "    Properties: {QueueName: !Sub 'q-${Stage}'}\n"
    [finding] = run(template, rule=RULE)
    assert "AllowedValues" in finding.message and finding.start_line == 2


# --- Names that are not the author's to stage, or that carry it another way (issue 8) -------

def test_name_aws_mandates_is_left_alone_and_needs_no_stage_parameter() -> None:
    template = """\
Parameters:
  DirectoryId: {Type: String}
Resources:
  DomainJoin:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub "aws/directory-services/${DirectoryId}/seamless-domain-join"
  Literal:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: aws/directory-services/d-1234567890/seamless-domain-join
"""
    # The suggested fix (-${Stage}) would break seamless domain join: no finding, and no
    # demand for a Stage parameter either, since no name of the author's is set.
    assert run(template, rule=RULE) == []


def test_a_secret_merely_resembling_the_mandated_name_is_still_judged() -> None:
    template = HEADER + """\
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties: {Name: !Sub "aws/directory-services/${DirectoryId}/seamless-domain-join-copy"}
  Role:
    Type: AWS::IAM::Role
    Properties: {RoleName: AWSCloudFormationStackSetExecutionRole, AssumeRolePolicyDocument: {}}
"""
    assert [f.resource for f in run(template, rule=RULE)] == ["Secret"]


def test_names_built_from_staged_or_generated_names() -> None:
    template = HEADER + """\
  Fn:
    Type: AWS::Serverless::Function
    Properties: {FunctionName: !Sub "forward-${Stage}", Handler: a.h}
  Generated:
    Type: AWS::Lambda::Function
    Properties: {Handler: b.h}
  FnLogs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: !Sub "/aws/lambda/${Fn}"}
  GeneratedLogs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: !Join ["", [/aws/lambda/, !Ref Generated]]}
  Chained:
    Type: AWS::CloudWatch::Alarm
    Properties: {AlarmName: !Sub ["${Group}-errors", {Group: !Ref FnLogs}]}
  Queue:
    Type: AWS::SQS::Queue
  Dlq:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "${Queue.QueueName}-dlq"}
  ByArn:
    Type: AWS::SSM::Parameter
    Properties: {Name: !Sub "/config/${Fn.Arn}", Type: String, Value: x}
"""
    assert run(template, rule=RULE) == []


def test_names_built_from_unstaged_names_are_still_found() -> None:
    template = HEADER + """\
  Fn:
    Type: AWS::Lambda::Function
    Properties: {FunctionName: forward, Handler: a.h}
  FnLogs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: !Sub "/aws/lambda/${Fn}"}
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties: {AlarmName: !Sub "${FnLogs}-errors"}
  Loop:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "${Other}-a"}
  Other:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "${Loop}-b"}
  Param:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "${AppName}-jobs"}
"""
    findings = run(template, rule=RULE)
    # FnLogs is the name Lambda mandates for Fn's logs: Fn is judged, not its log group.
    assert [f.resource for f in findings] == ["Fn", "Alarm", "Loop", "Other", "Param"]


def test_every_branch_of_an_if_carries_a_stage() -> None:
    template = """\
Parameters:
  Stage: {Type: String, AllowedValues: [dev, staging, prod]}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Billing:
    Type: AWS::DynamoDB::Table
    Properties: {TableName: !If [IsProd, billing-prod, billing-dev]}
  Nested:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !If [IsProd, Billing_PROD, !Sub "billing-${Stage}"]}
  Missing:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !If [IsProd, orders-prod, orders]}
  Same:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !If [IsProd, audit-prod, audit-prod]}
  HalfStaged:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !If [IsProd, !Sub "jobs-${Stage}", jobs]}
  Unknown:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !If [IsProd, events-qa, events-test]}
"""
    findings = run(template, rule=RULE)
    assert [f.resource for f in findings] == ["Missing", "Same", "HalfStaged", "Unknown"]
    assert all(f.suggestion is None for f in findings)  # no mechanical fix for an !If


def test_stage_names_come_from_the_organisation_when_it_has_them() -> None:
    config = {"organisation": {"accounts": {"test": "111111111111", "live": "333333333333"}}}
    template = """\
Parameters:
  Stage: {Type: String, AllowedValues: [test, live]}
Conditions:
  IsLive: !Equals [!Ref Stage, live]
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !If [IsLive, orders-live, orders-test]}
  Audit:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !If [IsLive, audit-prod, audit-dev]}
"""
    assert [f.resource for f in run(template, rule=RULE, config=config)] == ["Audit"]


def test_a_long_chain_of_derived_names_is_bounded() -> None:
    links = "".join(f"""\
  Q{i}:
    Type: AWS::SQS::Queue
    Properties: {{QueueName: !Sub "${{Q{i + 1}}}-x"}}
""" for i in range(300))
    template = HEADER + links + "  Q300:\n    Type: AWS::SQS::Queue\n"
    findings = run(template, rule=RULE)
    # Q300's name is generated: within the bound, the queues nearest it carry it.
    assert "Q299" not in {f.resource for f in findings}
    assert len(findings) < 300


def test_hostile_sub_text_is_read_in_linear_time() -> None:
    import time

    hostile = "${" * 100_000
    template = HEADER + f"""\
  Fn:
    Type: AWS::Lambda::Function
    Properties: {{FunctionName: !Sub "{hostile}", Handler: a.h}}
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties: {{Name: !Sub "aws/directory-services/{hostile}/seamless-domain-join"}}
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: {{LogGroupName: !Sub "/aws/lambda/${{Fn}}{hostile}"}}
"""
    start = time.monotonic()
    findings = run(template, rule=RULE)
    assert time.monotonic() - start < 5
    assert [f.resource for f in findings] == ["Fn", "Secret", "Logs"]
