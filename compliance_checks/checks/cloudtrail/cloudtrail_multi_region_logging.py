from __future__ import annotations

import dataclasses

from compliance_checks.kit import (
    Check,
    CheckContext,
    CheckMetadata,
    ReadError,
    Severity,
    cloudtrail,
    errored,
    failed,
    passed,
)


class CloudTrailMultiRegionLogging(Check):
    """At least one multi-region trail is logging and records read and write management events.

    One result for the account: PASS on the first qualifying trail (all of them in evidence), else
    FAIL on the account with every trail's shortfall. Trails are those that apply to an audited
    region (shadow copies of multi-region and organization trails included, once each). A trail
    without any event selector uses CloudTrail's default (all management events); selectors that
    exclude event sources (e.g. KMS) or narrow management events otherwise do not count as "all".

    Scenarios:
    - given a multi-region trail that is logging with default selectors, then PASS on that trail
    - given a multi-region logging trail with advanced selectors for all management events, then PASS
    - given only a single-region trail, then FAIL on the account
    - given a multi-region trail whose logging is stopped, then FAIL
    - given a multi-region trail recording write-only management events, then FAIL
    - given a multi-region trail excluding KMS management events, then FAIL
    - given no qualifying trail and GetTrailStatus denied for a multi-region trail, then ERROR
    - given a qualifying trail in one region and DescribeTrails failing in another, then PASS
    - given no qualifying trail and DescribeTrails failing in one of the regions, then ERROR
    - given DescribeTrails is denied, then ERROR for the whole check
    """

    metadata = CheckMetadata(
        title="A multi-region CloudTrail trail is logging all management events",
        severity=Severity.CRITICAL,
        resource_type="AWS::CloudTrail::Trail",
        rationale="LP-LOG-1: security-relevant API activity in every region is recorded for investigation "
        "(FSBP CloudTrail.1).",
        remediation="Create a multi-region trail (IsMultiRegionTrail), start logging, and record read and write "
        "management events without excluded sources. Infra: the log archive component's trail.",
    )

    def evaluate(self, ctx: CheckContext):
        gaps: dict[str, str] = {}
        unread: dict[str, ReadError] = {}
        qualifying = []
        listed = cloudtrail.listing(ctx.reader)
        for region, error in listed.unread:
            unread[f"trails of {region}"] = error  # a qualifying trail may be among them
        for trail in listed.trails:
            arn = trail["TrailARN"]
            try:
                shortfall = cloudtrail.multi_region_logging_gaps(ctx.reader, trail)
            except ReadError as error:
                unread[arn] = error
                continue
            if shortfall:
                gaps[arn] = "; ".join(shortfall)
            else:
                qualifying.append(trail)
        if qualifying:
            trail = qualifying[0]
            yield passed(
                trail["TrailARN"],
                "multi-region trail logging read and write management events",
                region=cloudtrail.home_region(trail),
                qualifying_trails=[t["TrailARN"] for t in qualifying],
            )
            return
        account = f"arn:{ctx.reader.partition()}:::account/{ctx.reader.account_id}"
        if unread:
            error = next(iter(unread.values()))
            result = errored(account, error, unread_trails=sorted(unread), trails=gaps)
        elif gaps:
            result = failed(account, "no multi-region trail logs all management events", trails=gaps)
        else:
            result = failed(account, "no CloudTrail trail applies to the audited regions", trails={})
        yield dataclasses.replace(result, resource_type="AWS::::Account")
