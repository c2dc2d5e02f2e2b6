"""Scenarios of kms_key_rotation_enabled (LP-DR-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "kms_key_rotation_enabled"


def _key_id(arn: str) -> str:
    return arn.rsplit("/", 1)[1]  # moto's ScheduleKeyDeletion and DisableKey take only the key id


def _key(rotation: bool = False, **kwargs: str) -> str:
    client = boto3.client("kms", region_name=REGION)
    metadata = client.create_key(**kwargs)["KeyMetadata"]
    if rotation:
        client.enable_key_rotation(KeyId=metadata["KeyId"])
    return metadata["Arn"]


def test_given_a_symmetric_key_with_rotation_on_then_pass(reader):
    arn = _key(rotation=True)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["rotation_enabled"] is True


def test_given_a_symmetric_key_with_rotation_off_then_fail(reader):
    rotating = _key(rotation=True)
    stale = _key()
    results = by_resource(run_check(CHECK, reader))
    assert results[stale].status is Status.FAIL
    assert "rotation off" in results[stale].message
    assert results[rotating].status is Status.PASS


def test_given_a_disabled_key_with_rotation_off_then_fail(reader):
    arn = _key()
    boto3.client("kms", region_name=REGION).disable_key(KeyId=_key_id(arn))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "disabled" in result.message
    assert result.evidence["key_state"] == "Disabled"


def test_given_a_key_pending_deletion_then_fail_with_its_deletion_date(reader):
    arn = _key(rotation=True)
    scheduled = boto3.client("kms", region_name=REGION).schedule_key_deletion(
        KeyId=_key_id(arn), PendingWindowInDays=14
    )
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "scheduled for deletion" in result.message
    assert result.evidence["deletion_date"] == scheduled["DeletionDate"].isoformat()


def test_given_an_asymmetric_key_not_pending_deletion_then_pass(reader):
    arn = _key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert "does not apply" in result.message


def test_given_an_asymmetric_key_pending_deletion_then_fail(reader):
    arn = _key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    boto3.client("kms", region_name=REGION).schedule_key_deletion(KeyId=_key_id(arn), PendingWindowInDays=7)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_aws_managed_keys_are_not_judged(reader):
    aws_key = _key()  # rotation off: it would FAIL if it were judged as a customer key
    customer_key = _key()

    # moto has no AWS-managed keys (every key it creates is KeyManager CUSTOMER), so DescribeKey's
    # answer for this one key is rewritten to what AWS returns for e.g. aws/sns.
    def as_aws_managed(parsed, **_):
        if parsed.get("KeyMetadata", {}).get("Arn") == aws_key:
            parsed["KeyMetadata"]["KeyManager"] = "AWS"

    reader.client("kms", REGION).meta.events.register("after-call.kms.DescribeKey", as_aws_managed)
    results = by_resource(run_check(CHECK, reader))
    assert aws_key not in results
    assert results[customer_key].status is Status.FAIL


def test_given_get_key_rotation_status_is_denied_then_error(reader, deny):
    arn = _key(rotation=True)
    deny("kms", "GetKeyRotationStatus")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"


def test_given_list_keys_is_denied_then_the_whole_check_errors(reader, deny):
    _key()
    deny("kms", "ListKeys")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
