"""The render's runtime pieces: input paths, unknown values, which files are the program's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc

from infra.render_runtime import ProgramFiles, format_path, parse_path, split_unknowns


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        (("policy",), "policy"),
        (("rules", 0, "cidrBlocks"), "rules[0].cidrBlocks"),
        (("ingress", 1, "cidrBlocks", 0), "ingress[1].cidrBlocks[0]"),
        (("tags", "Managed By"), 'tags["Managed By"]'),
        (("tags", "a.b", "c"), 'tags["a.b"].c'),
    ],
)
def test_an_input_path_reads_back_as_it_was_written(parts, text):
    assert format_path(parts) == text
    assert parse_path(text) == parts


def test_a_malformed_input_path_is_refused():
    with pytest.raises(ValueError, match="not an input path"):
        parse_path("rules[x]")


def test_unknown_map_entries_are_left_out_and_list_elements_become_none():
    value = {
        "name": "web",
        "policy": Unknown(),
        "ingress": [{"fromPort": 22, "cidrBlocks": [Unknown(), "10.0.0.0/8"]}],
        "tags": {"team": "payments", "department": Unknown()},
    }
    known, unknown = split_unknowns(value)
    assert known == {
        "name": "web",
        "ingress": [{"fromPort": 22, "cidrBlocks": [None, "10.0.0.0/8"]}],
        "tags": {"team": "payments"},
    }
    assert [format_path(p) for p in unknown] == ["policy", "ingress[0].cidrBlocks[0]", "tags.department"]


def test_a_secret_whose_value_is_unknown_is_unknown_and_a_known_secret_is_kept_whole():
    secret_unknown = rpc.wrap_rpc_secret(Unknown())
    secret_known = rpc.wrap_rpc_secret({"a": 1})
    known, unknown = split_unknowns({"password": secret_unknown, "settings": secret_known})
    assert known == {"settings": secret_known}
    assert unknown == [("password",)]


def test_files_in_the_program_directory_are_the_programs_and_installed_packages_are_not(tmp_path: Path):
    project = tmp_path / "project"
    program = project / "infra"
    files = ProgramFiles(program, project)
    assert files.relative(str(program / "__main__.py")) == "infra/__main__.py"
    assert files.relative(str(program / "components" / "bucket.py")) == "infra/components/bucket.py"
    assert files.relative(str(program / "venv" / "lib" / "site-packages" / "pulumi" / "resource.py")) is None
    assert files.relative(str(project / "other.py")) is None
    assert files.relative(sys.modules["pytest"].__file__) is None
