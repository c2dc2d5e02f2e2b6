"""Scenarios of cloudtrail_multi_region_logging (LP-LOG-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from compliance_checks.reader import Reader
from tests.compliance_checks.checks.cloudtrail.trails import OTHER_REGION, trail
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, deny_operation, run_check

CHECK = "cloudtrail_multi_region_logging"
ACCOUNT = f"arn:aws:::account/{ACCOUNT_ID}"


def _only(results):
    assert len(results) == 1, results
    return results[0]


def test_given_a_multi_region_logging_trail_with_default_selectors_then_pass(reader):
    arn = trail()
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.PASS
    assert result.resource_id == arn
    assert result.evidence["qualifying_trails"] == [arn]


def test_given_advanced_selectors_for_all_management_events_then_pass(reader):
    arn = trail(advanced=[{"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}])
    assert _only(run_check(CHECK, reader)).resource_id == arn


def test_given_only_a_single_region_trail_then_fail_on_the_account(reader):
    arn = trail("regional", multi_region=False)
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.FAIL
    assert result.resource_id == ACCOUNT
    assert result.resource_type == "AWS::::Account"
    assert result.evidence["trails"] == {arn: "single-region trail"}


def test_given_a_stopped_multi_region_trail_then_fail(reader):
    arn = trail(logging=False)
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.FAIL
    assert "logging is off" in result.evidence["trails"][arn]


def test_given_write_only_management_events_then_fail(reader):
    arn = trail(selectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.FAIL
    assert "does not record read management events" in result.evidence["trails"][arn]


def test_given_read_and_write_split_over_two_advanced_selectors_then_pass(reader):
    def selector(read_only: str) -> dict:
        return {
            "Name": f"mgmt-{read_only}",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": [read_only]},
            ],
        }

    arn = trail(advanced=[selector("true"), selector("false")])
    assert _only(run_check(CHECK, reader)).resource_id == arn


def test_given_kms_management_events_excluded_then_fail(reader):
    arn = trail(
        selectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "ExcludeManagementEventSources": ["kms.amazonaws.com"],
            }
        ]
    )
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.FAIL
    assert "kms.amazonaws.com" in result.evidence["trails"][arn]


def test_a_compliant_trail_passes_beside_a_non_compliant_one(reader):
    trail("regional", multi_region=False)
    good = trail("org-trail")
    assert _only(run_check(CHECK, reader)).resource_id == good


def test_a_multi_region_trail_homed_outside_the_audited_regions_counts(session):
    arn = trail(region="eu-west-1")
    result = _only(run_check(CHECK, Reader(session, [REGION])))
    assert result.status is Status.PASS
    assert result.resource_id == arn
    assert result.region == "eu-west-1"


def test_given_get_trail_status_is_denied_and_no_trail_qualifies_then_error(reader, deny):
    trail()
    deny("cloudtrail", "GetTrailStatus")
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.ERROR
    assert result.resource_id == ACCOUNT


def test_given_describe_trails_is_denied_then_the_whole_check_errors(reader, deny):
    trail()
    deny("cloudtrail", "DescribeTrails")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]


def test_given_a_qualifying_trail_in_one_region_and_describe_trails_failing_in_another_then_pass(session):
    arn = trail()
    reader = Reader(session, [REGION, OTHER_REGION])
    deny_operation(reader, "cloudtrail", "DescribeTrails", regions=(OTHER_REGION,))
    result = _only(run_check(CHECK, reader))
    assert (result.resource_id, result.status) == (arn, Status.PASS)


def test_given_no_qualifying_trail_and_describe_trails_failing_in_one_region_then_error(session):
    trail(multi_region=False)
    reader = Reader(session, [REGION, OTHER_REGION])
    deny_operation(reader, "cloudtrail", "DescribeTrails", regions=(OTHER_REGION,))
    result = _only(run_check(CHECK, reader))
    assert (result.resource_id, result.status) == (ACCOUNT, Status.ERROR)
    assert result.evidence["unread_trails"] == [f"trails of {OTHER_REGION}"]
