"""The Serverless Framework: every IAM shape, variables resolved statically, exact lines."""

from __future__ import annotations

import collections
import time
from pathlib import Path

from tests.test_terraform import ORG, scan, where

SERVICE = """\
service: orders
custom:
  table: orders-${sls:stage}
  actions:
    - dynamodb:GetItem
    - dynamodb:Query*
provider:
  name: aws
  stage: ${opt:stage, 'dev'}
  iam:
    role:
      statements:
        - Effect: Allow
          Action: "s3:*"
          Resource: arn:aws:s3:::${self:custom.table}/*
        - Effect: Deny
          Action: "iam:*"
          Resource: "*"
functions:
  create:
    handler: h.create
    name: orders-create
  get:
    handler: h.get
    name: ${self:service}-${sls:stage}-get
  own:
    handler: h.own
    iamRoleStatements:
      - Effect: Allow
        Action: ${self:custom.actions}
        Resource: arn:aws:dynamodb:${aws:region}:${aws:accountId}:table/${self:custom.table}
      - Effect: Allow
        NotAction: sqs:*
        Resource: "*"
  fromEnv:
    handler: h.e
    name: ${env:FUNCTION_NAME}
resources:
  Resources:
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: jobs
"""


def test_no_wildcard_actions_in_provider_and_function_statements() -> None:
    found = scan({"svc/serverless.yml": SERVICE}, rule="no-wildcard-actions")
    assert where(found) == [
        ("svc/serverless.yml", 6, "own"),  # "dynamodb:Query*", through ${self:custom.actions}
        ("svc/serverless.yml", 14, "IamRoleLambdaExecution"),  # "s3:*"; the Deny is allowed
        ("svc/serverless.yml", 33, "own"),  # Allow with NotAction
    ]


def test_the_generated_role_shared_by_functions_without_their_own() -> None:
    found = scan({"serverless.yml": SERVICE}, rule="no-shared-policies")
    # create, get and fromEnv share IamRoleLambdaExecution; "own" has a role of its own.
    assert where(found) == [("serverless.yml", 23, "get"), ("serverless.yml", 35, "fromEnv")]
    assert 'role "IamRoleLambdaExecution" is also used by function create' in found[0].message


def test_no_provider_statements_no_shared_role_and_two_functions_naming_one_role() -> None:
    found = scan({"serverless.yml": """\
        service: s
        provider:
          name: aws
        functions:
          a: {handler: a.h}
          b: {handler: b.h}
          c:
            handler: c.h
            role: Worker
          d:
            handler: d.h
            role: Worker
        resources:
          Resources:
            Worker:
              Type: AWS::IAM::Role
              Properties:
                AssumeRolePolicyDocument:
                  Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: lambda.amazonaws.com}}]
        """}, rule="no-shared-policies")
    assert where(found) == [("serverless.yml", 12, "d")]


def test_staged_names_with_plain_string_suggestions() -> None:
    found = scan({"serverless.yml": SERVICE}, rule="staged-names")
    assert where(found) == [("serverless.yml", 22, "create"), ("serverless.yml", 43, "Jobs")]
    assert found[0].suggestion == '    name: "orders-create-${sls:stage}"'
    assert found[1].suggestion == '        QueueName: "jobs-${sls:stage}"'
    # ${self:service}-${sls:stage}-get carries the stage; ${env:...} is known only when
    # deployed: neither is reported.


def test_resources_get_every_cloudformation_rule() -> None:
    found = scan({"serverless.yml": SERVICE}, rule="encryption-at-rest")
    assert where(found) == [("serverless.yml", 41, "Jobs")]  # its Type line, as in a template


def test_params_of_a_stage_naming_another_stages_account() -> None:
    found = scan({"serverless.yml": """\
        service: s
        params:
          default:
            logAccount: "111111111111"
          dev:
            deployAccount: "111111111111"
          prod:
            deployAccount: "111111111111"
        provider:
          name: aws
        """}, rule="account-separation", config=ORG)
    assert [(f.start_line, f.value) for f in found] == [(8, "cross-stage:111111111111")]


def test_variables_are_bounded_and_cycles_are_unknown() -> None:
    service = (
        "service: s\ncustom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n"
        "  deep: " + "${self:custom.x, " * 500 + "'s3:*'" + "}" * 500 + "\n"
        "provider:\n  name: aws\n  iamRoleStatements:\n"
        "    - Effect: Allow\n      Action: ${self:custom.a}\n      Resource: '*'\n"
        "    - Effect: Allow\n      Action: ${self:custom.deep}\n      Resource: '*'\n"
        "functions:\n  f: {handler: h}\n"
    )
    started = time.perf_counter()
    found = scan({"serverless.yml": service})
    assert time.perf_counter() - started < 30  # generous: a hang is what this catches
    assert [f for f in found if f.message.startswith("rule could not finish")] == []
    assert [f for f in found if f.rule_id == "template-parse"] == []
    assert not [f for f in found if f.rule_id == "no-wildcard-actions" and f.start_line == 10]


def test_an_alias_bomb_and_broken_yaml_are_reported() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    found = scan({"a/serverless.yml": bomb, "b/serverless.yml": "service: [\n"})
    assert sorted(f.path for f in found if f.rule_id == "template-parse") == \
        ["a/serverless.yml", "b/serverless.yml"]


