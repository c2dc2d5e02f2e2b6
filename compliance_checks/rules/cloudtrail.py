"""LP-LOG-1: the object reads and writes of every tenant-data bucket are recorded by a logging trail;
and what a trail's event selectors record, read the way CloudTrail applies them.

Settled here, once, for the gate (``aws_cloudtrail``) and the audit (GetEventSelectors,
GetTrailStatus): a trail records a bucket's object events when it is logging, applies to the
bucket's region (multi-region, or homed there; a plan knows neither region, and its trails are
taken to apply) and its selectors cover every object of the bucket, for read and for write events:

- basic selectors: a DataResource of type AWS::S3::Object with ``arn:aws:s3``, ``arn:aws:s3:::``,
  ``arn:aws:s3:::<bucket>`` or ``arn:aws:s3:::<bucket>/``; its ReadWriteType says which events;
- advanced selectors: eventCategory = Data and resources.type = AWS::S3::Object, a resources.ARN
  condition (if any) that admits the whole bucket, readOnly (if any) saying which events.

A prefix of the bucket only, or a selector narrowed by event name or any other field, does not
count (CONTROLS.md: who read or wrote which tenant object is recorded). Read and write events may be
recorded by different selectors or trails.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from compliance_checks.rules import Verdict, comply, violate
from compliance_checks.rules.plan import blocks, value, values

READ = "read"
WRITE = "write"
BOTH = frozenset({READ, WRITE})
S3_OBJECT = "AWS::S3::Object"
# A field selector's operators: the API's names, and the plan's (Terraform's) for each.
OPERATORS = {
    "Equals": "equals",
    "NotEquals": "not_equals",
    "StartsWith": "starts_with",
    "NotStartsWith": "not_starts_with",
    "EndsWith": "ends_with",
    "NotEndsWith": "not_ends_with",
}


def _strings(items: Iterable[Any], references: Mapping[str, str]) -> tuple[str, ...]:
    """The values, each plan address of a bucket (``aws_s3_bucket.x`` or ``aws_s3_bucket.x.arn``, as
    the plan writes an output not yet known) replaced by the ARN it stands for."""
    found = []
    for item in items:
        text = str(item)
        base = text.rsplit(".", 1)[0] if text.count(".") > 1 else text
        found.append(references.get(text) or references.get(base) or text)
    return tuple(found)


def _flag(raw: Any, default: bool) -> bool:
    """A plan's boolean (true, or "true"); ``default`` when unset."""
    return default if raw is None else raw is True or str(raw).lower() == "true"


@dataclass(frozen=True)
class Field:
    """One condition of an advanced event selector: its field and {operator: values} (API names)."""

    name: str
    conditions: Mapping[str, tuple[str, ...]]

    def get(self, operator: str) -> tuple[str, ...]:
        return self.conditions.get(operator, ())

    def is_only(self, wanted: str) -> bool:
        """Equals exactly ``wanted``, with no other operator."""
        return self.conditions == {"Equals": (wanted,)}


@dataclass(frozen=True)
class AdvancedSelector:
    name: str
    fields: Mapping[str, Field]

    @classmethod
    def from_plan(cls, selector: dict[str, Any], references: Mapping[str, str]) -> AdvancedSelector:
        fields = {}
        for block in blocks(selector, "field_selector"):
            conditions = {op: _strings(values(block, key), references) for op, key in OPERATORS.items()}
            name = str(value(block, "field"))
            fields[name] = Field(name, {op: v for op, v in conditions.items() if v})
        return cls(str(value(selector, "name") or "?"), fields)

    @classmethod
    def from_aws(cls, selector: Mapping[str, Any]) -> AdvancedSelector:
        fields = {}
        for item in selector.get("FieldSelectors") or []:
            name = str(item.get("Field"))
            fields[name] = Field(name, {op: tuple(map(str, item[op])) for op in OPERATORS if item.get(op)})
        return cls(str(selector.get("Name") or "?"), fields)


