"""Every report format, parsed back: JSON and SARIF against their schemas, JUnit as XML, HTML with
an HTML parser, and each holds every finding it should."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from compliance_checks.catalog import Catalog, Control
from compliance_checks.core import Check, CheckMetadata, Severity, Status, errored, failed, passed
from compliance_checks.reports import FORMATS, html_report, json_report, junit, markdown, sarif, table
from compliance_checks.reports.escaping import visible
from compliance_checks.reports.model import SEVERITY_ORDER
from compliance_checks.runner import AuditOptions, run_audit, select
from compliance_checks.waivers import parse_waivers
from tests.compliance_checks.conftest import REGION

SCHEMAS = Path(__file__).resolve().parents[2] / "compliance_checks" / "schemas"
ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<script>alert('x')</script> & \"quotes\" | pipes *stars* \x07bell"


class Mixed(Check):
    """Scenarios: a PASS, two FAILs (one waived), an ERROR, and a message that tries to inject markup."""

    metadata = CheckMetadata(
        title="Mixed results",
        severity=Severity.HIGH,
        resource_type="AWS::S3::Bucket",
        rationale="exercise every status",
        remediation="none",
        permissions=("s3:ListAllMyBuckets",),
    )

    def evaluate(self, ctx):
        yield passed("arn:aws:s3:::good", "encrypted", region=REGION, kms_key="arn:aws:kms:us-east-1:1:key/k")
        yield failed("arn:aws:s3:::bad", HOSTILE, region=REGION, variable="API_TOKEN")
        yield failed("arn:aws:s3:::legacy-1", "old bucket", region=REGION)
        yield errored("arn:aws:s3:::hidden", "AccessDenied: GetBucketEncryption", region=REGION)


class Empty(Check):
    """Scenarios: nothing in scope."""

    metadata = CheckMetadata(
        title="Nothing",
        severity=Severity.LOW,
        resource_type="AWS::SQS::Queue",
        rationale="r",
        remediation="r",
        permissions=("sqs:ListQueues",),
    )

    def evaluate(self, ctx):
        return []


CATALOG = Catalog(
    (
        Control(
            "LP-DR-1",
            "Data at rest",
            "Data at rest is protected.",
            ("mixed", "empty"),
            runbooks=("runbooks/encrypt-bucket.md", "javascript:alert(1)"),
        ),
        Control("LP-TX-1", "Transport", "Traffic is encrypted.", ("mixed",)),
        Control("LP-IR-1", "Incidents", "Report a concern.", (), manual_evidence="triage records <b>attached</b>"),
    )
)


@pytest.fixture
def report(reader):
    waivers = parse_waivers(
        {
            "waivers": [
                {
                    "check": "mixed",
                    "resource_pattern": "arn:aws:s3:::legacy-*",
                    "justification": "legacy <bucket> kept until Q3",
                    "expires": dt.date(2099, 1, 1),
                },
                {
                    "check": "mixed",
                    "resource": "arn:aws:s3:::bad",
                    "justification": "lapsed",
                    "expires": dt.date(2000, 1, 1),
                },
            ]
        },
        CATALOG.control_ids,
        CATALOG.check_ids,
    )
    selection = select(CATALOG, {"mixed": Mixed, "empty": Empty})
    return run_audit([reader], selection, AuditOptions(waivers=waivers))


def test_the_report_has_every_status(report):
    assert report.counts() == {"FAIL": 2, "ERROR": 2, "MANUAL": 1, "WAIVED": 2, "PASS": 3}
    assert report.exit_code() == 1
    assert any("expired on 2000-01-01" in note for note in report.metadata["notes"])


def test_json_is_valid_against_its_schema_and_holds_every_finding(report):
    schema = json.loads((SCHEMAS / "audit-report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(json_report.render(report))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    validator.validate(document)
    assert len(document["findings"]) == len(report.findings)
    for key in ("account", "regions", "started", "finished", "target"):
        assert document["metadata"][key]
    statuses = {(f["control_id"], f["check_id"], f["resource_id"]): f["status"] for f in document["findings"]}
    assert statuses[("LP-DR-1", "mixed", "arn:aws:s3:::legacy-1")] == "WAIVED"
    assert statuses[("LP-TX-1", "mixed", "arn:aws:s3:::bad")] == "FAIL"
    assert statuses[("LP-IR-1", None, "evidence:LP-IR-1")] == "MANUAL"
    empty = next(f for f in document["findings"] if f["check_id"] == "empty")
    assert empty["evidence"] == {"resources_evaluated": 0}
    assert document["exit_code"] == 1


def test_json_schema_rejects_a_finding_without_a_status(report):
    schema = json.loads((SCHEMAS / "audit-report.schema.json").read_text())
    document = json.loads(json_report.render(report))
    del document["findings"][0]["status"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_junit_has_a_suite_per_control_and_a_case_per_finding(report):
    root = ET.fromstring(junit.render(report).encode())  # noqa: S314 - our own output, parsed back
    suites = root.findall("testsuite")
    assert [s.get("name").split()[0] for s in suites] == ["LP-DR-1", "LP-TX-1", "LP-IR-1"]
    cases = root.findall("testsuite/testcase")
    assert len(cases) == len(report.findings)
    assert int(root.get("tests")) == len(report.findings)
    assert int(root.get("failures")) == 2
    assert int(root.get("errors")) == 2
    assert int(root.get("skipped")) == 3
    failure_messages = [f.get("message") for f in root.iter("failure")]
    assert any(m.startswith("<script>alert('x')</script>") for m in failure_messages)  # escaped, parsed back
    dr1 = suites[0]
    assert dr1.get("failures") == "1"
    assert dr1.get("skipped") == "1"


def test_sarif_is_valid_against_the_official_schema(report):
    schema = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text())
    document = json.loads(sarif.render(report))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class(schema).validate(document)
    run = document["runs"][0]
    assert document["version"] == "2.1.0"
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["mixed", "empty"]
    # Alerts are the FAIL and ERROR findings, one per control; WAIVED ones are carried as suppressed
    # results (issue 12: code scanning shows them as dismissed, with the justification).
    alerts = [r for r in run["results"] if "suppressions" not in r]
    assert sorted((r["properties"]["status"], r["level"]) for r in alerts) == [
        ("ERROR", "warning"),
        ("ERROR", "warning"),
        ("FAIL", "error"),
        ("FAIL", "error"),
    ]
    locations = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in alerts}
    assert locations == {"arn:aws:s3:::bad", "arn:aws:s3:::hidden"}
    fingerprints = [r["partialFingerprints"]["leadpingFinding/v1"] for r in alerts]
    assert len(set(fingerprints)) == 4
    waived = [r for r in run["results"] if "suppressions" in r]
    assert {r["properties"]["status"] for r in waived} == {"WAIVED"}
    assert all(r["suppressions"][0]["kind"] == "external" for r in waived)
    assert all(r["suppressions"][0]["justification"] for r in waived)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.rows: list[str] = []
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "tr" and attributes.get("class") == "finding":
            self._row = []

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.rows.append(" ".join(self._row))
            self._row = None

    def handle_data(self, data):
        if self._row is not None:
            self._row.append(data)


def test_html_is_self_contained_escaped_and_holds_every_finding(report):
    text = html_report.render(report)
    parser = _Collector()
    parser.feed(text)
    parser.close()
    tag_names = {t for t, _ in parser.tags}
    # One inline script (the offline filter, issue 12), allowed by its hash; nothing loaded.
    assert [t for t, _ in parser.tags].count("script") == 1
    assert "link" not in tag_names
    assert not any("src" in attrs for _, attrs in parser.tags)
    assert len(parser.rows) == len(report.findings)
    for finding in report.findings:
        # Control characters are shown escaped (the hostile message holds a BEL).
        shown = visible(finding.message)
        assert any(finding.resource_id in row and shown in row for row in parser.rows), finding
    hrefs = [attrs["href"] for tag, attrs in parser.tags if tag == "a"]
    assert "runbooks/encrypt-bucket.md" in hrefs
    assert not any(h.startswith("javascript:") for h in hrefs)
    assert "<b>attached</b>" not in text


def test_runbook_links_start_with_the_reports_runbook_base(report):
    from dataclasses import replace

    from compliance_checks.reports.links import LinkBaseError, check_base, runbook_href

    for base, expected in (
        ("../..", "../../runbooks/encrypt-bucket.md"),
        ("https://h.example/r/", "https://h.example/r/runbooks/encrypt-bucket.md"),
    ):
        based = replace(report, runbook_base=base)
        parser = _Collector()
        parser.feed(html_report.render(based))
        assert expected in [attrs["href"] for tag, attrs in parser.tags if tag == "a"]
        assert f"[runbooks/encrypt-bucket.md]({expected})" in markdown.render(based)
    assert runbook_href("javascript:alert(1)", "../..") is None
    for unsafe in ("javascript:alert(1)//", "/etc", "http://h.example/"):
        with pytest.raises(LinkBaseError):
            check_base(unsafe)


def test_markdown_summarises_controls_and_links_runbooks_of_failing_findings(report):
    text = markdown.render(report)
    assert "| LP-DR-1 | Data at rest | ❌ FAIL |" in text
    assert "[runbooks/encrypt-bucket.md](runbooks/encrypt-bucket.md)" in text
    assert "<script>" not in text
    assert "(javascript:" not in text
    bad_rows = [line for line in text.splitlines() if line.startswith("| ") and "arn:aws:s3:::bad" in line]
    assert len(bad_rows) == 2  # one per control
    # 8: the Account column (issue 13) joined the 8 others; pipes in the message are escaped
    assert all(row.count(" | ") == 8 for row in bad_rows)


def test_table_text_summarises_each_control(report):
    text = table.render(report)
    for control_id in ("LP-DR-1", "LP-TX-1", "LP-IR-1"):
        assert control_id in text
    assert "FAIL 2" in text
    assert "arn:aws:s3:::hidden" in text


def test_every_format_has_a_file_name():
    # issue 12 adds csv, asff (Security Hub), ocsf and oscal to the first six.
    assert set(FORMATS) == {"table", "json", "junit", "sarif", "markdown", "html", "csv", "asff", "ocsf", "oscal"}
    assert len({f.filename for f in FORMATS.values()}) == len(FORMATS)


def test_each_format_renders_with_its_own_module_loaded_when_first_used():
    modules = {"csv": "csv_report", "html": "html_report", "json": "json_report"}
    for name, fmt in FORMATS.items():
        assert repr(fmt.render) == f"compliance_checks.reports.{modules.get(name, name)}.render"


def test_the_audit_command_line_loads_no_renderer_and_not_rich_until_a_report_needs_them():
    # An audit writing JSON (CI's) starts without the terminal, HTML and SARIF renderers and rich.
    probe = (
        "import sys; import compliance_checks.cli; "
        "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('compliance_checks.reports.')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert json.loads(done.stdout.replace("'", '"')) == [
        "compliance_checks.reports.links",
        "compliance_checks.reports.model",
        "compliance_checks.reports.scan_model",  # the severities, nothing more (no import of its own)
        "compliance_checks.reports.store",  # the runner's, for an organization's findings
    ]


def test_the_report_schema_and_the_finding_reader_allow_the_same_severities():
    schema = json.loads((SCHEMAS / "audit-report.schema.json").read_text())
    finding = schema["$defs"]["finding"]["properties"]["severity"]["enum"]
    assert finding == [*SEVERITY_ORDER, None]
    check = schema["properties"]["checks"]["additionalProperties"]["properties"]["severity"]["enum"]
    assert check == list(SEVERITY_ORDER) == [str(s) for s in Severity]


def test_status_enum_in_schema_matches_the_code():
    schema = json.loads((SCHEMAS / "audit-report.schema.json").read_text())
    assert set(schema["$defs"]["status"]["enum"]) == {str(s) for s in Status}


def test_a_full_audit_of_a_populated_account_renders_valid_reports(session, tmp_path):
    from compliance_checks import cli
    from tests.compliance_checks.test_least_privilege import populate_account

    populate_account()
    code = cli.main(["audit", "--quiet", "--format", ",".join(FORMATS), "--output-dir", str(tmp_path)])
    assert code in (1, 3)
    document = json.loads((tmp_path / "audit.json").read_text())
    schema = json.loads((SCHEMAS / "audit-report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(
        document
    )
    sarif_schema = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text())
    jsonschema.validators.validator_for(sarif_schema)(sarif_schema).validate(
        json.loads((tmp_path / "audit.sarif").read_text())
    )
    ET.fromstring((tmp_path / "audit.junit.xml").read_bytes())  # noqa: S314 - our own output, parsed back
    # The formats for other tools, on every check's real findings, against their publishers' schemas.
    from tests.compliance_checks.reports.validators import batch_import_errors, ocsf_errors, validate_oscal

    assert ocsf_errors(json.loads((tmp_path / "audit.ocsf.json").read_text())) == []
    assert batch_import_errors(json.loads((tmp_path / "audit.asff.json").read_text())) == ""
    validate_oscal(json.loads((tmp_path / "audit.oscal.json").read_text()))
    csv_rows = (tmp_path / "audit.csv").read_bytes().count(b"\r\n") - 1
    assert csv_rows == len(document["findings"])
    parser = _Collector()
    parser.feed((tmp_path / "audit.html").read_text())
    assert len(parser.rows) == len(document["findings"])
    assert {c["id"] for c in document["controls"]} == set(document["metadata"]["controls"])
    assert len(document["controls"]) == 17
    assert all(c["counts"] != {s: 0 for s in c["counts"]} for c in document["controls"])  # every control accounted


def test_json_text_is_the_document_with_a_finding_a_line():
    import json as json_module

    from compliance_checks.reports import json_text

    document = {"a": {"b": [1, 2]}, "findings": [{"x": 1, "y": "é"}, {"x": 2, "y": None}], "z": "findings"}
    text = json_text.dumps(document, items_at="findings")
    assert json_module.loads(text) == document
    lines = text.splitlines()
    assert '    {"x": 1, "y": "\\u00e9"},' in lines
    assert '    {"x": 2, "y": null}' in lines
    assert json_module.loads(json_text.dumps([{"k": [1]}, {"k": []}])) == [{"k": [1]}, {"k": []}]
    assert json_text.dumps([]) == "[]\n"
    assert json_module.loads(json_text.dumps({**document, "findings": []}, items_at="findings"))["findings"] == []