def test_other_clouds_are_not_ours() -> None:
    found = scan({"serverless.yml": """\
        service: s
        provider:
          name: azure
        functions:
          hello: {handler: h, name: hello}
        """})
    assert found == []


REAL = Path(__file__).parent / "data" / "real" / "serverless"


def test_every_real_service_is_read_and_judged_without_a_failure() -> None:
    files = {str(p.relative_to(REAL)): p.read_text(encoding="utf-8")
             for p in sorted(REAL.rglob("serverless.y*ml"))}
    assert len(files) > 180
    found = scan(files)
    assert [f for f in found if f.rule_id == "template-parse"] == []
    assert [f for f in found if f.message.startswith("rule could not finish")] == []
    counts = collections.Counter(f.rule_id for f in found)
    # Read by hand: provider statements with "s3:*", "dynamodb:*", "sns:*", "rekognition:*";
    # literal names in resources and functions (an Elasticsearch domain's among them); a bucket policy open to "*" (a public
    # website). dynamodb:ListStreams on a stream ARN is not reported: the service reference
    # says it takes only "*", yet a wildcard ARN of the service's own works and is what the
    # framework itself writes for stream events; where the two disagree nothing is said.
    assert counts["no-wildcard-actions"] == 10
    assert counts["staged-names"] == 8
    assert counts["account-separation"] == 1
    assert counts["action-resource-match"] == 0


def test_scan_of_a_folder_mixing_every_format(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    (tmp_path / "cfn").mkdir()
    (tmp_path / "cfn" / "app.yaml").write_text(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: jobs}\n")
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "jobs"\n}\n')
    (tmp_path / "sls").mkdir()
    (tmp_path / "sls" / "serverless.yml").write_text(
        "service: s\nprovider: {name: aws}\nfunctions:\n  f: {handler: h, name: jobs}\n")
    (tmp_path / "policy.json").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}')
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "scan", str(tmp_path), "--format", "json"],
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    found = {(Path(f["path"]).name, f["start_line"], f["rule"]) for f in json.loads(proc.stdout)["findings"]}
    assert {("app.yaml", 4, "staged-names"), ("main.tf", 2, "staged-names"),
            ("serverless.yml", 4, "staged-names"), ("policy.json", 1, "no-wildcard-actions")} <= found


def test_the_permission_delta_names_functions_and_the_shared_role() -> None:
    from reviewer.engine.delta import grants
    from reviewer.formats import read_files

    documents, _ = read_files({"serverless.yml": SERVICE.encode()})
    granted = grants(documents)
    principals = sorted(principal for _, principal in granted)
    assert principals == ["IamRoleLambdaExecution", "own"]
    assert "s3:GetObject" in granted[("serverless.yml", "IamRoleLambdaExecution")]
    assert "dynamodb:GetItem" in granted[("serverless.yml", "own")]


def test_the_generated_roles_explicit_name_must_carry_the_stage() -> None:
    found = scan({"serverless.yml": """\
        service: s
        provider:
          name: aws
          iam:
            role:
              name: orders-lambda
              statements:
                - {Effect: Allow, Action: "sqs:SendMessage", Resource: "*"}
        functions:
          f: {handler: h}
        """}, rule="staged-names")
    assert where(found) == [("serverless.yml", 6, "IamRoleLambdaExecution")]


def test_variables_that_explode_fail_the_file_loudly() -> None:
    lines = ["service: s", "provider: {name: aws}", "custom:"] + [
        f'  v{i}: ["${{self:custom.v{i + 1}}}", "${{self:custom.v{i + 1}}}", "${{self:custom.v{i + 1}}}"]'
        for i in range(40)] + ["  v40: x", "functions:", '  f: {handler: h, name: "${self:custom.v0}"}']
    started = time.perf_counter()
    found = scan({"serverless.yml": "\n".join(lines) + "\n"})
    assert time.perf_counter() - started < 30
    [problem] = [f for f in found if f.rule_id == "template-parse"]
    assert problem.severity == "error" and "not reviewed" in problem.message


def test_a_name_from_a_param_each_stage_sets_differently_carries_the_stage() -> None:
    service = """\
        service: s
        params:
          dev: {fnName: orders-dev, shared: orders}
          prod: {fnName: orders-prod, shared: orders}
        provider: {name: aws}
        functions:
          a: {handler: h, name: "${param:fnName}"}
          b: {handler: h, name: "${param:shared}-b"}
        """
    found = scan({"serverless.yml": service}, rule="staged-names")
    assert where(found) == [("serverless.yml", 8, "b")]


def test_a_full_access_managed_policy_of_the_provider_role_is_a_wildcard() -> None:
    found = scan({"serverless.yml": """\
        service: s
        provider:
          name: aws
          iam:
            role:
              managedPolicies:
                - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
                - 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess'
        functions:
          a: {handler: h}
        """}, rule="no-wildcard-actions")
    assert where(found) == [("serverless.yml", 8, "IamRoleLambdaExecution")]
    assert '"dynamodb:*"' in found[0].message
