"""AWS Config's S3 bucket item: moto's (``FakeBucket.to_config_dict``) leaves out two members of
``supplementaryConfiguration`` that AWS Config records for every bucket (the resource schema of
``AWS::S3::Bucket``, awslabs/aws-config-resource-schema): ``ServerSideEncryptionConfiguration``
(``rules[].applyServerSideEncryptionByDefault.{sseAlgorithm, kmsMasterKeyID}``,
``rules[].bucketKeyEnabled``) and ``BucketVersioningConfiguration`` (``status``: ``Off`` until
versioning was first enabled, then ``Enabled`` or ``Suspended``; ``isMfaDeleteEnabled``). The
replacement adds them from the bucket moto holds, so that ``BatchGetResourceConfig`` answers what
AWS Config would; a bucket without a default encryption configuration (as moto keeps it) has no
``ServerSideEncryptionConfiguration``, as GetBucketEncryption then answers "not found".
"""

from __future__ import annotations

from typing import Any

from sandbox.moto_compat import Patch


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _encryption(bucket: Any) -> dict[str, Any] | None:
    # moto keeps the request's XML as parsed: {"Rule": {...}} or {"Rule": [{...}, ...]}.
    rules = []
    for rule in _as_list((bucket.encryption or {}).get("Rule")):
        default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        applied = {"sseAlgorithm": default.get("SSEAlgorithm")}
        if default.get("KMSMasterKeyID"):
            applied["kmsMasterKeyID"] = default["KMSMasterKeyID"]
        rules.append(
            {"applyServerSideEncryptionByDefault": applied, "bucketKeyEnabled": _true(rule.get("BucketKeyEnabled"))}
        )
    return {"rules": rules} if rules else None


def _versioning(bucket: Any) -> dict[str, Any]:
    # moto does not model MFA delete (GetBucketVersioning never answers MFADelete): null, as Config
    # records it for a bucket whose versioning configuration never set it.
    return {"status": bucket.versioning_status or "Off", "isMfaDeleteEnabled": None}


def _to_config_dict(original: Any) -> Any:
    def to_config_dict(self: Any) -> dict[str, Any]:
        item = original(self)
        supplementary = item.setdefault("supplementaryConfiguration", {})
        encryption = _encryption(self)
        if encryption is not None:
            supplementary["ServerSideEncryptionConfiguration"] = encryption
        supplementary["BucketVersioningConfiguration"] = _versioning(self)
        return item

    return to_config_dict


def _aggregates(aggregator: Any, account: str, region: str) -> bool:
    """Whether ``aggregator`` gathers ``account``'s items in ``region``."""
    organization = aggregator.organization_aggregation_source
    sources = [organization] if organization is not None else list(aggregator.account_aggregation_sources or [])
    for source in sources:
        accounts = None if source is organization else (source.account_ids or [])
        regions_ok = source.all_aws_regions or region in (source.aws_regions or [])
        if regions_ok and (accounts is None or account in accounts):
            return True
    return False


def _batch_get_aggregate_resource_config(original: Any) -> Any:
    def batch_get_aggregate_resource_config(
        self: Any, aggregator_name: str, resource_identifiers: list[dict[str, str]]
    ) -> dict[str, Any]:
        from moto.config.models import RESOURCE_MAP

        aggregator = self.config_aggregators.get(aggregator_name)
        if aggregator is None or len(resource_identifiers) > 100:
            return original(self, aggregator_name, resource_identifiers)  # moto's own errors
        found, not_found = [], []
        for identifier in resource_identifiers:
            account, region = identifier.get("SourceAccountId", self.account_id), identifier["SourceRegion"]
            kind = RESOURCE_MAP.get(identifier["ResourceType"])
            item = None
            if kind is not None and _aggregates(aggregator, account, region):
                item = kind.get_config_resource(
                    account,
                    partition=self.partition,
                    resource_id=identifier["ResourceId"],
                    resource_name=identifier.get("ResourceName"),
                    resource_region=region,
                )
            if not item:
                not_found.append(identifier)
                continue
            item["accountId"] = account
            item.pop("tags", None)  # as moto's: aggregate items carry no tags member
            found.append(item)
        return {"BaseConfigurationItems": found, "UnprocessedResourceIdentifiers": not_found}

    return batch_get_aggregate_resource_config


def patches() -> list[Patch]:
    from moto.config.models import ConfigBackend
    from moto.s3.models import FakeBucket

    return [
        Patch(FakeBucket, "to_config_dict", _to_config_dict),
        Patch(ConfigBackend, "batch_get_aggregate_resource_config", _batch_get_aggregate_resource_config),
    ]
