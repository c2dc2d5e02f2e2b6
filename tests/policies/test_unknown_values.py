"""Unknown values in the plan, as Terraform writes them (policies/unknown_values.py)."""

from __future__ import annotations

from policies.unknown_values import OMITTED, UNKNOWN, UNKNOWN_ELEMENT, is_unknown, split, split_values, with_markers


def test_markers_go_where_the_render_recorded_unknown_paths():
    inputs = {"name": "web", "ingress": [{"cidrBlocks": [None, "10.0.0.0/8"]}], "tags": {"team": "web"}}
    marked = with_markers(inputs, ["policy", "ingress[0].cidrBlocks[0]", "tags.endpoint"])
    assert marked == {
        "name": "web",
        "policy": UNKNOWN,
        "ingress": [{"cidrBlocks": [UNKNOWN_ELEMENT, "10.0.0.0/8"]}],
        "tags": {"team": "web", "endpoint": UNKNOWN},
    }
    assert inputs["tags"] == {"team": "web"}, "the rendering's own inputs are left as they were"


def test_an_unknown_attribute_is_left_out_of_the_values_and_marked_true():
    values, marks = split_values({"name": "web", "policy": UNKNOWN})
    assert values == {"name": "web"}
    assert marks == {"policy": True}


def test_an_unknown_list_element_is_null_in_place_and_the_list_marked_element_by_element():
    values, marks = split_values(
        {"ingress": [{"cidr_blocks": [UNKNOWN_ELEMENT, "10.0.0.0/8"], "from_port": 22}, {"from_port": 80}]}
    )
    assert values == {"ingress": [{"cidr_blocks": [None, "10.0.0.0/8"], "from_port": 22}, {"from_port": 80}]}
    assert marks == {"ingress": [{"cidr_blocks": [True, False]}, {}]}


def test_a_block_the_converter_wrapped_around_an_unknown_value_is_unknown_as_a_whole():
    assert is_unknown([UNKNOWN])
    assert split([UNKNOWN]) == (OMITTED, True)
    assert split_values({"logging": [UNKNOWN], "bucket": "b"}) == ({"bucket": "b"}, {"logging": True})


def test_known_values_pass_unchanged_with_nothing_marked():
    values = {"name": "web", "tags": {"a": "b"}, "ports": [80, 443], "rules": [{"x": 1}]}
    assert split_values(values) == (values, {})
    assert not is_unknown("anything")
    assert not is_unknown(["a", "b"])
