"""Hostile and malformed documents never make the engine raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from reviewer.engine.document import Unreadable
from reviewer.formats import read_file
from tests.conftest import shipped_rules
from reviewer.config.settings import Settings
from reviewer.pipeline import evaluate

SEEDS = [
    b"Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyDocument:\n            Statement: {Effect: Allow, Action: 's3:*'}\n",
    b'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
    b"AWSTemplateFormatVersion: 2010-09-09\nResources: !Ref X\n",
]

yaml_tokens = st.sampled_from([
    "Resources:", "  R:", "    Type: AWS::IAM::Role", "    Properties:", "Statement:", "- ", "!Ref",
    "!Sub", "!If [", "]", "{", "}", "&a", "*a", ":", "'", '"', "\t", "Action: '*'", "Effect: Allow",
    "PolicyDocument:", "Fn::If:", "!GetAtt a.b", "null", "~", "[[[[", "- !Ref AWS::NoValue",
    "AWSTemplateFormatVersion: x", "%YAML 1.1", "---", "? x", "!!python/object:os.system x",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=400),
    st.lists(yaml_tokens, max_size=40).map(lambda parts: "\n".join(parts).encode()),
    st.tuples(st.sampled_from(SEEDS), st.integers(0, 200), st.binary(max_size=8)).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1]:]),
))
def test_decoding_and_evaluating_never_raises(content: bytes) -> None:
    try:
        read_file("fuzz.yaml", content)
    except Unreadable:
        pass
    rules = {k: v for k, v in shipped_rules().items() if k != "template-valid"}
    evaluation = evaluate({"fuzz.yaml": content, "fuzz.json": content}, rules, Settings())
    # A rule that crashed reports itself as a finding; none may have crashed.
    assert not [f for f in evaluation.findings if f.value == "rule-failure"]
