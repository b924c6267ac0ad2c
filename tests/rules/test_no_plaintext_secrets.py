"""no-plaintext-secrets: secrets written out in functions' environments, SSM String parameters
and password properties, in every format, and never repeated by any output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run
from tests.test_diff import Repo

RULE = "no-plaintext-secrets"
# Values that must never be shown: each unique, so a leak is found wherever it goes.
CFN_SECRET = "Cfn-Pw-7f3a91d2"
TF_SECRET = "Tf-Pw-0c6e54b8"
SLS_SECRET = "Sls-Key-93b1e07a"
ACCESS_KEY = "AKIA2E0A8F3B244C7DQX"

TEMPLATE = f"""\
Parameters:
  Hidden: {{Type: String, NoEcho: true}}
  Shown: {{Type: String, Default: "{CFN_SECRET}-default"}}
Resources:
  Handler:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Environment:
        Variables:
          DB_PASSWORD: {CFN_SECRET}
          DB_SECRET_ARN: arn:aws:secretsmanager:eu-west-1:111111111111:secret:db
          TOKEN_TTL: "3600"
          HIDDEN_TOKEN: !Ref Hidden
          SHOWN_TOKEN: !Ref Shown
          RESOLVED_PASSWORD: "{{{{resolve:secretsmanager:db:SecretString:password}}}}"
          PLACEHOLDER_SECRET: YOUR-SECRET-HERE
          UPSTREAM: {ACCESS_KEY}
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUsername: admin
      MasterUserPassword: !If [IsProd, "{{{{resolve:ssm-secure:/db}}}}", {CFN_SECRET}-if]
  Setting:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /orders/stripe_secret_key
      Type: String
      Value: {CFN_SECRET}-ssm
  Encrypted:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /orders/region
      Type: String
      Value: eu-west-1
"""


def test_cloudformation_environment_parameters_and_passwords() -> None:
    found = sorted((f.start_line, f.resource, f.message) for f in run(TEMPLATE, rule=RULE))
    assert [(line, resource) for line, resource, _ in found] == [
        (3, "Handler"), (11, "Handler"), (18, "Handler"), (23, "Database"), (29, "Setting")]
    by_line = {line: message for line, _, message in found}
    assert by_line[3].startswith("Environment.Variables SHOWN_TOKEN of function Handler is "
                                 "written in plain text through the default of parameter Shown")
    assert "its name says it is a secret" in by_line[11]
    assert "shaped like an AWS access key id" in by_line[18]
    assert by_line[23].startswith("MasterUserPassword of Database")
    assert "Value of SSM parameter Setting (a String parameter, not a SecureString)" in by_line[29]
    assert all("********" in m for m in by_line.values())


def test_sam_globals_are_said_once_and_a_documentation_key_is_no_secret() -> None:
    template = """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Environment:
              Variables: {API_KEY: 5ec7e7-real-looking, EXAMPLE_ID: AKIAIOSFODNN7EXAMPLE}
        Resources:
          A: {Type: AWS::Serverless::Function, Properties: {Handler: a.h, Runtime: python3.12}}
          B: {Type: AWS::Serverless::Function, Properties: {Handler: b.h, Runtime: python3.12}}
        """
    [finding] = run(template, rule=RULE)
    assert finding.start_line == 5 and "API_KEY" in finding.message


TERRAFORM = f"""\
variable "db_password" {{
  default = "{TF_SECRET}-default"
}}
variable "api_token" {{}}
resource "aws_db_instance" "orders" {{
  password = "{TF_SECRET}"
}}
resource "aws_rds_cluster" "ledger" {{
  master_password = var.db_password
}}
resource "aws_rds_cluster" "managed" {{
  master_password = random_password.ledger.result
}}
resource "aws_ssm_parameter" "hook" {{
  name  = "/orders/${{var.stage}}/webhook_secret"
  type  = "String"
  value = "{TF_SECRET}-ssm"
}}
resource "aws_ssm_parameter" "secure" {{
  name  = "/orders/token"
  type  = "SecureString"
  value = random_password.token.result
}}
resource "aws_lambda_function" "sync" {{
  environment {{
    variables = {{
      GITHUB_TOKEN = var.api_token
      SLACK_TOKEN  = data.aws_secretsmanager_secret_version.slack.secret_string
      DB_PASSWORD  = "{TF_SECRET}-env"
      TABLE        = "orders"
    }}
  }}
}}
"""


def test_terraform_literals_variables_and_references() -> None:
    found = sorted((f.start_line, f.resource, f.message) for f in run(TERRAFORM, rule=RULE, path="main.tf"))
    assert [(line, resource) for line, resource, _ in found] == [
        (2, "aws_rds_cluster.ledger"), (6, "aws_db_instance.orders"), (17, "aws_ssm_parameter.hook"),
        (29, "aws_lambda_function.sync")]
    messages = [m for _, _, m in found]
    assert messages[0].startswith("master_password of aws_rds_cluster.ledger is written in plain "
                                  "text through var.db_password")
    assert messages[1].startswith("password of aws_db_instance.orders")
    assert messages[2].startswith("value of SSM parameter aws_ssm_parameter.hook")
    assert messages[3].startswith("environment.variables DB_PASSWORD of function aws_lambda_function.sync")


SERVICE = f"""\
service: orders
custom:
  stripe: {SLS_SECRET}-custom
