from __future__ import annotations

from compliance_checks.core import Check, CheckContext, CheckMetadata, ReadError, Severity, errored, failed, passed
from compliance_checks.services import kms, secretsmanager


class SecretsmanagerSecretEncryptedCmk(Check):
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

    regional = True
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

    def evaluate(self, ctx: CheckContext):
        for region in ctx.reader.regions:
            for secret in secretsmanager.secrets(ctx.reader, region):
                arn, key_id = secret["ARN"], secret.get("KmsKeyId")
                try:
                    customer, detail = kms.is_customer_managed(ctx.reader, key_id, region)
                except ReadError as error:
                    yield errored(arn, error, region=region, kms_key=key_id)
                    continue
                if customer:
                    yield passed(arn, f"encrypted with customer-managed key {detail}", region=region, kms_key=detail)
                else:
                    message = f"not encrypted with a customer-managed key ({detail}){secretsmanager.managed_by(secret)}"
                    yield failed(arn, message, region=region, kms_key=key_id)
