"""The Serverless reader on hostile and tricky text: CloudFormation's own ``${...}`` kept,
what is written never lost to a bound, the framework's merging of resources, and bounded
work (a variable expanded many times is shared, not copied)."""

from __future__ import annotations

import time
import tracemalloc

from reviewer.formats import read_file
from reviewer.engine.values import UNKNOWN
from tests.test_terraform import ORG, scan, where


def model(text: str) -> dict:
    doc = read_file("serverless.yml", text.encode())
    assert doc is not None
    return doc.data


def test_cloudformation_variables_in_a_sub_stay_cloudformations() -> None:
    data = model("""\
service: orders
custom:
  bucket: orders-${sls:stage}
provider: {name: aws}
resources:
  Resources:
    Policy:
      Type: AWS::IAM::ManagedPolicy
      Properties:
        PolicyDocument:
          Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: !Sub "arn:${AWS::Partition}:s3:::${self:custom.bucket}/${Prefix}/*"
            - Effect: Allow
              Action: s3:ListBucket
              Resource: {"Fn::Sub": ["arn:aws:s3:::${B}", {B: "${self:custom.bucket}"}]}
""")
    statements = data["Resources"]["Policy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statements[0]["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::orders-${sls:stage}/${Prefix}/*"}
    assert statements[0]["Resource"].start_line == 14
    assert statements[1]["Resource"] == {"Fn::Sub": ["arn:aws:s3:::${B}", {"B": {"Fn::Sub": "orders-${sls:stage}"}}]}


def test_names_from_the_stack_name_carry_the_stage_unless_the_stack_is_renamed() -> None:
    service = """\
service: orders
provider:
  name: aws
{stack}resources:
  Resources:
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: !Sub "${{AWS::StackName}}-jobs"
"""
    # The framework names the stack orders-<stage>.
    assert scan({"serverless.yml": service.format(stack="")}, rule="staged-names") == []
    staged = "  stackName: orders-${sls:stage}\n"
    assert scan({"serverless.yml": service.format(stack=staged)}, rule="staged-names") == []
    fixed = "  stackName: orders\n"
    found = scan({"serverless.yml": service.format(stack=fixed)}, rule="staged-names")
    assert [(f.start_line, f.resource) for f in found] == [(10, "Jobs")]


def test_variables_outside_a_sub_and_unknown_sources() -> None:
    data = model("""\
service: orders
custom:
  names: {table: orders}
  count: 5
provider:
  name: aws
  stage: ${opt:stage, 'prod'}
params:
  default: {topic: alerts}
  prod: {topic: alerts-prod}
functions:
  f:
    handler: h
    name: ${self:custom.names.table}-${opt:stage, self:provider.stage}-${self:custom.count}
    reservedConcurrency: ${self:custom.count}
    onError: arn:aws:sns:${aws:region}:${aws:accountId}:${param:topic}
    destinations:
      onFailure: ${env:FAILURES}
    environment:
      TABLE: ${ssm:/orders/table}
""")
    props = data["Resources"]["f"]["Properties"]
    assert props["FunctionName"] == {"Fn::Sub": "orders-${sls:stage}-5"}
    assert props["ReservedConcurrentExecutions"] == 5
    assert props["DeadLetterQueue"]["TargetArn"] == \
        {"Fn::Sub": "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:${param:topic}"}
    destination = props["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]["Destination"]
    assert destination == {UNKNOWN: "${env:FAILURES}"}
    assert data["Parameters"]["sls:stage"] == {"Default": "prod"}
    assert data["Parameters"]["param:topic"] == {"Default": "alerts"}
    assert data["Params"] == {"prod": {"topic": "alerts-prod"}}


def test_default_params_are_judged_once() -> None:
    found = scan({"serverless.yml": """\
        service: s
        params:
          default:
            role: arn:aws:iam::444444444444:role/x
          prod:
            role: arn:aws:iam::111111111111:role/x
        provider:
          name: aws
          iam:
            role: ${param:role}
        functions:
          f: {handler: h}
        """}, rule="account-separation", config=ORG)
    # The default (an account that is no one's) once, at its line; prod's names dev's account.
    assert sorted((f.start_line, f.value) for f in found) == [
        (4, "unknown:444444444444"), (6, "cross-stage:111111111111")]


def test_a_literal_wildcard_survives_a_large_custom_section() -> None:
    items = "\n".join(f"    - item{i}" for i in range(1000))
    refs = "\n".join("    - ${self:custom.big}" for _ in range(300))
    service = (f"service: s\ncustom:\n  big:\n{items}\n  many:\n{refs}\n"
               "provider:\n  name: aws\n  iamRoleStatements:\n"
               "    - Effect: Allow\n      Action: \"s3:*\"\n      Resource: \"*\"\n"
               "functions:\n  f: {handler: h}\n")
    found = scan({"serverless.yml": service}, rule="no-wildcard-actions")
    assert where(found) == [("serverless.yml", 1309, "IamRoleLambdaExecution")]


def test_statements_of_a_role_written_over_the_generated_one_are_reviewed() -> None:
    found = scan({"serverless.yml": """\
        service: s
        provider:
          name: aws
          iamRoleStatements:
            - {Effect: Allow, Action: "s3:GetObject", Resource: "*"}
        functions:
          f: {handler: h}
        resources:
          Resources:
            IamRoleLambdaExecution:
              Type: AWS::IAM::Role
              Properties:
                AssumeRolePolicyDocument:
                  Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: lambda.amazonaws.com}}]
                Policies:
                  - PolicyName: mine
                    PolicyDocument:
                      Statement:
                        - {Effect: Allow, Action: "dynamodb:*", Resource: "*"}
        """}, rule="no-wildcard-actions")
    assert where(found) == [("serverless.yml", 19, "IamRoleLambdaExecution")]
    assert found[0].value == "dynamodb:*"


def test_a_function_named_like_a_resource_hides_neither() -> None:
    text = """\
        service: s
        provider:
          name: aws
          iamRoleStatements:
            - {Effect: Allow, Action: "sqs:*", Resource: "*"}
        functions:
          Worker: {handler: h}
          other: {handler: o}
        resources:
          Resources:
            Worker:
              Type: AWS::IAM::ManagedPolicy
              Properties:
                PolicyDocument:
                  Statement:
                    - {Effect: Allow, Action: "dynamodb:*", Resource: "*"}
        """
    found = scan({"serverless.yml": text}, rule="no-wildcard-actions")
    assert where(found) == [("serverless.yml", 5, "IamRoleLambdaExecution"), ("serverless.yml", 16, "Worker")]
    shared = scan({"serverless.yml": text}, rule="no-shared-policies")
    # The function is called by the framework's own logical id for it.
    assert where(shared) == [("serverless.yml", 8, "other")]
    assert "WorkerLambdaFunction" in shared[0].message


def test_properties_written_for_the_compiled_function_are_the_functions() -> None:
    found = scan({"serverless.yml": """\
        service: s
        provider: {name: aws}
        functions:
          hello-world: {handler: h}
        resources:
          Resources:
            HelloDashworldLambdaFunction:
              Properties:
                ReservedConcurrentExecutions: 5
        """}, rule="concurrency-limit")
    assert found == []


def test_per_function_roles_inherit_provider_statements_when_asked() -> None:
    found = scan({"serverless.yml": """\
        service: s
        provider:
          name: aws
          iamRoleStatements:
            - {Effect: Allow, Action: "s3:*", Resource: "*"}
        functions:
          mine:
            handler: m
            iamRoleStatementsInherit: true
            iamRoleStatements:
              - {Effect: Allow, Action: "sqs:SendMessage", Resource: "*"}
        """}, rule="no-wildcard-actions")
    # The provider's "s3:*" is in the generated role and, inherited, in the function's own.
    assert where(found) == [("serverless.yml", 5, "IamRoleLambdaExecution"), ("serverless.yml", 5, "mine")]


def test_the_provider_role_shared_by_two_functions_is_reported_at_the_second() -> None:
    found = scan({"serverless.yml": """\
        service: s
        provider:
          name: aws
          iam:
            role: arn:aws:iam::111111111111:role/lambda
        functions:
          a: {handler: a}
          b: {handler: b}
        """}, rule="no-shared-policies")
    assert where(found) == [("serverless.yml", 8, "b")]


def test_events_become_sam_events_the_rules_know() -> None:
    found = scan({"serverless.yml": """\
        service: s
        provider: {name: aws}
        functions:
          onUpload:
            handler: u
            events:
              - s3: uploads
          onTick:
            handler: t
            onError: arn:aws:sns:eu-west-1:111111111111:dlq
            events:
              - schedule: rate(1 minute)
          onStream:
            handler: s
            events:
              - stream: {type: dynamodb, arn: arn:aws:dynamodb:eu-west-1:111111111111:table/t/stream/x}
              - sqs: arn:aws:sqs:eu-west-1:111111111111:q
          onFailure:
            handler: f
            destinations: {onFailure: arn:aws:sqs:eu-west-1:111111111111:failed}
            events:
              - sns: topic
        """}, rule="async-failure-destination")
    assert where(found) == [("serverless.yml", 4, "onUpload")]


def test_text_that_grows_by_substitution_is_bounded_in_time_and_memory() -> None:
    a = "x" * 200_000
    b = "${self:custom.a}" * 2000
    service = (f"service: s\ncustom:\n  a: {a}\n  b: {b}\nprovider:\n  name: aws\n"
               "functions:\n  f:\n    handler: h\n    name: ${self:custom.b}\n")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        found = scan({"serverless.yml": service})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 30
    assert peak < 200 * 1024 * 1024  # 2,000 copies of 200 kB would be 400 MB
    [problem] = [f for f in found if f.rule_id == "template-parse"]
    assert (problem.start_line, problem.severity) == (4, "error")
    assert "not reviewed" in problem.message


def test_ten_thousand_variables_are_refused_loudly_and_quickly() -> None:
    refs = "".join("${self:custom.v%d}" % i for i in range(10_001))
    custom = "".join(f"  v{i}: a\n" for i in range(10_001))
    service = f"service: s\ncustom:\n{custom}provider:\n  name: aws\nfunctions:\n  f:\n    handler: h\n    name: {refs}\n"
    started = time.perf_counter()
    found = scan({"serverless.yml": service})
    assert time.perf_counter() - started < 30
    [problem] = [f for f in found if f.rule_id == "template-parse"]
    assert "more than 10,000" in problem.message and "not reviewed" in problem.message


def test_deep_nesting_and_long_chains_are_unknown_not_guessed() -> None:
    chain = "".join(f"  v{i}: ${{self:custom.v{i + 1}}}\n" for i in range(200))
    nested = "${" * 5_000 + "x" + "}" * 5_000
    service = (f"service: s\ncustom:\n{chain}  v200: s3:*\n  nested: '{nested}'\n"
               "provider:\n  name: aws\n  iamRoleStatements:\n"
               "    - {Effect: Allow, Action: '${self:custom.v0}', Resource: '*'}\n"
               "    - {Effect: Allow, Action: '${self:custom.nested}', Resource: '*'}\n"
               "    - {Effect: Allow, Action: '${self:custom.v190}', Resource: '*'}\n"
               "functions:\n  f: {handler: h}\n")
    started = time.perf_counter()
    found = scan({"serverless.yml": service})
    assert time.perf_counter() - started < 30
    assert [f for f in found if f.rule_id == "template-parse"] == []
    assert [f for f in found if f.message.startswith("rule could not finish")] == []
    # Only the short chain (v190 -> ... -> v200) is followed to its "s3:*".
    wildcards = [f for f in found if f.rule_id == "no-wildcard-actions"]
    assert [(f.start_line, f.value) for f in wildcards] == [(210, "s3:*")]


def test_an_empty_file_and_a_list_at_the_top() -> None:
    assert scan({"serverless.yml": ""}) == []
    [problem] = scan({"serverless.yml": "- a\n- b\n"})
    assert problem.rule_id == "template-parse"


def test_stage_spellings_in_a_function_name_and_stable_fingerprints() -> None:
    from reviewer.engine.finding import fingerprint

    service = """\
service: orders
provider:
  name: aws
  stage: ${opt:stage, 'dev'}
functions:
  a: {handler: a, name: "orders-a-${opt:stage, 'dev'}"}
  b: {handler: b, name: "orders-b-${self:provider.stage}"}
  c: {handler: c, name: "orders-c-${opt:stage, self:provider.stage}"}
  d: {handler: d}
  e: {handler: e, name: orders-e}
"""
    [found] = scan({"svc/serverless.yml": service}, rule="staged-names")
    assert (found.start_line, found.resource, found.value) == (10, "e", 'FunctionName="orders-e"')
    assert found.fingerprint == fingerprint("staged-names", "svc/serverless.yml", "e", 'FunctionName="orders-e"')
    # Moving the function does not make its problem a new one.
    moved = service.replace("  e: {handler: e, name: orders-e}\n", "").replace(
        "functions:\n", "functions:\n  e: {handler: e, name: orders-e}\n")
    [again] = scan({"svc/serverless.yml": moved}, rule="staged-names")
    assert again.start_line == 6 and again.fingerprint == found.fingerprint
