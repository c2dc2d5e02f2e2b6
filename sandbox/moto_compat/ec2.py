"""EC2: flow logs into an S3 folder, and the Region's default KMS key for EBS encryption.

- CreateFlowLogs to S3: AWS accepts a folder in the destination ARN (``arn:aws:s3:::bucket/prefix/``);
  moto looks for a bucket named ``bucket/prefix/``. The wrapper validates the bucket and stores the
  full destination.
- GetEbsDefaultKmsKeyId and ResetEbsDefaultKmsKeyId (moto implements only the Modify): per account
  and Region, the key ModifyEbsDefaultKmsKeyId set, or, until one is set or after a reset, the
  AWS managed key for EBS, which AWS names by its alias ARN (``arn:aws:kms:<region>:<account>:alias/aws/ebs``).
"""

from __future__ import annotations

from typing import Any

from sandbox.moto_compat import Patch

AWS_MANAGED_EBS_ALIAS = "alias/aws/ebs"


def _flow_logs_with_s3_folders(original: Any) -> Any:
    def create_flow_logs(
        self: Any,
        resource_type: str,
        resource_ids: list[str],
        traffic_type: str,
        deliver_logs_permission_arn: str,
        log_destination_type: str,
        log_destination: str,
        log_group_name: str,
        log_format: str,
        max_aggregation_interval: int,
    ) -> Any:
        checked = log_destination
        if log_destination_type == "s3" and log_destination and ":::" in log_destination:
            head, _, path = log_destination.partition(":::")
            checked = f"{head}:::{path.split('/', 1)[0]}"
        created, unsuccessful = original(
            self,
            resource_type,
            resource_ids,
            traffic_type,
            deliver_logs_permission_arn,
            log_destination_type,
            checked,
            log_group_name,
            log_format,
            max_aggregation_interval,
        )
        for flow_log in created:
            flow_log.log_destination = log_destination
        return created, unsuccessful

    return create_flow_logs


def _aws_managed_key(backend: Any) -> Any:
    """moto's stand-in for the AWS managed EBS key (it creates one for encrypted volumes), or None."""
    from moto.kms.models import kms_backends

    kms = kms_backends[backend.account_id][backend.region_name]
    return kms.describe_key(AWS_MANAGED_EBS_ALIAS) if kms.alias_exists(AWS_MANAGED_EBS_ALIAS) else None


def default_kms_key(backend: Any) -> str:
    """The Region's default EBS key: the one set, else the AWS managed key's alias ARN."""
    key = str(backend.default_kms_key_id or "")
    managed = _aws_managed_key(backend) if key else None
    if key and (managed is None or managed.arn != key):
        return key
    return f"arn:{backend.partition}:kms:{backend.region_name}:{backend.account_id}:{AWS_MANAGED_EBS_ALIAS}"


def _managed_by_aws(original: Any) -> Any:
    """The key moto creates for encrypted volumes stands for AWS's own: DescribeKey says so."""

    def create_default_encryption_key(self: Any) -> str:
        arn = original(self)
        managed = _aws_managed_key(self)
        if managed is not None:
            managed.key_manager = "AWS"
        return arn

    return create_default_encryption_key


def _get_default_key(_: Any) -> Any:
    def get_ebs_default_kms_key_id(self: Any) -> Any:
        from moto.core.responses import ActionResult

        self.error_on_dryrun()
        return ActionResult({"KmsKeyId": default_kms_key(self.ec2_backend)})

    return get_ebs_default_kms_key_id


def _reset_default_key(_: Any) -> Any:
    def reset_ebs_default_kms_key_id(self: Any) -> Any:
        from moto.core.responses import ActionResult

        self.error_on_dryrun()
        self.ec2_backend.default_kms_key_id = ""
        return ActionResult({"KmsKeyId": default_kms_key(self.ec2_backend)})

    return reset_ebs_default_kms_key_id


def patches() -> list[Patch]:
    from moto.ec2.models.elastic_block_store import EBSBackend
    from moto.ec2.models.flow_logs import FlowLogsBackend
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    return [
        Patch(FlowLogsBackend, "create_flow_logs", _flow_logs_with_s3_folders),
        Patch(EBSBackend, "_create_default_encryption_key", _managed_by_aws),
        Patch(ElasticBlockStore, "get_ebs_default_kms_key_id", _get_default_key),
        Patch(ElasticBlockStore, "reset_ebs_default_kms_key_id", _reset_default_key),
    ]
