"""S3, two fixes.

ListBuckets: AWS answers each bucket's ``BucketRegion`` "if the request contains at least one valid
parameter" (MaxBuckets, ContinuationToken, Prefix, BucketRegion; S3 API reference, ListBuckets) and
pages through the buckets in name order with an opaque ``ContinuationToken`` when MaxBuckets is
given. moto 5.2 filters by those parameters but answers neither the region nor a token (it cuts
the list at MaxBuckets and stops). The replacement answers both, so an auditor reads every
bucket's region from the listing instead of one GetBucketLocation per bucket.

PutBucketLogging: moto requires the target bucket's policy (or ACL) to let the logging
service write, and crashes on any statement whose Principal is the string "*" (every TLS-only
deny, LP-TX-1, has one). AWS checks log-delivery ACL grants only on buckets that use ACLs; on a
bucket with ACLs disabled (BucketOwnerEnforced, the default for new buckets) delivery is granted
by the bucket policy, which PutBucketLogging does not validate, so the order in which a program
creates the logging configuration and the target's policy does not matter. The replacement
accepts ACL-disabled targets and otherwise performs moto's check over the statement forms AWS
allows.
"""

from __future__ import annotations

import base64
import binascii
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


_OWNER = {"ID": "bcaf1ffd86f41161ca5fb16fd081034f", "DisplayName": "webfile"}  # what moto answers
_MAX_BUCKETS = 10_000  # ListBuckets' documented range for MaxBuckets is 1 to 10,000


def _token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _after(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""


def _list_buckets(self: Any) -> Any:
    """ListBuckets as AWS answers it (see the module's docstring)."""
    from moto.core.responses import ActionResult
    from moto.s3.exceptions import InvalidArgumentError

    self.data["Action"] = "ListAllMyBuckets"
    self._authenticate_and_authorize_s3_action()
    prefix = self._get_param("prefix")
    region = self._get_param("bucket-region")
    limit = self._get_param("max-buckets")
    token = self._get_param("continuation-token")
    if limit is not None and not (str(limit).isdigit() and 1 <= int(limit) <= _MAX_BUCKETS):
        raise InvalidArgumentError(f"max-buckets must be 1 to {_MAX_BUCKETS}", "max-buckets", limit)
    found = self.backend.list_buckets(prefix=prefix, bucket_region=region, max_buckets=None)
    with_region = any(value is not None for value in (prefix, region, limit, token))
    answer: dict[str, Any] = {"Owner": _OWNER}
    if limit is not None or token is not None:
        found = sorted(found, key=lambda bucket: bucket.name)
        if token is not None:
            found = [bucket for bucket in found if bucket.name > _after(token)]
        size = int(limit) if limit is not None else _MAX_BUCKETS
        if len(found) > size:
            found = found[:size]
            answer["ContinuationToken"] = _token(found[-1].name)
    answer["Buckets"] = [
        {"Name": bucket.name, "CreationDate": bucket.creation_date_ISO8601}
        | ({"BucketRegion": bucket.region_name} if with_region else {})
        for bucket in found
    ]
    if prefix is not None:
        answer["Prefix"] = prefix
    self.data["Action"] = "ListBuckets"
    return self.serialized(ActionResult(answer))


def patches() -> list[Patch]:
    from moto.s3.models import FakeBucket
    from moto.s3.responses import S3Response

    return [
        Patch(FakeBucket, "_log_permissions_enabled_policy", lambda _: staticmethod(_log_permissions_enabled_policy)),
        Patch(S3Response, "all_buckets", lambda _: _list_buckets),
    ]
