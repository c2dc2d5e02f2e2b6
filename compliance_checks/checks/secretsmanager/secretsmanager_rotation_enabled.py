from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from compliance_checks.kit import (
    EVENTBRIDGE_CONNECTIONS,
    PROVIDER_CREDENTIAL,
    TRUE,
    CheckMetadata,
    ReadError,
    Result,
    SecretCheck,
    Severity,
    errored,
    failed,
    passed,
    secretsmanager,
)


class SecretsmanagerRotationEnabled(SecretCheck):
    """Every secret rotates automatically within its window, and its last rotation is within it
    (FSBP SecretsManager.1, .4).

    The window is the environment's max_secret_rotation_days (90), or max_provider_secret_rotation_days
    (30 in prod) for provider credentials: secrets tagged ``leadping:provider=true``. Rotation must be
    enabled with AutomaticallyAfterDays, ``rate(...)`` or ``cron(...)`` whose longest gap fits the window,
    and the last rotation (the creation date if never rotated) must be no older than the window at
    ctx.now. A schedule expression that cannot be evaluated is an ERROR for the secret.

    A secret another service owns is judged by that service's rotation. RDS (``rds!db-...``) turns
    on managed rotation in Secrets Manager, so its secret is judged like any other. EventBridge
    (``events!connection/<name>/...``) never rotates the credential it keeps for a connection and
    lets nobody turn rotation on; the credential changes only when the connection is updated. So a
    connection's secret rotates when a secret whose rotation writes into that connection (it names
    it in its ``leadping:eventbridge-connections`` tag) rotates within its own window, and the
    connection's current value (its AWSCURRENT version) is no older than that window. A connection
    nothing rotates keeps its credential forever: FAIL.

    Scenarios:
    - given rotation every 30 days, rotated today, then PASS
    - given rotation disabled, then FAIL
    - given rotation every 120 days, then FAIL
    - given a provider secret rotating every 60 days in prod, then FAIL
    - given a provider secret rotating every 60 days in dev, then PASS
    - given rotation every 30 days but last rotated 100 days ago, then FAIL
    - given a cron schedule on the 1st of each month, then PASS (31-day gap within 90)
    - given an RDS-managed secret with managed rotation every 7 days, then PASS
    - given an EventBridge connection's secret fed by a secret rotating every 30 days, written today, then PASS
    - given an EventBridge connection's secret no rotating secret names, then FAIL
    - given an EventBridge connection's secret whose feeding secret does not rotate, then FAIL
    - given an EventBridge connection's secret whose current value is older than the feeder's window, then FAIL
    - given ListSecretVersionIds is denied for a connection's secret, then ERROR for that secret
    - given ListSecrets is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="Secrets rotate within their window",
        severity=Severity.MEDIUM,
        resource_type="AWS::SecretsManager::Secret",
        rationale="LP-SEC-3: rotation on for every secret (<= 90 days; <= 30 in prod for provider credentials), "
        "so an exposed credential stops working on a schedule.",
        remediation="Enable rotation with a rotation function and a schedule within the window (infra: "
        "connectedSystems rotationDays); rotate now if the last rotation is too old. For an EventBridge "
        "connection, name it in the leadping:eventbridge-connections tag of the secret whose rotation writes its "
        "key (infra: webhookCredential) and check that rotation succeeds.",
    )

    def judge(self, ctx, item):
        secret, arn, region = item.raw, item.arn, item.region
        connection = secretsmanager.connection_of(secret)
        if connection is not None:
            return self._connection_secret(ctx, item, connection)
        try:
            problems, evidence = _rotation(ctx, secret)
        except secretsmanager.ScheduleError as error:
            return errored(arn, f"cannot evaluate the rotation schedule: {error}", region=region)
        if problems:
            window = f"(window {evidence['window_days']} days){secretsmanager.managed_by(secret)}"
            return failed(arn, f"{'; '.join(problems)} {window}", region=region, **evidence)
        interval, age = evidence["interval_days"], evidence["days_since_rotation"]
        return passed(arn, f"rotates every {interval:g} days, last {age} days ago", region=region, **evidence)

    def _connection_secret(self, ctx, item, connection: str) -> Result:
        arn, region = item.arn, item.region
        feeders = [
            s for s in secretsmanager.secrets(ctx.reader, region) if secretsmanager.feeds_connection(s, connection)
        ]
        evidence: dict[str, Any] = {"connection": connection, "fed_by": [f["ARN"] for f in feeders]}
        if not feeders:
            message = (
                f"EventBridge never rotates the key of connection {connection} and no secret's rotation writes "
                f"into it (tag {EVENTBRIDGE_CONNECTIONS}){secretsmanager.managed_by(item.raw)}"
            )
            return failed(arn, message, region=region, **evidence)
        rotating, stopped = [], []
        for feeder in feeders:
            window = _window(ctx, feeder)
            try:
                problems, _ = _rotation(ctx, feeder)
            except secretsmanager.ScheduleError as error:
                problems = [f"has a rotation schedule that cannot be evaluated ({error})"]
            if problems:
                stopped.append(f"{feeder['Name']} {'; '.join(problems)} (window {window} days)")
            else:
                rotating.append((feeder, window))
        if not rotating:
            message = f"connection {connection} is fed by secrets that do not rotate: {'; '.join(stopped)}"
            return failed(arn, message, region=region, **evidence)
        try:
            written = secretsmanager.current_version_created(ctx.reader, arn, region)
        except ReadError as error:
            return errored(arn, error, region=region, **evidence)
        # The strictest window among the rotating feeders: each new key must reach the connection.
        feeder, window = min(rotating, key=lambda pair: pair[1])
        age = _days_since(written, ctx.now)
        evidence.update(window_days=window, days_since_written=age)
        if age is None or age > window:
            when = f"was last written {age} days ago" if age is not None else "has no current value"
            message = (
                f"connection {connection}'s key {when}, although {feeder['Name']} rotates within {window} days: "
                f"its rotation does not reach the connection"
            )
            return failed(arn, message, region=region, **evidence)
        message = f"connection {connection}'s key is rotated with {feeder['Name']}, last written {age} days ago"
        return passed(arn, message, region=region, **evidence)


def _window(ctx, secret: Mapping[str, Any]) -> int:
    policy = ctx.expectations.policy
    return policy.max_provider_secret_rotation_days if _provider(secret) else policy.max_secret_rotation_days


def _provider(secret: Mapping[str, Any]) -> bool:
    return secretsmanager.tags(secret).get(PROVIDER_CREDENTIAL, "").lower() == TRUE


def _rotation(ctx, secret: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """What keeps ``secret`` from rotating within its window (empty when it does), and the evidence.

    Raises ScheduleError for a schedule expression that cannot be evaluated.
    """
    window, now = _window(ctx, secret), ctx.now
    interval = secretsmanager.rotation_interval_days(secret.get("RotationRules") or {}, now.date())
    age = _days_since(secret.get("LastRotatedDate") or secret.get("CreatedDate"), now)
    evidence = {
        "window_days": window,
        "provider_credential": _provider(secret),
        "rotation_enabled": bool(secret.get("RotationEnabled")),
        "interval_days": interval,
        "days_since_rotation": age,
    }
    problems = []
    if not secret.get("RotationEnabled"):
        problems.append("rotation is not enabled")
    elif interval is None or interval > window:
        problems.append(f"rotates every {interval:g} days" if interval else "has no rotation schedule")
    if age is None or age > window:
        problems.append(f"last rotated {age} days ago" if age is not None else "has no rotation date")
    return problems, evidence


def _days_since(when: dt.datetime | None, now: dt.datetime) -> int | None:
    # A date a moment after the audit started (clock skew, a write during the audit) is today.
    return max((now - when).days, 0) if when else None
