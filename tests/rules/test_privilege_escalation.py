"""privilege-escalation: well-known ways for a principal to raise its own privileges."""

from __future__ import annotations

from tests.conftest import run

ROLE = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [iam:PassRole, s3:GetObject]
                Resource: "*"
  Extra:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref Role]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: %s
            Resource: "*"
"""


def findings(actions: str, config: dict | None = None) -> list:
    return run(ROLE % actions, rule="privilege-escalation", config=config)


def test_a_path_completed_across_two_policies_of_one_role() -> None:
    [finding] = findings("[lambda:CreateFunction, lambda:InvokeFunction]")
    assert finding.message.startswith("Role can escalate its own privileges by 1 known path: "
                                      "PassExistingRoleToNewLambdaThenInvoke (iam:PassRole, "
                                      "lambda:CreateFunction, lambda:InvokeFunction)")
    assert (finding.start_line, finding.resource) == (11, "Role")  # where iam:PassRole is granted


def test_half_a_path_is_no_escalation() -> None:
    assert findings("[lambda:CreateFunction, lambda:GetFunction]") == []


def test_wildcards_and_notaction_complete_paths() -> None:
    [wild] = findings('"iam:Attach*"')
    assert "AttachUserPolicy" in wild.message and "AttachGroupPolicy" in wild.message
    [everything] = run("""\
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}]}
        """, rule="privilege-escalation", path="p.json")
    assert everything.message.startswith("Whoever p.json is attached to can escalate")


def test_admins_add_and_leave_out_paths() -> None:
    config = {"rules": {"privilege-escalation": {"with": {
        "extra_paths": [{"name": "StartBuildWithRole", "actions": ["iam:PassRole", "s3:GetObject"]}],
        "ignore": ["PassExistingRoleToNewLambdaThenInvoke"]}}}}
    [finding] = findings("[lambda:CreateFunction, lambda:InvokeFunction]", config)
    assert "StartBuildWithRole" in finding.message
    assert "PassExistingRoleToNewLambdaThenInvoke" not in finding.message


def test_deny_grants_nothing() -> None:
    assert run("""\
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}
        """, rule="privilege-escalation", path="p.json") == []
