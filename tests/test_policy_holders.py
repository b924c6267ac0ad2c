"""Every policy a template holds is read, with exact lines (issue 8, point 2)."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from reviewer.formats import read_file
from reviewer.engine.iam import ENDPOINT_POLICY, IDENTITY, RESOURCE_POLICY, policy_documents, statements
from tests.conftest import ORG, run

def wildcards(template: str) -> list[tuple[str | None, int]]:
    return [(f.resource, f.start_line) for f in run(template, rule="no-wildcard-actions")]


def documents(template: str) -> list[Any]:
    doc = read_file("t.yaml", textwrap.dedent(template).encode())
    assert doc is not None
    return policy_documents(doc)


@pytest.mark.parametrize("rtype,owner", [
    ("AWS::IAM::RolePolicy", "RoleName"), ("AWS::IAM::UserPolicy", "UserName"),
    ("AWS::IAM::GroupPolicy", "GroupName"),
])
def test_inline_policies_of_one_principal(rtype: str, owner: str) -> None:
    template = f"""\
        Resources:
          Inline:
            Type: {rtype}
            Properties:
              {owner}: !Ref Someone
              PolicyName: p
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Action: "ec2messages:*"
                    Resource: "*"
        """
    assert wildcards(template) == [("Inline", 10)]
    [policy] = documents(template)
    assert (policy.kind, policy.principals) == (IDENTITY, ["Someone"])


def test_vpc_endpoint_and_other_resource_policies() -> None:
    template = """\
        Resources:
          Endpoint:
            Type: AWS::EC2::VPCEndpoint
            Properties:
              ServiceName: com.amazonaws.eu-west-1.s3
              VpcId: vpc-1
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: "*"
                    Action: "s3:*"
                    Resource: "*"
          Repo:
            Type: AWS::CodeArtifact::Repository
            Properties:
              RepositoryName: r
              DomainName: d
              PermissionsPolicyDocument:
                Statement:
                  - {Effect: Allow, Principal: "*", Action: "codeartifact:*", Resource: "*"}
        """
    # An endpoint policy grants nothing (it limits the VPC's callers): its "*" is AWS's default.
    assert wildcards(template) == [("Repo", 20)]
    assert {p.resource: p.kind for p in documents(template)} == {"Endpoint": ENDPOINT_POLICY,
                                                                 "Repo": RESOURCE_POLICY}
    trusts = [(f.resource, f.start_line) for f in run(template, rule="account-separation", config=ORG)]
    assert trusts == [("Repo", 20)]  # the repository's "*" trusts anyone; the endpoint's does not


def test_serverless_api_resource_policies() -> None:
    template = """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Api:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              Auth:
                ResourcePolicy:
                  CustomStatements:
                    - Effect: Allow
                      Principal: "*"
                      Action: "execute-api:*"
                      Resource: "execute-api:/*"
          Rest:
            Type: AWS::ApiGateway::RestApi
            Properties:
              Body:
                openapi: "3.0.1"
                x-amazon-apigateway-policy:
                  Version: "2012-10-17"
                  Statement:
                    - Effect: Allow
                      Principal: "*"
                      Action: "execute-api:*"
                      Resource: "*"
        """
    assert wildcards(template) == [("Api", 12), ("Rest", 24)]


def test_event_bus_and_layer_permissions() -> None:
    template = """\
        Resources:
          BusPolicy:
            Type: AWS::Events::EventBusPolicy
            Properties:
              StatementId: all
              Statement:
                Effect: Allow
                Principal: {AWS: "arn:aws:iam::444455556666:root"}
                Action: "events:*"
                Resource: "*"
          OldBusPolicy:
            Type: AWS::Events::EventBusPolicy
            Properties:
              StatementId: old
              Action: "events:PutEvents"
              Principal: "444455556666"
          Layer:
            Type: AWS::Lambda::LayerVersionPermission
            Properties:
              Action: lambda:GetLayerVersion
              LayerVersionArn: arn:aws:lambda:eu-west-1:111111111111:layer:l:1
              Principal: "*"
              OrganizationId: o-abc
        """
    assert wildcards(template) == [("BusPolicy", 9)]
    found = {p.resource: p for p in documents(template)}
    assert set(found) == {"BusPolicy", "OldBusPolicy", "Layer"}
    [layer] = statements(found["Layer"])
    assert layer.data["Condition"] == {"OrganizationId": "o-abc"}
    [old] = statements(found["OldBusPolicy"])
    assert old.data["Principal"] == "444455556666"


def test_policies_wrapped_in_if() -> None:
    template = f"""\
        Conditions:
          IsProd: !Equals [!Ref "AWS::AccountId", "333333333333"]
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {{}}
              Policies:
                - !If
                  - IsProd
                  - PolicyName: p
                    PolicyDocument:
                      Statement:
                        - Effect: Allow
                          Action: "ssm:*"
                          Resource: "*"
                  - !Ref AWS::NoValue
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: a.h
              Policies:
                - !If [IsProd, {{Statement: [{{Effect: Allow, Action: "kms:*", Resource: "*"}}]}}, !Ref AWS::NoValue]
        """
    assert wildcards(template) == [("Role", 15), ("Fn", 24)]


def test_resources_made_by_fn_foreach() -> None:
    template = """\
        Transform: AWS::LanguageExtensions
        Parameters:
          Queues: {Type: CommaDelimitedList, Default: "Orders,Invoices"}
        Resources:
          Fn::ForEach::Roles:
            - Name
            - !Ref Queues
            - Role${Name}:
                Type: AWS::IAM::Role
                Properties:
                  AssumeRolePolicyDocument: {}
                  Policies:
                    - PolicyName: p
                      PolicyDocument:
                        Statement:
                          - Effect: Allow
                            Action: "sqs:*"
                            Resource: !Sub "arn:aws:sqs:*:*:${Name}"
        """
    assert sorted(wildcards(template)) == [("RoleInvoices", 17), ("RoleOrders", 17)]


def test_a_loop_over_a_value_known_at_deploy_time_is_still_reviewed() -> None:
    template = """\
        Transform: AWS::LanguageExtensions
        Parameters:
          Names: {Type: CommaDelimitedList}
        Resources:
          Fn::ForEach::Roles:
            - Name
            - !Ref Names
            - Role${Name}:
                Type: AWS::IAM::ManagedPolicy
                Properties:
                  PolicyDocument: {Statement: [{Effect: Allow, Action: "iam:*", Resource: "*"}]}
        """
    assert wildcards(template) == [("Role${Name}", 11)]


def test_nested_loops_are_bounded() -> None:
    """Five nested loops of 100 items would be 10^10 resources: a budget stops them."""
    inner = '{Type: AWS::SQS::Queue}'
    body = '"Q${A}${B}${C}${D}${E}": ' + inner
    items = "[" + ", ".join(str(i) for i in range(100)) + "]"
    for var in "EDCBA":
        body = f'"Fn::ForEach::L{var}": [{var}, {items}, {{{body}}}]'
    doc = read_file("t.yaml", ("Resources: {" + body + "}\n").encode())
    assert doc is not None and len(doc.resources()) == 2000


def test_an_include_is_reported_as_not_reviewed() -> None:
    findings = run("""\
        Resources:
          Queue:
            Type: AWS::SQS::Queue
          Fn::Transform:
            Name: AWS::Include
            Parameters: {Location: "s3://snippets/roles.yaml"}
        """)
    [include] = [f for f in findings if f.rule_id == "include-not-reviewed"]
    assert include.start_line == 4 and "s3://snippets/roles.yaml" in include.message
    assert include.severity == "warning"
