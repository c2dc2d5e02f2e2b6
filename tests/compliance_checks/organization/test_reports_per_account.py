"""Reports of an organization audit: every format names the account of each finding, and the JSON,
Markdown and HTML reports summarise per account (and, per account, per control)."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from compliance_checks.reports import FORMATS
from compliance_checks.reports.model import Report


def _json(text: str) -> list[str]:
    return [f["account_id"] for f in json.loads(text)["findings"]]


def _csv(text: str) -> list[str]:
    return [row["account_id"] for row in csv.DictReader(io.StringIO(text))]


def _asff(text: str) -> list[str]:
    return [f["AwsAccountId"] for f in json.loads(text)]


def _ocsf(text: str) -> list[str]:
    return [f["cloud"]["account"]["uid"] for f in json.loads(text)]


def _oscal(text: str) -> list[str]:
    observations = json.loads(text)["assessment-results"]["results"][0]["observations"]
    return [next(p["value"] for p in o["props"] if p["name"] == "account-id") for o in observations]


def _sarif(text: str) -> list[str]:
    return [r["properties"]["account_id"] for r in json.loads(text)["runs"][0]["results"]]


def _junit(text: str) -> list[str]:
    root = ET.fromstring(text.encode())  # noqa: S314 - our own output, parsed back
    return [
        next(p.get("value") for p in case.iter("property") if p.get("name") == "account_id")
        for case in root.iter("testcase")
    ]


def _markdown(text: str) -> list[str]:
    rows = [line for line in text.splitlines() if line.startswith(("| ❌", "| ⚠️"))]
    return [line.split(" | ")[3] for line in rows]


def _html(text: str) -> list[str]:
    return re.findall(r'<tr class="finding"[^>]* data-account="([^"]+)"', text)


EXTRACTORS: dict[str, Callable[[str], list[str]]] = {
    "json": _json,
    "csv": _csv,
    "asff": _asff,
    "ocsf": _ocsf,
    "oscal": _oscal,
    "sarif": _sarif,
    "junit": _junit,
    "markdown": _markdown,
    "html": _html,
}


@pytest.mark.parametrize("name", sorted(EXTRACTORS))
def test_every_format_names_the_account_of_each_finding(organization_report: Report, name: str) -> None:
    accounts = EXTRACTORS[name](FORMATS[name].render(organization_report))
    assert accounts, f"{name}: no finding read back"
    assert all(re.fullmatch(r"[0-9]{12}", a) for a in accounts), accounts
    failing = {f.account_id for f in organization_report.findings if f.status.value == "FAIL"}
    assert len(failing) == 2
    assert failing <= set(accounts)


def test_json_summarises_each_account_and_its_controls(organization_report: Report) -> None:
    document = json.loads(FORMATS["json"].render(organization_report))
    summaries = {a["account_id"]: a for a in document["accounts"]}
    assert list(summaries) == organization_report.metadata["accounts"]
    failing = {f.account_id for f in organization_report.findings if f.status.value == "FAIL"}
    for account, summary in summaries.items():
        assert summary["status"] == ("FAIL" if account in failing else "PASS")
        assert summary["counts"]["FAIL"] == (1 if account in failing else 0)
        assert summary["controls"]["LP-DR-1"] == summary["status"]


def test_markdown_and_html_have_a_table_of_accounts_failing_first(organization_report: Report) -> None:
    failing = sorted({f.account_id for f in organization_report.findings if f.status.value == "FAIL"})
    markdown = FORMATS["markdown"].render(organization_report)
    section = markdown.split("## Accounts", 1)[1]
    rows = [line for line in section.splitlines() if re.match(r"\| [0-9]{12} ", line)]
    assert len(rows) == len(organization_report.metadata["accounts"])
    assert sorted(row.split(" | ")[0][2:] for row in rows[:2]) == failing
    page = FORMATS["html"].render(organization_report)
    picks = re.findall(r'data-pick-account="([0-9]{12})"', page)
    assert sorted(picks[:2]) == failing
    assert sorted(picks) == sorted(organization_report.metadata["accounts"])
    options = re.search(r'<select name="account">(.*?)</select>', page)
    assert options is not None
    assert all(f'value="{a}"' in options.group(1) for a in organization_report.metadata["accounts"])


def test_a_title_names_how_many_accounts_rather_than_every_id() -> None:
    many = Report(metadata={"accounts": [f"{i:012d}" for i in range(300)]}, findings=[], controls=())
    assert many.accounts_label() == "300 accounts"
    one = Report(metadata={"accounts": ["123456789012"]}, findings=[], controls=())
    assert one.accounts_label() == "123456789012"
