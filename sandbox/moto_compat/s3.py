"""S3 PutBucketLogging: moto requires the target bucket's policy (or ACL) to let the logging
service write, and crashes on any statement whose Principal is the string "*" (every TLS-only
deny, LP-TX-1, has one). AWS checks log-delivery ACL grants only on buckets that use ACLs; on a
bucket with ACLs disabled (BucketOwnerEnforced, the default for new buckets) delivery is granted
by the bucket policy, which PutBucketLogging does not validate, so the order in which a program
creates the logging configuration and the target's policy does not matter. The replacement
accepts ACL-disabled targets and otherwise performs moto's check over the statement forms AWS
allows.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.moto_compat import Patch

_LOGGING_SERVICE = "logging.s3.amazonaws.com"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _log_permissions_enabled_policy(target_bucket: Any, target_prefix: str | None) -> bool:
    if getattr(target_bucket, "ownership_rule", None) in (None, "BucketOwnerEnforced"):
        return True
    policy = target_bucket.policy
    if not policy:
        return False
    document = json.loads(policy.decode() if isinstance(policy, bytes) else policy)
    bucket_arn = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}"
    accepted = {f"{bucket_arn}/{target_prefix or ''}*", f"{bucket_arn}/*", bucket_arn}
    for statement in _as_list(document.get("Statement")):
        principal = statement.get("Principal")
        services = _as_list(principal.get("Service")) if isinstance(principal, dict) else []
        if _LOGGING_SERVICE not in services or statement.get("Effect") != "Allow":
            continue
        actions = _as_list(statement.get("Action"))
        if not any(a in ("s3:PutObject", "s3:*", "*") for a in actions):
            continue
        if accepted & set(_as_list(statement.get("Resource"))):
            return True
    return False


def patches() -> list[Patch]:
    from moto.s3.models import FakeBucket

    return [
        Patch(FakeBucket, "_log_permissions_enabled_policy", lambda _: staticmethod(_log_permissions_enabled_policy))
    ]
