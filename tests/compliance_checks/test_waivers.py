"""Waivers: valid ones waive FAIL findings, expired ones no longer do, malformed files are refused."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance_checks.core import Status
from compliance_checks.reports.model import Finding
from compliance_checks.waivers import WaiverError, apply_waivers, load_waivers, parse_waivers

TODAY = dt.date(2026, 6, 1)
CONTROLS = ("LP-DR-1", "LP-TX-1")
CHECKS = ("s3_bucket_default_encryption_kms", "s3_bucket_policy_tls_only")


def _finding(resource: str, status: Status = Status.FAIL, check: str = "s3_bucket_default_encryption_kms"):
    return Finding(
        control_id="LP-DR-1",
        check_id=check,
        resource_id=resource,
        resource_type="AWS::S3::Bucket",
        region="us-east-1",
        status=status,
        message="default encryption is AES256, not SSE-KMS",
    )


def _waivers(*entries: dict):
    return parse_waivers({"waivers": list(entries)}, CONTROLS, CHECKS)


def _entry(**fields):
    base = {
        "check": "s3_bucket_default_encryption_kms",
        "resource": "arn:aws:s3:::legacy-exports",
        "justification": "read-only archive, migrated in Q3 (SEC-142)",
        "owner": "platform",
        "expires": dt.date(2026, 9, 30),
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def test_a_valid_waiver_turns_the_matching_fail_into_waived_with_its_justification():
    findings, notes = apply_waivers(
        [_finding("arn:aws:s3:::legacy-exports"), _finding("arn:aws:s3:::other")], _waivers(_entry()), TODAY
    )
    waived, other = findings
    assert waived.status is Status.WAIVED
    assert "read-only archive, migrated in Q3 (SEC-142)" in waived.message
    assert waived.waiver["owner"] == "platform"
    assert other.status is Status.FAIL
    assert notes == []


def test_the_waiver_applies_through_its_expiry_day():
    [finding], _ = apply_waivers(
        [_finding("arn:aws:s3:::legacy-exports")], _waivers(_entry(expires="2026-06-01")), TODAY
    )
    assert finding.status is Status.WAIVED


def test_an_expired_waiver_no_longer_applies_and_the_report_says_so():
    [finding], notes = apply_waivers(
        [_finding("arn:aws:s3:::legacy-exports")], _waivers(_entry(expires="2026-05-31")), TODAY
    )
    assert finding.status is Status.FAIL
    assert "expired on 2026-05-31" in finding.message
    assert finding.waiver["expired"] is True
    assert len(notes) == 1
    assert "waiver #0" in notes[0]
    assert "expired on 2026-05-31" in notes[0]


def test_a_pattern_waives_every_matching_resource_and_only_those():
    waivers = _waivers(_entry(resource=None, resource_pattern="arn:aws:s3:::legacy-*"))
    findings, _ = apply_waivers(
        [_finding("arn:aws:s3:::legacy-a"), _finding("arn:aws:s3:::legacy-b"), _finding("arn:aws:s3:::prod-data")],
        waivers,
        TODAY,
    )
    assert [f.status for f in findings] == [Status.WAIVED, Status.WAIVED, Status.FAIL]


def test_a_waiver_by_control_covers_its_checks_and_never_an_error_or_another_control():
    waivers = _waivers(_entry(check=None, control="LP-DR-1"))
    error = _finding("arn:aws:s3:::legacy-exports", Status.ERROR)
    other_control = Finding(**{**_finding("arn:aws:s3:::legacy-exports").__dict__, "control_id": "LP-TX-1"})
    findings, _ = apply_waivers([_finding("arn:aws:s3:::legacy-exports"), error, other_control], waivers, TODAY)
    assert [f.status for f in findings] == [Status.WAIVED, Status.ERROR, Status.FAIL]


def test_an_unused_waiver_is_noted():
    _, notes = apply_waivers([_finding("arn:aws:s3:::other")], _waivers(_entry()), TODAY)
    assert notes == [
        "waiver #0 (check s3_bucket_default_encryption_kms resource arn:aws:s3:::legacy-exports) matched no failing "
        "finding; remove it if it is no longer needed"
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_entry(justification=None), r"waiver #1: field 'justification' is required"),
        (_entry(justification="  "), r"waiver #1: field 'justification' must be a non-empty string"),
        (_entry(expires=None), r"waiver #1: field 'expires' is required"),
        (_entry(expires="next year"), r"waiver #1: field 'expires' must be a date"),
        (_entry(check=None), r"waiver #1: field 'control' or 'check' is required"),
        (_entry(check="no_such_check"), r"waiver #1: field 'check': unknown check id 'no_such_check'"),
        (_entry(check=None, control="LP-NOPE-9"), r"waiver #1: field 'control': unknown control id"),
        (_entry(resource=None), r"waiver #1: field 'resource' or 'resource_pattern' is required"),
        (_entry(resource_pattern="arn:*"), r"waiver #1: field 'resource' or 'resource_pattern' is required"),
        (_entry(resource="arn:aws:s3:::legacy-*"), r"waiver #1: field 'resource' holds a wildcard"),
        (_entry(expiry="2026-01-01"), r"waiver #1: unknown field 'expiry'"),
        ("just a string", r"waiver #1: expected a mapping"),
    ],
)
def test_a_malformed_entry_is_refused_naming_the_entry_and_field(entry, message):
    with pytest.raises(WaiverError, match=message):
        _waivers(_entry(), entry)


def test_a_malformed_file_names_the_file(tmp_path):
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers:\n  - check: s3_bucket_default_encryption_kms\n    resource: x\n    expires: 2026-01-01\n")
    with pytest.raises(WaiverError, match=r"waivers.yaml: waiver #0: field 'justification' is required"):
        load_waivers(path, CONTROLS, CHECKS)
    path.write_text("waivers: [unclosed\n")
    with pytest.raises(WaiverError, match="not valid YAML"):
        load_waivers(path, CONTROLS, CHECKS)
    with pytest.raises(WaiverError, match="cannot read"):
        load_waivers(tmp_path / "missing.yaml", CONTROLS, CHECKS)


def test_a_valid_file_loads(tmp_path):
    path = tmp_path / "waivers.yaml"
    path.write_text(
        "waivers:\n"
        "  - control: LP-DR-1\n"
        '    resource_pattern: "arn:aws:s3:::legacy-*"\n'
        "    justification: legacy exports, read-only\n"
        "    owner: data-team\n"
        "    expires: 2026-12-31\n"
    )
    [waiver] = load_waivers(path, CONTROLS, CHECKS)
    assert waiver.control_id == "LP-DR-1"
    assert waiver.expires == dt.date(2026, 12, 31)
    assert waiver.resource_pattern == "arn:aws:s3:::legacy-*"
