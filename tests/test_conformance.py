"""Conformance with other policy checkers: our verdicts against the peers' own test expectations.

``../shared/corpus/iac/`` holds templates and policies copied from the test suites of cfn_nag,
checkov and parliament, and ``manifest.yaml`` there gives, per file, the verdict each peer's
tests assert (``violates`` / ``passes`` logical ids, or parliament's exact ``finding_ids``).

Where a peer check means the same thing as one of our rules (``MAPPING``), every expected
verdict becomes one test case: a ``violates`` id must get a finding of our rule on that
resource, a ``passes`` id must not. Checks with no counterpart are listed in ``OUT_OF_SCOPE``
with the reason; a manifest check id in neither fails ``test_every_peer_check_is_accounted_for``.

Where we judge differently on purpose, the case is listed in ``DISAGREEMENTS`` with the reason,
and the test asserts the opposite verdict, so an entry that starts agreeing must be removed.
Where we believe our engine is wrong, the case is in ``KNOWN_ENGINE_BUGS`` (strict xfail): it
fails loudly once the engine is fixed, so the entry is removed then.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from reviewer.config.rulebook import DEFAULT_POLICIES, load_rule_dir
from reviewer.config.settings import Settings
from reviewer.formats import read_file
from reviewer.engine.evaluate import evaluate_documents
from reviewer.pipeline import evaluate
from reviewer.engine.finding import Finding

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "iac"
if not CORPUS.is_dir():
    pytest.skip(f"peer corpus not found at {CORPUS}", allow_module_level=True)

MANIFEST: dict[str, Any] = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
# template-valid runs cfn-lint (slow, and not what the peers judge).
RULES = {k: v for k, v in load_rule_dir(DEFAULT_POLICIES).items() if k != "template-valid"}

# --- What our findings mean, finely enough to compare with one peer check ----------------------
# A rule can report several kinds of problem; Finding.value (the offending value, also the
# fingerprint material) tells them apart, e.g. "s3:*" vs "notaction:..." for no-wildcard-actions.
Aspect = tuple[str, Callable[[str], bool]]
ASPECTS: dict[str, Aspect] = {
    "wildcard-action": ("no-wildcard-actions", lambda v: not v.startswith("notaction:")),
    "allow-notaction": ("no-wildcard-actions", lambda v: v.startswith("notaction:")),
    "star-resource": ("no-wildcard-resources", lambda v: v.startswith("*:")),
    "allow-notresource": ("no-wildcard-resources", lambda v: v == "notresource"),
    "public-trust": ("account-separation", lambda v: v == "trust:*"),
    "account-root-trust": ("account-separation", lambda v: v.startswith("trust-root:")),
    "allow-notprincipal": ("account-separation", lambda v: v == "trust:notprincipal"),
    "unreadable": ("template-parse", lambda v: True),
}

# --- Peer check id -> the aspect of our rules that means the same ------------------------------
MAPPING: dict[str, str] = {
    # cfn_nag: "* action" in role trust (F2) / role permissions (F3) / IAM policy (F4) /
    # managed policy (F5) / S3 bucket policy (F15) / SQS queue policy (F20) / IoT policy (W38).
    "F2": "wildcard-action", "F3": "wildcard-action", "F4": "wildcard-action",
    "F5": "wildcard-action", "F15": "wildcard-action", "F20": "wildcard-action",
    "W38": "wildcard-action",
    # cfn_nag: Allow + NotAction (trust, role, policy, managed policy).
    "W14": "allow-notaction", "W15": "allow-notaction", "W16": "allow-notaction",
    "W17": "allow-notaction",
    # cfn_nag: "* resource" (role, policy, managed policy) and iam:PassRole on "*" (a Write action).
    "W11": "star-resource", "W12": "star-resource", "W13": "star-resource",
    "F38": "star-resource", "F39": "star-resource", "F40": "star-resource",
    # cfn_nag: Allow + NotResource.
    "W21": "allow-notresource", "W22": "allow-notresource", "W23": "allow-notresource",
    # cfn_nag: "*" principal in a bucket policy; Allow + NotPrincipal in a trust policy
    # (trusts everyone but the listed principals: "*" in all but name).
    "F16": "public-trust",
    "F6": "allow-notprincipal",
    # checkov: "*" as a statement's action (CKV_AWS_63), "*" action on "*" resource (CKV_AWS_62).
    "CKV_AWS_63": "wildcard-action", "CKV_AWS_62": "wildcard-action",
    # checkov (cloudsplaining): write / permissions-management actions without resource constraint.
    "CKV_AWS_111": "star-resource", "CKV_AWS_109": "star-resource",
    # checkov: a trust policy with AWS principal "*" (60) or a whole account, id or :root (61).
    "CKV_AWS_60": "public-trust", "CKV_AWS_61": "account-root-trust",
    # parliament finding ids.
    "RESOURCE_STAR": "star-resource",
    "RESOURCE_EFFECTIVELY_STAR": "star-resource",
    "NOTRESOURCE_WITH_ALLOW": "allow-notresource",
    "NOTPRINCIPAL_WITH_ALLOW": "allow-notprincipal",
    "MALFORMED_JSON": "unreadable",
}

OUT_OF_SCOPE: dict[str, str] = {
    # cfn_nag
    "W28": "any explicit physical name; staged-names instead wants names that embed the stage",
    "W43": "AdministratorAccess attached by ARN; we do not expand AWS managed policies' contents",
    "W44": "elevated AWS managed policies (PowerUserAccess, IAMFullAccess) by ARN; not expanded either",
    "F10": "inline policy on an IAM user; we have no rule on where policies attach",
    "F11": "IAM policy attached directly to a user; no rule on where policies attach",
    "F12": "managed policy attached directly to a user; no rule on where policies attach",
    "F2000": "IAM user not in a group; no rule on user/group membership",
    # checkov
    "CKV_AWS_40": "policy attached to a user rather than group/role; no such rule",
    "CKV_AWS_107": "credentials-exposure actions (iam:UpdateAccessKey, ...) as a class; no such rule",
    # parliament
    "MALFORMED": "policy grammar (no Statement/Action, Action with NotAction); no grammar rule",
    "INVALID_SID": "Sid grammar; no such rule",
    "DUPLICATE_SID": "duplicate Sids; no such rule",
    "INVALID_ARN": "ARN syntax of Resource entries; no such rule",
    "UNKNOWN_ACTION": "actions AWS does not document; no such rule",
    "UNKNOWN_OPERATOR": "condition operator names; no condition validation",
    "UNKNOWN_CONDITION_FOR_ACTION": "condition keys an action does not support; no condition validation",
    "MISMATCHED_TYPE": "condition value types vs operator; no condition validation",
    "MISMATCHED_TYPE_BUT_USABLE": "condition value types vs operator; no condition validation",
    "BAD_PATTERN_FOR_MFA": "aws:MultiFactorAuthPresent misuse; no condition validation",
    "RESOURCE_MISMATCH": "actions paired with ARNs of the wrong resource type; no such rule",
    "PERMISSIONS_MANAGEMENT_ACTIONS": "the action class on any resource; we judge it only on \"*\"",
    "CREDENTIALS_EXPOSURE": "credentials-exposure action class; no such rule",
    "PRIVILEGE_ESCALATION": "combinations of actions that allow privilege escalation; no such rule",
    "RESOURCE_POLICY_PRIVILEGE_ESCALATION": "s3:PutBucketPolicy-style escalation; no such rule",
    "SENSITIVE_ACCESS": "access to configured sensitive resources; no such rule",
}

# Parliament manifest entries all carry this meta id; the real check ids are the finding ids.
PARLIAMENT_META = "parliament analyze_policy_string finding_ids"
# Parliament entries from which no per-check expectation can be derived, with why.
PARLIAMENT_UNUSABLE = {
    "parliament/tests/unit/test_resource_formatting/test_resource_bad.1.json":
        "the peer test asserts only that there is one finding, not which",
}

Key = tuple[str, str, "str | None"]  # (file, peer check id, logical id or None for a policy)

_CN = "cfn_nag/spec/test_templates/"
_CK = "checkov/tests/cloudformation/checks/resource/aws/"
_PL = "parliament/tests/unit/"

_PARTIAL_WILDCARDS = ("we flag service-scoped wildcards (s3:Get*, s3:ListBucket*, s3:PutObject*) by "
                      "design (DESIGN.md: no-wildcard-actions covers \"s3:*\", \"s3:Get*\"); {peer} "
                      "only flags a bare \"*\"")

# Cases where we judge differently on purpose: the test asserts the opposite of the peer.
DISAGREEMENTS: dict[Key, str] = {
    (_CN + "json/iot_policy/iot_policy_with_wildcard_action.json", "W38", "PartialWildcardActionPolicy"):
        "Action \" iot:Foo*\" is a wildcard; we flag partial wildcards by design (they grant any "
        "matching action AWS adds later), cfn_nag W38 only a bare \"*\"",
    **{(_CK + f"example_IAMStarActionPolicyDocument/{name}.pass.json", "CKV_AWS_63", rid):
       _PARTIAL_WILDCARDS.format(peer="checkov CKV_AWS_63")
       for name, rid in (("iam_group", "mygroup"), ("iam_policy", "NEWPolicy"),
                         ("iam_role", "RootRole"), ("iam_user", "CFNUser"))},
    **{(_CK + f"example_IAMAdminPolicyDocument/{name}.pass.json", "CKV_AWS_62", rid):
       _PARTIAL_WILDCARDS.format(peer="checkov CKV_AWS_62 (\"*\" on \"*\")")
       for name, rid in (("iam_group", "mygroup"), ("iam_policy", "NEWPolicy"),
                         ("iam_role", "RootRole"), ("iam_user", "CFNUser"))},
    (_PL + "test_patterns/test_bad_mfa_condition.1.json", "RESOURCE_STAR", None):
        "Allow \"*\" on Resource \"*\" (every write action on everything): we flag it; parliament "
        "skips RESOURCE_STAR for a bare \"*\" action (statement.py: 'TODO Should ensure the "
        "resource is \"*\" with this action')",
    (_PL + "test_formatting/test_analyze_policy_string_opposites.1.json", "RESOURCE_STAR", None):
        "statement has both Action and NotAction: parliament stops at MALFORMED; we still judge "
        "its NotAction on Resource \"*\" (every action but one, on everything)",
    (_PL + "test_patterns/test_resource_effectively_star.1.json", "RESOURCE_EFFECTIVELY_STAR", None):
        "Resource \"arn:*:cloudtrail:*:*:trail/*\" (every trail anywhere): no-wildcard-resources "
        "judges only the literal Resource \"*\" (DESIGN.md), not ARNs wildcarded in every field",
    (_PL + "test_formatting/test_analyze_policy_string_not_json.1.txt", "MALFORMED_JSON", None):
        "the text 'not json' carries no sign of a template or policy; DESIGN.md: anything else "
        "in a change is skipped quietly, so we report no template-parse",
    ("parliament/parliament/community_auditors/tests/test_advanced_policy_elements/"
     "test_notprincipal_allow.2.txt", "MALFORMED_JSON", None):
        "the policy has a trailing comma: not JSON, and IAM rejects it; we report template-parse, "
        "parliament's lenient jsoncfg parser accepts it",
    ("parliament/parliament/community_auditors/tests/test_advanced_policy_elements/"
     "test_notprincipal_allow.2.txt", "NOTPRINCIPAL_WITH_ALLOW", None):
        "we cannot read the policy (trailing comma, see MALFORMED_JSON), so judge nothing in it",
}

# Cases where we believe our engine is wrong (strict xfail until fixed).
KNOWN_ENGINE_BUGS: dict[Key, str] = {}


@dataclass(frozen=True)
class Expectation:
    file: str
    peer: str
    check: str
    resource: str | None
    violates: bool

    @property
    def key(self) -> Key:
        return (self.file, self.check, self.resource)

    @property
    def label(self) -> str:
        verdict = "violates" if self.violates else "passes"
        return f"{self.file}::{self.check}::{self.resource or '(policy)'}::{verdict}"


def _parliament_ids(expectation: dict[str, Any]) -> set[str] | None:
    """The exact set of finding ids parliament's test asserts, or None if it asserts no set."""
    for key in ("expected_finding_ids", "intended_finding_ids"):
        if key in expectation:
            return set(expectation[key] or ())
    if expectation.get("expected_finding_count") == 0:
        return set()
    return None