provider:
  name: aws
  environment:
    STRIPE_SECRET_KEY: ${{self:custom.stripe}}
    DB_PASSWORD: ${{ssm:/orders/db/password}}
    ACCOUNT: ${{aws:accountId}}
functions:
  create:
    handler: create.handler
    environment:
      SIGNING_SECRET: {SLS_SECRET}
      MODE: fast
  cancel:
    handler: cancel.handler
    environment:
      SIGNING_SECRET: ${{env:SIGNING_SECRET}}
"""


def test_serverless_provider_and_function_environments() -> None:
    found = sorted((f.start_line, f.resource, f.message) for f in run(SERVICE, rule=RULE, path="serverless.yml"))
    assert [(line, resource) for line, resource, _ in found] == [(7, "create"), (14, "create")]
    # The provider's variable reaches both functions, and is said once, where it is written.
    assert found[0][2].startswith("environment STRIPE_SECRET_KEY of functions create and cancel")
    assert found[1][2].startswith("environment SIGNING_SECRET of function create")


@pytest.mark.parametrize("name, value, flagged", [
    ("DB_PASSWORD", "hunter2-long", True),
    ("dbPassword", "hunter2-long", True),
    ("stripeSecretKey", "rk-8a7s6d5f", True),
    ("DB_SECRET_ARN", "hunter2-long", False),
    ("PASSWORD_LENGTH", "32", False),
    ("TOKEN_URL", "https://auth.example.com/token", False),
    ("DATABASE_URL", "postgres://app:hunter2-long@db.internal:5432/app", True),
    ("DATABASE_URL", "postgres://db.internal:5432/app", False),
    ("JWT_SECRET", "changeme", False),
    ("API_KEY", "<your api key>", False),
    ("API_KEY", "xxxxxxxxxxxx", False),
    ("MY_SECRET", "xyz123", False),
    ("DB_PASSWORD", "Aa1234321Bb", True),
    ("GITHUB", "ghp_" + "a1B2c3D4e5" * 4, True),
    ("CERT", "-----BEGIN PRIVATE KEY-----\\nMIIE", True),
    ("SECRET_PATH", "/orders/prod/secret", False),
])
def test_what_is_a_secret(name: str, value: str, flagged: bool) -> None:
    template = f"""\
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Environment:
                Variables:
                  {name}: "{value}"
        """
    assert bool(run(template, rule=RULE)) is flagged


# ---------------------------------------------------------------- never shown


def _cli(*args: str, cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's reviewer, from any folder
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", *args], cwd=cwd,
                          capture_output=True, text=True, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout + proc.stderr


SECRETS = (CFN_SECRET, TF_SECRET, SLS_SECRET, ACCESS_KEY)


def _write_all(root: Path) -> None:
    (root / "stack").mkdir(parents=True, exist_ok=True)
    (root / "infra").mkdir(exist_ok=True)
    (root / "svc").mkdir(exist_ok=True)
    (root / "stack" / "app.yaml").write_text(TEMPLATE)
    (root / "infra" / "main.tf").write_text(TERRAFORM)
    (root / "svc" / "serverless.yml").write_text(SERVICE)


def _assert_hidden(output: str) -> None:
    leaked = [s for s in SECRETS if s in output]
    assert leaked == [], f"the secret is shown: {leaked}"


def test_scan_never_shows_the_secret_in_any_format(tmp_path: Path) -> None:
    _write_all(tmp_path)
    for fmt in ("text", "json", "sarif"):
        output = _cli("scan", "--format", fmt, ".", cwd=tmp_path)
        assert RULE in output
        _assert_hidden(output)


def test_diff_never_shows_the_secret_in_any_format(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("README.md", "orders\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    _write_all(repo.root)
    repo.commit("secrets")
    for fmt in ("text", "json", "sarif"):
        output = _cli("diff", "--base", "main", "--head", "HEAD", "--repo", str(repo.root),
                      "--format", fmt, cwd=repo.root)
        assert RULE in output
        _assert_hidden(output)
    report = json.loads(_cli("diff", "--base", "main", "--repo", str(repo.root), "--format",
                             "json", cwd=repo.root))
    new = [f for f in report["findings"] if f["rule"] == RULE]
    assert len(new) == 11 and {f["state"] for f in new} == {"new"}
    # Another literal in the same place is another secret exposed: new, and the old one fixed
    # (the fingerprint names a few bits of a digest of the value: it tells them apart without it).
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "feature")
    repo.git("checkout", "-q", "-b", "rotate")
    (repo.root / "infra" / "main.tf").write_text(TERRAFORM.replace(f'"{TF_SECRET}"', '"Other-Pw-1"'))
    repo.commit("another password")
    report = json.loads(_cli("diff", "--base", "main", "--repo", str(repo.root), "--format",
                             "json", cwd=repo.root))
    states = sorted(f["state"] for f in report["findings"] if f["rule"] == RULE)
    assert states.count("new") == 1 and len(report["fixed"]) == 1


@pytest.mark.parametrize("name, value", [
    ("DATADOG_API_KEY", "idunno"), ("API_KEY", "x-api-key"), ("TOKEN", "Bearer"),
    ("API_AUTH", "AWS_IAM"), ("COGNITO_AUTH", "COGNITO_USER_POOLS"), ("GITHUB_TOKEN", "GITHUB_TOKEN"),
    ("APP_SECRET", "prod/app/secret"), ("ENCRYPTION_KEY", "aws:kms"),
    ("CLIENT_CREDENTIALS", "client_credentials"), ("RUNNER_TOKEN", "this_should_be_secret"),
    ("DB_CONNECTION_STRING", "Server=db;Database=app;Integrated Security=true"),
    ("DB_PASSWORD", "String"), ("PARTNER_KEY", "AKIAAAAAAAAAAAAAAAAA"),
    ("DATABASE_URL", "postgres://user:password@localhost/app"),
    ("MONGO_URL", "mongodb://admin:<password>@db.internal/app"),
    ("OPENAI", "sk-proj-your-openai-api-key-goes-here-please"), ("SLACK", "xoxb-your-token"),
])
def test_stand_ins_modes_and_names_are_no_secrets(name: str, value: str) -> None:
    template = f"Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n          {name}: '{value}'\n"
    assert run(template, rule=RULE) == []


@pytest.mark.parametrize("name, value", [
    ("DATADOG_API_KEY", "3f9a1c7e5b2d4f60a8c9e1b3d5f7a9c2"), ("JWT_SECRET", "mysupersecret"),
    ("DB_PASSWORD", "correcthorsebatterystaple"),
    ("DB_CONNECTION_STRING", "Server=db;Database=app;User Id=app;Password=Qw3rty-9981"),
    ("DATABASE_URL", "postgres://app:Qw3rty-9981@db.internal/app"),
])
def test_real_looking_secrets_are_still_secrets(name: str, value: str) -> None:
    template = f"Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n          {name}: '{value}'\n"
    [finding] = run(template, rule=RULE)
    assert value not in finding.message and finding.start_line == 7


def test_sam_globals_merge_into_a_function_with_variables_of_its_own() -> None:
    # SAM merges Environment.Variables of Globals and of the function: both functions get
    # the password, said once at the line it is written on.
    template = """Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Environment:
      Variables:
        DB_PASSWORD: Qw3rty-9981-x
        STAGE: prod
