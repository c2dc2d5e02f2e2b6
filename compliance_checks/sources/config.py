"""AWS Config as the source of resource configurations (``audit --source config``).

Where an account records AWS Config, a bucket's encryption, policy, public access block,
versioning, logging and tags are already in its configuration item. Instead of six reads per
bucket, the reader asks Config for the items of 100 buckets at a time (``BatchGetResourceConfig``
in the bucket's region, or ``BatchGetAggregateResourceConfig`` through an organization aggregator,
``--config-aggregator NAME``) and translates each item's ``supplementaryConfiguration`` into the
answer the S3 API would have given, so that the service helpers and the checks, and so the
verdicts, are the same as with ``--source api``.

What Config does not hold stays a live read: an operation not translated here (every other
service's, S3's lifecycle and object lock), a bucket Config has not recorded or recorded as
deleted. The report's metadata says how many answers came from Config and which operations were
read live. Fail closed: a region where Config is not recording (``DescribeConfigurationRecorderStatus``;
not readable through an aggregator, which says so), and a Config read that fails, make the reads
that needed it ERROR; Config is never silently replaced by live reads, nor read as "not configured".
Config's items trail the resources by the few minutes Config takes to record a change
(``configurationItemCaptureTime``).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from compliance_checks.core import ReadError
from compliance_checks.sources import LIVE

BUCKET = "AWS::S3::Bucket"
BATCH = 100  # BatchGetResourceConfig and its aggregate form take at most 100 keys
# What the auditor role needs besides the checks' own actions (the aggregate one with --config-aggregator).
PERMISSIONS = (
    "config:BatchGetResourceConfig",
    "config:DescribeConfigurationRecorderStatus",
    "config:BatchGetAggregateResourceConfig",
)


def _document(value: Any) -> Any:
    """A supplementaryConfiguration value: a JSON string (the API's map of strings), once or twice encoded."""
    for _ in range(2):
        if not isinstance(value, str):
            break
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value


def _encryption(supplementary: Mapping[str, Any], _: Mapping[str, Any]) -> dict[str, Any] | None:
    found = _document(supplementary.get("ServerSideEncryptionConfiguration"))
    if not found:
        return None  # as ServerSideEncryptionConfigurationNotFoundError
    rules = []
    for rule in found.get("rules") or []:
        default = rule.get("applyServerSideEncryptionByDefault") or {}
        applied = {"SSEAlgorithm": default.get("sseAlgorithm")}
        if default.get("kmsMasterKeyID"):
            applied["KMSMasterKeyID"] = default["kmsMasterKeyID"]
        translated: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": applied}
        if rule.get("bucketKeyEnabled") is not None:
            translated["BucketKeyEnabled"] = bool(rule["bucketKeyEnabled"])
        rules.append(translated)
    return {"ServerSideEncryptionConfiguration": {"Rules": rules}}


def _policy(supplementary: Mapping[str, Any], _: Mapping[str, Any]) -> dict[str, Any] | None:
    text = (_document(supplementary.get("BucketPolicy")) or {}).get("policyText")
    return None if not text else {"Policy": text}  # None: as NoSuchBucketPolicy


def _public_access_block(supplementary: Mapping[str, Any], _: Mapping[str, Any]) -> dict[str, Any] | None:
    found = _document(supplementary.get("PublicAccessBlockConfiguration"))
    if not found:
        return None  # as NoSuchPublicAccessBlockConfiguration
    names = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    return {"PublicAccessBlockConfiguration": {n: bool(found.get(n[0].lower() + n[1:])) for n in names}}


def _versioning(supplementary: Mapping[str, Any], _: Mapping[str, Any]) -> Any:
    found = _document(supplementary.get("BucketVersioningConfiguration"))
    if not isinstance(found, dict):
        return LIVE  # not recorded in this item: ask S3
    status = found.get("status")
    answer: dict[str, Any] = {} if status in (None, "Off") else {"Status": status}  # "Off": never enabled
    if found.get("isMfaDeleteEnabled") is not None:
        answer["MFADelete"] = "Enabled" if found["isMfaDeleteEnabled"] else "Disabled"
    return answer


def _logging(supplementary: Mapping[str, Any], _: Mapping[str, Any]) -> Any:
    found = _document(supplementary.get("BucketLoggingConfiguration"))
    if not isinstance(found, dict):
        return LIVE
    if not found.get("destinationBucketName"):
        return {}
    return {
        "LoggingEnabled": {
            "TargetBucket": found["destinationBucketName"],
            "TargetPrefix": found.get("logFilePrefix") or "",
        }
    }


def _tagging(supplementary: Mapping[str, Any], _: Mapping[str, Any]) -> Any:
    # BatchGetResourceConfig's items carry no ``tags`` member; S3's tag set is in the supplementary
    # configuration. A bucket without one is read live: its absence may mean "no tags" or "not recorded".
    found = _document(supplementary.get("BucketTaggingConfiguration"))
    if not isinstance(found, dict):
        return LIVE
    tags: dict[str, str] = {}
    for tag_set in found.get("tagSets") or []:
        tags.update(tag_set.get("tags") or {})
    return {"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else None  # None: NoSuchTagSet


# The S3 reads Config answers, by boto3 method name: the API answer from (supplementary, item).
TRANSLATIONS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], Any]] = {
    "get_bucket_encryption": _encryption,
    "get_bucket_policy": _policy,
    "get_public_access_block": _public_access_block,
    "get_bucket_versioning": _versioning,
    "get_bucket_logging": _logging,
    "get_bucket_tagging": _tagging,
}


