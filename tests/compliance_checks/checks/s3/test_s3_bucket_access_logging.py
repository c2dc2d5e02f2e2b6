"""Scenarios of s3_bucket_access_logging (LP-LOG-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.s3.helpers import bucket, s3_client
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "s3_bucket_access_logging"
DATA = {"leadping:data-store": "true"}
LOG_DELIVERY = 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"'


def _log_to(source: str, target: str) -> None:
    client = s3_client()
    client.put_bucket_acl(Bucket=target, GrantWrite=LOG_DELIVERY, GrantReadACP=LOG_DELIVERY)
    client.put_bucket_logging(
        Bucket=source, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": f"s3/{source}/"}}
    )


def test_given_a_data_bucket_logging_to_the_archive_then_pass(reader):
    bucket("log-archive")
    arn = bucket("leads", tags=DATA)
    _log_to("leads", "log-archive")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["target"] == "s3://log-archive/s3/leads/"


def test_given_a_data_bucket_without_logging_then_fail(reader):
    bucket("log-archive")
    logged = bucket("leads", tags=DATA)
    _log_to("leads", "log-archive")
    silent = bucket("messages", tags=DATA)
    results = by_resource(run_check(CHECK, reader))
    assert results[silent].status is Status.FAIL
    assert results[logged].status is Status.PASS


def test_given_an_untagged_bucket_without_logging_then_no_result(reader):
    arn = bucket("static-site")
    assert arn not in by_resource(run_check(CHECK, reader))


def test_given_get_bucket_logging_is_denied_then_error(reader, deny):
    arn = bucket("leads", tags=DATA)
    deny("s3", "GetBucketLogging")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR
