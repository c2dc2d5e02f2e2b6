"""Provider functions (invokes) answered during an offline render with the default FakeCloud.

Programs call data sources (``aws.get_caller_identity()``, ``aws.iam.get_policy_document()``, ...)
while they run; offline there is no provider, so each function the renderer supports is answered
here, deterministically. An unknown function stops the render with an error naming it (fail
closed: a guessed answer could hide a misconfiguration).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Function = Callable[[dict[str, Any], str, str], dict[str, Any]]  # (args, account_id, region) -> result


def _caller_identity(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return {
        "accountId": account,
        "arn": f"arn:aws:iam::{account}:user/offline-render",
        "userId": "AIDAOFFLINERENDER",
        "id": account,
    }


def _region(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    name = args.get("region") or args.get("name") or region
    return {"name": name, "region": name, "id": name, "endpoint": f"ec2.{name}.amazonaws.com"}


def _partition(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"}


def _availability_zones(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    names = [f"{region}{suffix}" for suffix in "abcdef"]
    return {"names": names, "zoneIds": [f"az{i}" for i in range(1, 7)], "id": region}


def _secret_version(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    # The value exists only in Secrets Manager; an offline render never has one.
    secret = args.get("secretId", "")
    return {
        "arn": secret,
        "id": f"{secret}|AWSCURRENT",
        "secretId": secret,
        "secretString": "offline-render-no-secret-value",
        "versionId": "offline-render",
        "versionStages": ["AWSCURRENT"],
    }


FUNCTIONS: dict[str, Function] = {
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _availability_zones,
    "aws:secretsmanager/getSecretVersion:getSecretVersion": _secret_version,
}
