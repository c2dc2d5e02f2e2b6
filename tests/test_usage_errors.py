"""Bad usage of every command line (audit, runbooks, sandbox): one line on stderr naming the help,
exit 2, no traceback, as a user sees it in a separate process; and the shared one-line rules."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from compliance_checks.usage import OneLineParser, one_line

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["compliance_checks", "audit", "--workers", "lots"], "argument --workers: 'lots' is not a whole number"),
        (["compliance_checks", "audit", "--region", "nowhere"], "'nowhere' is not an AWS region name"),
        (["compliance_checks", "nonsense"], "invalid choice: 'nonsense'"),
        (["runbooks", "revoke-role-sessions", "--role-name", "r"], "the following arguments are required: --incident"),
        (["runbooks", "disable-access-key", "--user-name", "x", "--bogus"], "unrecognized arguments: --bogus"),
        (["runbooks"], "choose an ACTION"),
        (["sandbox", "serve", "--port", "70000"], "70000 is not a port"),
        (["sandbox"], "the following arguments are required: COMMAND"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_a_usage_error_is_one_line_and_exit_2(command: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert message in line
    assert line.startswith(f"python -m {command[0]}"), "run as python -m, named so"


def test_the_line_names_the_help_of_the_command_that_was_misused(capsys: pytest.CaptureFixture[str]) -> None:
    parser = OneLineParser(prog="tool")
    parser.add_subparsers(dest="command").add_parser("run").add_argument("--count", type=int)
    with pytest.raises(SystemExit) as exited:
        parser.parse_args(["run", "--count", "x"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        "tool run: error: argument --count: invalid int value: 'x' (see `tool run --help`)\n"
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("two\nlines", "two\\nlines"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("carriage\rreturn", "carriage\\rreturn"),
        ("bidi \u202eoverride", "bidi \\u202eoverride"),
        ("plain \u00e9t\u00e9 text", "plain \u00e9t\u00e9 text"),
    ],
)
def test_control_characters_are_shown_escaped_on_one_line(text: str, shown: str) -> None:
    assert one_line(text) == shown


def test_a_value_with_a_newline_cannot_break_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    parser = OneLineParser(prog="tool")
    parser.add_argument("--n", type=int)
    with pytest.raises(SystemExit):
        parser.parse_args(["--n", "1", "extra\nline"])
    [line] = capsys.readouterr().err.splitlines()
    assert "unrecognized arguments: extra\\nline" in line
    assert isinstance(parser, argparse.ArgumentParser)
