from __future__ import annotations

from compliance_checks.kit import CheckMetadata, ListedCheck, Severity, failed, kms, passed

# Keys waiting to be deleted: a primary multi-region key waits for its replicas in the second state.
_DELETION_STATES = ("PendingDeletion", "PendingReplicaDeletion")


class KmsKeyRotationEnabled(ListedCheck):
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

    metadata = CheckMetadata(
        title="Customer-managed KMS keys rotate and are not pending deletion",
        severity=Severity.HIGH,
        resource_type="AWS::KMS::Key",
        rationale="LP-DR-1: data keys must rotate, and a key scheduled for deletion makes every object "
        "it protects unreadable once deleted (FSBP KMS.3, KMS.4).",
        remediation="Enable automatic rotation (EnableKeyRotation) on the key; cancel the scheduled deletion "
        "(CancelKeyDeletion) unless the key is provably unused (infra: DataKeys creates keys with rotation on).",
    )

    listing, arn_of = kms.keys, lambda listed, *_: listed.get("KeyArn") or listed["KeyId"]

    def judge(self, ctx, item):
        arn, region = item.arn, item.region
        key = kms.describe(ctx.reader, arn, region)
        if key is None or key.get("KeyManager") != "CUSTOMER":
            return None
        state, spec, origin = key.get("KeyState"), key.get("KeySpec"), key.get("Origin")
        evidence = {"key_state": state, "key_spec": spec, "origin": origin}
        if state in _DELETION_STATES:
            deletion = key.get("DeletionDate")
            when = deletion.isoformat() if hasattr(deletion, "isoformat") else deletion
            message = f"key is scheduled for deletion ({state}, on {when})"
            return failed(arn, message, region=region, **evidence, deletion_date=when)
        if spec != "SYMMETRIC_DEFAULT" or origin != "AWS_KMS":
            message = f"not pending deletion; automatic rotation does not apply to a {spec} key from {origin}"
            return passed(arn, message, region=region, **evidence)
        rotating = kms.rotation_enabled(ctx.reader, arn, region)
        disabled = " (key disabled)" if state == "Disabled" else ""
        make = passed if rotating else failed
        message = f"automatic rotation {'on' if rotating else 'off'}{disabled}"
        return make(arn, message, region=region, rotation_enabled=rotating, **evidence)