def merged_descriptions(described: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    """One ``metadata.source`` from several accounts' (or shards'): the counts added up."""
    if not described:
        return None
    merged: dict[str, Any] = {**described[0], "answered_from_config": {}, "read_live": {}}
    for one in described:
        for key in ("answered_from_config", "read_live"):
            for operation, count in (one.get(key) or {}).items():
                merged[key][operation] = merged[key].get(operation, 0) + int(count)
    return merged


class ConfigSource:
    """Answers the reads Config holds, for one reader's account; counts what it answered."""

    def __init__(self, aggregator: str | None = None, via: Any = None) -> None:
        self.aggregator = aggregator
        # The reader of the account that holds the aggregator (an organization run's management or
        # delegated-administrator account); by default the audited account's own reader.
        self.via = via
        self._lock = threading.Lock()
        self.from_config: Counter[str] = Counter()  # "s3:get_bucket_encryption" -> answers from Config
        self.live: Counter[str] = Counter()  # reads Config could not answer, sent to the API

    def describe(self) -> dict[str, Any]:
        """The report's ``metadata.source``."""
        return {
            "kind": "config",
            "aggregator": self.aggregator,
            "answered_from_config": dict(sorted(self.from_config.items())),
            "read_live": dict(sorted(self.live.items())),
            "recording_checked": self.aggregator is None,
        }

    def _note(self, counter: Counter[str], what: str) -> None:
        with self._lock:
            counter[what] += 1

    def answer(self, reader: Any, service: str, operation: str, region: str, params: Mapping[str, Any]) -> Any:
        """The API answer Config holds for this read (None for "not configured"), or LIVE."""
        if service == "config":
            return LIVE  # the source's own bulk reads
        translate = TRANSLATIONS.get(operation) if service == "s3" else None
        name = params.get("Bucket")
        if translate is None or not isinstance(name, str) or set(params) != {"Bucket"}:
            self._note(self.live, f"{service}:{operation}")
            return LIVE
        item = self._bucket_items(reader, region).get(name)
        if item is None or item.get("configurationItemStatus") in ("ResourceDeleted", "ResourceNotRecorded"):
            self._note(self.live, f"{service}:{operation}")
            return LIVE
        supplementary = item.get("supplementaryConfiguration") or {}
        translated = translate(supplementary, item)
        self._note(self.live if translated is LIVE else self.from_config, f"{service}:{operation}")
        return translated

    # -- bulk reads ----------------------------------------------------------------------

    def _bucket_items(self, reader: Any, region: str) -> dict[str, Mapping[str, Any]]:
        """Every bucket's configuration item in ``region``, by name (read once per run and region)."""
        return reader.memo(
            ("config-items", BUCKET, region, self.aggregator), lambda: self._read_buckets(reader, region)
        )

    def _read_buckets(self, reader: Any, region: str) -> dict[str, Mapping[str, Any]]:
        from compliance_checks.services import s3  # the bucket list is the S3 helper's (ListBuckets)

        if self.aggregator is None:
            self._require_recording(reader, region)
        names = [b.name for b in s3.buckets(reader) if b.region == region and b.unlocated is None]
        items: dict[str, Mapping[str, Any]] = {}
        for start in range(0, len(names), BATCH):
            chunk = names[start : start + BATCH]
            for item in self._batch(reader, region, chunk):
                if item.get("resourceType") == BUCKET and item.get("resourceId") in chunk:
                    items[str(item["resourceId"])] = item
        return items

    def _batch(self, reader: Any, region: str, names: list[str]) -> list[Mapping[str, Any]]:
        if self.aggregator is None:
            answer = reader.call(
                "config",
                "batch_get_resource_config",
                region=region,
                expect=("baseConfigurationItems",),
                resourceKeys=[{"resourceType": BUCKET, "resourceId": name} for name in names],
            )
            unprocessed = (answer or {}).get("unprocessedResourceKeys") or []
            items = (answer or {}).get("baseConfigurationItems") or []
        else:
            through = self.via or reader
            answer = through.call(
                "config",
                "batch_get_aggregate_resource_config",
                region=through.home_region,
                expect=("BaseConfigurationItems",),
                ConfigurationAggregatorName=self.aggregator,
                ResourceIdentifiers=[
                    {
                        "SourceAccountId": reader.account_id,
                        "SourceRegion": region,
                        "ResourceId": name,
                        "ResourceType": BUCKET,
                    }
                    for name in names
                ],
            )
            unprocessed = []  # not recorded by the aggregator: read live, as below
            items = (answer or {}).get("BaseConfigurationItems") or []
        if unprocessed:
            # AWS left keys unprocessed (throttled inside Config): no verdict rests on a guess.
            raise ReadError(
                ReadError.THROTTLED,
                "config:batch_get_resource_config",
                f"{len(unprocessed)} keys left unprocessed",
                region,
            )
        return [self._parsed(item) for item in items]

    @staticmethod
    def _parsed(item: Mapping[str, Any]) -> Mapping[str, Any]:
        parsed = dict(item)
        parsed["supplementaryConfiguration"] = dict(item.get("supplementaryConfiguration") or {})
        return parsed

    @staticmethod
    def _require_recording(reader: Any, region: str) -> None:
        status = reader.call(
            "config", "describe_configuration_recorder_status", region=region, expect=("ConfigurationRecordersStatus",)
        )
        if not any(s.get("recording") for s in (status or {}).get("ConfigurationRecordersStatus", [])):
            raise ReadError(
                ReadError.FAILED,
                "config:describe_configuration_recorder_status",
                f"AWS Config is not recording in {region}: its items would be stale or absent (use --source api)",
                region,
            )
