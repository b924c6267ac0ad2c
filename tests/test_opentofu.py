"""OpenTofu (issue 20, point 4): ``.tofu`` and ``.tofu.json`` files are read like ``.tf``, and a
``.tofu`` file replaces the ``.tf`` file of the same name, as OpenTofu does.
https://opentofu.org/docs/language/files/"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import run

WILDCARD = """\
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::b/*"]
  }
}
resource "aws_iam_role_policy" "p" {
  role   = "app"
  policy = data.aws_iam_policy_document.p.json
}
"""


def test_a_tofu_file_is_read_like_a_tf_file() -> None:
    [finding] = run(WILDCARD, rule="no-wildcard-actions", path="infra/main.tofu")
    assert finding.path == "infra/main.tofu" and finding.start_line == 3


def test_a_tofu_json_file_too() -> None:
    document = {"data": {"aws_iam_policy_document": {"p": {"statement": [
        {"actions": ["s3:*"], "resources": ["*"]}]}}},
        "resource": {"aws_iam_role_policy": {"p": {"role": "app",
                                                   "policy": "${data.aws_iam_policy_document.p.json}"}}}}
    found = run(json.dumps(document, indent=1), rule="no-wildcard-actions", path="main.tofu.json")
    assert [f.path for f in found] == ["main.tofu.json"]


def test_a_tofu_file_replaces_the_tf_file_of_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(WILDCARD)
    (tmp_path / "main.tofu").write_text(WILDCARD.replace('"s3:*"', '"s3:GetObject"'))
    (tmp_path / "other.tf").write_text(WILDCARD.replace('"p"', '"q"').replace(".p.json", ".q.json"))
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "scan", "--format", "json",
                           "--disable", "template-valid", str(tmp_path)], capture_output=True, text=True)
    report = json.loads(proc.stdout)
    wildcards = sorted(Path(f["path"]).name for f in report["findings"] if f["rule"] == "no-wildcard-actions")
    # main.tf is OpenTofu's no more; other.tf has no .tofu twin and is still read.
    assert wildcards == ["other.tf"]


REMOTE = """\
module "iam" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-policy"
  version = "5.0.0"
  name    = "app"
  policy  = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] })
}
module "bucket" {
  source = "terraform-aws-modules/s3-bucket/aws"
  bucket = "site"
  attach_policy = true
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject",
                                       Resource = "arn:aws:s3:::site/*" }] })
}
module "local" {
  source = "./child"
}
"""


def test_a_remote_modules_policy_arguments_are_judged_at_the_call() -> None:
    """Issue 20, point 3: a module from a registry: its resources are not here, the policy
    documents the call passes it are, by their shape."""
    found = run(REMOTE, path="main.tf")
    by_rule = {(f.rule_id, f.resource, f.start_line) for f in found if f.rule_id != "template-valid"}
    assert ("no-wildcard-actions", "module.iam", 5) in by_rule
    assert ("no-public-access", "module.bucket", 11) in by_rule
    notes = sorted((f.resource, f.severity) for f in found if f.rule_id == "include-not-reviewed")
    # The remote modules are said not to be reviewed inside; the local one is read as usual.
    assert notes == [("module.bucket", "note"), ("module.iam", "note")]


def test_statement_objects_passed_to_a_remote_module_are_judged() -> None:
    """A module's ``policy_statements`` (terraform-aws-modules/lambda's shape), and a heredoc."""
    module = """\
module "lambda" {
  source = "terraform-aws-modules/lambda/aws"
  policy_statements = {
    s3 = { effect = "Allow", actions = ["s3:*"], resources = ["*"] }
    ok = { effect = "Allow", actions = ["sqs:SendMessage"], resources = ["arn:aws:sqs:eu-west-1:1:q"] }
  }
  tags = { team = "a" }
}
module "iam" {
  source = "terraform-aws-modules/iam/aws//modules/iam-policy"
  policy = <<EOT
{"Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}
EOT
}
"""
    found = [(f.resource, f.start_line) for f in run(module, rule="no-wildcard-actions", path="main.tf")]
    assert found == [("module.lambda", 3), ("module.iam", 12)]
