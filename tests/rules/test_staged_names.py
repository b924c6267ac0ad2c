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
