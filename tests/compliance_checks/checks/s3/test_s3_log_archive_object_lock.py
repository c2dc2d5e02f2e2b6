"""Scenarios of s3_log_archive_object_lock (LP-LOG-2)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.s3.helpers import bucket, s3_client, trail_to
from tests.compliance_checks.conftest import ACCOUNT_ID, by_resource, run_check

CHECK = "s3_log_archive_object_lock"
ARCHIVE = {"leadping:log-archive": "true"}


def _lock(name: str, retention: dict | None) -> None:
    configuration: dict = {"ObjectLockEnabled": "Enabled"}
    if retention is not None:
        configuration["Rule"] = {"DefaultRetention": retention}
    s3_client().put_object_lock_configuration(Bucket=name, ObjectLockConfiguration=configuration)


def test_given_the_tagged_archive_with_compliance_mode_then_pass(reader):
    arn = bucket("log-archive", tags=ARCHIVE, object_lock=True)
    _lock("log-archive", {"Mode": "COMPLIANCE", "Days": 365})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["found_by"] == "tag"


def test_given_governance_mode_then_fail(reader):
    arn = bucket("log-archive", tags=ARCHIVE, object_lock=True)
    _lock("log-archive", {"Mode": "GOVERNANCE", "Days": 365})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "GOVERNANCE" in result.message


def test_given_object_lock_without_a_default_retention_then_fail(reader):
    arn = bucket("log-archive", tags=ARCHIVE, object_lock=True)
    _lock("log-archive", None)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "no default retention" in result.message


def test_given_the_archive_without_object_lock_then_fail(reader):
    arn = bucket("log-archive", tags=ARCHIVE)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "not enabled" in result.message


def test_given_no_tagged_archive_the_trail_bucket_is_judged(reader):
    arn = bucket("audit-logs", object_lock=True)
    _lock("audit-logs", {"Mode": "COMPLIANCE", "Years": 1})
    other = bucket("static-site")
    trail_to("audit-logs")
    results = by_resource(run_check(CHECK, reader))
    assert results[arn].status is Status.PASS
    assert results[arn].evidence["found_by"] == "cloudtrail"
    assert other not in results


def test_given_no_archive_and_no_trail_then_fail_on_the_account(reader):
    bucket("static-site")
    results = run_check(CHECK, reader)
    assert [(r.resource_id, r.status) for r in results] == [(f"arn:aws:::account/{ACCOUNT_ID}", Status.FAIL)]


def test_given_get_object_lock_configuration_is_denied_then_error(reader, deny):
    arn = bucket("log-archive", tags=ARCHIVE, object_lock=True)
    deny("s3", "GetObjectLockConfiguration")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR
