from __future__ import annotations

from collections.abc import Iterator

from compliance_checks.core import CheckMetadata, Result, Severity, failed, passed
from compliance_checks.families import ResourceCheck, regional
from compliance_checks.services import kms

# Keys waiting to be deleted: a primary multi-region key waits for its replicas in the second state.
_DELETION_STATES = ("PendingDeletion", "PendingReplicaDeletion")


class KmsKeyRotationEnabled(ResourceCheck):
    """Customer-managed KMS keys are not pending deletion, and symmetric ones rotate automatically.

    Every customer-managed key of the audited regions is judged (AWS-managed keys rotate by AWS).
    Rotation is required of the keys AWS can rotate automatically: KeySpec SYMMETRIC_DEFAULT with
    Origin AWS_KMS. A disabled key is judged like an enabled one: it can be re-enabled at any time
    and then serves with whatever key material it has, so its rotation must be on too. Asymmetric,
    HMAC, imported and custom-key-store keys cannot rotate automatically and are judged on deletion
    only.

    Scenarios:
    - given a customer-managed symmetric key with rotation on, then PASS
    - given a customer-managed symmetric key with rotation off, then FAIL
    - given a disabled customer-managed symmetric key with rotation off, then FAIL
    - given a customer-managed key pending deletion, then FAIL with its deletion date
    - given an asymmetric customer-managed key not pending deletion, then PASS (rotation not applicable)
    - given GetKeyRotationStatus is denied, then ERROR for that key
    """

    regional = True
    metadata = CheckMetadata(
        title="Customer-managed KMS keys rotate and are not pending deletion",
        severity=Severity.HIGH,
        resource_type="AWS::KMS::Key",
        rationale="LP-DR-1: data keys must rotate, and a key scheduled for deletion makes every object "
        "it protects unreadable once deleted (FSBP KMS.3, KMS.4).",
        remediation="Enable automatic rotation (EnableKeyRotation) on the key; cancel the scheduled deletion "
        "(CancelKeyDeletion) unless the key is provably unused (infra: DataKeys creates keys with rotation on).",
    )

    def resources(self, ctx):
        return regional(ctx, kms.keys, lambda listed: listed.get("KeyArn") or listed["KeyId"])

    def judge(self, ctx, item):
        return self._judge(ctx, item.arn, item.region)

    def _judge(self, ctx, arn: str, region: str) -> Iterator[Result]:
        key = kms.describe(ctx.reader, arn, region)
        if key is None or key.get("KeyManager") != "CUSTOMER":
            return
        state = key.get("KeyState")
        evidence = {"key_state": state, "key_spec": key.get("KeySpec"), "origin": key.get("Origin")}
        if state in _DELETION_STATES:
            deletion = key.get("DeletionDate")
            when = deletion.isoformat() if hasattr(deletion, "isoformat") else deletion
            yield failed(
                arn,
                f"key is scheduled for deletion ({state}, on {when})",
                region=region,
                **evidence,
                deletion_date=when,
            )
            return
        if key.get("KeySpec") != "SYMMETRIC_DEFAULT" or key.get("Origin") != "AWS_KMS":
            yield passed(
                arn,
                f"not pending deletion; automatic rotation does not apply to a "
                f"{key.get('KeySpec')} key from {key.get('Origin')}",
                region=region,
                **evidence,
            )
            return
        rotating = kms.rotation_enabled(ctx.reader, arn, region)
        disabled = " (key disabled)" if state == "Disabled" else ""
        if rotating:
            yield passed(arn, f"automatic rotation on{disabled}", region=region, rotation_enabled=True, **evidence)
        else:
            yield failed(arn, f"automatic rotation off{disabled}", region=region, rotation_enabled=False, **evidence)
