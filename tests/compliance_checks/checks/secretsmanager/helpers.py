"""Building secrets in moto for the Secrets Manager checks' scenarios."""

from __future__ import annotations

import json
from typing import Any

import boto3

from tests.compliance_checks.conftest import REGION


def sm_client():
    return boto3.client("secretsmanager", region_name=REGION)


def secret(name: str, *, tags: dict[str, str] | None = None, kms_key: str | None = None, **options: Any) -> str:
    """A secret with a test-fixture value (not a credential); returns its ARN."""
    kwargs: dict[str, Any] = {"Name": name, "SecretString": "test-fixture-value"}
    if tags is not None:
        kwargs["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    if kms_key:
        kwargs["KmsKeyId"] = kms_key
    arn = sm_client().create_secret(**kwargs)["ARN"]
    if "policy" in options:
        sm_client().put_resource_policy(SecretId=arn, ResourcePolicy=json.dumps(options["policy"]))
    if "rotate_days" in options:
        # Without a rotation Lambda, moto records the schedule and a rotation at once (nothing is invoked).
        sm_client().rotate_secret(SecretId=arn, RotationRules={"AutomaticallyAfterDays": options["rotate_days"]})
    return arn


def managed_secret(service: str, name: str, *, kms_key: str | None = None, tags: dict[str, str] | None = None) -> str:
    """A secret another service owns (OwningService), as RDS or EventBridge create it; returns its ARN.

    AWS creates these through the owning service; moto's backend call stands in for that service.
    """
    from moto.secretsmanager.models import secretsmanager_backends

    from tests.compliance_checks.conftest import ACCOUNT_ID

    created = secretsmanager_backends[ACCOUNT_ID][REGION].create_managed_secret(
        service_name=service,
        secret_id=name,
        secret_string="test-fixture-value",
        kms_key_id=kms_key,
        tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()],
    )
    return created.arn


def connection_secret(connection: str) -> str:
    """The secret EventBridge creates for an API-key connection; returns its ARN."""
    events = boto3.client("events", region_name=REGION)
    events.create_connection(
        Name=connection,
        AuthorizationType="API_KEY",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "X-Key", "ApiKeyValue": "test-fixture-value"}},
    )
    return events.describe_connection(Name=connection)["SecretArn"]
