"""CloudWatch inventory: metric and composite alarms per region, the metrics an alarm watches,
and which alarms notify an SNS topic when they go to ALARM."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from compliance_checks.reader import Reader


@dataclass(frozen=True)
class Metric:
    namespace: str
    name: str
    dimensions: Mapping[str, str]


def metric_alarms(reader: Reader, region: str) -> list[dict[str, Any]]:
    return reader.paginate("cloudwatch", "describe_alarms", "MetricAlarms", region=region, AlarmTypes=["MetricAlarm"])


def composite_alarms(reader: Reader, region: str) -> list[dict[str, Any]]:
    return reader.paginate(
        "cloudwatch", "describe_alarms", "CompositeAlarms", region=region, AlarmTypes=["CompositeAlarm"]
    )


def _dimensions(items: Sequence[Mapping[str, Any]] | None) -> dict[str, str]:
    return {str(d["Name"]): str(d.get("Value", "")) for d in items or []}


def alarm_metrics(alarm: Mapping[str, Any]) -> list[Metric]:
    """The metrics an alarm evaluates: its single metric, or every metric of its metric-math query."""
    metrics = []
    if alarm.get("MetricName"):
        metrics.append(Metric(alarm.get("Namespace", ""), alarm["MetricName"], _dimensions(alarm.get("Dimensions"))))
    for query in alarm.get("Metrics") or []:
        metric = (query.get("MetricStat") or {}).get("Metric")
        if metric and metric.get("MetricName"):
            metrics.append(
                Metric(metric.get("Namespace", ""), metric["MetricName"], _dimensions(metric.get("Dimensions")))
            )
    return metrics


def is_sns_arn(arn: str) -> bool:
    return arn.startswith("arn:") and arn.split(":")[2:3] == ["sns"]


def sns_targets(alarm: Mapping[str, Any]) -> list[str]:
    """Every SNS topic the alarm notifies on any state change (ALARM, OK, INSUFFICIENT_DATA)."""
    actions = [*(alarm.get("AlarmActions") or []), *(alarm.get("OKActions") or [])]
    actions += alarm.get("InsufficientDataActions") or []
    return sorted({a for a in actions if is_sns_arn(a)})


def _alarm_sns_actions(alarm: Mapping[str, Any]) -> list[str]:
    if not alarm.get("ActionsEnabled", True):
        return []
    return sorted({a for a in alarm.get("AlarmActions") or [] if is_sns_arn(a)})


_ALARM_TERM = re.compile(r'\bALARM\(\s*(?:"([^"]+)"|([^\s)]+))\s*\)')
_ONLY_OR = re.compile(r"[\s()]*(?:OR[\s()]*)*")


def _fires_with(rule: str) -> list[str]:
    """The alarms whose ALARM state alone fires a composite rule: the rule must be a disjunction of
    ALARM(...) terms; any AND, NOT or other state makes no single alarm sufficient."""
    names = [quoted or bare for quoted, bare in _ALARM_TERM.findall(rule)]
    if names and _ONLY_OR.fullmatch(_ALARM_TERM.sub(" ", rule)):
        return names
    return []


def notifying_alarms(
    metric: Sequence[Mapping[str, Any]], composite: Sequence[Mapping[str, Any]] = ()
) -> dict[str, list[str]]:
    """Alarm ARN -> SNS topics notified when that alarm goes to ALARM: its own enabled SNS alarm
    actions, or those of a composite alarm (possibly nested) that fires whenever it does."""
    alarms = [*metric, *composite]
    lookup = {}
    for alarm in alarms:
        lookup[alarm["AlarmArn"]] = alarm["AlarmArn"]
        lookup.setdefault(alarm["AlarmName"], alarm["AlarmArn"])
    notified = {a["AlarmArn"]: _alarm_sns_actions(a) for a in alarms if _alarm_sns_actions(a)}
    changed = True
    while changed:
        changed = False
        for alarm in composite:
            topics = notified.get(alarm["AlarmArn"])
            if not topics:
                continue
            for reference in _fires_with(str(alarm.get("AlarmRule", ""))):
                target = lookup.get(reference)
                if target and target not in notified:
                    notified[target] = topics
                    changed = True
    return notified


def alarms_with_notifications(reader: Reader, region: str) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """(metric alarms of the region, alarm ARN -> SNS topics notified when it goes to ALARM)."""
    metric = metric_alarms(reader, region)
    return metric, notifying_alarms(metric, composite_alarms(reader, region))
