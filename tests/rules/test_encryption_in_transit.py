"""encryption-in-transit: TLS-only resource policies for buckets, queues and topics, TLS
versions of listeners and API Gateway domains, plain HTTP listeners; in every format."""

from __future__ import annotations

import json

import pytest

from reviewer.rules.encryption_in_transit import lowest_tls
from tests.conftest import run
from tests.rules.test_no_plaintext_secrets import _cli
from tests.test_diff import Repo

RULE = "encryption-in-transit"

TEMPLATE = """\
Resources:
  Covered: {Type: AWS::SQS::Queue}
  Bare: {Type: AWS::SQS::Queue}
  Topic: {Type: AWS::SNS::Topic}
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Covered]
      PolicyDocument:
        Statement:
          - {Effect: Deny, Principal: "*", Action: "sqs:*", Resource: "*", Condition: {Bool: {"aws:SecureTransport": "false"}}}
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: events.amazonaws.com}, Action: sns:Publish, Resource: "*"}
  Legacy:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties: {Protocol: HTTPS, SslPolicy: ELBSecurityPolicy-TLS-1-1-2017-01, DefaultActions: [{Type: forward}]}
  Modern:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties: {Protocol: TLS, SslPolicy: ELBSecurityPolicy-TLS13-1-3-2021-06, DefaultActions: [{Type: forward}]}
  Decided:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties: {Protocol: HTTPS, SslPolicy: !Ref Policy, DefaultActions: [{Type: forward}]}
  Plain:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties: {Protocol: HTTP, DefaultActions: [{Type: fixed-response, FixedResponseConfig: {StatusCode: "404"}}]}
  Domain: {Type: AWS::ApiGateway::DomainName, Properties: {DomainName: api.example.com}}
"""


def test_cloudformation() -> None:
    found = sorted((f.start_line, f.resource, f.message[:60]) for f in run(TEMPLATE, rule=RULE))
    assert [(line, resource) for line, resource, _ in found] == [
        (3, "Bare"), (4, "Topic"), (21, "Legacy"), (31, "Domain")]
    assert found[1][2] == "SNS topic Topic has no AWS::SNS::TopicPolicy that denies req"
    assert found[2][2] == "listener Legacy accepts TLS 1.1 (SslPolicy ELBSecurityPolicy"


def test_the_organisations_minimum() -> None:
    config = {"rules": {RULE: {"with": {"minimum_tls": "1.3"}}}}
    found = {f.resource for f in run(TEMPLATE, rule=RULE, config=config)}
    assert found == {"Bare", "Topic", "Legacy", "Domain"}  # Modern accepts TLS 1.3 only
    template = TEMPLATE.replace("TLS13-1-3-2021-06", "TLS13-1-2-2021-06")
    assert "Modern" in {f.resource for f in run(template, rule=RULE, config=config)}


@pytest.mark.parametrize("policy, lowest", [
    ("ELBSecurityPolicy-2016-08", "1.0"), ("ELBSecurityPolicy-TLS13-1-2-2021-06", "1.2"),
    ("ELBSecurityPolicy-FS-1-1-2019-08", "1.1"), ("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", "1.2"),
    ("TLS_1_0", "1.0"), ("SecurityPolicy_TLS13_1_3_2025_09", "1.3"), ("Custom-Policy", None)])
def test_lowest_tls_of_a_policy(policy: str, lowest: str | None) -> None:
    assert lowest_tls(policy) == lowest


TERRAFORM = """\
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
resource "aws_s3_bucket" "data" {
  bucket = "data"
}
resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = jsonencode({
    Statement = [{
      Effect = "Deny", Principal = "*", Action = "s3:*", Resource = "*",
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
resource "aws_lb_listener" "http" {
  protocol = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
resource "aws_lb_listener" "redirect" {
  protocol = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}
"""


def test_terraform() -> None:
    found = sorted((f.start_line, f.resource, f.message[:70]) for f in run(TERRAFORM, rule=RULE, path="main.tf"))
    assert found == [
        (1, "aws_s3_bucket.logs", "S3 bucket aws_s3_bucket.logs has no policy or aws_s3_bucket_policy tha"),
        (17, "aws_lb_listener.http", "listener aws_lb_listener.http serves plain HTTP: its default_action fo")]


def test_a_policy_for_a_bucket_named_elsewhere_clears_the_module() -> None:
    module = TERRAFORM.replace("bucket = aws_s3_bucket.data.id", 'bucket = "shared-elsewhere"')
    assert [f.resource for f in run(module, rule=RULE, path="main.tf")] == ["aws_lb_listener.http"]