def manifest_check_ids() -> dict[str, set[str]]:
    """Every peer check id the manifest uses, per peer (parliament: its finding ids)."""
    out: dict[str, set[str]] = {}
    for entry in MANIFEST["files"]:
        ids = out.setdefault(entry["peer"], set())
        for expectation in entry["expectations"]:
            if expectation["peer_check_id"] != PARLIAMENT_META:
                ids.add(expectation["peer_check_id"])
            for key in ("expected_finding_ids", "intended_finding_ids"):
                ids.update(expectation.get(key) or ())
    return out


def build_expectations() -> tuple[list[Expectation], list[str]]:
    """One expectation per (file, mapped check, resource); and the entries nothing came from."""
    out: list[Expectation] = []
    unusable: list[str] = []
    # Parliament ids that mean the same to us, in MAPPING order; the first one speaks for all
    # of them when none is reported (RESOURCE_STAR and RESOURCE_EFFECTIVELY_STAR: one "passes").
    parliament_ids = manifest_check_ids().get("parliament", set())
    parliament_mapped = [i for i in MAPPING if i in parliament_ids]
    primary = {MAPPING[i]: i for i in reversed(parliament_mapped)}
    for entry in MANIFEST["files"]:
        file, peer = entry["file"], entry["peer"]
        for expectation in entry["expectations"]:
            check = expectation["peer_check_id"]
            if check != PARLIAMENT_META:
                if check in MAPPING:
                    out.extend(Expectation(file, peer, check, rid, True)
                               for rid in expectation.get("violates") or ())
                    out.extend(Expectation(file, peer, check, rid, False)
                               for rid in expectation.get("passes") or ())
                continue
            found = _parliament_ids(expectation)
            if found is None:
                unusable.append(file)
                continue
            for check_id in parliament_mapped:
                aspect = MAPPING[check_id]
                if check_id in found:
                    out.append(Expectation(file, peer, check_id, None, True))
                elif primary[aspect] == check_id and not any(
                        MAPPING.get(other) == aspect for other in found):
                    # None of the ids meaning this to us is reported: we must not report it.
                    out.append(Expectation(file, peer, check_id, None, False))
    return out, unusable


