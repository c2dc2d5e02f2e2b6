from __future__ import annotations

from compliance_checks.kit import CheckMetadata, CustomerKeyCheck, KeyUse, SecretCheck, Severity, secretsmanager


class SecretsmanagerSecretEncryptedCmk(SecretCheck, CustomerKeyCheck):
    """Every secret is encrypted with a customer-managed KMS key.

    A secret without KmsKeyId uses the AWS-managed aws/secretsmanager key and fails, as does one whose
    key's KeyManager is AWS or whose key no longer exists. Secrets another service creates are no
    exception: RDS encrypts its master secret with MasterUserSecretKmsKeyId and EventBridge a
    connection's secret with the connection's KmsKeyIdentifier, so the owner chooses the key there,
    and the failure names the owning service.

    Scenarios:
    - given a secret encrypted with a customer-managed key, then PASS
    - given a secret without a KmsKeyId (aws/secretsmanager), then FAIL
    - given a secret naming the alias/aws/secretsmanager key, then FAIL
    - given an EventBridge connection's secret on a customer-managed key, then PASS
    - given an EventBridge connection's secret on the AWS-managed key, then FAIL naming events
    - given DescribeKey is denied, then ERROR for the secret
    - given ListSecrets is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="Secrets are encrypted with a customer-managed key",
        severity=Severity.MEDIUM,
        resource_type="AWS::SecretsManager::Secret",
        rationale="LP-SEC-1, LP-DR-1: credentials live in Secrets Manager encrypted with the secrets key, whose "
        "key policy Leadping controls and can revoke.",
        remediation="Set the secret's KmsKeyId to the secrets data-class key (infra: connectedSystems secrets use "
        "it); re-encrypts on the next version. For a secret another service owns, set the key on that service's "
        "resource (RDS MasterUserSecretKmsKeyId, EventBridge connection KmsKeyIdentifier).",
    )

    def key_use(self, ctx, item):
        return KeyUse(item.raw.get("KmsKeyId"), note=secretsmanager.managed_by(item.raw))
