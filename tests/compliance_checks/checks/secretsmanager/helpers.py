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
