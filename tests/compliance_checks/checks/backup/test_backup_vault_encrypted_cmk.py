"""Scenarios of backup_vault_encrypted_cmk (LP-DR-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.checks.backup.helpers import vault
from tests.compliance_checks.checks.rds.helpers import aws_managed_key
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "backup_vault_encrypted_cmk"


def test_given_a_vault_encrypted_with_a_customer_key_then_pass(reader):
    key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    arn = vault("main", key=key)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["kms_key"] == key


def test_given_a_vault_with_the_default_aws_backup_key_then_fail(reader):
    good = vault("main", key=boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"])
    bad = vault("Default", key=aws_managed_key())
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "managed by AWS" in results[bad].message


def test_given_a_vault_listed_without_a_key_then_fail(reader):
    arn = vault("keyless")  # moto lists no EncryptionKeyArn when none is given
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_describe_key_is_denied_then_error(reader, deny):
    arn = vault("main", key=boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"])
    deny("kms", "DescribeKey")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR


def test_given_list_backup_vaults_is_denied_then_error(reader, deny):
    vault("main")
    deny("backup", "ListBackupVaults")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
