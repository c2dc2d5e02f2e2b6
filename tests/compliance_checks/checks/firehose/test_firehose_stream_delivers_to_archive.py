"""Scenarios of firehose_stream_delivers_to_archive (LP-LOG-2)."""

from __future__ import annotations

from compliance_checks.conventions import LOG_ARCHIVE
from compliance_checks.core import Status
from tests.compliance_checks.checks.cloudtrail.trails import bucket, trail
from tests.compliance_checks.checks.firehose.streams import customer_key, encrypted_stream, stream
from tests.compliance_checks.conftest import ACCOUNT_ID, run_check

CHECK = "firehose_stream_delivers_to_archive"
ACCOUNT = f"arn:aws:::account/{ACCOUNT_ID}"
ARCHIVE = {LOG_ARCHIVE: "true"}


def _only(results):
    assert len(results) == 1, results
    return results[0]


def test_given_an_encrypted_stream_into_the_tagged_archive_then_pass(reader):
    bucket("leadping-log-archive", tags=ARCHIVE)
    encrypted_stream("elsewhere", "leadping-exports")
    arn = encrypted_stream("app-logs", "leadping-log-archive")
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.PASS
    assert result.resource_id == arn
    assert result.evidence["archive_buckets"] == ["arn:aws:s3:::leadping-log-archive"]


def test_given_no_tagged_bucket_and_a_stream_into_the_cloudtrail_bucket_then_pass(reader):
    trail("org-trail")  # delivers to org-trail-logs
    arn = encrypted_stream("app-logs", "org-trail-logs")
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.PASS
    assert result.resource_id == arn
    assert result.evidence["archive_found_by"] == "CloudTrail"


def test_given_an_unencrypted_stream_into_the_archive_then_fail_on_the_account(reader):
    bucket("leadping-log-archive", tags=ARCHIVE)
    arn = stream("app-logs", "leadping-log-archive", bucket_key=customer_key(), sse=None)
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.FAIL
    assert result.resource_id == ACCOUNT
    assert result.resource_type == "AWS::::Account"
    assert result.evidence["streams_into_archive"] == {arn: ["server-side encryption is off"]}


def test_given_encrypted_streams_only_into_other_buckets_then_fail(reader):
    bucket("leadping-log-archive", tags=ARCHIVE)
    encrypted_stream("exports", "leadping-exports")
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.FAIL
    assert result.message == "no Firehose stream delivers into the log archive"


def test_given_no_archive_bucket_then_fail(reader):
    encrypted_stream("exports", "leadping-exports")
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.FAIL
    assert "no log-archive bucket" in result.message


def test_given_describe_delivery_stream_is_denied_then_error(reader, deny):
    bucket("leadping-log-archive", tags=ARCHIVE)
    encrypted_stream("app-logs", "leadping-log-archive")
    deny("firehose", "DescribeDeliveryStream")
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.ERROR
    assert result.resource_id == ACCOUNT
