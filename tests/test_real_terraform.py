"""Real Terraform written by others (tests/data/real/terraform, see its README): read whole,
no traceback, no rule failure, and the findings checked by hand stay what they are."""

from __future__ import annotations

import collections
from pathlib import Path

from tests.test_terraform import scan

REAL = Path(__file__).parent / "data" / "real" / "terraform"


def test_every_real_module_is_read_and_judged_without_a_failure() -> None:
    files = {str(path.relative_to(REAL)): path.read_text(encoding="utf-8")
             for path in sorted(REAL.rglob("*")) if path.suffix in (".tf", ".json", ".tfvars")}
    assert len(files) > 190
    found = scan(files)
    assert [f for f in found if f.rule_id == "template-parse"] == []
    assert [f for f in found if f.message.startswith("rule could not finish")] == []
    counts = collections.Counter(f.rule_id for f in found)
    # Read by hand: "ec2:Describe*" in three examples and "vpc-lattice:*" in the load
    # balancer controller policy; two literal names; queues and topics that say nothing
    # about encryption; Resource "*" for write actions in the controllers' policies.
    assert counts["no-wildcard-actions"] == 4
    assert counts["staged-names"] == 2
    assert counts["encryption-at-rest"] == 9
    assert counts["no-wildcard-resources"] == 19
    assert counts["action-resource-match"] == 0  # elasticloadbalancing: see the rule
    lattice = next(f for f in found if "vpc-lattice:*" in f.message)
    assert (lattice.path, lattice.start_line, lattice.resource) == (
        "terraform-aws-iam/modules/iam-role-for-service-accounts/policies.tf", 46,
        "data.aws_iam_policy_document.aws_gateway_controller")
