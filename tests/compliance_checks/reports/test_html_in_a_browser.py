"""The HTML report in a real browser (headless Chromium): at 1,400 px every column of every
findings table shows and nothing overflows; at 400 px the findings reflow into cards and nothing
overflows; printed (A4 landscape) every column shows; the offline filter works under the page's own
Content-Security-Policy. Screenshots and the PDF are written too, as a person would look at them.

The report is made wide on purpose: long unbroken ARNs, long evidence values (a policy document),
long messages, and the hostile data of conftest.py."""

from __future__ import annotations

import html
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from compliance_checks.core import Status
from compliance_checks.reports import html_report
from compliance_checks.reports.model import Report
from tests.compliance_checks.reports import browser
from tests.compliance_checks.reports.conftest import BRACKET_BUCKET

pytestmark = pytest.mark.skipif(browser.CHROMIUM is None, reason=browser.SKIP_REASON)

COLUMNS = ["Status", "Severity", "Check", "Resource", "Region", "Message", "Evidence", "Runbook"]
LONG_ARN = "arn:aws:iam::123456789012:role/" + "a-very-long-role-name-without-any-break-" * 6 + "end"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::" + "x" * 180}],
}


@pytest.fixture
def wide_report(hostile_report: Report) -> Report:
    template = next(f for f in hostile_report.findings if f.status is Status.FAIL)
    extra = [
        replace(
            template,
            resource_id=f"{LONG_ARN}-{i}",
            resource_type="AWS::IAM::Role",
            severity=("critical", "high", "medium", "low")[i % 4],
            status=(Status.FAIL, Status.ERROR, Status.PASS)[i % 3],
            message="The role's trust policy allows " + "sts:AssumeRole-from-everywhere-" * 8,
            evidence={"policy": POLICY, "statement_ids": [f"sid-{n}" for n in range(12)], "token": "y" * 240},
        )
        for i in range(40)
    ]
    return replace(hostile_report, findings=[*hostile_report.findings, *extra])


@pytest.fixture
def page(wide_report: Report, tmp_path: Path) -> str:
    return html_report.render(wide_report)


def _every_column_shows(measured: dict) -> None:
    viewport = measured["innerWidth"]
    assert measured["tables"], "no findings table"
    for table in measured["tables"]:
        assert [h["text"] for h in table["heads"]] == COLUMNS
        for head in table["heads"]:
            assert head["width"] >= 30, head
            assert head["left"] >= 0, head
            assert head["right"] <= viewport, head


def test_at_1400_px_every_column_shows_and_nothing_overflows(page, tmp_path):
    measured = browser.measure(page, tmp_path, 1400)
    assert measured["innerWidth"] == 1400
    assert measured["scrollWidth"] <= measured["innerWidth"], measured["overflowing"]
    assert measured["overflowing"] == []
    _every_column_shows(measured)


def test_at_400_px_findings_reflow_into_cards_without_overflow(page, tmp_path):
    measured = browser.measure(page, tmp_path, 400)
    assert measured["innerWidth"] == 400
    assert measured["scrollWidth"] <= measured["innerWidth"], measured["overflowing"]
    assert measured["overflowing"] == []
    for table in measured["tables"]:
        assert table["heads"] == []  # no table header on a phone: each cell carries its label
        assert table["cardCells"] == table["cells"] > 0


def test_printed_every_column_shows_on_a4_landscape(page, tmp_path):
    measured = browser.measure(browser.print_layout(page), tmp_path, browser.A4_LANDSCAPE_PRINTABLE_PX)
    assert measured["scrollWidth"] <= measured["innerWidth"], measured["overflowing"]
    _every_column_shows(measured)


def test_the_filter_works_offline_under_the_pages_own_policy(page, wide_report, tmp_path):
    measured = browser.measure(page, tmp_path, 1400, probe="[bold]loud[/bold]")
    assert measured["filterShown"], "the page's script did not run: its hash is not in the policy?"
    assert measured["rows"] == len(wide_report.findings)
    assert measured["matching"] == sum(1 for f in wide_report.findings if f.resource_id == BRACKET_BUCKET)
    assert measured["shownText"] == f"{measured['matching']} of {measured['rows']} findings shown"
    assert measured["failing"] == sum(1 for f in wide_report.findings if f.status is Status.FAIL)


def test_screenshots_at_desktop_and_phone_widths_and_a_pdf_are_made(page, tmp_path):
    source = tmp_path / "audit.html"
    source.write_text(page, encoding="utf-8")
    shot = tmp_path / "audit-1400.png"
    browser.run(source.as_uri(), tmp_path / "profile", 1400, 900, f"--screenshot={shot}")
    assert browser.png_size(shot) == (1400, 900)
    # A headless window is at least 500 wide: the phone view is the page in a 400 px iframe, cropped.
    wrapper = tmp_path / "audit-400.html"
    wrapper.write_text(browser.WRAPPER % {"width": 400, "srcdoc": html.escape(page), "probe": '""'}, encoding="utf-8")
    shot = tmp_path / "audit-400.png"
    browser.run(wrapper.as_uri(), tmp_path / "profile", 400, 900, f"--screenshot={shot}")
    assert browser.png_size(shot) == (400, 900)
    pdf = tmp_path / "audit.pdf"
    browser.run(source.as_uri(), tmp_path / "profile", 1400, 900, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type/Page") >= 1
    pdftotext = shutil.which("pdftotext")
    if pdftotext:  # poppler-utils (make setup-browser installs it): every column head is in the PDF's text
        text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        header_lines = [line for line in text.splitlines() if "Status" in line and "Evidence" in line]
        assert header_lines, "no findings table header in the PDF"
        assert all(column in header_lines[0] for column in COLUMNS), header_lines[0]


def test_the_policy_allows_nothing_but_the_inline_style_and_script(page):
    policy = html_report.CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in policy
    assert "form-action 'none'" in policy
    assert "unsafe-inline" not in policy
    assert f'content="{policy}"' in page
