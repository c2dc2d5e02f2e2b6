"""Runbooks <-> controls: every runbook names existing controls in its header, the control map is
built from those headers, and every ``python -m runbooks`` command shown in a runbook parses with
the CLI's real parser (after the runbook's own ``export`` lines are substituted)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from compliance_checks.catalog import load_catalog
from compliance_checks.cli import build_parser as audit_parser
from compliance_checks.waivers import parse_waivers
from runbooks import links
from runbooks.actions import ACTIONS

RUNBOOKS = links.all_runbooks()
AUDIT_PREFIX = "python -m compliance_checks "
EXPECTED = {
    "access-removal.md",
    "backup-restore-drill.md",
    "credential-exposure.md",
    "data-exposure.md",
    "failed-compliance-check.md",
    "triage-security-concern.md",
    "unauthorized-access.md",
}


def test_the_runbooks_the_issue_asks_for_exist() -> None:
    assert {r.path.name for r in RUNBOOKS} == EXPECTED
    assert len({r.title for r in RUNBOOKS}) == len(RUNBOOKS)


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda r: r.path.name)
def test_runbook_names_controls_that_exist_in_controls_md(runbook: links.Runbook) -> None:
    controls_md = links.default_controls_file()
    if not controls_md.exists():
        pytest.skip(f"{controls_md} is not beside this checkout (the catalog test below still runs)")
    known = links.control_ids(controls_md)
    assert len(known) >= 17
    assert runbook.controls
    assert set(runbook.controls) <= known, set(runbook.controls) - known


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda r: r.path.name)
def test_runbook_names_controls_that_exist_in_the_catalog(runbook: links.Runbook) -> None:
    known = set(load_catalog().control_ids)
    assert set(runbook.controls) <= known, set(runbook.controls) - known


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda r: r.path.name)
def test_every_command_shown_is_a_valid_invocation(runbook: links.Runbook) -> None:
    commands = links.commands_in(runbook.path)
    assert len(commands) >= len(runbook.actions)  # nothing slipped past the fence parser
    assert links.command_problems(runbook.path) == []


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda r: r.path.name)
def test_audit_commands_parse_with_the_audit_cli(runbook: links.Runbook) -> None:
    environment = links.example_environment(runbook.path)
    for command in links.commands_in(runbook.path, prefix=AUDIT_PREFIX):
        argv = links.expand(command, environment)[len(AUDIT_PREFIX.split()) :]
        try:
            audit_parser().parse_args(argv)
        except SystemExit as exit_:
            pytest.fail(f"{runbook.path.name}: `{command}` is not a valid audit command (exit {exit_.code})")


def test_waiver_examples_are_valid_waiver_files() -> None:
    catalog = load_catalog()
    checks = {check for control in catalog.controls for check in control.checks}
    blocks = links.yaml_blocks(links.RUNBOOKS_DIR / "failed-compliance-check.md")
    assert blocks
    for block in blocks:
        waivers = parse_waivers(yaml.safe_load(block), catalog.control_ids, checks)
        assert waivers


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda r: r.path.name)
def test_header_actions_are_the_actions_the_runbook_runs(runbook: links.Runbook) -> None:
    skip = len(links.COMMAND_PREFIX.split())
    environment = links.example_environment(runbook.path)
    used = {links.expand(c, environment)[skip] for c in links.commands_in(runbook.path)}
    assert set(runbook.actions) <= set(ACTIONS)
    assert used == set(runbook.actions)


def test_every_action_appears_in_some_runbook() -> None:
    assert {a for r in RUNBOOKS for a in r.actions} == set(ACTIONS)


def test_every_catalog_control_links_to_a_runbook() -> None:
    mapping = links.controls_to_runbooks()
    assert set(mapping) == set(load_catalog().control_ids)
    assert mapping["LP-BK-1"] == ["runbooks/backup-restore-drill.md", "runbooks/failed-compliance-check.md"]
    assert "runbooks/credential-exposure.md" in mapping["LP-SEC-3"]
    assert all(
        path.startswith("runbooks/") and (links.REPO_ROOT / path).is_file() for p in mapping.values() for path in p
    )


def test_controls_named_in_controls_md_have_specific_runbooks() -> None:
    # LP-IR-1, LP-SEC-3, LP-SEC-4, LP-PA-2 and LP-BK-1 ask for runbooks of their own, not only the generic one.
    mapping = links.controls_to_runbooks()
    for control in ("LP-IR-1", "LP-SEC-3", "LP-SEC-4", "LP-PA-2", "LP-BK-1"):
        assert set(mapping[control]) - {"runbooks/failed-compliance-check.md"}, control


# --- the checks themselves catch mistakes ---------------------------------------------------


def _runbook(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sample.md"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "---\ntitle: Sample\ncontrols: [LP-SEC-4]\nactions: [disable-access-key]\n---\n\n"


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        ("python -m runbooks disable-acces-key --user-name x", "invalid choice: 'disable-acces-key'"),
        ("python -m runbooks disable-access-key --user x --apply --region us-east-1 --force", "unrecognized arguments"),
        ("python -m runbooks disable-access-key --access-key-id nonsense", "is not an access key id"),
        ('python -m runbooks disable-access-key --user-name "$NOBODY"', "uses $NOBODY, which no export line sets"),
        ("python -m runbooks rotate-secret --secret-id s", "the following arguments are required: --incident"),
        ("python -m runbooks revoke-role-sessions --role-name r --issued-before yesterday", "is not a time"),
    ],
)
def test_a_broken_command_is_reported(tmp_path: Path, command: str, problem: str) -> None:
    path = _runbook(tmp_path, HEADER + f"```sh\nexport USER=alice\n{command}\n```\n")
    (found,) = links.command_problems(path)
    assert problem in found


def test_inline_commands_are_checked_too(tmp_path: Path) -> None:
    path = _runbook(tmp_path, HEADER + "Then run `python -m runbooks disable-access-key --user-name x --yes`.\n")
    (found,) = links.command_problems(path)
    assert "unrecognized arguments: --yes" in found


def test_continued_lines_and_exports_are_followed(tmp_path: Path) -> None:
    text = HEADER + (
        "1. Disable it:\n\n   ```sh\n   export KEY=AKIAIOSFODNN7EXAMPLE\n"
        '   python -m runbooks disable-access-key \\\n      --access-key-id "$KEY" --apply\n   ```\n'
    )
    path = _runbook(tmp_path, text)
    assert links.commands_in(path) == ['python -m runbooks disable-access-key --access-key-id "$KEY" --apply']
    assert links.command_problems(path) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# No header\n", "no YAML front matter"),
        ("---\ntitle: X\n---\n", "'controls' must be a non-empty list"),
        ("---\ntitle: X\ncontrols: [SEC-3]\n---\n", "not control ids: SEC-3"),
        ("---\ncontrols: [LP-SEC-3]\n---\n", "'title' is missing"),
        ("---\ntitle: X\ncontrols: LP-SEC-3\n---\n", "'controls' must be a non-empty list"),
    ],
)
def test_a_bad_header_is_refused(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(links.RunbookHeaderError, match=problem):
        links.read_runbook(_runbook(tmp_path, text))


def test_index_is_not_a_runbook() -> None:
    assert all(p.name != "README.md" for p in links.runbook_files())
    assert (links.RUNBOOKS_DIR / "README.md").is_file()


def test_the_audit_report_links_each_failing_control_to_runbooks_that_exist() -> None:
    """With the real catalog, a FAIL under any control links (HTML and Markdown) to its runbooks."""
    from html.parser import HTMLParser

    from compliance_checks.core import Status
    from compliance_checks.reports import html_report, markdown
    from compliance_checks.reports.model import Finding, Report

    catalog = load_catalog()
    findings = [
        Finding(c.id, (c.checks or ("manual",))[0], f"arn:aws:s3:::{c.id.lower()}", "AWS::S3::Bucket", "us-east-1",
                Status.FAIL, "failed for the test")
        for c in catalog.controls
    ]  # fmt: skip
    report = Report(metadata={"target": "test"}, findings=findings, controls=list(catalog.controls))

    class Links(HTMLParser):
        hrefs: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.hrefs.append(dict(attrs)["href"])

    parser = Links()
    parser.feed(html_report.render(report))
    text = markdown.render(report)
    for control in catalog.controls:
        assert control.runbooks, control.id
        for runbook in control.runbooks:
            assert (links.REPO_ROOT / runbook).is_file(), runbook
            assert runbook in parser.hrefs
            assert f"]({runbook})" in text