def test_serverless_resources() -> None:
    service = """\
        service: orders
        provider: {name: aws}
        functions:
          a: {handler: a.handler}
        resources:
          Resources:
            Uploads: {Type: AWS::S3::Bucket}
        """
    [finding] = run(service, rule=RULE, path="serverless.yml")
    assert (finding.start_line, finding.resource) == (7, "Uploads")


def test_diff_a_removed_tls_statement_is_new(tmp_path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("infra/main.tf", TERRAFORM)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("infra/main.tf", TERRAFORM.replace('"aws:SecureTransport" = "false"', '"aws:SecureTransport" = "true"'))
    repo.commit("oops")
    report = json.loads(_cli("diff", "--base", "main", "--repo", str(repo.root), "--format", "json",
                             cwd=repo.root))
    rows = sorted((f["resource"], f["state"]) for f in report["findings"] if f["rule"] == RULE)
    assert rows == [("aws_lb_listener.http", "unchanged"), ("aws_s3_bucket.data", "new"),
                    ("aws_s3_bucket.logs", "unchanged")]


def test_a_policy_names_its_bucket_as_the_bucket_names_itself() -> None:
    template = """\
        Resources:
          Feedback:
            Type: AWS::S3::Bucket
            Properties: {BucketName: !Sub "feedback-${AWS::AccountId}"}
          Other: {Type: AWS::S3::Bucket}
          FeedbackPolicy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Sub "feedback-${AWS::AccountId}"
              PolicyDocument:
                Statement:
                  - {Effect: Allow, Principal: "*", Action: s3:PutObject, Resource: "*"}
        """
    assert sorted(f.resource for f in run(template, rule=RULE)) == ["Feedback", "Other"]


def test_a_callers_policy_for_a_modules_bucket() -> None:
    """nozaq/terraform-aws-secure-baseline: the module makes the bucket, its caller gives it
    a policy through the module's output; the module's bucket is not judged alone."""
    import dataclasses
    import textwrap

    from reviewer.config.settings import Settings, effective_rules
    from reviewer.pipeline import evaluate
    from tests.conftest import shipped_rules

    files = {
        "main.tf": 'module "logs" {\n  source = "./bucket"\n}\n'
                   'resource "aws_s3_bucket_policy" "logs" {\n  bucket = module.logs.bucket_id\n'
                   '  policy = data.aws_iam_policy_document.tls.json\n}\n',
        "bucket/main.tf": 'resource "aws_s3_bucket" "this" {\n  bucket = "logs"\n}\n'
                          'output "bucket_id" {\n  value = aws_s3_bucket.this.id\n}\n',
    }
    rules = effective_rules(shipped_rules(), Settings())
    only = {RULE: dataclasses.replace(rules[RULE], enabled=True)}
    found = evaluate({p: textwrap.dedent(t).encode() for p, t in files.items()}, only, Settings()).findings
    assert [f for f in found if f.rule_id == RULE] == []
    files["main.tf"] = 'module "logs" {\n  source = "./bucket"\n}\n'
    found = evaluate({p: t.encode() for p, t in files.items()}, only, Settings()).findings
    assert [f.resource for f in found if f.rule_id == RULE] == ["module.logs.aws_s3_bucket.this"]


def test_a_module_or_an_included_snippet_may_hold_the_policy() -> None:
    bucket = "Resources:\n  Uploads:\n    Type: AWS::S3::Bucket\n"
    assert [f.resource for f in run(bucket, rule=RULE)] == ["Uploads"]
    include = bucket + ("  Fn::Transform:\n    Name: AWS::Include\n"
                        "    Parameters: {Location: 's3://snippets/tls-deny.yml'}\n")
    assert run(include, rule=RULE) == []
    rain = bucket + '  Access:\n    Type: !Rain::Module "bucket-policy.yaml"\n'
    assert run(rain, rule=RULE) == []
    registry = bucket + "  Access:\n    Type: Acme::Storage::BucketPolicy::MODULE\n"
    assert run(registry, rule=RULE) == []


def test_a_redirect_that_does_not_name_https_keeps_http() -> None:
    listener = """
resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/x/1"
  port     = 80
  protocol = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "8080"
      status_code = "HTTP_301"
    }
  }
}
"""
    [finding] = run(listener, rule=RULE, path="main.tf")
    assert "without moving them to HTTPS" in finding.message
    named = listener.replace('port        = "8080"', 'protocol    = "HTTPS"\n      port        = "443"')
    assert run(named, rule=RULE, path="main.tf") == []
    unknown = listener.replace('port        = "8080"', 'protocol    = var.protocol')
    assert run(unknown, rule=RULE, path="main.tf") == []
