from __future__ import annotations

from compliance_checks.kit import SYSTEM, CheckMetadata, SecretCheck, Severity, failed, passed, secretsmanager


class SecretsmanagerSecretSystemTag(SecretCheck):
    """Every secret names the connected system it belongs to with a non-empty ``system`` tag.

    The key is exactly ``system`` (CONTROLS LP-SEC-2); a blank value fails. Secrets another service
    creates (RDS's master password ``rds!db-...``, an EventBridge connection's key
    ``events!connection/...``) are credentials too and are held to the same rule: the service
    creates them untagged, and the owner tags them (TagResource is allowed on them; infra declares
    ``aws.secretsmanager.Tag``). Their failure names the owning service, whose resource the secret
    belongs to.

    Scenarios:
    - given a secret tagged system=twilio, then PASS
    - given a secret without tags, then FAIL
    - given a secret tagged system with a blank value, then FAIL
    - given an RDS-managed secret tagged system=leadping-prod-leads, then PASS
    - given an EventBridge connection's secret as EventBridge creates it (untagged), then FAIL naming events
    - given ListSecrets is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="Secrets carry a system tag",
        severity=Severity.LOW,
        resource_type="AWS::SecretsManager::Secret",
        rationale="LP-SEC-2: separate credentials per system, tagged system=<name>, so each credential can be "
        "traced, rotated and revoked per connected system.",
        remediation="Tag the secret with system=<connected system> (infra: connectedSystems tags every secret; the "
        "RDS master secret and EventBridge connection secrets are tagged with aws.secretsmanager.Tag).",
    )

    def judge(self, ctx, item):
        system = secretsmanager.tags(item.raw).get(SYSTEM, "").strip()
        if system:
            return passed(item.arn, f"belongs to system {system}", region=item.region, system=system)
        message = f"no non-empty {SYSTEM!r} tag{secretsmanager.managed_by(item.raw)}"
        return failed(item.arn, message, region=item.region, system=None)
