"""Scenarios of rds_storage_encrypted_cmk (LP-DR-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.rds.helpers import aws_managed_key, cluster, customer_key, instance
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "rds_storage_encrypted_cmk"


def test_given_an_instance_encrypted_with_a_customer_key_then_pass(reader):
    key = customer_key()
    arn = instance("leads-db", StorageEncrypted=True, KmsKeyId=key)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["kms_key"] == key


def test_given_an_unencrypted_instance_then_fail(reader):
    good = instance("leads-db", StorageEncrypted=True, KmsKeyId=customer_key())
    bad = instance("plain-db")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "not encrypted" in results[bad].message


def test_given_an_instance_encrypted_with_the_aws_managed_key_then_fail(reader):
    arn = instance("leads-db", StorageEncrypted=True, KmsKeyId=aws_managed_key())
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "managed by AWS" in result.message


def test_given_an_aurora_cluster_encrypted_with_a_customer_key_then_pass(reader):
    arn = cluster("leads-cluster", StorageEncrypted=True, KmsKeyId=customer_key())
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_describe_key_is_denied_then_error(reader, deny):
    arn = instance("leads-db", StorageEncrypted=True, KmsKeyId=customer_key())
    deny("kms", "DescribeKey")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR
