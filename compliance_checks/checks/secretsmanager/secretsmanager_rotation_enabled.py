from __future__ import annotations

from collections.abc import Iterator

from compliance_checks.conventions import PROVIDER_CREDENTIAL, TRUE
from compliance_checks.core import Check, CheckContext, CheckMetadata, Result, Severity, errored, failed, passed
from compliance_checks.services import secretsmanager


class SecretsmanagerRotationEnabled(Check):
    """Every secret rotates automatically within its window, and its last rotation is within it
    (FSBP SecretsManager.1, .4).

    The window is the environment's max_secret_rotation_days (90), or max_provider_secret_rotation_days
    (30 in prod) for provider credentials: secrets tagged ``leadping:provider=true``. Rotation must be
    enabled with AutomaticallyAfterDays, ``rate(...)`` or ``cron(...)`` whose longest gap fits the window,
    and the last rotation (the creation date if never rotated) must be no older than the window at
    ctx.now. A schedule expression that cannot be evaluated is an ERROR for the secret.

    Scenarios:
    - given rotation every 30 days, rotated today, then PASS
    - given rotation disabled, then FAIL
    - given rotation every 120 days, then FAIL
    - given a provider secret rotating every 60 days in prod, then FAIL
    - given a provider secret rotating every 60 days in dev, then PASS
    - given rotation every 30 days but last rotated 100 days ago, then FAIL
    - given a cron schedule on the 1st of each month, then PASS (31-day gap within 90)
    - given ListSecrets is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="Secrets rotate within their window",
        severity=Severity.MEDIUM,
        resource_type="AWS::SecretsManager::Secret",
        rationale="LP-SEC-3: rotation on for every secret (<= 90 days; <= 30 in prod for provider credentials), "
        "so an exposed credential stops working on a schedule.",
        remediation="Enable rotation with a rotation function and a schedule within the window (infra: "
        "connectedSystems rotationDays); rotate now if the last rotation is too old.",
        permissions=secretsmanager.LIST_PERMISSIONS,
    )

    def evaluate(self, ctx: CheckContext) -> Iterator[Result]:
        policy = ctx.expectations.policy
        for region in ctx.reader.regions:
            for secret in secretsmanager.secrets(ctx.reader, region):
                arn = secret["ARN"]
                provider = secretsmanager.tags(secret).get(PROVIDER_CREDENTIAL, "").lower() == TRUE
                window = policy.max_provider_secret_rotation_days if provider else policy.max_secret_rotation_days
                rules = secret.get("RotationRules") or {}
                try:
                    interval = secretsmanager.rotation_interval_days(rules, ctx.now.date())
                except secretsmanager.ScheduleError as error:
                    yield errored(arn, f"cannot evaluate the rotation schedule: {error}", region=region)
                    continue
                last = secret.get("LastRotatedDate") or secret.get("CreatedDate")
                age = (ctx.now - last).days if last else None
                evidence = {
                    "window_days": window,
                    "provider_credential": provider,
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
                if problems:
                    message = f"{'; '.join(problems)} (window {window} days){secretsmanager.managed_by(secret)}"
                    yield failed(arn, message, region=region, **evidence)
                else:
                    yield passed(
                        arn, f"rotates every {interval:g} days, last {age} days ago", region=region, **evidence
                    )
