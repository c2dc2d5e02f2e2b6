"""Scenarios of cloudtrail_s3_data_events_tenant_buckets (LP-LOG-1)."""

from __future__ import annotations

from compliance_checks.conventions import TENANT_DATA
from compliance_checks.core import Status
from compliance_checks.reader import Reader
from tests.compliance_checks.checks.cloudtrail.trails import bucket, trail
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "cloudtrail_s3_data_events_tenant_buckets"
TENANT = {TENANT_DATA: "true"}


def _basic(*values: str, read_write: str = "All") -> list[dict]:
    return [
        {
            "ReadWriteType": read_write,
            "IncludeManagementEvents": True,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": list(values)}],
        }
    ]


def _advanced(*conditions: dict) -> list[dict]:
    return [
        {
            "Name": "tenant-objects",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                *conditions,
            ],
        }
    ]


def test_given_a_basic_selector_for_the_tenant_bucket_then_pass(reader):
    arn = bucket("leadping-leads", tags=TENANT)
    trail_arn = trail(selectors=_basic("arn:aws:s3:::leadping-leads/"))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["trails"] == [trail_arn]


def test_given_a_basic_selector_for_every_bucket_then_pass(reader):
    arn = bucket("leadping-leads", tags=TENANT)
    trail(selectors=_basic("arn:aws:s3"))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_an_advanced_selector_starting_with_the_bucket_then_pass(reader):
    arn = bucket("leadping-leads", tags=TENANT)
    trail(advanced=_advanced({"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::leadping-leads/"]}))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_write_only_events_then_fail(reader):
    arn = bucket("leadping-leads", tags=TENANT)
    trail(selectors=_basic("arn:aws:s3:::leadping-leads/", read_write="WriteOnly"))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "object read events are not recorded" in result.message


def test_given_read_and_write_in_separate_advanced_selectors_then_pass(reader):
    arn = bucket("leadping-leads", tags=TENANT)
    prefix = {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::leadping-leads/"]}
    reads = _advanced(prefix, {"Field": "readOnly", "Equals": ["true"]})
    writes = _advanced(prefix, {"Field": "readOnly", "Equals": ["false"]})
    trail(advanced=reads + writes)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_a_prefix_of_the_bucket_only_then_fail(reader):
    arn = bucket("leadping-leads", tags=TENANT)
    trail(advanced=_advanced({"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::leadping-leads/businesses/"]}))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_an_advanced_selector_narrowed_by_event_name_then_fail(reader):
    arn = bucket("leadping-leads", tags=TENANT)
    trail(advanced=_advanced({"Field": "eventName", "Equals": ["PutObject"]}))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert any("eventName" in note for note in result.evidence["notes"])


def test_given_a_bucket_excluded_by_not_starts_with_then_fail(reader):
    arn = bucket("leadping-leads", tags=TENANT)
    trail(advanced=_advanced({"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::leadping-leads/"]}))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_stopped_trail_then_fail(reader):
    arn = bucket("leadping-leads", tags=TENANT)
    trail(selectors=_basic("arn:aws:s3:::leadping-leads/"), logging=False)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_single_region_trail_in_another_region_then_fail(session):
    arn = bucket("leadping-leads", tags=TENANT)
    trail(region="eu-west-1", multi_region=False, selectors=_basic("arn:aws:s3:::leadping-leads/"))
    results = by_resource(run_check(CHECK, Reader(session, [REGION, "eu-west-1"])))
    assert results[arn].status is Status.FAIL


def test_given_no_selector_for_the_bucket_then_fail_and_untagged_buckets_are_not_judged(reader):
    covered = bucket("leadping-leads", tags=TENANT)
    uncovered = bucket("leadping-recordings", tags=TENANT)
    untagged = bucket("leadping-website")
    trail(selectors=_basic("arn:aws:s3:::leadping-leads/"))
    results = by_resource(run_check(CHECK, reader))
    assert results[covered].status is Status.PASS
    assert results[uncovered].status is Status.FAIL
    assert untagged not in results


def test_given_get_event_selectors_is_denied_then_error(reader, deny):
    arn = bucket("leadping-leads", tags=TENANT)
    trail(selectors=_basic("arn:aws:s3:::leadping-leads/"))
    deny("cloudtrail", "GetEventSelectors")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"
