"""Serverless services as they are really written (issue 17): parts kept in other files with
``${file(...)}``, and the serverless-pseudo-parameters plugin's ``#{AWS::Region}``."""

from __future__ import annotations

from pathlib import Path

from tests.test_diff import Repo, review
from tests.test_terraform import scan, where

SERVICE = """\
service: notes
custom:
  stage: ${opt:stage, self:provider.stage}
  tableName: ${self:custom.stage}-notes
provider:
  name: aws
  stage: dev
functions:
  create:
    handler: create.main
resources:
  - ${file(resources/table.yml)}
  - ${file(resources/roles.yml)}
  - Outputs: ${file(resources/outputs.json):exports}
"""

TABLE = """\
Resources:
  NotesTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: ${self:custom.tableName}
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: notes-uploads
"""

ROLES = """\
Resources:
  AuthRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: notes-auth-${self:custom.stage}
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Federated: cognito-identity.amazonaws.com}, Action: "sts:AssumeRoleWithWebIdentity"}
      Policies:
        - PolicyName: auth
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ["s3:*"]
                Resource: arn:aws:s3:::notes-uploads/private/*
"""

OUTPUTS = '{"exports": {"Table": {"Value": {"Ref": "NotesTable"}}}}\n'

PARTS = {"app/serverless.yml": SERVICE, "app/resources/table.yml": TABLE,
         "app/resources/roles.yml": ROLES, "app/resources/outputs.json": OUTPUTS}


def test_findings_in_an_included_file_are_on_its_own_lines() -> None:
    found = scan(PARTS, rule="no-wildcard-actions")
    assert where(found) == [("app/resources/roles.yml", 14, "AuthRole")]


def test_the_services_variables_apply_inside_its_parts() -> None:
    """TableName: ${self:custom.tableName} carries the stage; RoleName too. Read on their own
    they would be literal text without it, and the part would lack a Stage parameter."""
    found = scan(PARTS, rule="staged-names")
    assert [(f.path, f.start_line, f.resource) for f in found] == [
        ("app/resources/table.yml", 9, "Uploads")]  # a literal bucket name: true


def test_a_part_is_not_judged_again_on_its_own() -> None:
    found = scan(PARTS)
    assert not [f for f in found if f.rule_id in ("template-parse", "include-not-reviewed")]
    assert len([f for f in found if f.rule_id == "no-wildcard-actions"]) == 1


def test_a_part_alone_is_still_judged_as_what_it_is() -> None:
    """Scanned without its service, a part is a CloudFormation snippet: its wildcard still
    counts, and what only the service's variables would say is not guessed."""
    found = scan({"resources/roles.yml": ROLES}, rule="no-wildcard-actions")
    assert where(found) == [("resources/roles.yml", 14, "AuthRole")]


def test_an_include_that_is_not_there_is_a_note_and_a_broken_one_an_error() -> None:
    service = SERVICE.replace("resources/roles.yml", "resources/missing.yml")
    files = {**PARTS, "app/serverless.yml": service, "app/resources/table.yml": "Resources: [\n"}
    found = scan(files)
    notes = [(f.path, f.start_line, f.severity) for f in found if f.rule_id == "include-not-reviewed"]
    assert notes == [("app/serverless.yml", 13, "note")]
    [broken] = [f for f in found if f.rule_id == "template-parse"]
    assert (broken.path, broken.severity) == ("app/resources/table.yml", "error")
    assert "cannot be read" in broken.message


def test_javascript_and_paths_made_at_deploy_time_are_unknown() -> None:
    service = """\
        service: x
        provider:
          name: aws
          iam:
            role:
              statements: ${file(./iam.js)}
        functions:
          f:
            handler: f.h
            name: ${file(./names-${sls:stage}.yml):f}
        """
    found = scan({"serverless.yml": service})
    assert not [f for f in found if f.rule_id in ("staged-names", "template-parse", "no-wildcard-actions")]


def test_diff_of_a_changed_part_reads_its_service(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    for path, text in PARTS.items():
        repo.write(path, text)
    repo.commit("notes")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app/resources/table.yml", TABLE.replace("notes-uploads", "notes-uploads-${self:custom.stage}"))
    repo.commit("staged bucket")
    code, report = review(repo, "--disable", "template-valid")
    fixed = [(f["rule"], f["path"]) for f in report["fixed"]]
    new = [f for f in report["findings"] if f["state"] == "new"]
    assert ("staged-names", "app/resources/table.yml") in fixed
    assert new == [] and code == 0


SENDER = """\
service: sender
plugins:
  - serverless-pseudo-parameters
custom:
  queue: arn:aws:sqs:#{AWS::Region}:#{AWS::AccountId}:outbox-${sls:stage}
provider:
  name: aws
  iamRoleStatements:
    - Effect: Allow
      Action: [sqs:SendMessage]
      Resource: ${self:custom.queue}
    - Effect: Allow
      Action: [kinesis:GetRecords]
      Resource: "arn:aws:kinesis:#{AWS::Region}:#{AWS::AccountId}:stream/#{Stream}"
    - Effect: Allow
      Action: [s3:GetObject]
      Resource: "arn:aws:s3:::reports-#{AWS::Region}"
functions:
  send: {handler: send.main}
"""


def test_pseudo_parameters_of_the_plugin_are_the_pseudo_parameters() -> None:
    """#{AWS::Region} is the Region, not text: the queue and stream ARNs are well formed. A
    bucket ARN given to s3:GetObject still grants nothing, plugin or not."""
    found = scan({"serverless.yml": SENDER}, rule="action-resource-match")
    assert [(f.start_line, f.message.split(" cannot")[0]) for f in found] == [(16, "s3:GetObject")]
    assert "arn:aws:s3:::reports-${AWS::Region}" in found[0].message


def test_without_the_plugin_the_same_text_is_unknown() -> None:
    found = scan({"serverless.yml": SENDER.replace("plugins:\n  - serverless-pseudo-parameters\n", "")},
                 rule="action-resource-match")
    assert found == []


def test_a_part_whose_file_name_depends_on_the_stage_is_said_not_reviewed() -> None:
    files = {
        "svc/serverless.yml": """\
            service: ws
            provider:
              name: aws
            functions: ${file(serverless.functions.${opt:stage}.yml)}
            """,
        "svc/serverless.functions.dev.yml": "hello:\n  handler: h.hello\n",
    }
    [note] = [f for f in scan(files) if f.rule_id == "include-not-reviewed"]
    assert (note.path, note.start_line, note.severity) == ("svc/serverless.yml", 4, "note")
    assert "serverless.functions.${opt:stage}.yml" in note.message
    assert "known only when the service is deployed" in note.message


def test_a_named_part_whose_key_depends_on_the_stage_is_no_unknown_file() -> None:
    files = {
        "svc/serverless.yml": """\
            service: ws
            provider:
              name: aws
              environment:
                SECRET: ${file(./env.yml):${opt:stage, 'dev'}.secret}
            """,
        "svc/env.yml": "dev:\n  secret: x\n",
    }
    assert [f for f in scan(files) if f.rule_id == "include-not-reviewed"] == []
