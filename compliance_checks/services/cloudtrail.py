"""CloudTrail inventory: the trails that apply to the audited regions, their status and event
selectors, and what those selectors record, read the way CloudTrail applies them.

Trails are listed with ``includeShadowTrails=True`` in every audited region and deduplicated by
ARN: a multi-region trail (or an organization trail of the management account) whose home region
is not audited still logs the audited regions, and must be seen. Status and selectors are read in
the trail's home region, where CloudTrail answers for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from compliance_checks.core import ReadError, Result, errored
from compliance_checks.reader import Reader

READ = "read"
WRITE = "write"
BOTH = frozenset({READ, WRITE})


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


def applies_to(trail: Mapping[str, Any], region: str) -> bool:
    """Whether the trail records events that happen in ``region``."""
    return bool(trail.get("IsMultiRegionTrail")) or home_region(trail) == region


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


# -- what selectors record -------------------------------------------------------------------


def _read_write_type(value: str | None) -> set[str]:
    return {"ReadOnly": {READ}, "WriteOnly": {WRITE}}.get(value or "All", set(BOTH))


def _read_only_field(field: Mapping[str, Any] | None) -> set[str]:
    """Which of read/write events an advanced selector's ``readOnly`` field admits."""
    if field is None:
        return set(BOTH)
    admitted = set(BOTH)
    equals = {str(v).lower() for v in field.get("Equals") or []}
    not_equals = {str(v).lower() for v in field.get("NotEquals") or []}
    if equals:
        admitted = {READ for v in equals if v == "true"} | {WRITE for v in equals if v == "false"}
    if "true" in not_equals:
        admitted.discard(READ)
    if "false" in not_equals:
        admitted.discard(WRITE)
    return admitted


def _fields(selector: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(f.get("Field")): f for f in selector.get("FieldSelectors") or []}


def _equals(field: Mapping[str, Any] | None, value: str) -> bool:
    return field is not None and list(field.get("Equals") or []) == [value] and len(field) == 2


def management_events(
    basic: Sequence[Mapping[str, Any]], advanced: Sequence[Mapping[str, Any]]
) -> tuple[set[str], list[str]]:
    """Which management events (read, write) the selectors record in full, and what narrows them.

    A trail that has neither kind of selector uses CloudTrail's default, which records all read and
    write management events. A selector that excludes event sources (e.g. KMS) or narrows
    management events by any other field does not record them in full.
    """
    if not basic and not advanced:
        return set(BOTH), ["no event selectors: CloudTrail's default records all management events"]
    covered: set[str] = set()
    notes: list[str] = []
    for selector in basic:
        if not selector.get("IncludeManagementEvents", True):
            continue
        excluded = list(selector.get("ExcludeManagementEventSources") or [])
        if excluded:
            notes.append(f"a selector excludes management events from {', '.join(excluded)}")
            continue
        covered |= _read_write_type(selector.get("ReadWriteType"))
    for selector in advanced:
        fields = _fields(selector)
        if not _equals(fields.get("eventCategory"), "Management"):
            continue
        narrowing = sorted(set(fields) - {"eventCategory", "readOnly"})
        if narrowing:
            notes.append(f"selector {selector.get('Name', '?')!r} narrows management events by {', '.join(narrowing)}")
            continue
        covered |= _read_only_field(fields.get("readOnly"))
    return covered, notes


def _bucket_values(bucket: str, partition: str) -> set[str]:
    """Basic-selector values that mean "every object of ``bucket``"."""
    return {
        f"arn:{partition}:s3",
        f"arn:{partition}:s3:::",
        f"arn:{partition}:s3:::{bucket}",
        f"arn:{partition}:s3:::{bucket}/",
    }


def _admits_whole_bucket(field: Mapping[str, Any] | None, objects: str) -> bool:
    """Whether an advanced ``resources.ARN`` field admits every object ARN starting with ``objects``."""
    if field is None:
        return True
    positive = [field.get(op) for op in ("Equals", "StartsWith", "EndsWith") if field.get(op)]
    if positive and not any(objects.startswith(v) for v in field.get("StartsWith") or []):
        return False
    if any(v.startswith(objects) or objects.startswith(v) for v in field.get("NotStartsWith") or []):
        return False
    if any(v.startswith(objects) for v in field.get("NotEquals") or []):
        return False
    # NotEndsWith drops some objects of every bucket (e.g. "*.tmp"), so the bucket is not whole.
    return not field.get("NotEndsWith")


def s3_object_events(
    basic: Sequence[Mapping[str, Any]],
    advanced: Sequence[Mapping[str, Any]],
    bucket: str,
    partition: str = "aws",
) -> tuple[set[str], list[str]]:
    """Which S3 object data events (read, write) of every object in ``bucket`` the selectors record."""
    covered: set[str] = set()
    notes: list[str] = []
    whole = _bucket_values(bucket, partition)
    objects = f"arn:{partition}:s3:::{bucket}/"
    for selector in basic:
        for resource in selector.get("DataResources") or []:
            if resource.get("Type") != "AWS::S3::Object":
                continue
            values = list(resource.get("Values") or [])
            if any(v in whole for v in values):
                covered |= _read_write_type(selector.get("ReadWriteType"))
            elif any(v.startswith(objects) for v in values):
                notes.append(f"a basic selector records only a prefix of {bucket}")
    for selector in advanced:
        fields = _fields(selector)
        if not _equals(fields.get("eventCategory"), "Data") or not _equals(
            fields.get("resources.type"), "AWS::S3::Object"
        ):
            continue
        narrowing = sorted(set(fields) - {"eventCategory", "resources.type", "resources.ARN", "readOnly"})
        if narrowing:
            notes.append(f"selector {selector.get('Name', '?')!r} narrows S3 object events by {', '.join(narrowing)}")
            continue
        if not _admits_whole_bucket(fields.get("resources.ARN"), objects):
            continue
        covered |= _read_only_field(fields.get("readOnly"))
    return covered, notes


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
    covered, notes = management_events(*selectors(reader, trail))
    missing = sorted(BOTH - covered)
    if missing:
        gaps.append(
            f"does not record {' and '.join(missing)} management events in full" + "".join(f"; {n}" for n in notes)
        )
    return gaps