@dataclass(frozen=True)
class BasicSelector:
    read_write_type: str = "All"
    include_management_events: bool = True
    excluded_management_sources: tuple[str, ...] = ()
    data_resources: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (type, values)

    @classmethod
    def from_plan(cls, selector: dict[str, Any], references: Mapping[str, str]) -> BasicSelector:
        return cls(
            str(value(selector, "read_write_type") or "All"),
            _flag(value(selector, "include_management_events"), default=True),
            _strings(values(selector, "exclude_management_event_sources"), {}),
            tuple(
                (str(value(r, "type")), _strings(values(r, "values"), references))
                for r in blocks(selector, "data_resource")
            ),
        )

    @classmethod
    def from_aws(cls, selector: Mapping[str, Any]) -> BasicSelector:
        return cls(
            str(selector.get("ReadWriteType") or "All"),
            bool(selector.get("IncludeManagementEvents", True)),
            tuple(map(str, selector.get("ExcludeManagementEventSources") or [])),
            tuple(
                (str(r.get("Type")), tuple(map(str, r.get("Values") or [])))
                for r in selector.get("DataResources") or []
            ),
        )


@dataclass(frozen=True)
class Trail:
    id: str  # the ARN (audit) or name (plan)
    logging: bool
    multi_region: bool = False
    home_region: str | None = None  # None: not known (a plan)
    basic: tuple[BasicSelector, ...] = ()
    advanced: tuple[AdvancedSelector, ...] = ()

    def applies_to(self, region: str | None) -> bool:
        """Whether the trail records events of ``region`` (None: not known, taken to apply)."""
        return self.multi_region or None in (region, self.home_region) or self.home_region == region

    @classmethod
    def from_plan(cls, conf: dict[str, Any], references: Mapping[str, str] | None = None) -> Trail:
        """``references``: {plan address of a bucket: its ARN}, for values the plan gives as addresses."""
        known = dict(references or {})
        return cls(
            str(value(conf, "name") or "?"),
            _flag(value(conf, "enable_logging"), default=True),  # Terraform's defaults
            _flag(value(conf, "is_multi_region_trail"), default=False),
            None,
            tuple(BasicSelector.from_plan(s, known) for s in blocks(conf, "event_selector")),
            tuple(AdvancedSelector.from_plan(s, known) for s in blocks(conf, "advanced_event_selector")),
        )

    @classmethod
    def from_aws(
        cls,
        trail: Mapping[str, Any],
        status: Mapping[str, Any],
        basic: Sequence[Mapping[str, Any]] = (),
        advanced: Sequence[Mapping[str, Any]] = (),
    ) -> Trail:
        """``trail``: a DescribeTrails entry; ``status``: its GetTrailStatus; the selectors: its
        GetEventSelectors (EventSelectors, AdvancedEventSelectors)."""
        arn = str(trail["TrailARN"])
        return cls(
            arn,
            bool(status.get("IsLogging")),
            bool(trail.get("IsMultiRegionTrail")),
            str(trail.get("HomeRegion") or arn.split(":")[3]),
            tuple(BasicSelector.from_aws(s) for s in basic),
            tuple(AdvancedSelector.from_aws(s) for s in advanced),
        )


# -- what selectors record -------------------------------------------------------------------


def _read_write_type(kind: str) -> set[str]:
    return {"ReadOnly": {READ}, "WriteOnly": {WRITE}}.get(kind or "All", set(BOTH))


def _read_only_field(field: Field | None) -> set[str]:
    """Which of read/write events an advanced selector's ``readOnly`` field admits."""
    if field is None:
        return set(BOTH)
    admitted = set(BOTH)
    equals = {v.lower() for v in field.get("Equals")}
    not_equals = {v.lower() for v in field.get("NotEquals")}
    if equals:
        admitted = {READ for v in equals if v == "true"} | {WRITE for v in equals if v == "false"}
    if "true" in not_equals:
        admitted.discard(READ)
    if "false" in not_equals:
        admitted.discard(WRITE)
    return admitted


