"""KMS inventory: describe a key by id, ARN or alias, and tell customer keys from AWS keys."""

from __future__ import annotations

from typing import Any

from compliance_checks.reader import Reader


def describe(reader: Reader, key_id: str, region: str) -> dict[str, Any] | None:
    """KeyMetadata of a key (None when it does not exist)."""
    if key_id.startswith("arn:aws") and ":kms:" in key_id:
        region = key_id.split(":")[3] or region
    response = reader.call(
        "kms", "describe_key", region=region, missing=("NotFoundException",), expect=("KeyMetadata",), KeyId=key_id
    )
    return None if response is None else response["KeyMetadata"]


def is_customer_managed(reader: Reader, key_id: str | None, region: str) -> tuple[bool, str]:
    """Whether ``key_id`` names a customer-managed key, and why not when it does not.

    No key id (the service default), an ``alias/aws/...`` alias, or a key whose KeyManager is AWS
    are AWS-managed. A key that does not exist is not a customer key either.
    """
    if not key_id:
        return False, "no key given: the service's AWS-managed key is used"
    if "alias/aws/" in key_id:
        return False, f"{key_id} is an AWS-managed key"
    metadata = describe(reader, key_id, region)
    if metadata is None:
        return False, f"key {key_id} does not exist"
    if metadata.get("KeyManager") != "CUSTOMER":
        return False, f"key {metadata.get('Arn', key_id)} is managed by {metadata.get('KeyManager')}"
    return True, str(metadata.get("Arn", key_id))


def keys(reader: Reader, region: str) -> list[dict[str, Any]]:
    """Every key of the region (KeyId and KeyArn), customer-managed and AWS-managed alike."""
    return reader.paginate("kms", "list_keys", "Keys", region=region)


def rotation_enabled(reader: Reader, key_id: str, region: str) -> bool:
    """Whether automatic rotation is on (GetKeyRotationStatus)."""
    response = (
        reader.call("kms", "get_key_rotation_status", region=region, expect=("KeyRotationEnabled",), KeyId=key_id) or {}
    )
    return bool(response.get("KeyRotationEnabled"))
