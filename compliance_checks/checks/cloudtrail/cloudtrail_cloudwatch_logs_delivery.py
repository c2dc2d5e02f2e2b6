from __future__ import annotations

import datetime as dt

from compliance_checks.kit import CheckMetadata, ReadError, Severity, TrailCheck, cloudtrail, errored, failed, passed

RECENT = dt.timedelta(hours=24)


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.datetime) else value


class CloudTrailCloudWatchLogsDelivery(TrailCheck):
    """Every trail that applies to an audited region delivers to CloudWatch Logs, recently.

    Delivery is recent when LatestCloudWatchLogsDeliveryTime is within 24 hours of the run. A trail
    that reports no delivery time yet passes only while it is young: it is logging, reports no
    delivery error, and started logging less than 24 hours ago (CloudTrail delivers within minutes,
    so a longer silence means delivery is broken, e.g. the role cannot write to the log group). A
    trail that is not logging delivers nothing and fails.

    Scenarios:
    - given a logging trail whose last CloudWatch Logs delivery was an hour ago, then PASS
    - given a trail that started logging just now and reports no delivery yet, then PASS (grace)
    - given a trail without CloudWatchLogsLogGroupArn, then FAIL
    - given a trail whose last delivery is older than 24 hours, then FAIL
    - given a trail with no delivery for more than 24 hours since it started logging, then FAIL
    - given a trail reporting a CloudWatch Logs delivery error and no delivery, then FAIL
    - given a trail whose logging is stopped, then FAIL
    - given GetTrailStatus is denied, then ERROR for that trail
    - given DescribeTrails failing in one of two regions, then ERROR there and the other region's trails judged
    """

    metadata = CheckMetadata(
        title="CloudTrail trails deliver to CloudWatch Logs",
        severity=Severity.MEDIUM,
        resource_type="AWS::CloudTrail::Trail",
        rationale="LP-LOG-1, LP-MON-1: API activity reaches CloudWatch Logs, where the security metric filters "
        "and alarms watch it (FSBP CloudTrail.5).",
        remediation="Set the trail's CloudWatchLogsLogGroupArn and a CloudWatchLogsRoleArn that may create log "
        "streams and put events in that group; check LatestCloudWatchLogsDeliveryError.",
    )

    def judge(self, ctx, trail):
        arn, region = self.locate(trail)
        group = trail.get("CloudWatchLogsLogGroupArn")
        if not group:
            return failed(arn, "does not deliver to CloudWatch Logs", region=region, log_group=None)
        try:
            status = cloudtrail.status(ctx.reader, trail)
        except ReadError as error:
            return errored(arn, error, region=region, log_group=group)
        latest = status.get("LatestCloudWatchLogsDeliveryTime")
        error = status.get("LatestCloudWatchLogsDeliveryError")
        started = status.get("StartLoggingTime")
        evidence = {
            "log_group": group,
            "is_logging": bool(status.get("IsLogging")),
            "latest_delivery": _iso(latest),
            "delivery_error": error,
            "logging_started": _iso(started),
        }
        because = f" (last error: {error})" if error else ""
        if not status.get("IsLogging"):
            return failed(arn, "logging is off: nothing is delivered to CloudWatch Logs", region=region, **evidence)
        if isinstance(latest, dt.datetime):
            if ctx.now - latest <= RECENT:
                return passed(arn, f"delivered to CloudWatch Logs at {latest.isoformat()}", region=region, **evidence)
            return failed(
                arn, f"no CloudWatch Logs delivery since {latest.isoformat()}{because}", region=region, **evidence
            )
        if not error and isinstance(started, dt.datetime) and ctx.now - started <= RECENT:
            message = "no delivery reported yet; the trail started logging less than 24 hours ago"
            return passed(arn, message, region=region, **evidence)
        return failed(arn, f"no CloudWatch Logs delivery recorded{because}", region=region, **evidence)
