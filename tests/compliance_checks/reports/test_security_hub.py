"""Importing a report into (moto's) Security Hub: batched, idempotent, archiving what was fixed,
and counting every finding that did not get in."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from botocore.awsrequest import AWSResponse

from compliance_checks.core import Status
from compliance_checks.reports import asff
from compliance_checks.security_hub import SecurityHubImportError, import_findings
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION
from tests.compliance_checks.reports.conftest import BRACKET_BUCKET

FIRST = dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC)
SECOND = dt.datetime(2026, 5, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def hub(session):
    client = session.client("securityhub", region_name=REGION)
    client.enable_security_hub()
    return client


def _ours(hub) -> dict[str, dict]:
    findings, token = [], None
    while True:
        page = hub.get_findings(MaxResults=100, **({"NextToken": token} if token else {}))
        findings.extend(page["Findings"])
        token = page.get("NextToken")
        if not token:
            break
    product = asff.product_arn(REGION, ACCOUNT_ID)
    ours = [f for f in findings if f["ProductArn"] == product]
    assert len({f["Id"] for f in ours}) == len(ours), "one finding per id"
    return {f["Id"]: f for f in ours}


def _calls(session, operation: str) -> list[int]:
    """Records the number of findings each ``operation`` request carries (boto3 sessions share their
    event system with the clients they create)."""
    sizes: list[int] = []
    session.events.register(
        f"provide-client-params.securityhub.{operation}", lambda params, **_: sizes.append(len(params["Findings"]))
    )
    return sizes


def test_given_a_report_imported_twice_then_each_finding_is_there_once_updated(session, hub, hostile_report):
    first = import_findings(session, hostile_report, now=FIRST)
    assert first.ok, first.failed
    assert (first.new, first.updated, first.archived) == (len(hostile_report.findings), 0, 0)
    second = import_findings(session, hostile_report, now=SECOND)
    assert second.ok, second.failed
    assert (second.new, second.updated, second.archived) == (0, len(hostile_report.findings), 0)
    stored = _ours(hub)
    assert len(stored) == len(hostile_report.findings)
    for finding in stored.values():
        assert finding["CreatedAt"] == "2026-05-01T10:00:00.000Z"
        assert finding["UpdatedAt"] == "2026-05-02T10:00:00.000Z"
        assert finding["RecordState"] == "ACTIVE"


def test_given_250_findings_then_they_go_in_batches_of_at_most_100(session, hub, hostile_report):
    template = next(f for f in hostile_report.findings if f.status is Status.PASS)
    many = [replace(template, resource_id=f"arn:aws:s3:::bucket-{i:03d}") for i in range(250)]
    report = replace(hostile_report, findings=many)
    sizes = _calls(session, "BatchImportFindings")
    result = import_findings(session, report, now=FIRST)
    assert result.ok
    assert sizes == [100, 100, 50]
    assert len(_ours(hub)) == 250


def test_given_a_fail_fixed_since_then_it_is_updated_to_passed_under_its_id(session, hub, hostile_report):
    import_findings(session, hostile_report, now=FIRST)
    fixed = [
        replace(f, status=Status.PASS, message="now encrypted") if f.resource_id == BRACKET_BUCKET else f
        for f in hostile_report.findings
    ]
    result = import_findings(session, replace(hostile_report, findings=fixed), now=SECOND)
    assert result.archived == 0
    stored = next(f for f in _ours(hub).values() if f["Resources"][0]["Id"] == BRACKET_BUCKET)
    assert stored["Compliance"]["Status"] == "PASSED"
    assert stored["FindingProviderFields"]["Severity"]["Label"] == "INFORMATIONAL"


def test_given_a_resource_gone_since_then_its_finding_is_archived(session, hub, hostile_report):
    asserted = replace(hostile_report, findings=[f for f in hostile_report.findings if f.status is not Status.ERROR])
    import_findings(session, asserted, now=FIRST)
    gone = [f for f in asserted.findings if f.resource_id != BRACKET_BUCKET]
    result = import_findings(session, replace(asserted, findings=gone), now=SECOND)
    assert result.ok
    assert result.archived == 1
    stored = _ours(hub)
    archived = [f for f in stored.values() if f["RecordState"] == "ARCHIVED"]
    assert [f["Resources"][0]["Id"] for f in archived] == [BRACKET_BUCKET]
    assert archived[0]["UpdatedAt"] == "2026-05-02T10:00:00.000Z"
    assert len(stored) == len(asserted.findings)  # archived, not duplicated


def test_given_the_check_could_not_be_asserted_then_its_earlier_findings_are_not_archived(session, hub, hostile_report):
    import_findings(session, hostile_report, now=FIRST)
    # The second run still has the hostile check's ERROR finding, and lost the bucket: unknown, not fixed.
    gone = [f for f in hostile_report.findings if f.resource_id != BRACKET_BUCKET]
    assert any(f.status is Status.ERROR and f.check_id == "hostile" for f in gone)
    result = import_findings(session, replace(hostile_report, findings=gone), now=SECOND)
    # (without the ERROR the same change archives: the test above)
    assert result.archived == 0
    assert result.kept_unasserted == 1
    assert all(f["RecordState"] == "ACTIVE" for f in _ours(hub).values())


def test_given_a_run_of_other_controls_then_nothing_of_the_first_is_archived(session, hub, hostile_report):
    import_findings(session, hostile_report, now=FIRST)
    manual_only = replace(
        hostile_report,
        findings=[f for f in hostile_report.findings if f.control_id == "LP-IR-1"],
        controls=[c for c in hostile_report.controls if c.id == "LP-IR-1"],
        metadata={**hostile_report.metadata, "controls": ["LP-IR-1"], "checks": []},
    )
    result = import_findings(session, manual_only, now=SECOND)
    assert (result.updated, result.archived) == (1, 0)


def _refuse_first(session, code: str = "InvalidInput") -> None:
    def answer(params, **_):
        findings = json.loads(params["body"])["Findings"]
        first = findings[0]["Id"]
        parsed = {
            "FailedCount": 1,
            "SuccessCount": len(findings) - 1,
            "FailedFindings": [{"Id": first, "ErrorCode": code, "ErrorMessage": "refused for the test"}],
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }
        return AWSResponse(f"https://securityhub.{REGION}.amazonaws.com/", 200, {}, None), parsed

    session.events.register("before-call.securityhub.BatchImportFindings", answer)


def test_given_security_hub_refuses_a_finding_then_it_is_counted_and_named(session, hub, hostile_report):
    _refuse_first(session)
    result = import_findings(session, hostile_report, now=FIRST)
    assert not result.ok
    assert [(f.code, f.message) for f in result.failed] == [("InvalidInput", "refused for the test")]
    assert result.new == len(hostile_report.findings) - 1
    assert "1 FAILED" in result.summary()


def test_given_a_batch_fails_whole_then_every_finding_of_it_is_counted(session, hub, hostile_report):
    def throttle(**_):
        parsed = {"Error": {"Code": "LimitExceededException", "Message": "slow down"}}
        parsed["ResponseMetadata"] = {"HTTPStatusCode": 400}
        return AWSResponse(f"https://securityhub.{REGION}.amazonaws.com/", 400, {}, None), parsed

    session.events.register("before-call.securityhub.BatchImportFindings", throttle)
    result = import_findings(session, hostile_report, now=FIRST)
    assert len(result.failed) == len(hostile_report.findings)
    assert {f.code for f in result.failed} == {"LimitExceededException"}
    assert result.new == 0


def test_given_findings_of_another_account_then_they_are_counted_as_failed(session, hub, hostile_report):
    other = [replace(f, account_id="210987654321") for f in hostile_report.findings if f.status is Status.FAIL]
    report = replace(hostile_report, findings=[*hostile_report.findings, *other])
    result = import_findings(session, report, now=FIRST)
    assert [f.code for f in result.failed] == ["OtherAccount"] * len(other)
    assert result.new == len(hostile_report.findings)


def test_given_security_hub_not_enabled_then_the_import_refuses_to_start(session, hostile_report):
    with pytest.raises(SecurityHubImportError, match="cannot take findings"):
        import_findings(session, hostile_report, now=FIRST)


def test_given_no_region_then_the_import_refuses_to_start(hostile_report, monkeypatch):
    import boto3

    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with pytest.raises(SecurityHubImportError, match="no region"):
        import_findings(boto3.Session(region_name=None), replace(hostile_report), region=None)