EXPECTATIONS, UNUSABLE = build_expectations()


def _engine_path(file: str) -> str:
    # Our engine picks candidates by suffix; parliament's .txt inputs are meant as JSON.
    return str(Path(file).with_suffix(".json")) if file.endswith(".txt") else file


def _entry(file: str) -> dict[str, Any]:
    return next(e for e in MANIFEST["files"] if e["file"] == file)


@lru_cache(maxsize=None)
def findings_for(file: str) -> tuple[Finding, ...]:
    """Our findings on one corpus file, run as the peer ran it (parameter values included)."""
    path, content = _engine_path(file), (CORPUS / file).read_bytes()
    values = _entry(file).get("parameter_values")
    if not values:
        return tuple(evaluate({path: content}, RULES, Settings()).findings)
    # The peer deployed with parameter values; we follow a !Ref to a parameter's Default,
    # so give each parameter its value as the Default.
    doc = read_file(path, content)
    assert doc is not None, f"{file} not recognised as a template"
    for name, value in values.items():
        assert name in doc.data["Parameters"], f"{file}: no parameter {name}"
        doc.data["Parameters"][name]["Default"] = value
    return tuple(evaluate_documents([doc], RULES, Settings()).findings)


def our_verdict(exp: Expectation) -> tuple[bool, list[str]]:
    """(do we flag it?, our findings on that resource, for the failure message)."""
    rule, matches = ASPECTS[MAPPING[exp.check]]
    mine = [f for f in findings_for(exp.file) if f.resource == exp.resource]
    flagged = any(f.rule_id == rule and matches(f.value) for f in mine)
    return flagged, [f"{f.rule_id} line {f.start_line} [{f.value}]: {f.message}" for f in mine]