Resources:
  Plain:
    Type: AWS::Serverless::Function
    Properties: {Handler: a.h, Runtime: python3.12}
  Own:
    Type: AWS::Serverless::Function
    Properties:
      Handler: b.h
      Runtime: python3.12
      Environment:
        Variables:
          QUEUE: orders
"""
    [finding] = run(template, rule=RULE)
    assert finding.start_line == 6
    assert "functions Plain and Own" in finding.message or "functions Own and Plain" in finding.message


def test_a_secret_written_as_a_map_a_secure_strings_value_and_a_noecho_default() -> None:
    hcl = """
resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = "db"
  secret_string = jsonencode({ username = "admin", password = "Qw3rty-9981-x" })
}
resource "aws_ssm_parameter" "db" {
  name  = "/app/db_password"
  type  = "SecureString"
  value = "Qw3rty-9981-y"
}
resource "aws_ssm_parameter" "ok" {
  name  = "/app/db_password2"
  type  = "SecureString"
  value = random_password.db.result
}
"""
    found = [(f.start_line, f.message.split(" is written")[0]) for f in run(hcl, rule=RULE, path="main.tf")]
    assert found == [(4, "secret_string member password of aws_secretsmanager_secret_version.db"),
                     (9, "value of SecureString parameter aws_ssm_parameter.db")]
    template = """
