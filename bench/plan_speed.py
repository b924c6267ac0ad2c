#!/usr/bin/env python3
"""How fast a Terraform plan is read and reviewed (issue 20, point 7).

Builds a plan of N resources (default 5,000) in the shape ``terraform show -json`` writes
(format 1.2: variables, planned_values, resource_changes, configuration), modelled on the
billing plan in tests/data/plans/ours made by Terraform 1.11.4: IAM policies with policy
text, roles with trust policies, role policies, buckets, queues and functions, a fifth of
them inside a registry module. Then it times, as child processes:

- ``policy-reviewer scan plan.json`` (wall time, peak RSS from ``os.wait4``);
- checkov's ``-f plan.json --framework terraform_plan`` when bench/.cache/checkov-venv exists
  (compare_peers.py installs it), for the same plan.

Usage:  python bench/plan_speed.py [--resources N] [--skip-checkov]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHECKOV = ROOT / "bench" / ".cache" / "checkov-venv" / "bin" / "checkov"


def resource(index: int) -> dict[str, Any]:
    """One resource_changes entry; every fifth inside module.shared (a registry module)."""
    kind = index % 5
    module = "module.shared" if index % 5 == 4 else None
    name = f"r{index}"
    if kind == 0:
        rtype, values = "aws_iam_policy", {"name": f"p-{index}-prod", "path": "/", "policy": json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*" if index % 1000 == 0 else "s3:GetObject", "s3:PutObject"],
                                                    "Resource": f"arn:aws:s3:::bucket-{index}/*"}]})}
    elif kind == 1:
        rtype, values = "aws_iam_role", {"name": f"role-{index}-prod", "assume_role_policy": json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "lambda.amazonaws.com"}}]})}
    elif kind == 2:
        rtype, values = "aws_s3_bucket", {"bucket": f"bucket-{index}-prod", "force_destroy": False}
    elif kind == 3:
        rtype, values = "aws_sqs_queue", {"name": f"queue-{index}-prod", "sqs_managed_sse_enabled": True}
    else:
        rtype, values = "aws_iam_role_policy", {"name": f"rp-{index}", "policy": json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem",
                                                    "Resource": "*"}]})}
    address = f"{module}.{rtype}.{name}" if module else f"{rtype}.{name}"
    entry: dict[str, Any] = {"address": address, "mode": "managed", "type": rtype, "name": name,
                             "provider_name": "registry.terraform.io/hashicorp/aws",
                             "change": {"actions": ["create"], "before": None, "after": values,
                                        "after_unknown": {"arn": True, "id": True},
                                        "before_sensitive": False, "after_sensitive": {}}}
    if module:
        entry["module_address"] = module
    return entry


def build(count: int) -> dict[str, Any]:
    changes = [resource(i) for i in range(count)]
    planned_root = [{k: c[k] for k in ("address", "mode", "type", "name", "provider_name")} |
                    {"values": c["change"]["after"], "sensitive_values": {}}
                    for c in changes if "module_address" not in c]
    planned_child = [{k: c[k] for k in ("address", "mode", "type", "name", "provider_name")} |
                     {"values": c["change"]["after"], "sensitive_values": {}}
                     for c in changes if "module_address" in c]
    config = [{"address": c["address"], "mode": "managed", "type": c["type"], "name": c["name"],
               "expressions": {k: {"constant_value": v} for k, v in c["change"]["after"].items()}}
              for c in changes if "module_address" not in c]
    child_config = [{"address": f'{c["type"]}.{c["name"]}', "mode": "managed", "type": c["type"], "name": c["name"],
                     "expressions": {k: {"constant_value": v} for k, v in c["change"]["after"].items()}}
                    for c in changes if "module_address" in c]
    return {"format_version": "1.2", "terraform_version": "1.11.4",
            "variables": {"stage": {"value": "prod"}},
            "planned_values": {"root_module": {"resources": planned_root, "child_modules": [
                {"address": "module.shared", "resources": planned_child}]}},
            "resource_changes": changes,
            "configuration": {"root_module": {"resources": config, "module_calls": {"shared": {
                "source": "terraform-aws-modules/shared/aws", "module": {"resources": child_config}}}}}}


def timed(args: list[str], out: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) of the child and its reaped descendants, exit status."""
    started = time.perf_counter()
    with open(out or os.devnull, "wb") as sink:
        proc = subprocess.Popen(args, stdout=sink, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--skip-checkov", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "plan.json"
        plan.write_text(json.dumps(build(args.resources)))
        size = plan.stat().st_size / 2**20
        print(f"plan: {args.resources:,} resources, {size:.1f} MB (format 1.2)")
        sys.path.insert(0, str(ROOT))
        from reviewer.formats.terraform_plan import read_plan

        started = time.perf_counter()
        read = read_plan("plan.json", plan.read_bytes())
        print(f"read_plan (in process): {time.perf_counter() - started:.2f} s, {len(read.resources):,} resources")
        report = Path(tmp) / "report.json"
        wall, rss, code = timed([sys.executable, "-m", "reviewer.cli", "scan", "--format", "json", str(plan)], report)
        found = json.loads(report.read_text())["findings"]
        print(f"policy-reviewer scan: {wall:.2f} s, peak {rss:.0f} MB, exit {code}, {len(found)} findings "
              f"({sum(f['rule'] == 'no-wildcard-actions' for f in found)} no-wildcard-actions; "
              f"{args.resources // 1000 if args.resources % 1000 == 0 else args.resources // 1000 + 1} planted)")
        if not args.skip_checkov and CHECKOV.exists():
            wall, rss, code = timed([str(CHECKOV), "-f", str(plan), "--framework", "terraform_plan",
                                     "--quiet", "--compact", "-o", "json"])
            print(f"checkov -f plan.json --framework terraform_plan: {wall:.2f} s, peak {rss:.0f} MB, exit {code}")
        elif not args.skip_checkov:
            print("checkov: not installed (python bench/compare_peers.py installs it in bench/.cache)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