def _param(exp: Expectation) -> Any:
    marks = ()
    if exp.key in KNOWN_ENGINE_BUGS:
        marks = (pytest.mark.xfail(strict=True, reason="engine bug (remove from KNOWN_ENGINE_BUGS "
                                   "once fixed): " + KNOWN_ENGINE_BUGS[exp.key]),)
    return pytest.param(exp, id=exp.label, marks=marks)


@pytest.mark.parametrize("exp", [_param(e) for e in EXPECTATIONS])
def test_peer_expectation(exp: Expectation) -> None:
    aspect = MAPPING[exp.check]
    flagged, mine = our_verdict(exp)
    where = f"{exp.file} {exp.resource or '(policy)'}"
    peer_says = f"{exp.peer} {exp.check} expects it to {'violate' if exp.violates else 'pass'}"
    if exp.key in DISAGREEMENTS:
        assert flagged != exp.violates, (
            f"{where}: we now agree with {exp.peer} on {exp.check}; remove its DISAGREEMENTS entry "
            f"({DISAGREEMENTS[exp.key]!r})")
        return
    assert flagged == exp.violates, (
        f"{where}: {peer_says}; our {ASPECTS[aspect][0]} ({aspect}) "
        f"{'does not flag it' if exp.violates else 'flags it'}. Our findings on it: {mine or 'none'}")


