"""What every command line says the same way (compliance_checks/cli_vocabulary.py): --version, the
name it was run by, the console format's name, COLUMNS when piped, plain serve logs in a file, a
spinner with the phase on a terminal only, and repeatable --region in the runbooks."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from compliance_checks import cli as audit_cli
from compliance_checks.cli_vocabulary import PIPED_WIDTH, output_width, prog
from compliance_checks.runner import tool_version
from policies import cli as gate_cli
from runbooks import cli as runbook_cli
from sandbox import cli as sandbox_cli

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COMMANDS = {
    "leadping-audit": "compliance_checks",
    "leadping-gate": "policies",
    "leadping-sandbox": "sandbox",
    "leadping-runbook": "runbooks",
}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("installed", list(COMMANDS))
def test_every_command_prints_its_version_from_the_package(installed):
    result = subprocess.run(
        [sys.executable, "-m", COMMANDS[installed], "--version"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{installed} {tool_version()}"


@pytest.mark.parametrize("installed", list(COMMANDS))
def test_help_names_the_installed_command_when_run_as_it(installed):
    script = BIN / installed
    if not script.exists():
        pytest.skip(f"{installed} is not installed in this environment")
    result = subprocess.run([str(script), "--help"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: {installed} ")
    assert "python -m" not in result.stdout.splitlines()[0]


def test_prog_is_python_dash_m_unless_run_as_the_console_script():
    assert prog("leadping-audit", "compliance_checks", "/x/.venv/bin/leadping-audit") == "leadping-audit"
    assert prog("leadping-audit", "compliance_checks", "/x/compliance_checks/__main__.py") == (
        "python -m compliance_checks"
    )


def test_columns_is_honoured_when_piped_and_a_pipe_without_it_is_wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "97")
    assert output_width(io.StringIO()) == 97
    monkeypatch.delenv("COLUMNS")
    assert output_width(io.StringIO()) == PIPED_WIDTH
    assert output_width(Terminal()) is None, "a terminal's own width (rich reads it)"


def test_the_audits_list_wraps_at_columns_when_piped(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert audit_cli.main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) == 100


def test_the_console_format_is_table_in_both_commands_and_cli_is_taken_too():
    assert audit_cli._formats("cli,json") == ["table", "json"]
    assert gate_cli._formats("table,sarif") == ["cli", "sarif"]


def test_the_serve_log_has_no_colour_codes_when_written_to_a_file():
    logger = logging.getLogger("werkzeug")
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    logger.addHandler(handler)
    before = list(logger.filters)
    try:
        assert sandbox_cli.plain_log_when_not_a_terminal(io.StringIO()) is True
        logger.warning('%s - "%s" %s', "127.0.0.1", "\x1b[33mGET / HTTP/1.1\x1b[0m", 404)
        assert buffer.getvalue() == '127.0.0.1 - "GET / HTTP/1.1" 404\n'
        assert sandbox_cli.plain_log_when_not_a_terminal(Terminal()) is False, "a terminal keeps its colours"
    finally:
        logger.removeHandler(handler)
        logger.filters[:] = before


def test_the_deploy_phases_are_lines_on_a_pipe_and_a_spinner_on_a_terminal(monkeypatch):
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    with sandbox_cli._phases(quiet=False) as report:
        report("rendering the program")
    assert piped.getvalue() == "rendering the program\n"
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with sandbox_cli._phases(quiet=False) as report:
        report("deploying 12 resources")
    assert "deploying 12 resources" in terminal.getvalue()
    quiet = io.StringIO()
    monkeypatch.setattr(sys, "stderr", quiet)
    with sandbox_cli._phases(quiet=True) as report:
        report("nothing")
    assert quiet.getvalue() == ""


def test_the_audits_progress_shows_the_phase_on_a_terminal_only(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    display = audit_cli.ProgressDisplay(enabled=True)
    with display.running():
        display.message("deploying [bold]x[/bold] :secret:")
        display.checks(1, 2, "a check")
    assert "deploying [bold]x[/bold] :secret:" in sys.stderr.getvalue(), "shown as text, not markup or emoji"
    silent = audit_cli.ProgressDisplay(enabled=False)
    silent.message("nothing")
    assert not silent.enabled


def test_runbooks_take_region_repeatedly_and_run_in_each(aws_runbooks):
    calls: list[str | None] = []

    def factory(profile, region):
        calls.append(region)
        raise runbook_cli.NoRegionError()

    err = io.StringIO()
    argv = ["disable-access-key", "--user-name", "x", "--region", "us-east-1", "--region", "eu-west-1"]
    code = runbook_cli.main(argv, session_factory=factory, stdout=io.StringIO(), stderr=err)
    assert calls == ["us-east-1", "eu-west-1"]
    assert code == runbook_cli.REFUSED
    assert err.getvalue().count("Nothing was changed.") == 2


@pytest.fixture
def aws_runbooks():
    from moto import mock_aws

    with mock_aws():
        yield


def test_the_gate_shows_a_spinner_with_its_phase_on_a_terminal_only(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with gate_cli._spinner("rendering, exporting and scanning prod", quiet=False):
        pass
    assert "rendering, exporting and scanning prod" in terminal.getvalue()
    for stream, quiet in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr(sys, "stderr", stream)
        with gate_cli._spinner("nothing shown", quiet=quiet):
            pass
        assert stream.getvalue() == ""
