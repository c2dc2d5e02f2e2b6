from __future__ import annotations

from compliance_checks.core import Check, CheckContext, CheckMetadata, ReadError, Severity, errored, failed, passed
from compliance_checks.services import backup, kms


class BackupVaultEncryptedCmk(Check):
    """Every AWS Backup vault encrypts its recovery points with a customer-managed KMS key.

    Scenarios:
    - given a vault encrypted with a customer-managed key, then PASS
    - given a vault with the default aws/backup key, then FAIL
    - given DescribeKey on the vault's key is denied, then ERROR for that vault
    - given ListBackupVaults is denied, then ERROR
    """

    regional = True
    metadata = CheckMetadata(
        title="Backup vaults are encrypted with a customer-managed KMS key",
        severity=Severity.HIGH,
        resource_type="AWS::Backup::BackupVault",
        rationale="LP-DR-1: backups are protected with the backups key Leadping controls, rotates and can revoke.",
        remediation="Create the vault with the backups data class's customer key (a vault's key cannot be changed: "
        "create a new vault and move the plan to it) (infra: the backup component does).",
    )

    def evaluate(self, ctx: CheckContext):
        for region in ctx.reader.regions:
            for vault in backup.vaults(ctx.reader, region):
                arn = vault["BackupVaultArn"]
                key = vault.get("EncryptionKeyArn")
                evidence = {
                    "name": vault.get("BackupVaultName"),
                    "kms_key": key,
                    "key_type": vault.get("EncryptionKeyType"),
                }
                try:
                    customer, detail = kms.is_customer_managed(ctx.reader, key, region)
                except ReadError as error:
                    yield errored(arn, error, region=region, **evidence)
                    continue
                if customer:
                    yield passed(arn, f"encrypted with customer key {detail}", region=region, **evidence)
                else:
                    yield failed(
                        arn, f"not encrypted with a customer-managed key ({detail})", region=region, **evidence
                    )
