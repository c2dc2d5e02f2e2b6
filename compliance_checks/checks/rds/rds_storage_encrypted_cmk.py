from __future__ import annotations

from compliance_checks.kit import CheckMetadata, CustomerKeyCheck, DatabaseCheck, KeyUse, Severity


class RdsStorageEncryptedCmk(DatabaseCheck, CustomerKeyCheck):
    """Every RDS DB instance and DB cluster encrypts its storage with a customer-managed KMS key.

    Cluster members share the cluster's storage and are judged through their cluster.

    Scenarios:
    - given an instance encrypted with a customer-managed key, then PASS
    - given an unencrypted instance, then FAIL
    - given an instance encrypted with the AWS-managed aws/rds key, then FAIL
    - given an Aurora cluster encrypted with a customer-managed key, then PASS
    - given DescribeKey on the database's key is denied, then ERROR for that database
    """

    metadata = CheckMetadata(
        title="RDS storage is encrypted with a customer-managed KMS key",
        severity=Severity.HIGH,
        resource_type="AWS::RDS::DBInstance",
        rationale="LP-DR-1: data at rest is protected with keys Leadping controls, rotates and can revoke "
        "(FSBP RDS.3).",
        remediation="Create the database (or restore a snapshot copy) with StorageEncrypted and the data class's "
        "customer key; encryption cannot be turned on in place (infra: the database component sets the key).",
    )

    encrypted_what = "storage encrypted"

    def key_use(self, ctx, item):
        encrypted = bool(item.raw.get("StorageEncrypted"))
        evidence = {"engine": item.engine, "kind": item.kind, "storage_encrypted": encrypted}
        return KeyUse(item.raw.get("KmsKeyId"), evidence, None if encrypted else "storage is not encrypted")
