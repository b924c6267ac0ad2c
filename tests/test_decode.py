"""The decoder keeps lines on every node and turns short intrinsics into long form."""

from __future__ import annotations

import pytest

from reviewer.engine.decode import DecodeError, load, load_json, load_yaml
from reviewer.engine.locate import locate

TEMPLATE = """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Sub "x-${Stage}"
      Role: !GetAtt Role.Arn
      Layers: !If [HasLayer, [!Ref Layer], !Ref AWS::NoValue]
      Code: {ZipFile: !Join ["", [a, b]]}
      Version: 2012-10-17
"""


def test_short_intrinsics_become_long_form() -> None:
    props = load_yaml(TEMPLATE)["Resources"]["Fn"]["Properties"]
    assert props["FunctionName"] == {"Fn::Sub": "x-${Stage}"}
    assert props["Role"] == {"Fn::GetAtt": ["Role", "Arn"]}
    assert props["Layers"] == {"Fn::If": ["HasLayer", [{"Ref": "Layer"}], {"Ref": "AWS::NoValue"}]}
    assert props["Code"] == {"ZipFile": {"Fn::Join": ["", ["a", "b"]]}}
    # CloudFormation reads an unquoted date as text, and so must we.
    assert props["Version"] == "2012-10-17"


def test_every_node_knows_its_lines() -> None:
    data = load_yaml(TEMPLATE)
    assert locate(data, ("Resources", "Fn")) == (2, 9)
    assert locate(data, ("Resources", "Fn", "Properties", "Role")) == (6, 6)
    assert locate(data, ("Resources", "Fn", "Properties", "Layers", "Fn::If", 1)) == (7, 7)
    # A path that goes further than the document stops at the deepest node that exists.
    assert locate(data, ("Resources", "Fn", "Properties", "Missing", 3)) == (4, 9)


def test_json_lines() -> None:
    text = '{\n  "Resources": {\n    "Q": {\n      "Type": "AWS::SQS::Queue",\n' \
           '      "Properties": {"QueueName": "q"}\n    }\n  }\n}\n'
    data = load_json(text)
    assert locate(data, ("Resources", "Q", "Type")) == (4, 4)
    assert locate(data, ("Resources", "Q", "Properties", "QueueName")) == (5, 5)
    assert locate(data, ("Resources", "Q")) == (3, 6)


@pytest.mark.parametrize("text,line", [
    ("a: 1\nb: [1, 2\nc: 3\n", 3),
    ('{\n "a": 1,\n "b": }\n', 3),
    ("a: 1\na: 2\n", 2),
    ('{"a": 1,\n "a": 2}', 2),
])
def test_errors_carry_the_line(text: str, line: int) -> None:
    with pytest.raises(DecodeError) as info:
        load(text, "file.json" if text.startswith("{") else "file.yaml")
    assert info.value.line == line


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    # 10^10 nodes once expanded: if the refusal expanded first, this test would never end.
    with pytest.raises(DecodeError, match="alias bomb") as info:
        load_yaml("\n".join(lines))
    assert info.value.line > 1


def test_small_aliases_are_fine() -> None:
    assert load_yaml("a: &x {b: 1}\nc: *x\n")["c"] == {"b": 1}


def test_recursive_alias_is_an_error_not_a_hang() -> None:
    with pytest.raises(DecodeError):
        load_yaml("a: &x [*x]\n")
