"""AWS Backup: one test per security property (LP-BK-1)."""

from __future__ import annotations

from compliance_checks import conventions
from infra.render import RenderedResource, Rendering
from tests.infra.rendered import key_class, named, output, tags


def plan_rules(rendering: Rendering) -> dict[str, dict]:
    (plan,) = rendering.of_type("aws:backup/plan:Plan")
    return {rule["ruleName"]: rule for rule in plan.inputs["rules"]}


def vault(rendering: Rendering, logical: str = "backups-vault") -> RenderedResource:
    return named(rendering, "aws:backup/vault:Vault", logical)


def test_vault_is_encrypted_with_the_backups_key(stack):
    assert key_class(stack, vault(stack).inputs["kmsKeyArn"]) == "backups"


def test_vault_lock_keeps_recovery_points_at_least_seven_days(stack):
    lock = named(stack, "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "backups-vault-lock")
    assert lock.inputs["backupVaultName"] == output(vault(stack), "name")
    assert lock.inputs["minRetentionDays"] == 7
    assert lock.inputs["maxRetentionDays"] >= max(
        rule["lifecycle"]["deleteAfter"] for rule in plan_rules(stack).values()
    )


def test_prod_vault_lock_is_compliance_mode_and_dev_governance(dev, prod):
    def grace(rendering: Rendering) -> object:
        lock = named(rendering, "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "backups-vault-lock")
        return lock.inputs.get("changeableForDays")

    assert grace(prod) == 3
    assert grace(dev) is None


def test_daily_backups_are_kept_as_the_environment_requires(dev, prod):
    assert plan_rules(prod)["daily"]["lifecycle"]["deleteAfter"] == 35
    assert plan_rules(dev)["daily"]["lifecycle"]["deleteAfter"] == 7
    assert plan_rules(prod)["daily"]["targetVaultName"] == output(vault(prod), "name")


def test_prod_keeps_monthly_backups_for_a_year_and_dev_has_none(dev, prod):
    assert plan_rules(prod)["monthly"]["lifecycle"]["deleteAfter"] == 365
    assert "monthly" not in plan_rules(dev)


def test_prod_copies_every_backup_to_a_vault_in_the_second_region(prod):
    copy_vault = vault(prod, "backups-copy-vault")
    (provider,) = [p for p in prod.of_type("pulumi:providers:aws") if p.name == "backups-copy-region"]
    assert provider.inputs["region"] == prod.config["leadping:backupCopyRegion"] == "us-west-2"
    assert copy_vault.provider is not None
    assert copy_vault.provider.startswith(provider.urn)
    assert ":us-west-2:" in output(copy_vault, "arn")
    for rule in plan_rules(prod).values():
        (copy,) = rule["copyActions"]
        assert copy["destinationVaultArn"] == output(copy_vault, "arn")
        assert copy["lifecycle"]["deleteAfter"] == rule["lifecycle"]["deleteAfter"]


def test_the_copy_vault_is_encrypted_and_locked_in_its_own_region(prod):
    copy_key = named(prod, "aws:kms/key:Key", "backups-copy-key")
    assert copy_key.provider == vault(prod, "backups-copy-vault").provider
    assert vault(prod, "backups-copy-vault").inputs["kmsKeyArn"] == output(copy_key, "arn")
    assert copy_key.inputs["enableKeyRotation"] is True
    assert tags(copy_key)[conventions.DATA_CLASS] == "backups"
    lock = named(prod, "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "backups-copy-vault-lock")
    assert lock.inputs["minRetentionDays"] == 7


def test_dev_does_not_copy_backups(dev):
    assert all(not rule.get("copyActions") for rule in plan_rules(dev).values())
    assert dev.of_type("pulumi:providers:aws") == []


def test_selection_takes_every_resource_tagged_as_a_data_store(stack):
    (selection,) = stack.of_type("aws:backup/selection:Selection")
    (plan,) = stack.of_type("aws:backup/plan:Plan")
    assert selection.inputs["planId"] == output(plan, "id")
    assert selection.inputs["selectionTags"] == [
        {"type": "STRINGEQUALS", "key": conventions.DATA_STORE, "value": conventions.TRUE}
    ]
    assert "resources" not in selection.inputs


def test_selection_uses_a_backup_service_role_with_the_aws_backup_policies(stack):
    (selection,) = stack.of_type("aws:backup/selection:Selection")
    service_role = named(stack, "aws:iam/role:Role", "backups-service-role")
    assert selection.inputs["iamRoleArn"] == output(service_role, "arn")
    policies = {
        a.inputs["policyArn"].rsplit("/", 1)[-1]
        for a in stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a.inputs["role"] == output(service_role, "name")
    }
    assert {"AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForS3Backup"} <= policies
