"""Scenarios of s3_bucket_versioning_enabled (LP-BK-1, LP-LOG-2)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.s3.helpers import bucket, s3_client, trail_to
from tests.compliance_checks.conftest import ACCOUNT_ID, by_resource, run_check

CHECK = "s3_bucket_versioning_enabled"
DATA = {"leadping:data-store": "true"}


def test_given_a_data_bucket_with_versioning_enabled_then_pass(reader):
    arn = bucket("leads", tags=DATA, versioning="Enabled")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["scope"] == "data bucket"


def test_given_a_data_bucket_never_versioned_then_fail(reader):
    bad = bucket("messages", tags=DATA)
    good = bucket("leads", tags=DATA, versioning="Enabled")
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "never enabled" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_a_data_bucket_with_versioning_suspended_then_fail(reader):
    arn = bucket("leads", tags=DATA, versioning="Enabled")
    s3_client().put_bucket_versioning(Bucket="leads", VersioningConfiguration={"Status": "Suspended"})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "suspended" in result.message


def test_given_the_trail_bucket_without_versioning_then_fail_as_the_log_archive(reader):
    arn = bucket("audit-logs")
    trail_to("audit-logs")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.evidence["scope"] == "log archive"


def test_given_a_bucket_neither_data_nor_archive_then_no_result(reader):
    other = bucket("static-site")
    bucket("leads", tags=DATA, versioning="Enabled")
    assert other not in by_resource(run_check(CHECK, reader))


def test_given_get_bucket_versioning_is_denied_then_error(reader, deny):
    arn = bucket("leads", tags=DATA, versioning="Enabled")
    deny("s3", "GetBucketVersioning")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR


def test_given_get_bucket_tagging_is_denied_then_error(reader, deny):
    arn = bucket("leads", tags=DATA, versioning="Enabled")
    deny("s3", "GetBucketTagging")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR


def test_given_no_tagged_archive_and_describe_trails_failing_then_error_for_the_archive_and_data_buckets_judged(
    reader, deny
):
    arn = bucket("leads", tags=DATA, versioning="Enabled")
    deny("cloudtrail", "DescribeTrails")
    results = by_resource(run_check(CHECK, reader))
    assert results[arn].status is Status.PASS
    archive = results[f"arn:aws:::account/{ACCOUNT_ID}/log-archive"]
    assert (archive.status, archive.evidence["operation"]) == (Status.ERROR, "cloudtrail:describe_trails")
