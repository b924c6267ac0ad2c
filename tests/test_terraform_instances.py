"""Instances without a plan (issue 20, point 2): ``for_each`` and ``count`` over values known in
the configuration make one resource per instance, as Terraform does; what is known only when
applied stays one block, its ``each.value`` unknown."""

from __future__ import annotations

from tests.conftest import run

READERS = """\
locals {
  readers = {
    invoices = "arn:aws:s3:::invoices/*"
    reports  = "*"
  }
}
locals {
  buckets = ["logs", "audit"]
}
resource "aws_iam_policy" "reader" {
  for_each = local.readers
  name     = "reader-${each.key}"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:PutObject"], Resource = each.value }]
  })
}
resource "aws_iam_policy" "writer" {
  for_each = toset(local.buckets)
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:PutObject"], Resource = "arn:aws:s3:::${each.value}/*" }]
  })
}
resource "aws_iam_policy" "copies" {
  count  = 3
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:PutObject"], Resource = "arn:aws:s3:::c${count.index}/*" }]
  })
}
resource "aws_iam_policy" "later" {
  for_each = aws_s3_bucket.all
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:PutObject"], Resource = each.value.arn }]
  })
}
"""


def test_each_instance_is_judged_with_its_own_values() -> None:
    found = run(READERS, rule="no-wildcard-resources", path="main.tf")
    # Only the instance whose value is "*" writes on every resource.
    assert [(f.resource, f.start_line) for f in found] == [('aws_iam_policy.reader["reports"]', 14)]


def test_instance_names_are_worked_out_and_unknowns_stay_unknown() -> None:
    from reviewer.config.settings import Settings
    from reviewer.pipeline import evaluate

    [doc] = evaluate({"main.tf": READERS.encode()}, {}, Settings()).documents
    names = sorted(r.logical_id for r in doc.resources())
    assert names == ['aws_iam_policy.copies[0]', 'aws_iam_policy.copies[1]', 'aws_iam_policy.copies[2]',
                     'aws_iam_policy.later', 'aws_iam_policy.reader["invoices"]',
                     'aws_iam_policy.reader["reports"]', 'aws_iam_policy.writer["audit"]',
                     'aws_iam_policy.writer["logs"]']
