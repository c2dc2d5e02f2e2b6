"""Secrets Manager rotation function for Leadping's connected-system secrets (LP-SEC-3).

Secrets Manager calls the function four times per rotation (createSecret, setSecret, testSecret,
finishSecret) with the secret's ARN and the new version's token. What happens in setSecret
depends on who issues the credential, read from the secret's ``leadping:provider`` tag:

- ``false``: Leadping issues the credential (e.g. the webhook signing key). A new random
  value is generated; consumers accept the current and the previous version while they roll.
  If the secret names EventBridge connections (tag ``leadping:eventbridge-connections``, names
  separated by spaces), the new key is written into each of them, so outbound webhooks present
  it; the program never sees the value.
- ``true`` (or no tag): the provider (Twilio, SendGrid, ...) issues it. The function needs the provider's
  adapter to create the new key there; without one it fails the rotation loudly (the rotation
  alarm fires and the secret keeps its current value) instead of storing a key nobody accepts.

The value is never logged. Only the standard library and boto3 (in the Lambda runtime) are used.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Callable
from typing import Any

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# compliance_checks.conventions.PROVIDER_CREDENTIAL; the function is packaged alone, so it is repeated.
PROVIDER_TAG = "leadping:provider"
CONNECTIONS_TAG = "leadping:eventbridge-connections"
# The header webhook connections send the key in (infra.components.integrations.API_KEY_HEADER).
CONNECTION_HEADER = "X-Leadping-Webhook-Key"
CURRENT, PENDING = "AWSCURRENT", "AWSPENDING"
# 36 random bytes: a 48-character URL-safe value.
GENERATED_BYTES = 36


class RotationError(Exception):
    """The rotation cannot go on; Secrets Manager records the failure and retries later."""


# Provider adapters: system name -> function(client, secret_arn, pending_value) that registers the
# pending credential with the provider. None are shipped yet; see the module docstring.
PROVIDER_ADAPTERS: dict[str, Callable[[Any, str, dict[str, str]], None]] = {}


def _client() -> Any:
    return boto3.client("secretsmanager", endpoint_url=os.environ.get("SECRETS_MANAGER_ENDPOINT") or None)


def _events() -> Any:
    return boto3.client("events")


def _tags(metadata: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in metadata.get("Tags", [])}


def handler(event: dict[str, Any], context: Any, client: Any = None, events: Any = None) -> None:
    client = client or _client()
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    metadata = client.describe_secret(SecretId=arn)
    if not metadata.get("RotationEnabled"):
        raise RotationError(f"rotation is not enabled for {arn}")
    versions = metadata.get("VersionIdsToStages", {})
    if token not in versions:
        raise RotationError(f"version {token} is not a version of {arn}")
    if CURRENT in versions[token]:
        logger.info("version %s of %s is already current", token, arn)
        return
    if PENDING not in versions[token]:
        raise RotationError(f"version {token} of {arn} is not pending")
    if step == "createSecret":
        create_secret(client, arn, token, metadata)
    elif step == "setSecret":
        set_secret(client, arn, token, metadata, events)
    elif step == "testSecret":
        test_secret(client, arn, token, metadata)
    elif step == "finishSecret":
        finish_secret(client, arn, token, metadata)
    else:
        raise RotationError(f"unknown rotation step {step!r}")


def create_secret(client: Any, arn: str, token: str, metadata: dict[str, Any]) -> None:
    try:
        client.get_secret_value(SecretId=arn, VersionId=token, VersionStage=PENDING)
        logger.info("pending version %s of %s exists", token, arn)
        return
    except client.exceptions.ResourceNotFoundException:
        pass
    value = secrets.token_urlsafe(GENERATED_BYTES)
    client.put_secret_value(
        SecretId=arn,
        ClientRequestToken=token,
        SecretString=json.dumps({"value": value}),
        VersionStages=[PENDING],
    )
    logger.info("created pending version %s of %s", token, arn)


def _pending(client: Any, arn: str, token: str) -> dict[str, str]:
    return json.loads(client.get_secret_value(SecretId=arn, VersionId=token, VersionStage=PENDING)["SecretString"])


def set_secret(client: Any, arn: str, token: str, metadata: dict[str, Any], events: Any = None) -> None:
    tags = _tags(metadata)
    if tags.get(PROVIDER_TAG, "true") == "false":
        # Leadping issues this credential; only the connections that present it need the new key.
        connections = tags.get(CONNECTIONS_TAG, "").split()
        if connections:
            events = events or _events()
            header = CONNECTION_HEADER
            value = _pending(client, arn, token)["value"]
            for name in connections:
                events.update_connection(
                    Name=name,
                    AuthorizationType="API_KEY",
                    AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": header, "ApiKeyValue": value}},
                )
                logger.info("wrote pending version %s of %s into connection %s", token, arn, name)
        return
    system = tags.get("system", "")
    adapter = PROVIDER_ADAPTERS.get(system)
    if adapter is None:
        raise RotationError(
            f"{arn}: no provider adapter for system {system!r}; rotate it with the provider and "
            "put the new value by hand (runbook: credential rotation)"
        )
    adapter(client, arn, _pending(client, arn, token))


def test_secret(client: Any, arn: str, token: str, metadata: dict[str, Any]) -> None:
    pending = client.get_secret_value(SecretId=arn, VersionId=token, VersionStage=PENDING)["SecretString"]
    try:
        value = json.loads(pending).get("value")
    except (ValueError, AttributeError):
        value = None
    if not isinstance(value, str) or len(value) < 32:
        raise RotationError(f"pending version {token} of {arn} does not hold a usable value")


def finish_secret(client: Any, arn: str, token: str, metadata: dict[str, Any]) -> None:
    current = next((v for v, stages in metadata["VersionIdsToStages"].items() if CURRENT in stages), None)
    move: dict[str, str] = {"SecretId": arn, "VersionStage": CURRENT, "MoveToVersionId": token}
    if current:
        move["RemoveFromVersionId"] = current
    client.update_secret_version_stage(**move)
    logger.info("version %s of %s is now current (was %s)", token, arn, current)
