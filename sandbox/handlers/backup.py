"""AWS Backup: vaults (customer key), vault lock, plans (lifecycle, cross-region copies), selections."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, policy_text


@handles("aws:backup/vault:Vault")
def vault(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    backup = ctx.client("backup")
    tags = ctx.tags(inputs)
    name = ctx.physical_name(inputs.get("name"), max_length=50)
    created = backup.create_backup_vault(
        **drop_none(
            {
                "BackupVaultName": name,
                "EncryptionKeyArn": inputs.get("kmsKeyArn"),
                "BackupVaultTags": tags or None,
            }
        )
    )
    stored = backup.describe_backup_vault(BackupVaultName=name)
    return name, {
        "arn": created["BackupVaultArn"],
        "name": name,
        "kmsKeyArn": stored.get("EncryptionKeyArn"),
        "recoveryPoints": 0,
        "tagsAll": tags,
    }


@handles("aws:backup/vaultLockConfiguration:VaultLockConfiguration")
def vault_lock(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    backup = ctx.client("backup")
    name = inputs["backupVaultName"]
    backup.put_backup_vault_lock_configuration(
        **drop_none(
            {
                "BackupVaultName": name,
                "MinRetentionDays": inputs.get("minRetentionDays"),
                "MaxRetentionDays": inputs.get("maxRetentionDays"),
                "ChangeableForDays": inputs.get("changeableForDays"),
            }
        )
    )
    stored = backup.describe_backup_vault(BackupVaultName=name)
    if inputs.get("minRetentionDays") and stored.get("MinRetentionDays") != inputs["minRetentionDays"]:
        ctx.gap(
            "backup:PutBackupVaultLockConfiguration",
            "moto did not store the vault lock's minimum retention",
            checks=("backup_vault_lock_configured",),
            resource_id=stored["BackupVaultArn"],
        )
    return name, {"backupVaultArn": stored["BackupVaultArn"]}


def _lifecycle(block: dict[str, Any] | None) -> dict[str, Any] | None:
    if not block:
        return None
    return drop_none(
        {
            "DeleteAfterDays": block.get("deleteAfter"),
            "MoveToColdStorageAfterDays": block.get("coldStorageAfter"),
            "OptInToArchiveForSupportedResources": block.get("optInToArchiveForSupportedResources"),
        }
    )


def plan_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """One pulumi-aws backup plan rule as the Backup API's BackupRuleInput."""
    if rule.get("scanActions") or rule.get("targetLogicallyAirGappedBackupVaultArn"):
        raise ValueError("backup scan actions and logically air-gapped vaults are not simulated")
    return drop_none(
        {
            "RuleName": rule["ruleName"],
            "TargetBackupVaultName": rule["targetVaultName"],
            "ScheduleExpression": rule.get("schedule"),
            "ScheduleExpressionTimezone": rule.get("scheduleExpressionTimezone"),
            "StartWindowMinutes": rule.get("startWindow"),
            "CompletionWindowMinutes": rule.get("completionWindow"),
            "Lifecycle": _lifecycle(rule.get("lifecycle")),
            "RecoveryPointTags": rule.get("recoveryPointTags"),
            "EnableContinuousBackup": rule.get("enableContinuousBackup"),
            "CopyActions": [
                drop_none(
                    {
                        "DestinationBackupVaultArn": copy["destinationVaultArn"],
                        "Lifecycle": _lifecycle(copy.get("lifecycle")),
                    }
                )
                for copy in rule.get("copyActions") or []
            ]
            or None,
        }
    )


@handles("aws:backup/plan:Plan")
def plan(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    backup = ctx.client("backup")
    tags = ctx.tags(inputs)
    if inputs.get("scanSettings"):
        raise ValueError("backup scan settings are not simulated")
    name = ctx.physical_name(inputs.get("name"))
    rules = [plan_rule(rule) for rule in inputs["rules"]]
    document: dict[str, Any] = {"BackupPlanName": name, "Rules": rules}
    advanced = inputs.get("advancedBackupSettings") or []
    if advanced:
        document["AdvancedBackupSettings"] = [
            {"ResourceType": a["resourceType"], "BackupOptions": a["backupOptions"]} for a in advanced
        ]
    created = backup.create_backup_plan(BackupPlan=document, **({"BackupPlanTags": tags} if tags else {}))
    plan_id = created["BackupPlanId"]
    stored = backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]["Rules"]
    for wanted, got in zip(rules, stored, strict=False):
        for key in ("Lifecycle", "CopyActions"):
            if wanted.get(key) and not got.get(key):
                ctx.gap(
                    "backup:CreateBackupPlan",
                    f"moto did not store rule {wanted['RuleName']}'s {key}",
                    checks=("backup_plan_retention",),
                    resource_id=created["BackupPlanArn"],
                )
    return plan_id, {"arn": created["BackupPlanArn"], "version": created.get("VersionId"), "tagsAll": tags}


def _conditions(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    names = {
        "stringEquals": "StringEquals",
        "stringLikes": "StringLike",
        "stringNotEquals": "StringNotEquals",
        "stringNotLikes": "StringNotLike",
    }
    out: dict[str, list[dict[str, str]]] = {}
    for block in blocks:
        for key, api_key in names.items():
            for item in block.get(key) or []:
                out.setdefault(api_key, []).append({"ConditionKey": item["key"], "ConditionValue": item["value"]})
    return out


@handles("aws:backup/selection:Selection")
def selection(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = ctx.physical_name(inputs.get("name"))
    document = drop_none(
        {
            "SelectionName": name,
            "IamRoleArn": inputs["iamRoleArn"],
            "Resources": inputs.get("resources"),
            "NotResources": inputs.get("notResources"),
            "ListOfTags": [
                {"ConditionType": t["type"], "ConditionKey": t["key"], "ConditionValue": t["value"]}
                for t in inputs.get("selectionTags") or []
            ]
            or None,
            "Conditions": _conditions(inputs.get("conditions") or []) or None,
        }
    )
    backup = ctx.client("backup")
    created = backup.create_backup_selection(BackupPlanId=inputs["planId"], BackupSelection=document)
    # Read it back: an auditor reads the assignment with GetBackupSelection.
    stored = backup.get_backup_selection(BackupPlanId=inputs["planId"], SelectionId=created["SelectionId"])
    return created["SelectionId"], {"name": stored["BackupSelection"]["SelectionName"]}


def _vault_arn(ctx: Context, name: str) -> str:
    """The vault's ARN from moto (a vault that does not exist fails the deploy, as in AWS)."""
    return ctx.client("backup").describe_backup_vault(BackupVaultName=name)["BackupVaultArn"]


@handles("aws:backup/vaultPolicy:VaultPolicy")
def vault_policy(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = inputs["backupVaultName"]
    arn = _vault_arn(ctx, name)
    ctx.attempt(
        "backup",
        "put_backup_vault_access_policy",
        resource_id=arn,
        BackupVaultName=name,
        Policy=policy_text(inputs["policy"]),
    )
    return name, {"backupVaultArn": arn}


@handles("aws:backup/vaultNotifications:VaultNotifications")
def vault_notifications(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = inputs["backupVaultName"]
    arn = _vault_arn(ctx, name)
    ctx.attempt(
        "backup",
        "put_backup_vault_notifications",
        resource_id=arn,
        BackupVaultName=name,
        SNSTopicArn=inputs["snsTopicArn"],
        BackupVaultEvents=inputs["backupVaultEvents"],
    )
    return name, {"backupVaultArn": arn}
