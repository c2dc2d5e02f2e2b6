"""Scenarios of guardduty_enabled_all_regions (LP-MON-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from compliance_checks.reader import Reader
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, run_check

CHECK = "guardduty_enabled_all_regions"
OTHER_REGION = "eu-west-1"


def _detector(region: str = REGION, enable: bool = True) -> str:
    detector_id = boto3.client("guardduty", region_name=region).create_detector(Enable=enable)["DetectorId"]
    return f"arn:aws:guardduty:{region}:{ACCOUNT_ID}:detector/{detector_id}"


def _by_region(results):
    assert len({r.region for r in results}) == len(results), "one result per region"
    return {r.region: r for r in results}


def test_given_an_enabled_detector_then_pass(reader):
    arn = _detector()
    result = _by_region(run_check(CHECK, reader))[REGION]
    assert result.status is Status.PASS
    assert result.resource_id == arn


def test_given_no_detector_then_fail(reader):
    result = _by_region(run_check(CHECK, reader))[REGION]
    assert result.status is Status.FAIL
    assert result.resource_id == f"arn:aws:guardduty:{REGION}:{ACCOUNT_ID}:detector"


def test_given_a_suspended_detector_then_fail(reader):
    arn = _detector(enable=False)
    result = _by_region(run_check(CHECK, reader))[REGION]
    assert result.status is Status.FAIL
    assert result.resource_id == arn
    assert "DISABLED" in result.message


def test_given_a_detector_in_only_one_of_two_regions_then_pass_there_and_fail_in_the_other(session):
    _detector(REGION)
    results = _by_region(run_check(CHECK, Reader(session, [REGION, OTHER_REGION])))
    assert results[REGION].status is Status.PASS
    assert results[OTHER_REGION].status is Status.FAIL


def test_given_list_detectors_is_denied_then_error(reader, deny):
    _detector()
    deny("guardduty", "ListDetectors")
    result = _by_region(run_check(CHECK, reader))[REGION]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"
