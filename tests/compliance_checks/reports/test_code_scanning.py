"""The audit's SARIF as GitHub code scanning takes it (compliance_checks/reports/sarif.py on the one
builder, sarif_builder.py): every result has a file and line, rules carry security-severity and the
runbook, waived findings are suppressed results, and a payload passes GitHub's documented checks."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from compliance_checks.catalog import CATALOG_FILE, Control
from compliance_checks.core import Status
from compliance_checks.reports import sarif, sarif_builder, sources
from compliance_checks.reports.model import Finding, Report
from compliance_checks.reports.scan_model import Outcome, ScanFinding, ScanRun, SourceLocation

SCHEMA = json.loads((CATALOG_FILE.parent / "schemas" / "sarif-2.1.0.json").read_text())
REPOSITORY = CATALOG_FILE.parent.parent
BUCKET = "arn:aws:s3:::leadping-prod-leads"
ROLE = "arn:aws:iam::123456789012:role/leadping-prod-api"
CONTROLS = (
    Control("LP-DR-1", "Data at rest", "s", ("bucket_kms",), runbooks=("runbooks/failed-compliance-check.md",)),
    Control("LP-AC-1", "Access", "s", ("role_scoped",)),
)
CHECKS = {
    "bucket_kms": {"title": "KMS", "severity": "high", "resource_type": "AWS::S3::Bucket", "controls": ["LP-DR-1"]},
    "role_scoped": {"title": "Scoped", "severity": "low", "resource_type": "AWS::IAM::Role", "controls": ["LP-AC-1"]},
}
WAIVER = {"index": 0, "justification": "legacy until Q3", "owner": "platform", "expires": "2099-01-01"}


def finding(resource: str, status: Status, check: str = "bucket_kms", control: str = "LP-DR-1", **more) -> Finding:
    return Finding(control, check, resource, "AWS::S3::Bucket", "us-east-1", status, f"{status} here",
                   severity=CHECKS[check]["severity"], account_id="123456789012", **more)  # fmt: skip


def report(*findings: Finding, base: str = "https://github.com/leadping/platform/blob/main/") -> Report:
    metadata = {"version": "1.0", "stack": "prod", "notes": []}
    return Report(metadata, list(findings), CONTROLS, CHECKS, runbook_base=base)


def results(document: dict) -> dict[str, dict]:
    return {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r for r in document["runs"][0]["results"]}


def test_given_no_known_source_then_the_result_points_at_its_controls_line_in_the_catalog():
    document = sarif.document(report(finding(ROLE, Status.FAIL, "role_scoped", "LP-AC-1")))
    jsonschema.validate(document, SCHEMA)
    physical = results(document)[ROLE]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "compliance_checks/catalog.yaml", "uriBaseId": "%SRCROOT%"}
    line = CATALOG_FILE.read_text().splitlines()[physical["region"]["startLine"] - 1]
    assert line.strip() == "- id: LP-AC-1"


def test_given_the_program_declares_the_resource_then_the_result_points_at_that_line():
    audited = report(finding(BUCKET, Status.FAIL))
    audited.resource_sources = {BUCKET: "infra/components/secure_bucket.py:42"}
    physical = results(sarif.document(audited))[BUCKET]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "infra/components/secure_bucket.py"
    assert physical["region"]["startLine"] == 42


def test_rules_carry_security_severity_from_the_checks_severity_and_the_runbook_as_help_uri():
    rules = {
        r["id"]: r for r in sarif.document(report(finding(BUCKET, Status.FAIL)))["runs"][0]["tool"]["driver"]["rules"]
    }
    assert rules["bucket_kms"]["properties"]["security-severity"] == "8.0"
    assert rules["role_scoped"]["properties"]["security-severity"] == "3.0"
    assert rules["bucket_kms"]["helpUri"] == (
        "https://github.com/leadping/platform/blob/main/runbooks/failed-compliance-check.md"
    )
    assert "helpUri" not in rules["role_scoped"], "a control without a runbook gets no invented link"


def test_given_a_relative_runbook_base_then_no_help_uri_but_the_help_text_names_the_runbook():
    rule = sarif.document(report(finding(BUCKET, Status.FAIL), base="../.."))["runs"][0]["tool"]["driver"]["rules"][0]
    assert "helpUri" not in rule
    assert "runbooks/failed-compliance-check.md" in rule["help"]["text"]


def test_given_a_waived_finding_then_it_is_a_suppressed_result_with_the_justification():
    document = sarif.document(report(finding(BUCKET, Status.WAIVED, waiver=WAIVER)))
    jsonschema.validate(document, SCHEMA)
    (suppression,) = results(document)[BUCKET]["suppressions"]
    assert suppression["kind"] == "external"
    assert suppression["justification"] == "legacy until Q3 (owner platform), until 2099-01-01"


def test_a_pass_and_a_manual_finding_are_no_results():
    document = sarif.document(report(finding(BUCKET, Status.PASS), finding("evidence:LP-AC-1", Status.MANUAL)))
    assert document["runs"][0]["results"] == []


def test_the_audit_payload_passes_githubs_documented_upload_checks():
    document = sarif.document(
        report(finding(BUCKET, Status.FAIL), finding(ROLE, Status.ERROR, "role_scoped", "LP-AC-1"))
    )
    assert sarif_builder.upload_problems(document) == []
    run = document["runs"][0]
    assert run["automationDetails"]["id"] == "leadping-audit/prod/"
    assert all(r["partialFingerprints"]["leadpingFinding/v1"] for r in run["results"])


def test_the_upload_checks_catch_what_github_rejects():
    document = sarif.document(report(finding(BUCKET, Status.FAIL)))
    result = document["runs"][0]["results"][0]
    del result["locations"][0]["physicalLocation"]
    result["ruleId"] = "nowhere"
    del result["partialFingerprints"]
    document["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"] = [str(i) for i in range(21)]
    problems = "\n".join(sarif_builder.upload_problems(document))
    for expected in ("ruleId names no rule", "physicalLocation.artifactLocation.uri", "partialFingerprints", "21 tags"):
        assert expected in problems


def test_a_finding_with_neither_a_location_nor_a_fallback_is_refused_not_written_without_a_file():
    run = ScanRun("t", "https://example.com", [], [ScanFinding("r", Outcome.FAIL, "m", "f")])
    with pytest.raises(ValueError, match="neither a file location nor a fallback"):
        sarif_builder.document(run)


def test_source_map_matches_by_arn_and_by_an_explicit_name_and_skips_shared_names():
    class Rendered:
        def __init__(self, source, inputs=None, outputs=None, id=None):
            self.source, self.inputs, self.outputs, self.id = source, inputs or {}, outputs or {}, id

    known = sources.source_map(
        [
            Rendered("infra/data.py:10", outputs={"arn": "arn:aws:s3:::sandbox-bucket"}),
            Rendered("infra/iam.py:20", inputs={"name": "leadping-prod-api"}),
            Rendered("infra/a.py:1", inputs={"name": "shared-name"}),
            Rendered("infra/b.py:2", inputs={"name": "shared-name"}),
            Rendered(None, inputs={"name": "no-source"}),
        ],
        REPOSITORY,
        REPOSITORY,
    )
    found = sources.locate(
        ["arn:aws:s3:::sandbox-bucket", ROLE, "arn:aws:iam::1:role/shared-name", "arn:aws:iam::1:role/no-source"], known
    )
    assert found == {"arn:aws:s3:::sandbox-bucket": "infra/data.py:10", ROLE: "infra/iam.py:20"}


def test_source_location_parses_the_renders_path_and_line():
    assert SourceLocation.parse("infra/x.py:7") == SourceLocation("infra/x.py", 7)
    assert SourceLocation.parse("infra/x.py") == SourceLocation("infra/x.py", 1)
    assert SourceLocation.parse("") is None
    assert sarif_builder.artifact_location(SourceLocation("/opt/x.py", 3)) == {"uri": Path("/opt/x.py").as_uri()}
