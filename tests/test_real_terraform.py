"""Real Terraform written by others (tests/data/real/terraform, see its README): read whole,
no traceback, no rule failure, and the findings checked by hand stay what they are."""

from __future__ import annotations

import collections
from pathlib import Path

from tests.test_terraform import scan

REAL = Path(__file__).parent / "data" / "real" / "terraform"


def _files(*folders: str) -> dict[str, str]:
    return {str(path.relative_to(REAL)): path.read_text(encoding="utf-8")
            for folder in folders for path in sorted((REAL / folder).rglob("*"))
            if path.suffix in (".tf", ".json", ".tfvars", ".tftpl")}


def test_every_real_module_is_read_and_judged_without_a_failure() -> None:
    files = _files("terraform-aws-iam", "terraform-aws-lambda")
    assert len(files) > 190
    found = scan(files)
    assert [f for f in found if f.rule_id == "template-parse"] == []
    assert [f for f in found if f.message.startswith("rule could not finish")] == []
    counts = collections.Counter(f.rule_id for f in found)
    # Read by hand: "ec2:Describe*" in three examples, "vpc-lattice:*" in the load balancer
    # controller policy, "kms:ReEncrypt*" and "kms:GenerateDataKey*" for the EBS driver, and
    # the read-only module's "${service}:List*"-style patterns inside dynamic blocks; two
    # literal names; queues and topics that say nothing about encryption; Resource "*" for
    # write actions in the controllers' policies.
    assert counts["no-wildcard-actions"] == 16
    assert counts["staged-names"] == 2
    assert counts["encryption-at-rest"] == 9
    # The cluster autoscaler's SetDesiredCapacity on "*" is not among them: its condition on
    # autoscaling:ResourceTag/kubernetes.io/cluster/${statement.value} picks the groups.
    assert counts["no-wildcard-resources"] == 22
    # Not found, rightly: elasticloadbalancing (see action-resource-match), the IAM users'
    # self-management of their own keys, NotAction/NotPrincipal taken from an iterator.
    for quiet in ("action-resource-match", "privilege-escalation", "account-separation",
                  "valid-condition-keys", "no-shared-policies"):
        assert counts[quiet] == 0, quiet
    lattice = next(f for f in found if "vpc-lattice:*" in f.message)
    assert (lattice.path, lattice.start_line, lattice.resource) == (
        "terraform-aws-iam/modules/iam-role-for-service-accounts/policies.tf", 46,
        "data.aws_iam_policy_document.aws_gateway_controller")


def test_production_terraform_that_showed_rules_wrong_is_judged_right() -> None:
    files = _files("govwifi-terraform", "trussworks-terraform-aws-lambda",
                   "trussworks-terraform-aws-ecs-service")
    found = scan(files)
    assert [f for f in found if f.rule_id == "template-parse"] == []
    assert [f for f in found if f.message.startswith("rule could not finish")] == []
    at = {(f.rule_id, f.path) for f in found}
    # Heredoc policies with "${replace(x, "...", "")}" over several lines are read: the
    # iam:PassRole on "*" below one is found, on its own line.
    assert [(f.rule_id, f.start_line) for f in found
            if f.path == "govwifi-terraform/govwifi-admin/scheduled-tasks.tf"] == [
        ("no-wildcard-resources", 43)]
    # A session on the instance that holds the role gives it nothing new.
    assert ("privilege-escalation", "govwifi-terraform/govwifi-prometheus/iam-roles.tf") not in at
    # Service-linked roles are AWS's names; each stage's repository sits beside the others.
    assert not [f for f in found if f.rule_id == "staged-names" and "AWSServiceRoleFor" in f.message]
    assert ("staged-names", "govwifi-terraform/govwifi-deploy/ecr.tf") not in at
    # One role for a function made from S3 or from GitHub, never both.
    assert ("no-shared-policies", "trussworks-terraform-aws-lambda/main.tf") not in at
    # ecs:UpdateContainerInstancesState on "*" for the instances of one cluster.
    assert not [f for f in found if f.rule_id == "no-wildcard-resources"
                and f.path == "trussworks-terraform-aws-ecs-service/main.tf"
                and "UpdateContainerInstancesState" in f.message]
