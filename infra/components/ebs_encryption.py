"""EBS encryption by default with a customer key, in every region the stack uses (LP-DR-1).

EBS encryption by default and its default KMS key are settings of an account *in one region*:
turning them on in the stack's region leaves a volume or snapshot created in another region
(a restore into the backup copy region, an instance started there during an incident)
unencrypted or on the AWS-managed key. So each region the stack uses gets its own rotating
customer key, encryption by default and that key as the default. ``encrypt_ebs_by_default`` is
the one definition; the network component applies it in the stack's region, ``EbsEncryption``
in the other regions, each through a provider for that region.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from infra import policy_documents
from infra.components._outputs import child


def encrypt_ebs_by_default(
    name: str,
    *,
    environment: str,
    account_id: pulumi.Input[str],
    region: str,
    deletion_window_days: int,
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> aws.kms.Key:
    """Creates ``<name>-ebs-key`` (and its alias), ``<name>-ebs-encryption`` and ``<name>-ebs-default-key``
    in the region ``opts``' provider manages (``region``)."""
    key = aws.kms.Key(
        f"{name}-ebs-key",
        description=f"Leadping {environment} EBS default encryption key",
        enable_key_rotation=True,
        rotation_period_in_days=365,
        deletion_window_in_days=deletion_window_days,
        policy=pulumi.Output.from_input(account_id).apply(
            lambda account: json.dumps(
                policy_documents.key_policy(account, region, via_services=("ec2", "autoscaling")), sort_keys=True
            )
        ),
        tags=tags,
        opts=opts,
    )
    alias = f"alias/leadping-{environment}-ebs"
    aws.kms.Alias(f"{name}-ebs-key-alias", name=alias, target_key_id=key.key_id, opts=opts)
    aws.ebs.EncryptionByDefault(f"{name}-ebs-encryption", enabled=True, opts=opts)
    aws.ebs.DefaultKmsKey(f"{name}-ebs-default-key", key_arn=key.arn, opts=opts)
    return key


@dataclass(frozen=True)
class EbsEncryptionArgs:
    environment: str
    account_id: pulumi.Input[str]
    # Regions other than the stack's own (the network component covers that one).
    regions: tuple[str, ...]
    key_deletion_window_days: int
    tags: dict[str, str] = field(default_factory=dict)


class EbsEncryption(pulumi.ComponentResource):
    keys: dict[str, aws.kms.Key]

    def __init__(self, name: str, args: EbsEncryptionArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:network:EbsEncryption", name, None, opts)
        self.keys = {}
        for region in args.regions:
            provider = aws.Provider(f"{name}-{region}", region=region, opts=child(self))
            self.keys[region] = encrypt_ebs_by_default(
                f"{name}-{region}",
                environment=args.environment,
                account_id=args.account_id,
                region=region,
                deletion_window_days=args.key_deletion_window_days,
                tags=args.tags,
                opts=child(self, provider=provider),
            )
        self.register_outputs({"key_arns": {region: key.arn for region, key in self.keys.items()}})
