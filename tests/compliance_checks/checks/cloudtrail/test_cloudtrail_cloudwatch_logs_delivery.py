"""Scenarios of cloudtrail_cloudwatch_logs_delivery (LP-LOG-1).

moto's GetTrailStatus never reports LatestCloudWatchLogsDeliveryTime/Error (it does not deliver to
CloudWatch Logs); the scenarios that need them add them to moto's answer with an after-call hook.
"""

from __future__ import annotations

import datetime as dt

from compliance_checks import registry
from compliance_checks.core import CheckContext, Status, execute
from compliance_checks.reader import Reader
from tests.compliance_checks.checks.cloudtrail.trails import one_region_unlisted, trail, unlisted_scope
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "cloudtrail_cloudwatch_logs_delivery"
GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:cloudtrail:*"
ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/cloudtrail-to-logs"


def _delivering_trail(name: str = "leadping-trail", **kwargs) -> str:
    return trail(name, CloudWatchLogsLogGroupArn=GROUP, CloudWatchLogsRoleArn=ROLE, **kwargs)


def _report_delivery(reader: Reader, **fields: object) -> None:
    def add(parsed, **_):
        parsed.update(fields)

    reader.client("cloudtrail", REGION).meta.events.register("after-call.cloudtrail.GetTrailStatus", add)


def _run_at(reader: Reader, now: dt.datetime):
    return execute(registry.get(CHECK)(), CheckContext(reader=reader, now=now))


def test_given_a_delivery_an_hour_ago_then_pass(reader):
    arn = _delivering_trail()
    _report_delivery(reader, LatestCloudWatchLogsDeliveryTime=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["log_group"] == GROUP


def test_given_a_trail_that_started_logging_just_now_without_delivery_then_pass(reader):
    arn = _delivering_trail()
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert "less than 24 hours" in result.message


def test_given_no_log_group_then_fail(reader):
    good = _delivering_trail("delivering")
    bad = trail("s3-only", multi_region=False)
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert results[bad].message == "does not deliver to CloudWatch Logs"
    assert results[good].status is Status.PASS


def test_given_a_last_delivery_older_than_24_hours_then_fail(reader):
    arn = _delivering_trail()
    _report_delivery(reader, LatestCloudWatchLogsDeliveryTime=dt.datetime.now(dt.UTC) - dt.timedelta(hours=30))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "no CloudWatch Logs delivery since" in result.message


def test_given_no_delivery_for_more_than_24_hours_since_logging_started_then_fail(reader):
    arn = _delivering_trail()
    result = by_resource(_run_at(reader, dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)))[arn]
    assert result.status is Status.FAIL
    assert result.message == "no CloudWatch Logs delivery recorded"


def test_given_a_delivery_error_and_no_delivery_then_fail(reader):
    arn = _delivering_trail()
    _report_delivery(reader, LatestCloudWatchLogsDeliveryError="AccessDenied")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "AccessDenied" in result.message


def test_given_logging_stopped_then_fail(reader):
    arn = _delivering_trail(logging=False)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "logging is off" in result.message


def test_given_get_trail_status_is_denied_then_error(reader, deny):
    arn = _delivering_trail()
    deny("cloudtrail", "GetTrailStatus")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"


def test_given_describe_trails_failing_in_one_of_two_regions_then_error_there_and_the_other_trails_judged(session):
    arn, results = one_region_unlisted(CHECK, session)
    assert results[arn].status is Status.FAIL  # no log group
    assert results[unlisted_scope()].status is Status.ERROR
