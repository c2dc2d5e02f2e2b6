"""CloudTrail inventory: the trails that apply to the audited regions, their status and event
selectors. What those selectors record, read the way CloudTrail applies them, is the rules'
(compliance_checks.rules.cloudtrail).

Trails are listed with ``includeShadowTrails=True`` in every audited region and deduplicated by
ARN: a multi-region trail (or an organization trail of the management account) whose home region
is not audited still logs the audited regions, and must be seen. Status and selectors are read in
the trail's home region, where CloudTrail answers for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from compliance_checks.core import ReadError, Result, errored
from compliance_checks.reader import Reader
from compliance_checks.rules import cloudtrail as rule
from compliance_checks.rules.cloudtrail import BOTH


@dataclass(frozen=True)
class Listing:
    """The trails that apply to the audited regions, and the regions whose trails could not be listed
    (a trail homed there, or a multi-region trail seen only there, may be missing from ``trails``)."""

    trails: tuple[dict[str, Any], ...]
    unread: tuple[tuple[str, ReadError], ...] = ()

    def unread_results(self, reader: Reader) -> list[Result]:
        """One ERROR per region whose trails are unknown, for checks that judge trail by trail."""
        account = reader.account_id_or_unknown()
        return [
            errored(f"arn:{reader.partition()}:cloudtrail:{region}:{account}:trail/*", error, region=region)
            for region, error in self.unread
        ]


def listing(reader: Reader) -> Listing:
    """Every trail that applies to at least one audited region, once, sorted by ARN; a region whose
    DescribeTrails fails is reported in ``unread`` and the other regions' trails are still listed."""
    found: dict[str, dict[str, Any]] = {}
    unread = []
    for region in reader.regions:
        try:
            response = reader.call(
                "cloudtrail", "describe_trails", region=region, expect=("trailList",), includeShadowTrails=True
            )
        except ReadError as error:
            unread.append((region, error))
            continue
        for trail in (response or {})["trailList"]:
            found.setdefault(trail["TrailARN"], trail)
    return Listing(tuple(found[arn] for arn in sorted(found)), tuple(unread))


def trails(reader: Reader) -> list[dict[str, Any]]:
    """Every trail that applies to at least one audited region; raises ReadError when a region's
    trails cannot be listed (for verdicts that need all of them)."""
    listed = listing(reader)
    if listed.unread:
        raise listed.unread[0][1]
    return list(listed.trails)


def home_region(trail: Mapping[str, Any]) -> str:
    return str(trail.get("HomeRegion") or trail["TrailARN"].split(":")[3])


def status(reader: Reader, trail: Mapping[str, Any]) -> dict[str, Any]:
    return (
        reader.call(
            "cloudtrail", "get_trail_status", region=home_region(trail), expect=("IsLogging",), Name=trail["TrailARN"]
        )
        or {}
    )


def selectors(reader: Reader, trail: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(basic event selectors, advanced event selectors) of a trail."""
    response = (
        reader.call(
            "cloudtrail",
            "get_event_selectors",
            region=home_region(trail),
            expect=("TrailARN",),
            TrailName=trail["TrailARN"],
        )
        or {}
    )
    return list(response.get("EventSelectors") or []), list(response.get("AdvancedEventSelectors") or [])


def multi_region_logging_gaps(reader: Reader, trail: Mapping[str, Any]) -> list[str]:
    """Why ``trail`` is not a multi-region, logging trail recording read and write management events.

    [] when it is one. Shared by the CloudTrail check and the alarm check so both agree on which
    trail counts. Raises ReadError when its status or selectors cannot be read.
    """
    if not trail.get("IsMultiRegionTrail"):
        return ["single-region trail"]
    gaps = []
    if not status(reader, trail).get("IsLogging"):
        gaps.append("logging is off")
    basic, advanced = selectors(reader, trail)
    covered, notes = rule.management_events(
        [rule.BasicSelector.from_aws(s) for s in basic], [rule.AdvancedSelector.from_aws(s) for s in advanced]
    )
    missing = sorted(BOTH - covered)
    if missing:
        gaps.append(
            f"does not record {' and '.join(missing)} management events in full" + "".join(f"; {n}" for n in notes)
        )
    return gaps