Parameters:
  Hidden: {Type: String, NoEcho: true, Default: Qw3rty-9981-z}
  Given: {Type: String, NoEcho: true}
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {MasterUserPassword: !Ref Hidden}
  Other:
    Type: AWS::RDS::DBInstance
    Properties: {MasterUserPassword: !Ref Given}
"""
    # NoEcho hides a value in the console; its Default is still written in the repository.
    assert [(f.resource, f.start_line) for f in run(template, rule=RULE)] == [("Db", 3)]


def test_a_password_in_a_sub_and_in_either_map_of_an_if() -> None:
    template = """
Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "111111111111"]
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          DATABASE_URL: !Sub "postgres://app:Qw3rty-9981@${Db.Endpoint.Address}/app"
          SAFE_URL: !Sub "postgres://app:${DbPassword}@${Db.Endpoint.Address}/app"
  Other:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables: !If [IsProd, {DB_PASSWORD: Qw3rty-9981-p}, {DB_PASSWORD: Qw3rty-9981-d}]
"""
    found = sorted((f.start_line, f.resource) for f in run(template, rule=RULE))
    assert found == [(13, "Fn"), (19, "Other")] or found == [(13, "Fn"), (19, "Other"), (19, "Other")]
    assert all("Qw3rty" not in f.message for f in run(template, rule=RULE))


def test_a_fingerprint_holds_too_little_of_a_digest_to_confirm_a_guess() -> None:
    from reviewer.rules.secret_shapes import fingerprint_value

    place = fingerprint_value("DB_PASSWORD", "Qw3rty-9981-x")
    assert place.startswith("DB_PASSWORD:") and len(place.split(":", 1)[1]) == 3
    # Among a few thousand guesses, several share the digits: matching them confirms nothing.
    matches = [g for g in (f"guess-{i}" for i in range(20_000)) if fingerprint_value("DB_PASSWORD", g) == place]
    assert len(matches) >= 2


def test_json_text_of_a_secret_and_a_value_terraform_leaves_to_others() -> None:
    template = """
Resources:
  Creds:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: '{"username": "app", "password": "Qw3rty-9981-k"}'
  Address:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: '{"host": "db.internal", "port": "5432", "username": "app"}'
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables: !If [IsProd, {DB_PASSWORD: 1234}, {DB_PASSWORD: 98127364519}]
"""
    found = sorted((f.resource, f.start_line, f.message.split(" is written")[0]) for f in run(template, rule=RULE))
    assert found == [("Creds", 6, "SecretString member password of Creds"),
                     ("Fn", 15, "Environment.Variables DB_PASSWORD of function Fn")]
    hcl = """
resource "aws_ssm_parameter" "set_outside" {
  name  = "/app/db_password"
  type  = "SecureString"
  value = "set-in-console-later"
  lifecycle {
    ignore_changes = [value]
  }
}
"""
    assert run(hcl, rule=RULE, path="main.tf") == []
