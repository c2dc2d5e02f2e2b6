from __future__ import annotations

from compliance_checks.core import (
    Check,
    CheckContext,
    CheckMetadata,
    ReadError,
    Result,
    Severity,
    errored,
    failed,
    passed,
)
from compliance_checks.services import kms, rds


class RdsStorageEncryptedCmk(Check):
    """Every RDS DB instance and DB cluster encrypts its storage with a customer-managed KMS key.

    Cluster members share the cluster's storage and are judged through their cluster.

    Scenarios:
    - given an instance encrypted with a customer-managed key, then PASS
    - given an unencrypted instance, then FAIL
    - given an instance encrypted with the AWS-managed aws/rds key, then FAIL
    - given an Aurora cluster encrypted with a customer-managed key, then PASS
    - given DescribeKey on the database's key is denied, then ERROR for that database
    """

    regional = True
    metadata = CheckMetadata(
        title="RDS storage is encrypted with a customer-managed KMS key",
        severity=Severity.HIGH,
        resource_type="AWS::RDS::DBInstance",
        rationale="LP-DR-1: data at rest is protected with keys Leadping controls, rotates and can revoke "
        "(FSBP RDS.3).",
        remediation="Create the database (or restore a snapshot copy) with StorageEncrypted and the data class's "
        "customer key; encryption cannot be turned on in place (infra: the database component sets the key).",
    )

    def evaluate(self, ctx: CheckContext):
        for db in rds.databases(ctx.reader):
            yield db.typed(self._judge(ctx, db))

    @staticmethod
    def _judge(ctx: CheckContext, db: rds.Database) -> Result:
        key = db.raw.get("KmsKeyId")
        evidence = {
            "engine": db.engine,
            "kind": db.kind,
            "storage_encrypted": bool(db.raw.get("StorageEncrypted")),
            "kms_key": key,
        }
        if not evidence["storage_encrypted"]:
            return failed(db.arn, "storage is not encrypted", region=db.region, **evidence)
        try:
            customer, detail = kms.is_customer_managed(ctx.reader, key, db.region)
        except ReadError as error:
            return errored(db.arn, error, region=db.region, **evidence)
        if customer:
            return passed(db.arn, f"storage encrypted with customer key {detail}", region=db.region, **evidence)
        return failed(
            db.arn, f"storage is not encrypted with a customer-managed key ({detail})", region=db.region, **evidence
        )
