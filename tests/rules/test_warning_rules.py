"""The warning-level rules: resources, concurrency, failure destinations, encryption, cfn-lint."""

from __future__ import annotations

from tests.conftest import run


def test_no_wildcard_resources_only_for_write_and_permissions() -> None:
    doc = '{"Version": "2012-10-17", "Statement": [\n' \
          ' {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"},\n' \
          ' {"Effect": "Allow", "Action": ["iam:AttachRolePolicy"], "Resource": ["*"]},\n' \
          ' {"Effect": "Allow", "Action": "s3:Put*", "Resource": "arn:aws:s3:::b/*"}]}'
    [finding] = run(doc, rule="no-wildcard-resources", path="p.json")
    assert finding.start_line == 3 and "iam:AttachRolePolicy" in finding.message


def test_concurrency_limit_reads_globals_and_lambda() -> None:
    template = """\
Globals:
  Function:
    Timeout: 3
Resources:
  A:
    Type: AWS::Serverless::Function
    Properties: {Handler: a.h, ReservedConcurrentExecutions: 2}
  B:
    Type: AWS::Lambda::Function
    Properties: {Handler: b.h}
"""
    [finding] = run(template, rule="concurrency-limit")
    assert finding.resource == "B" and finding.start_line == 9


def test_async_failure_destination_via_permission_and_event_invoke_config() -> None:
    template = """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Handler: a.h}
  Covered:
    Type: AWS::Lambda::Function
    Properties: {Handler: b.h}
  Perm:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: sns.amazonaws.com}
  Perm2:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !GetAtt Covered.Arn, Action: lambda:InvokeFunction, Principal: events.amazonaws.com}
  Config:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Covered
      Qualifier: $LATEST
      DestinationConfig: {OnFailure: {Destination: !GetAtt Dlq.Arn}}
"""
    [finding] = run(template, rule="async-failure-destination")
    assert finding.resource == "Fn" and "sns.amazonaws.com" in finding.message


def test_async_failure_destination_of_schedules_and_deploy_time_dead_letter_queues() -> None:
    template = """\
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Nightly:
    Type: AWS::Lambda::Function
    Properties: {Handler: a.h}
  Maybe:
    Type: AWS::Lambda::Function
    Properties:
      Handler: b.h
      DeadLetterConfig: !If [IsProd, {TargetArn: !GetAtt Dlq.Arn}, !Ref AWS::NoValue]
  Schedule:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: rate(1 day)
      FlexibleTimeWindow: {Mode: "OFF"}
      Target: {Arn: !GetAtt Nightly.Arn, RoleArn: !GetAtt SchedulerRole.Arn}
  Rule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 hour)
      Targets: [{Id: maybe, Arn: !GetAtt Maybe.Arn}]
"""
    # A dead-letter queue that only deploy time decides is neither flagged nor cleared.
    [finding] = run(template, rule="async-failure-destination")
    assert finding.resource == "Nightly" and "Scheduler" in finding.message


def test_encryption_at_rest_reports_what_is_really_unencrypted() -> None:
    """S3 and DynamoDB encrypt whatever the template says (SSE-S3 since January 2023, an
    AWS owned key): "is not encrypted" about them was false. Topics without a key and queues
    that switch SSE off (or predate SSE-SQS by default) are what remains."""
    template = """\
Resources:
  Bucket: {Type: AWS::S3::Bucket}
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {SSESpecification: {SSEEnabled: false}}
  Plain: {Type: AWS::SNS::Topic}
  Topic:
    Type: AWS::SNS::Topic
    Properties: {KmsMasterKeyId: alias/aws/sns}
  Disabled:
    Type: AWS::SQS::Queue
    Properties: {SqsManagedSseEnabled: false}
  Sse:
    Type: AWS::SQS::Queue
    Properties: {SqsManagedSseEnabled: true}
"""
    findings = run(template, rule="encryption-at-rest")
    assert [(f.resource, f.start_line) for f in findings] == [("Plain", 6), ("Disabled", 12)]
    assert "SNS stores a topic without a KMS key unencrypted" in findings[0].message


def test_template_valid_reports_cfn_lint_errors_with_their_ids_and_lines() -> None:
    template = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Missing.Arn
"""
    findings = run(template, rule="template-valid")
    messages = {(f.start_line, f.message.split(":")[0]) for f in findings}
    assert (6, "cfn-lint E1010") in messages
    assert all(f.severity == "warning" for f in findings)


def test_privilege_escalation_joins_a_role_with_the_managed_policies_it_lists() -> None:
    template = """\
Resources:
  Deployer:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      ManagedPolicyArns: [!Ref Lambdas]
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Statement: [{Effect: Allow, Action: iam:PassRole, Resource: "*"}]
  Lambdas:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: [lambda:CreateFunction, lambda:InvokeFunction], Resource: "*"}
"""
    [finding] = run(template, rule="privilege-escalation")
    assert finding.message.startswith("Deployer can escalate")
    assert "PassExistingRoleToNewLambdaThenInvoke" in finding.message