def test_every_peer_check_is_accounted_for() -> None:
    ids = set().union(*manifest_check_ids().values())
    unaccounted = sorted(ids - MAPPING.keys() - OUT_OF_SCOPE.keys())
    assert not unaccounted, f"peer checks neither in MAPPING nor OUT_OF_SCOPE: {unaccounted}"
    assert not MAPPING.keys() & OUT_OF_SCOPE.keys()
    assert set(MAPPING.values()) <= ASPECTS.keys()


def test_lists_are_not_stale() -> None:
    ids = set().union(*manifest_check_ids().values())
    assert not (MAPPING.keys() | OUT_OF_SCOPE.keys()) - ids, "ids no longer in the manifest"
    keys = {e.key for e in EXPECTATIONS}
    assert not DISAGREEMENTS.keys() - keys, "DISAGREEMENTS entries matching no expectation"
    assert not KNOWN_ENGINE_BUGS.keys() - keys, "KNOWN_ENGINE_BUGS entries matching no expectation"
    assert not DISAGREEMENTS.keys() & KNOWN_ENGINE_BUGS.keys()
    assert sorted(UNUSABLE) == sorted(PARLIAMENT_UNUSABLE), "parliament entries with no usable verdict"


def test_embedded_ref_depends_on_the_parameter_value() -> None:
    """cfn_nag flags HelperRole only when run with Resource="*"; as written it has no Default,
    so its Resource is unknown and we (rightly) do not flag it."""
    file = _CN + "yaml/iam_role/embedded_ref.yml"
    as_written = evaluate({file: (CORPUS / file).read_bytes()}, RULES, Settings()).findings
    assert not [f for f in as_written if f.rule_id == "no-wildcard-resources"]
    assert [f for f in findings_for(file) if f.rule_id == "no-wildcard-resources"
            and f.resource == "HelperRole"]


def test_cli_scans_the_whole_corpus() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reviewer.cli", "scan", str(CORPUS), "--format", "json",
         "--disable", "template-valid"],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    json.loads(proc.stdout)
