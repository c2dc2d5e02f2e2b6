"""rules.cloudtrail: LP-LOG-1's S3 data events for tenant buckets, from the plan (Checkov's conf) and
from DescribeTrails / GetTrailStatus / GetEventSelectors."""

from __future__ import annotations

import pytest

from compliance_checks.rules import cloudtrail
from compliance_checks.rules.cloudtrail import BOTH, AdvancedSelector, BasicSelector, Bucket, Trail

BUCKET = "leadping-prod-call-recordings"
OBJECTS = f"arn:aws:s3:::{BUCKET}/"
TRAIL_ARN = "arn:aws:cloudtrail:us-east-1:123456789012:trail/t"
LOGGING = {"IsLogging": True}


def _aws_trail(basic=(), advanced=(), status=LOGGING, multi_region=True, home="us-east-1") -> Trail:
    trail = {"TrailARN": TRAIL_ARN, "IsMultiRegionTrail": multi_region, "HomeRegion": home}
    return Trail.from_aws(trail, status, list(basic), list(advanced))


def _aws_advanced(*fields: dict) -> dict:
    return {"Name": "data", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, *fields]}


S3_OBJECT_TYPE = {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}


def _plan_advanced(starts_with: list[str]) -> dict:
    """An advanced selector as Checkov hands it."""
    return {
        "name": ["tenant data"],
        "field_selector": [
            {"field": ["eventCategory"], "equals": [["Data"]]},
            {"field": ["resources.type"], "equals": [["AWS::S3::Object"]]},
            {"field": ["resources.ARN"], "starts_with": [starts_with]},
        ],
    }


def test_the_same_selector_is_the_same_model_from_the_plan_and_from_the_api():
    planned = AdvancedSelector.from_plan(_plan_advanced([OBJECTS]), {})
    deployed = AdvancedSelector.from_aws(
        _aws_advanced(S3_OBJECT_TYPE, {"Field": "resources.ARN", "StartsWith": [OBJECTS]}) | {"Name": "tenant data"}
    )
    assert planned == deployed
    basic_plan = BasicSelector.from_plan(
        {"read_write_type": ["All"], "data_resource": [{"type": ["AWS::S3::Object"], "values": [[OBJECTS]]}]}, {}
    )
    basic_aws = BasicSelector.from_aws(
        {"ReadWriteType": "All", "DataResources": [{"Type": "AWS::S3::Object", "Values": [OBJECTS]}]}
    )
    assert basic_plan == basic_aws


def test_an_advanced_selector_for_the_whole_bucket_records_reads_and_writes():
    trail = _aws_trail(advanced=[_aws_advanced(S3_OBJECT_TYPE, {"Field": "resources.ARN", "StartsWith": [OBJECTS]})])
    verdict = cloudtrail.tenant_data_events(Bucket(BUCKET, "us-east-1"), [trail])
    assert verdict.compliant
    assert verdict.evidence == {"recorded": ["read", "write"], "trails": [TRAIL_ARN], "notes": []}


def test_a_plan_trail_passes_from_the_plan_with_terraform_defaults():
    conf = {"name": ["t"], "advanced_event_selector": [_plan_advanced([OBJECTS])]}
    trail = Trail.from_plan(conf)
    assert trail.logging
    assert not trail.multi_region
    assert trail.home_region is None
    assert cloudtrail.trail_records_tenant_data(trail, [Bucket(BUCKET)]).compliant


def test_a_bucket_the_plan_names_by_its_address_is_matched():
    conf = {
        "name": ["t"],
        "event_selector": [
            {"data_resource": [{"type": ["AWS::S3::Object"], "values": [["aws_s3_bucket.recordings.arn"]]}]}
        ],
    }
    trail = Trail.from_plan(conf, {"aws_s3_bucket.recordings": f"arn:aws:s3:::{BUCKET}"})
    assert cloudtrail.trail_records_tenant_data(trail, [Bucket(BUCKET)]).compliant
    assert not cloudtrail.trail_records_tenant_data(Trail.from_plan(conf), [Bucket(BUCKET)]).compliant


