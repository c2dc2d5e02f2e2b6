"""No format interprets data: ``:secret:`` ARNs stay copyable, ``[brackets]`` stay text, and no
control character or escape sequence from the account reaches any output raw."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from rich.console import Console

from compliance_checks.reports import FORMATS, escaping, markdown, table
from tests.compliance_checks.reports.conftest import (
    BRACKET_BUCKET,
    FORMULA_BUCKET,
    HOSTILE_JUSTIFICATION,
    RAW_CONTROLS,
    SECRET_ARN,
)

PICTOGRAMS = ("㊙", "🚀")  # what rich and GitHub make of :secret: and :rocket:
JSON_FORMATS = ("json", "sarif", "asff", "ocsf", "oscal")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_given_hostile_data_then_no_format_carries_a_raw_control_character_or_a_pictogram(hostile_report, name):
    text = FORMATS[name].render(hostile_report)
    if name == "csv":
        text = text.replace("\r\n", "\n")  # RFC 4180's own line ends
    for char in RAW_CONTROLS:
        assert char not in text, f"{name} carries {char!r} raw"
    for pictogram in PICTOGRAMS:
        assert pictogram not in text, f"{name} turned an emoji code into {pictogram}"


@pytest.mark.parametrize("name", JSON_FORMATS)
def test_given_hostile_data_then_json_formats_keep_it_as_json_strings(hostile_report, name):
    document = json.loads(FORMATS[name].render(hostile_report))
    assert SECRET_ARN in json.dumps(document, ensure_ascii=False)


def test_given_secret_arns_and_brackets_then_the_terminal_shows_them_as_they_are(hostile_report):
    # The CLI's console: markup and emoji codes on, a real terminal (colours).
    buffer = io.StringIO()
    table.print_report(hostile_report, Console(file=buffer, width=1000, force_terminal=True, color_system="truecolor"))
    shown = buffer.getvalue()
    assert SECRET_ARN in shown
    assert BRACKET_BUCKET in shown
    assert "[link=https://evil.example]click[/link]" in shown
    assert not any(p in shown for p in PICTOGRAMS)
    # rich styles the statuses (its own escape sequences); the account's arrive as visible text.
    assert "\x1b[2J" not in shown
    assert "\x1b[31mred" not in shown
    assert "\r" not in shown
    assert "\\x1b[31mred" in shown
    assert "\\rOVERWRITE" in shown
    assert "\\u202etxt.exe" in shown


def test_given_the_text_file_then_it_has_no_escape_sequence_at_all(hostile_report):
    text = table.render(hostile_report, width=1000)
    assert "\x1b" not in text
    assert SECRET_ARN in text
    assert BRACKET_BUCKET in text


def test_given_markdown_then_arns_are_code_and_markup_is_escaped(hostile_report):
    text = markdown.render(hostile_report)
    assert f"`{SECRET_ARN}-2`" in text  # the ERROR on it; GitHub leaves :rocket: alone inside code
    assert f"`{BRACKET_BUCKET}`" in text
    assert "<b>" not in text
    assert "\\<b\\>" in text
    assert "\\*em\\*" in text
    attention = [line for line in text.splitlines() if BRACKET_BUCKET in line]
    assert attention
    assert all(line.count(" | ") == 8 for line in attention)  # 9 columns with the Account (issue 13)


def test_given_a_waiver_that_clears_the_screen_then_terminal_and_markdown_show_its_escapes(hostile_report):
    visible_justification = escaping.visible(HOSTILE_JUSTIFICATION)
    assert visible_justification.startswith("\\x1b[2J\\x1b[Hscreen cleared")
    assert visible_justification in table.render(hostile_report, width=1000)
    assert "\\\\x1b\\[2J" in markdown.render(hostile_report)  # backslash and bracket escaped for Markdown


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_given_html_then_data_is_text_not_tags(hostile_report):
    parser = _Text()
    parser.feed(FORMATS["html"].render(hostile_report))
    text = "".join(parser.text)
    assert SECRET_ARN in text
    assert BRACKET_BUCKET in text
    assert "<b>bold</b>" in text  # shown, not applied
    assert "\\x1b[31mred" in text


def test_given_junit_then_messages_parse_back_with_visible_escapes(hostile_report):
    root = ET.fromstring(FORMATS["junit"].render(hostile_report).encode())  # noqa: S314 - our own output
    messages = [f.get("message") for f in root.iter("failure")]
    assert any("\\x1b[31mred" in m and ":secret:" in m for m in messages)


def test_given_csv_then_formulas_are_text_and_controls_visible(hostile_report):
    rows = list(csv.DictReader(io.StringIO(FORMATS["csv"].render(hostile_report), newline="")))
    by_resource = {r["resource_id"]: r for r in rows}
    assert by_resource[SECRET_ARN]["status"] == "PASS"
    assert by_resource[FORMULA_BUCKET]["message"] == "'-2+3 @SUM(A1)"
    bracket = by_resource[BRACKET_BUCKET]
    assert bracket["message"].startswith("'=cmd|")
    assert "\\x1b[31mred" in bracket["message"]
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values()), row


def test_visible_escapes_every_hidden_character_and_nothing_else():
    assert escaping.visible("plain ARN arn:aws:s3:::x é ü 日本") == "plain ARN arn:aws:s3:::x é ü 日本"
    assert escaping.visible("a\tb\nc\rd\x00e\x7f") == "a\\tb\\nc\\rd\\x00e\\x7f"
    assert escaping.visible("a\tb\nc", keep="\n\t") == "a\tb\nc"
    assert escaping.visible("\u200bzw\u2066iso\u2069\u2028\ufeff") == "\\u200bzw\\u2066iso\\u2069\\u2028\\ufeff"
    assert escaping.visible("tag\U000e0041 \ud800 \uffff") == "tag\\U000e0041 \\ud800 \\uffff"
