"""Each format for other tools, validated against what its publisher publishes: OCSF against the
OCSF 1.5.0 schema export (ocsf-json-schema; ``additionalProperties`` false, so an attribute the class
does not define fails), ASFF against botocore's own model of BatchImportFindings, OSCAL against NIST's
models as compliance-trestle generates them (``extra='forbid'``), SARIF against the 2.1.0 schema, and
CSV parsed back as RFC 4180."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

from compliance_checks.core import Status
from compliance_checks.reports import FORMATS, asff, csv_report, ocsf, oscal
from tests.compliance_checks.reports.conftest import SECRET_ARN, WAIVED_BUCKET
from tests.compliance_checks.reports.validators import (
    batch_import_errors,
    ocsf_errors,
    ocsf_validator,
    validate_oscal,
)

SARIF_SCHEMA = Path(__file__).resolve().parents[3] / "compliance_checks" / "schemas" / "sarif-2.1.0.json"


# -- OCSF


def test_ocsf_events_validate_against_the_ocsf_compliance_finding_schema(hostile_report):
    events = json.loads(FORMATS["ocsf"].render(hostile_report))
    assert len(events) == len(hostile_report.findings)
    assert ocsf_errors(events) == []
    for event in events:
        assert (event["class_uid"], event["type_uid"], event["metadata"]["version"]) == (2003, 200301, "1.5.0")


def test_ocsf_schema_refuses_an_attribute_the_class_does_not_define(hostile_report):
    event = json.loads(FORMATS["ocsf"].render(hostile_report))[0]
    event["compliance"]["leadping_status"] = "PASS"
    with pytest.raises(jsonschema.ValidationError):
        ocsf_validator().validate(event)


def test_ocsf_carries_the_control_its_frameworks_and_the_verdict(hostile_report):
    events = json.loads(FORMATS["ocsf"].render(hostile_report))
    by_status = {e["status_code"]: e for e in events}
    failing = by_status["FAIL"]["compliance"]
    assert failing["control"] == "LP-DR-1"
    assert failing["requirements"] == ["AWS Security Hub S3.17", "AWS Security Hub SecretsManager.1", "SOC 2 CC6.1"]
    assert failing["standards"] == [ocsf.LEADPING_STANDARD, "AWS Security Hub", "SOC 2"]
    assert {k: (e["compliance"]["status_id"], e["status_id"]) for k, e in by_status.items()} == {
        "PASS": (1, 1),
        "FAIL": (3, 1),
        "WAIVED": (3, 3),  # still failing, the finding suppressed by the waiver
        "ERROR": (2, 1),
        "MANUAL": (99, 1),
    }
    assert by_status["WAIVED"]["unmapped"]["leadping"]["waiver"]["owner"] == "platform-team"
    assert by_status["FAIL"]["remediation"]["references"] == [
        "https://github.com/leadping/platform/blob/0123abc/runbooks/failed-compliance-check.md"
    ]
    uids = [e["finding_info"]["uid"] for e in events]
    assert len(set(uids)) == len(uids)


# -- ASFF


def test_asff_findings_are_a_valid_batch_import_findings_request(hostile_report):
    findings = json.loads(FORMATS["asff"].render(hostile_report))
    assert len(findings) == len(hostile_report.findings)
    assert batch_import_errors(findings) == ""


def test_botocores_validator_refuses_a_finding_without_resources(hostile_report):
    finding = json.loads(FORMATS["asff"].render(hostile_report))[0]
    del finding["Resources"]
    assert "Resources" in batch_import_errors([finding])


def test_asff_names_the_custom_product_the_generator_and_the_status(hostile_report):
    findings = asff.findings(hostile_report, hub_region="eu-west-1", now="2026-05-01T10:00:00+00:00")
    by_status = {f["ProductFields"]["leadping/status"]: f for f in findings}
    for finding in findings:
        assert finding["ProductArn"] == "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"
        assert finding["GeneratorId"].startswith(asff.GENERATOR_PREFIX)
        assert finding["UpdatedAt"] == "2026-05-01T10:00:00.000Z"
    assert {s: (f["Compliance"]["Status"], f["Severity"]["Label"]) for s, f in by_status.items()} == {
        "PASS": ("PASSED", "INFORMATIONAL"),
        "FAIL": ("FAILED", "CRITICAL"),
        "WAIVED": ("FAILED", "CRITICAL"),
        "ERROR": ("NOT_AVAILABLE", "CRITICAL"),
        "MANUAL": ("WARNING", "INFORMATIONAL"),
    }
    waived = by_status["WAIVED"]
    assert waived["Resources"][0]["Id"] == WAIVED_BUCKET
    assert waived["ProductFields"]["leadping/waiver/owner"] == "platform-team"
    assert by_status["FAIL"]["Compliance"]["RelatedRequirements"] == [
        "AWS Security Hub S3.17",
        "AWS Security Hub SecretsManager.1",
        "SOC 2 CC6.1",
    ]
    assert by_status["FAIL"]["Remediation"]["Recommendation"]["Url"].endswith("runbooks/failed-compliance-check.md")
    assert by_status["PASS"]["Resources"][0] == {
        "Type": "AwsSecretsManagerSecret",
        "Id": SECRET_ARN,
        "Partition": "aws",
        "Region": "us-east-1",
    }
    assert by_status["MANUAL"]["Region"] == "eu-west-1"  # a global finding is filed in Security Hub's region


def test_asff_ids_are_stable_across_runs_and_unique_per_finding(hostile_report):
    first = asff.findings(hostile_report, hub_region="us-east-1", now="2026-05-01T10:00:00+00:00")
    second = asff.findings(hostile_report, hub_region="us-east-1", now="2026-05-02T10:00:00+00:00")
    assert [f["Id"] for f in first] == [f["Id"] for f in second]
    assert len({f["Id"] for f in first}) == len(first)


def test_asff_keeps_the_creation_time_of_a_finding_security_hub_already_has(hostile_report):
    findings = asff.findings(hostile_report, hub_region="us-east-1", now="2026-05-02T10:00:00+00:00")
    known = {findings[0]["Id"]: "2026-04-01T00:00:00.000Z"}
    again = asff.findings(hostile_report, hub_region="us-east-1", now="2026-05-02T10:00:00+00:00", first_seen=known)
    assert again[0]["CreatedAt"] == "2026-04-01T00:00:00.000Z"
    assert again[0]["UpdatedAt"] == "2026-05-02T10:00:00.000Z"
    assert again[1]["CreatedAt"] == "2026-05-02T10:00:00.000Z"


def test_asff_clips_texts_to_the_lengths_security_hub_accepts(hostile_report):
    from dataclasses import replace

    long = replace(hostile_report.findings[0], message="x" * 5000, title="t" * 500)
    finding = asff.to_asff(long, hostile_report, hub_region="us-east-1", now="2026-05-01T10:00:00+00:00")
    assert len(finding["Description"]) == 1024
    assert len(finding["Title"]) == 256


# -- OSCAL


def test_oscal_validates_against_nists_assessment_results_model(hostile_report):
    document = json.loads(FORMATS["oscal"].render(hostile_report))
    validate_oscal(document)
    results = document["assessment-results"]["results"]
    assert len(results) == 1
    assert len(results[0]["observations"]) == len(hostile_report.findings)


def test_oscal_model_refuses_a_status_outside_the_published_values(hostile_report):
    document = json.loads(FORMATS["oscal"].render(hostile_report))
    document["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "mostly-fine"
    with pytest.raises(ValueError, match="state"):
        validate_oscal(document)


def test_oscal_says_satisfied_only_for_a_control_whose_every_observation_passed(hostile_report, reader):
    document = oscal.document(hostile_report)
    states = {
        f["target"]["target-id"]: (f["target"]["status"]["state"], f["target"]["status"]["reason"])
        for f in document["assessment-results"]["results"][0]["findings"]
    }
    assert states == {"LP-DR-1": ("not-satisfied", "fail"), "LP-IR-1": ("not-satisfied", "other")}
    passing = [f for f in hostile_report.findings if f.status is Status.PASS]
    from dataclasses import replace

    only_pass = replace(hostile_report, findings=passing)
    findings = oscal.document(only_pass)["assessment-results"]["results"][0]["findings"]
    assert findings[0]["target"]["status"] == {"state": "satisfied", "reason": "pass"}
    assert oscal.document(hostile_report)["assessment-results"]["uuid"] == document["assessment-results"]["uuid"]


# -- SARIF, CSV


def test_sarif_of_hostile_data_validates_against_the_sarif_schema(hostile_report):
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(json.loads(FORMATS["sarif"].render(hostile_report)))


def test_csv_is_rfc_4180_with_a_header_and_one_row_per_finding(hostile_report):
    text = FORMATS["csv"].render(hostile_report)
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert tuple(rows[0]) == csv_report.COLUMNS
    assert len(rows) - 1 == len(hostile_report.findings)
    assert all(len(row) == len(csv_report.COLUMNS) for row in rows)
    waived = next(r for r in csv.DictReader(io.StringIO(text, newline="")) if r["status"] == "WAIVED")
    assert waived["waiver_owner"] == "platform-team"
    assert waived["waiver_expires"] == "2099-12-31"
    assert waived["framework_references"] == "AWS Security Hub S3.17; AWS Security Hub SecretsManager.1; SOC 2 CC6.1"


def test_every_reference_kind_of_the_catalog_has_a_framework_name():
    from compliance_checks.catalog import REFERENCE_KINDS
    from compliance_checks.reports.model import FRAMEWORK_NAMES

    assert set(FRAMEWORK_NAMES) == set(REFERENCE_KINDS)


def test_oscal_gives_one_resource_in_two_regions_two_items_and_every_uuid_once():
    from tests.compliance_checks.reports.streaming_cases import _report, finding

    arn = "arn:aws:iam::111111111111:role/everywhere"
    report = _report(
        [
            finding("TS-DR-1", "bucket_kms", arn, Status.PASS, region="us-east-1"),
            finding("TS-DR-1", "bucket_kms", arn, Status.FAIL, region="eu-west-1"),
        ]
    )
    document = json.loads(FORMATS["oscal"].render(report))
    validate_oscal(document)
    text = json.dumps(document)
    uuids = [value for key, value in _pairs(document) if key == "uuid"]
    assert len(uuids) == len(set(uuids)), text
    result = document["assessment-results"]["results"][0]
    items = {item["uuid"] for item in result["local-definitions"]["inventory-items"]}
    assert len(items) == 2
    subjects = {s["subject-uuid"] for o in result["observations"] for s in o["subjects"]}
    assert subjects == items


def _pairs(value):
    """Every (key, value) of a JSON document, at any depth."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key, inner
            yield from _pairs(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _pairs(inner)
