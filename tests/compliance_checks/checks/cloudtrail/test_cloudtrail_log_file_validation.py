"""Scenarios of cloudtrail_log_file_validation (LP-LOG-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from compliance_checks.reader import Reader
from tests.compliance_checks.checks.cloudtrail.trails import OTHER_REGION, one_region_unlisted, trail, unlisted_scope
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "cloudtrail_log_file_validation"


def test_given_log_file_validation_enabled_then_pass(reader):
    arn = trail(EnableLogFileValidation=True)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_log_file_validation_disabled_then_fail(reader):
    good = trail("validated", EnableLogFileValidation=True)
    bad = trail("unvalidated", multi_region=False)
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert results[good].status is Status.PASS


def test_given_describe_trails_is_denied_then_the_whole_check_errors(reader, deny):
    trail(EnableLogFileValidation=True)
    deny("cloudtrail", "DescribeTrails")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]


def test_a_multi_region_trail_is_judged_once_in_its_home_region(session):
    arn = trail(EnableLogFileValidation=True)
    results = run_check(CHECK, Reader(session, ["eu-west-1", REGION]))
    assert [(r.resource_id, r.region) for r in results] == [(arn, REGION)]


def test_given_describe_trails_failing_in_one_of_two_regions_then_error_there_and_the_other_trails_judged(session):
    arn, results = one_region_unlisted(CHECK, session, EnableLogFileValidation=True)
    assert results[arn].status is Status.PASS
    assert results[unlisted_scope()].status is Status.ERROR
    assert results[unlisted_scope()].region == OTHER_REGION