@pytest.mark.parametrize(
    ("selector", "recorded"),
    [
        (
            {"ReadWriteType": "WriteOnly", "DataResources": [{"Type": "AWS::S3::Object", "Values": [OBJECTS]}]},
            {"write"},
        ),
        ({"ReadWriteType": "All", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}, BOTH),
        ({"DataResources": [{"Type": "AWS::S3::Object", "Values": [f"{OBJECTS}uploads/"]}]}, set()),  # a prefix
        ({"DataResources": [{"Type": "AWS::Lambda::Function", "Values": [OBJECTS]}]}, set()),
    ],
)
def test_basic_selectors(selector, recorded):
    found, _notes = cloudtrail.s3_object_events(_aws_trail(basic=[selector]), BUCKET)
    assert found == recorded


def test_a_selector_narrowed_by_event_name_or_a_prefix_does_not_count_and_says_why():
    narrowed = _aws_advanced(S3_OBJECT_TYPE, {"Field": "eventName", "Equals": ["GetObject"]})
    prefix = _aws_advanced(S3_OBJECT_TYPE, {"Field": "resources.ARN", "StartsWith": [f"{OBJECTS}a/"]})
    verdict = cloudtrail.tenant_data_events(Bucket(BUCKET, "us-east-1"), [_aws_trail(advanced=[narrowed, prefix])])
    assert not verdict.compliant
    assert verdict.message == "object read and write events are not recorded by a logging trail"
    assert any("eventName" in note for note in verdict.evidence["notes"])


def test_a_trail_that_is_not_logging_or_does_not_apply_to_the_region_records_nothing():
    whole = [_aws_advanced(S3_OBJECT_TYPE)]
    stopped = _aws_trail(advanced=whole, status={"IsLogging": False})
    elsewhere = _aws_trail(advanced=whole, multi_region=False, home="eu-west-1")
    verdict = cloudtrail.tenant_data_events(Bucket(BUCKET, "us-east-1"), [stopped, elsewhere])
    assert not verdict.compliant
    assert verdict.evidence["notes"] == [f"trail {TRAIL_ARN} would record them but is not logging"]
    off = Trail.from_plan({"name": ["t"], "enable_logging": [False], "advanced_event_selector": [_plan_advanced([])]})
    assert not off.logging
    assert not cloudtrail.trail_records_tenant_data(off, [Bucket(BUCKET)]).compliant


def test_reads_and_writes_may_come_from_different_trails():
    reads = _aws_trail(advanced=[_aws_advanced(S3_OBJECT_TYPE, {"Field": "readOnly", "Equals": ["true"]})])
    writes = _aws_trail(advanced=[_aws_advanced(S3_OBJECT_TYPE, {"Field": "readOnly", "Equals": ["false"]})])
    assert not cloudtrail.tenant_data_events(Bucket(BUCKET), [reads]).compliant
    assert cloudtrail.tenant_data_events(Bucket(BUCKET), [reads, writes]).compliant


def test_the_gate_judges_each_trail_on_every_tenant_bucket_and_skips_a_stack_without_any():
    trail = Trail.from_plan({"name": ["t"], "advanced_event_selector": [_plan_advanced([OBJECTS])]})
    verdict = cloudtrail.trail_records_tenant_data(trail, [Bucket(BUCKET), Bucket("other-tenant-bucket")])
    assert not verdict.compliant
    assert verdict.evidence["missing"] == ["other-tenant-bucket"]
    assert cloudtrail.trail_records_tenant_data(trail, []) is None


@pytest.mark.parametrize(
    "conf",
    [
        {},
        {"name": ["t"], "event_selector": ["not a block"]},
        {"name": ["t"], "advanced_event_selector": [{"field_selector": [{"equals": [["Data"]]}]}]},  # no field name
        {"name": ["t"], "event_selector": [{"data_resource": [{"values": [[OBJECTS]]}]}]},  # no type
    ],
)
def test_malformed_or_missing_selectors_record_nothing(conf):
    verdict = cloudtrail.trail_records_tenant_data(Trail.from_plan(conf), [Bucket(BUCKET)])
    assert verdict is not None
    assert not verdict.compliant


def test_management_events_default_and_narrowing():
    assert cloudtrail.management_events([], []) == (
        set(BOTH),
        ["no event selectors: CloudTrail's default records all management events"],
    )
    excluded = BasicSelector.from_aws({"ExcludeManagementEventSources": ["kms.amazonaws.com"]})
    covered, notes = cloudtrail.management_events([excluded], [])
    assert covered == set()
    assert notes == ["a selector excludes management events from kms.amazonaws.com"]
    write_only = AdvancedSelector.from_aws(
        {
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["false"]},
            ]
        }
    )
    assert cloudtrail.management_events([], [write_only])[0] == {"write"}
