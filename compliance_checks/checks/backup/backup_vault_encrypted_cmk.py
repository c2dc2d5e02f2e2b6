from __future__ import annotations

from compliance_checks.kit import CheckMetadata, CustomerKeyCheck, KeyUse, Severity, VaultCheck


class BackupVaultEncryptedCmk(VaultCheck, CustomerKeyCheck):
    """Every AWS Backup vault encrypts its recovery points with a customer-managed KMS key.

    Scenarios:
    - given a vault encrypted with a customer-managed key, then PASS
    - given a vault with the default aws/backup key, then FAIL
    - given DescribeKey on the vault's key is denied, then ERROR for that vault
    - given ListBackupVaults is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="Backup vaults are encrypted with a customer-managed KMS key",
        severity=Severity.HIGH,
        resource_type="AWS::Backup::BackupVault",
        rationale="LP-DR-1: backups are protected with the backups key Leadping controls, rotates and can revoke.",
        remediation="Create the vault with the backups data class's customer key (a vault's key cannot be changed: "
        "create a new vault and move the plan to it) (infra: the backup component does).",
    )

    def key_use(self, ctx, item):
        vault = item.raw
        evidence = {"name": vault.get("BackupVaultName"), "key_type": vault.get("EncryptionKeyType")}
        return KeyUse(vault.get("EncryptionKeyArn"), evidence)