def management_events(
    basic: Sequence[BasicSelector], advanced: Sequence[AdvancedSelector]
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
        if not selector.include_management_events:
            continue
        if selector.excluded_management_sources:
            notes.append(
                f"a selector excludes management events from {', '.join(selector.excluded_management_sources)}"
            )
            continue
        covered |= _read_write_type(selector.read_write_type)
    for selector in advanced:
        category = selector.fields.get("eventCategory")
        if category is None or not category.is_only("Management"):
            continue
        narrowing = sorted(set(selector.fields) - {"eventCategory", "readOnly"})
        if narrowing:
            notes.append(f"selector {selector.name!r} narrows management events by {', '.join(narrowing)}")
            continue
        covered |= _read_only_field(selector.fields.get("readOnly"))
    return covered, notes


def _bucket_values(bucket: str, partition: str) -> set[str]:
    """Basic-selector values that mean "every object of ``bucket``"."""
    return {
        f"arn:{partition}:s3",
        f"arn:{partition}:s3:::",
        f"arn:{partition}:s3:::{bucket}",
        f"arn:{partition}:s3:::{bucket}/",
    }


def _admits_whole_bucket(field: Field | None, objects: str) -> bool:
    """Whether an advanced ``resources.ARN`` field admits every object ARN starting with ``objects``."""
    if field is None:
        return True
    positive = [field.get(op) for op in ("Equals", "StartsWith", "EndsWith") if field.get(op)]
    if positive and not any(objects.startswith(v) for v in field.get("StartsWith")):
        return False
    if any(v.startswith(objects) or objects.startswith(v) for v in field.get("NotStartsWith")):
        return False
    if any(v.startswith(objects) for v in field.get("NotEquals")):
        return False
    # NotEndsWith drops some objects of every bucket (e.g. "*.tmp"), so the bucket is not whole.
    return not field.get("NotEndsWith")


def s3_object_events(trail: Trail, bucket: str, partition: str = "aws") -> tuple[set[str], list[str]]:
    """Which S3 object data events (read, write) of every object in ``bucket`` the trail's selectors
    record (whether or not it is logging), and what stops a selector from counting."""
    covered: set[str] = set()
    notes: list[str] = []
    whole = _bucket_values(bucket, partition)
    objects = f"arn:{partition}:s3:::{bucket}/"
    for selector in trail.basic:
        for kind, arns in selector.data_resources:
            if kind != S3_OBJECT:
                continue
            if any(v in whole for v in arns):
                covered |= _read_write_type(selector.read_write_type)
            elif any(v.startswith(objects) for v in arns):
                notes.append(f"a basic selector records only a prefix of {bucket}")
    for selector in trail.advanced:
        fields = selector.fields
        category, kind = fields.get("eventCategory"), fields.get("resources.type")
        if category is None or kind is None or not category.is_only("Data") or not kind.is_only(S3_OBJECT):
            continue
        narrowing = sorted(set(fields) - {"eventCategory", "resources.type", "resources.ARN", "readOnly"})
        if narrowing:
            notes.append(f"selector {selector.name!r} narrows S3 object events by {', '.join(narrowing)}")
            continue
        if not _admits_whole_bucket(fields.get("resources.ARN"), objects):
            continue
        covered |= _read_only_field(fields.get("readOnly"))
    return covered, notes


# -- the rule ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    name: str
    region: str | None = None  # None: not known (a plan)


def tenant_data_events(bucket: Bucket, trails: Iterable[Trail], partition: str = "aws") -> Verdict:
    """Whether the trails, together, record every object read and write of a tenant bucket."""
    covered: set[str] = set()
    by: list[str] = []
    notes: list[str] = []
    for trail in trails:
        if not trail.applies_to(bucket.region):
            continue
        recorded, why = s3_object_events(trail, bucket.name, partition)
        if not trail.logging:
            notes += [f"trail {trail.id} would record them but is not logging"] if recorded else []
            continue
        notes += why
        if recorded:
            covered |= recorded
            by.append(trail.id)
    evidence = {"recorded": sorted(covered), "trails": by, "notes": notes}
    if covered >= BOTH:
        return comply("object reads and writes are recorded", **evidence)
    missing = " and ".join(sorted(BOTH - covered))
    return violate(f"object {missing} events are not recorded by a logging trail", **evidence)


def trail_records_tenant_data(trail: Trail, buckets: Sequence[Bucket], partition: str = "aws") -> Verdict | None:
    """The gate's verdict on one trail: it records every object read and write of every tenant bucket
    by itself. None when the stack has no tenant bucket (not judged)."""
    if not buckets:
        return None
    judged = {b.name: tenant_data_events(b, [trail], partition) for b in buckets}
    missing = [name for name, verdict in judged.items() if not verdict.compliant]
    evidence = {"tenant_buckets": [b.name for b in buckets], "missing": missing}
    if missing:
        reasons = "; ".join(judged[name].message for name in missing)
        return violate(f"no S3 data events for tenant buckets {missing} ({reasons})", **evidence)
    return comply(f"records S3 data events for every tenant bucket ({len(buckets)})", **evidence)
