"""The one loader of every YAML and JSON input (compliance_checks/strict_yaml.py).

Each case runs with libyaml's parser and with PyYAML's own (the fallback without libyaml): both
must accept and refuse the same files the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compliance_checks import strict_yaml
from compliance_checks.catalog import CatalogError, load_catalog
from compliance_checks.strict_yaml import InputError, load_json_text, load_yaml_file, load_yaml_text

PARSERS = [strict_yaml._Parser, strict_yaml.PythonParser]


@pytest.fixture(params=PARSERS, ids=lambda p: p.__name__, autouse=True)
def parser(request, monkeypatch):
    monkeypatch.setattr(strict_yaml, "_Parser", request.param)


def refused(text: str) -> str:
    with pytest.raises(InputError) as caught:
        load_yaml_text(text, "f.yaml")
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_plain_data_loads_as_the_yaml_1_2_core_schema_reads_it():
    text = (
        "text: hello\n"
        "quoted: '365'\n"
        "whole: 365\n"
        "negative: -7\n"
        "decimal: 1.5\n"
        "exponent: 1e3\n"
        "yes_no: yes\n"
        "underscored: 3_65\n"
        "hex: 0x1F\n"
        "sexagesimal: 12:30\n"
        "date: 2026-09-30\n"
        "merge_key_as_text: {'<<': x}\n"
        "true_: true\n"
        "null_: ~\n"
        "empty:\n"
        "tagged_text: !!str 12\n"
        "tagged_int: !!int 12\n"
        "list: [a, {b: c}]\n"
    )
    assert load_yaml_text(text) == {
        "text": "hello",
        "quoted": "365",
        "whole": 365,
        "negative": -7,
        "decimal": 1.5,
        "exponent": 1000.0,
        "yes_no": "yes",
        "underscored": "3_65",
        "hex": "0x1F",
        "sexagesimal": "12:30",
        "date": "2026-09-30",
        "merge_key_as_text": {"<<": "x"},
        "true_": True,
        "null_": None,
        "empty": None,
        "tagged_text": "12",
        "tagged_int": 12,
        "list": ["a", {"b": "c"}],
    }


def test_an_empty_document_is_none():
    assert load_yaml_text("") is None
    assert load_yaml_text("# a comment only\n") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb:\n  c: 2\n  c: 3\n", "f.yaml:4:3: b.c: given twice (lines 3 and 4); accepted: each key once"),
        ("a: &x 1\nb: *x\n", "f.yaml:1:4: a: YAML anchors and aliases (&name, *name) are not accepted"),
        ("- *x\n", "f.yaml:1:3: [0]: YAML anchors and aliases"),
        ("a: !!binary aGk=\n", "f.yaml:1:4: a: the tag '!!binary' is not accepted"),
        ("a: !!timestamp 2026-01-01\n", "the tag '!!timestamp' is not accepted"),
        ("a: !!omap [b: 1]\n", "the tag '!!omap' is not accepted"),
        ("a: !!python/tuple [1]\n", "the tag '!!python/tuple' is not accepted"),
        ("a: !local x\n", "the tag '!local' is not accepted"),
        ("a: !!int twelve\n", "'twelve' is not a valid int"),
        ("a: !!bool yes\n", "'yes' is not a valid bool"),
        ("1: a\n", "f.yaml:1:1: the key 1 is not text; accepted: text keys (quote it)"),
        ("a:\n  true: b\n", "f.yaml:2:3: a: the key True is not text"),
        ("? [a]\n: b\n", "a map or list is used as a key"),
        ("a: b\n---\nc: d\n", "f.yaml:2:1: holds more than one YAML document"),
        ("a: [b\n", "f.yaml:2:1: not valid YAML: "),
        ("a: b\n\x00", "not valid YAML: "),
        ("a: " + "9" * 5000 + "\n", "f.yaml:1:4: a: the number has too many digits"),
        ("a:" + " [" * 65 + " ]" * 65, "nested deeper than 64 levels"),
    ],
)
def test_what_is_not_plain_data_is_refused_in_one_line_naming_where(text: str, message: str):
    assert message in refused(text)


def test_a_huge_key_or_value_makes_a_short_message():
    assert len(refused(("k" * 100_000) + ": 1\n" + ("k" * 100_000) + ": 2\n")) < 400
    assert len(refused("a: !!int " + "x" * 100_000 + "\n")) < 400


def test_control_characters_in_a_message_are_escaped():
    message = refused('"a\\u001b[31m": 1\n"a\\u001b[31m": 2\n')
    assert "\x1b" not in message
    assert "\\x1b[31m" in message


def test_an_alias_bomb_is_refused_before_anything_grows():
    levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    levels += [f"{n}: &{n} [{', '.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]
    assert "f.yaml:1:4: a: YAML anchors and aliases" in refused("\n".join(levels))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a: \xff\n", "f.yaml: byte 3 (line 1) is not UTF-8 (0xff); accepted: UTF-8 text"),
        (b"a: 1\nb: \xc3\x28\n", "f.yaml: byte 8 (line 2) is not UTF-8 (0xc3)"),
        ("a: 1\n".encode("utf-16"), "f.yaml: byte 0 (line 1) is not UTF-8 (0xff)"),
    ],
)
def test_bytes_that_are_not_utf8_are_refused_naming_the_byte(tmp_path: Path, data: bytes, message: str):
    path = tmp_path / "f.yaml"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        load_yaml_file(path)
    assert str(caught.value).startswith(f"{tmp_path}/{message}")


def test_a_utf8_byte_order_mark_is_dropped(tmp_path: Path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert load_yaml_file(path) == {"a": 1}


def test_a_folder_a_device_a_missing_file_and_an_oversized_file_are_refused(tmp_path: Path):
    with pytest.raises(InputError, match="is a folder, not a file"):
        load_yaml_file(tmp_path)
    with pytest.raises(InputError, match="is not a regular file"):
        load_yaml_file("/dev/zero")
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is not a regular file"):
        load_yaml_file(fifo)  # a FIFO without a writer would block an open() forever
    with pytest.raises(InputError, match="cannot read the file: No such file or directory"):
        load_yaml_file(tmp_path / "absent.yaml")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" + b"#" * 100)
    with pytest.raises(InputError, match="is larger than 64 bytes"):
        load_yaml_file(big, max_bytes=64)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "f.json: key 'a' appears twice in one object; accepted: each key once"),
        ('{"a": NaN}', "f.json: NaN is not a JSON number"),
        ('{"a": -Infinity}', "f.json: -Infinity is not a JSON number"),
        ('{"a": [1,}', "f.json:1:10: not valid JSON: "),
        ("[" * 65 + "]" * 65, "f.json: nested deeper than 64 levels"),
        ("[" * 100_000 + "]" * 100_000, "f.json: nested deeper than 64 levels"),
        ('{"a": ' + "9" * 5000 + "}", "f.json: a number has too many digits"),
    ],
)
def test_json_is_read_by_the_same_rules(text: str, message: str):
    with pytest.raises(InputError) as caught:
        load_json_text(text, "f.json")
    assert message in str(caught.value)


def test_json_plain_data_loads():
    assert load_json_text('{"a": [1, 2.5, true, null, "x"]}') == {"a": [1, 2.5, True, None, "x"]}


def test_the_catalog_is_read_by_the_strict_loader(tmp_path: Path):
    path = tmp_path / "catalog.yaml"
    path.write_text("controls: []\ncontrols: []\n")
    with pytest.raises(CatalogError, match=r"catalog\.yaml:2:1: controls: given twice"):
        load_catalog(path)
