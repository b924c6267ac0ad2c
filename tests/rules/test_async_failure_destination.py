"""async-failure-destination: only asynchronous invokers lose events (issue 8)."""

from __future__ import annotations

import pytest

from tests.conftest import run

RULE = "async-failure-destination"


def sam_function(event: str) -> str:
    return f"""\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Events:
        Source: {event}
"""


@pytest.mark.parametrize("event", [
    "{Type: AlexaSkill, Properties: {SkillId: amzn1.ask.skill.1234}}",
    "{Type: AlexaSkill}",
    "{Type: Cognito, Properties: {UserPool: !Ref Users, Trigger: [PreSignUp, PostConfirmation]}}",
    "{Type: SNS, Properties: {Topic: !Ref Topic, SqsSubscription: true}}",
    "{Type: SNS, Properties: {Topic: !Ref Topic, SqsSubscription: 'True'}}",
    "{Type: SNS, Properties: {Topic: !Ref Topic, SqsSubscription: {QueueArn: !GetAtt Q.Arn, QueueUrl: !Ref Q}}}",
    "{Type: SQS, Properties: {Queue: !GetAtt Q.Arn}}",
])
def test_synchronous_and_polled_sources_need_no_failure_destination(event: str) -> None:
    assert run(sam_function(event), rule=RULE) == []


@pytest.mark.parametrize("event", [
    "{Type: SNS, Properties: {Topic: !Ref Topic}}",
    "{Type: SNS, Properties: {Topic: !Ref Topic, SqsSubscription: false}}",
    "{Type: S3, Properties: {Bucket: !Ref B, Events: s3:ObjectCreated:*}}",
    "{Type: EventBridgeRule, Properties: {Pattern: {source: [billing]}}}",
    "{Type: Schedule, Properties: {Schedule: rate(1 hour)}}",
])
def test_asynchronous_sources_still_need_one(event: str) -> None:
    [finding] = run(sam_function(event), rule=RULE)
    assert finding.resource == "Fn" and finding.start_line == 4


def test_cognito_trigger_permission_is_synchronous() -> None:
    template = """\
Resources:
  Users:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig: {PreSignUp: !GetAtt SignUp.Arn}
  SignUp:
    Type: AWS::Lambda::Function
    Properties: {Handler: a.h, Runtime: python3.12, Role: !GetAtt R.Arn}
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt SignUp.Arn
      Action: lambda:InvokeFunction
      Principal: cognito-idp.amazonaws.com
      SourceArn: !GetAtt Users.Arn
  Audit:
    Type: AWS::Lambda::Function
    Properties: {Handler: b.h, Runtime: python3.12, Role: !GetAtt R.Arn}
  AuditPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Audit
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
"""
    [finding] = run(template, rule=RULE)
    assert finding.resource == "Audit" and "s3.amazonaws.com" in finding.message
