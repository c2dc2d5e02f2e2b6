"""Secrets Manager inventory: secrets (ListSecrets carries key, tags and rotation), their resource
policies, when their current value was written, which EventBridge connection a secret EventBridge
owns belongs to, and how often a rotation schedule rotates.

A rotation schedule is either AutomaticallyAfterDays or a ScheduleExpression, ``rate(N days|hours)``
or ``cron(minutes hours day-of-month month day-of-week year)``. For cron the longest gap between
two rotation days over the next two years is what counts (a schedule that rotates on the 1st of
each month can wait 31 days).
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from collections.abc import Iterator, Mapping
from typing import Any

from compliance_checks.conventions import EVENTBRIDGE_CONNECTIONS
from compliance_checks.reader import Reader


def secrets(reader: Reader, region: str) -> list[dict[str, Any]]:
    """Every secret of a region (ListSecrets includes KmsKeyId, Tags and the rotation fields)."""
    return reader.paginate("secretsmanager", "list_secrets", "SecretList", region=region)


def tags(secret: Mapping[str, Any]) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in secret.get("Tags") or [] if "Key" in t}


def managed_by(secret: Mapping[str, Any]) -> str:
    """ " (secret managed by rds)" for a secret another service owns (rds!..., events!connection/...):
    its settings change through that service, which the remediation must say."""
    owner = secret.get("OwningService")
    return f" (secret managed by {owner})" if owner else ""


# The secret EventBridge keeps a connection's credentials in: events!connection/<name>/<uuid>/auth.
_CONNECTION_SECRET = re.compile(r"^events!connection/(?P<name>[^/]+)/")


def connection_of(secret: Mapping[str, Any]) -> str | None:
    """The EventBridge connection whose credentials ``secret`` holds (None for any other secret)."""
    if secret.get("OwningService") != "events":
        return None
    match = _CONNECTION_SECRET.match(str(secret.get("Name") or ""))
    return match.group("name") if match else None


def feeds_connection(secret: Mapping[str, Any], connection: str) -> bool:
    """True when ``secret``'s rotation writes its new value into the named connection."""
    return connection in tags(secret).get(EVENTBRIDGE_CONNECTIONS, "").split()


def current_version_created(reader: Reader, secret_arn: str, region: str) -> dt.datetime | None:
    """When the secret's current value (the AWSCURRENT version) was written; None if it has none."""
    token: str | None = None
    while True:
        # botocore has no paginator for ListSecretVersionIds.
        params: dict[str, Any] = {"SecretId": secret_arn, "MaxResults": 100}
        if token:
            params["NextToken"] = token
        page = reader.call("secretsmanager", "list_secret_version_ids", region=region, **params) or {}
        for version in page.get("Versions") or []:
            if "AWSCURRENT" in (version.get("VersionStages") or []):
                return version.get("CreatedDate")
        token = page.get("NextToken")
        if not token:
            return None


def resource_policy(reader: Reader, secret_arn: str, region: str) -> str | None:
    response = reader.call(
        "secretsmanager",
        "get_resource_policy",
        region=region,
        missing=("ResourceNotFoundException",),
        SecretId=secret_arn,
    )
    return (response or {}).get("ResourcePolicy")


# -- rotation schedules -----------------------------------------------------------------------


class ScheduleError(ValueError):
    """A ScheduleExpression this module cannot evaluate."""


_RATE = re.compile(r"^rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)$", re.IGNORECASE)
_CRON = re.compile(r"^cron\((.*)\)$", re.IGNORECASE)
_MONTHS = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_HORIZON_DAYS = 800


def rotation_interval_days(rules: Mapping[str, Any] | None, start: dt.date | None = None) -> float | None:
    """The longest time, in days, between two rotations under ``rules`` (None when there are none).

    Raises ScheduleError for an expression it cannot evaluate.
    """
    rules = rules or {}
    expression = str(rules.get("ScheduleExpression") or "").strip()
    if expression:
        rate = _RATE.match(expression)
        if rate:
            amount = int(rate.group(1))
            return amount / 24 if rate.group(2).lower().startswith("hour") else float(amount)
        cron = _CRON.match(expression)
        if cron:
            return float(_cron_longest_gap(cron.group(1), start or dt.datetime.now(dt.UTC).date()))
        raise ScheduleError(f"unknown schedule expression {expression!r}")
    days = rules.get("AutomaticallyAfterDays")
    return float(days) if days else None


def _values(field: str, low: int, high: int, names: Mapping[str, int]) -> set[int]:
    found: set[int] = set()
    for part in field.split(","):
        part = part.strip().upper()
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
        if part in ("*", "?", ""):
            first, last = low, high
        elif "-" in part:
            first_text, last_text = part.split("-", 1)
            first, last = _number(first_text, names), _number(last_text, names)
        else:
            first = _number(part, names)
            last = high if step != 1 else first
        if not (low <= first <= high and low <= last <= high):
            raise ScheduleError(f"{part!r} is out of range {low}-{high}")
        found.update(range(first, last + 1, step))
    return found


def _number(text: str, names: Mapping[str, int]) -> int:
    if text in names:
        return names[text]
    if not text.isdigit():
        raise ScheduleError(f"cannot read {text!r}")
    return int(text)


def _weekday(day: dt.date) -> int:
    """AWS cron numbering: Sunday is 1, Saturday is 7."""
    return (day.weekday() + 1) % 7 + 1


def _day_of_month_matches(field: str, day: dt.date) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    for part in field.upper().split(","):
        if part in ("*", "?"):
            return True
        if part in ("L", "LW"):
            if day.day == last:
                return True
            continue
        if part.endswith("W"):
            # The nearest weekday to that day: read as the day itself (at most two days off).
            part = part[:-1]
        if day.day in _values(part, 1, 31, {}):
            return True
    return False


def _day_of_week_matches(field: str, day: dt.date) -> bool:
    weekday = _weekday(day)
    for part in field.upper().split(","):
        if part in ("*", "?"):
            return True
        if "#" in part:
            name, nth = part.split("#", 1)
            if weekday == _number(name, _DAYS) and (day.day - 1) // 7 + 1 == int(nth):
                return True
            continue
        if part.endswith("L"):
            last = calendar.monthrange(day.year, day.month)[1]
            if weekday == _number(part[:-1], _DAYS) and day.day + 7 > last:
                return True
            continue
        if weekday in _values(part, 1, 7, _DAYS):
            return True
    return False


def _firing_days(expression: str, start: dt.date) -> Iterator[dt.date]:
    fields = expression.split()
    if len(fields) != 6:
        raise ScheduleError(f"cron({expression}) does not have six fields")
    _, _, day_of_month, month, day_of_week, year = fields
    months = _values(month, 1, 12, _MONTHS)
    years = None if year.strip() in ("*", "?") else _values(year, 1970, 2199, {})
    for offset in range(_HORIZON_DAYS):
        day = start + dt.timedelta(days=offset)
        if day.month not in months or (years is not None and day.year not in years):
            continue
        if day_of_month.strip() == "?":
            matches = _day_of_week_matches(day_of_week, day)
        elif day_of_week.strip() == "?":
            matches = _day_of_month_matches(day_of_month, day)
        else:
            matches = _day_of_month_matches(day_of_month, day) and _day_of_week_matches(day_of_week, day)
        if matches:
            yield day


def _cron_longest_gap(expression: str, start: dt.date) -> int:
    # The horizon's ends count as well: a schedule that stops (a year field) or starts late waits.
    days = [start, *_firing_days(expression, start), start + dt.timedelta(days=_HORIZON_DAYS)]
    return max((b - a).days for a, b in itertools.pairwise(days))
