"""Scenarios of cloudtrail_kms_encrypted (LP-LOG-1, LP-DR-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.cloudtrail.trails import customer_key, one_region_unlisted, trail, unlisted_scope
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "cloudtrail_kms_encrypted"


def test_given_a_customer_managed_key_then_pass(reader):
    key = customer_key()
    arn = trail(KmsKeyId=key)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["kms_key"] == key


def test_given_no_kms_key_then_fail(reader):
    good = trail("encrypted", KmsKeyId=customer_key())
    bad = trail("sse-s3", multi_region=False)
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "SSE-S3" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_describe_key_is_denied_then_error(reader, deny):
    arn = trail(KmsKeyId=customer_key())
    deny("kms", "DescribeKey")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"


def test_given_describe_trails_failing_in_one_of_two_regions_then_error_there_and_the_other_trails_judged(session):
    arn, results = one_region_unlisted(CHECK, session)
    assert results[arn].status is Status.FAIL
    assert results[unlisted_scope()].status is Status.ERROR
