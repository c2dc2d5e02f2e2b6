"""AWS Backup state for the backup check tests.

moto implements vaults and plans but not resource assignments (ListBackupSelections,
GetBackupSelection) nor DescribeRegionSettings; those three calls are answered from a
``Selections`` fixture object, everything else is moto's.
"""

from __future__ import annotations

import uuid
from typing import Any

import boto3

from compliance_checks.reader import Reader
from tests.compliance_checks.checks.ec2.helpers import answer_operation
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION

DATA_STORE_TAGS = [{"ConditionType": "STRINGEQUALS", "ConditionKey": "leadping:data-store", "ConditionValue": "true"}]
ALL_OPTED_IN = {"Aurora": True, "RDS": True, "DynamoDB": True, "S3": True}


def vault(name: str, region: str = REGION, key: str | None = None) -> str:
    kwargs = {"EncryptionKeyArn": key} if key else {}
    return boto3.client("backup", region_name=region).create_backup_vault(BackupVaultName=name, **kwargs)[
        "BackupVaultArn"
    ]


def plan(name: str, *rules: dict[str, Any], region: str = REGION) -> str:
    """Id of a new plan; each rule needs RuleName and ScheduleExpression, the vault defaults to "main"."""
    client = boto3.client("backup", region_name=region)
    names = {v["BackupVaultName"] for v in client.list_backup_vaults()["BackupVaultList"]}
    if "main" not in names:
        vault("main", region)
    return client.create_backup_plan(
        BackupPlan={"BackupPlanName": name, "Rules": [{"TargetBackupVaultName": "main", **r} for r in rules]}
    )["BackupPlanId"]


def rule(name: str, schedule: str, keep_days: int | None, copy_to: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"RuleName": name, "ScheduleExpression": schedule}
    if keep_days is not None:
        found["Lifecycle"] = {"DeleteAfterDays": keep_days}
    if copy_to:
        found["CopyActions"] = [
            {"DestinationBackupVaultArn": copy_to, **{k: v for k, v in found.items() if k == "Lifecycle"}}
        ]
    return found


def vault_arn(region: str, name: str = "dr") -> str:
    return f"arn:aws:backup:{region}:{ACCOUNT_ID}:backup-vault:{name}"


class Selections:
    """Resource assignments and opt-in settings, served to the reader in place of moto."""

    def __init__(self, reader: Reader, opt_in: dict[str, bool] | None = None) -> None:
        self.by_plan: dict[str, dict[str, dict[str, Any]]] = {}
        self.opt_in = dict(ALL_OPTED_IN if opt_in is None else opt_in)
        answer_operation(reader, "backup", "ListBackupSelections", self._list)
        answer_operation(reader, "backup", "GetBackupSelection", self._get)
        answer_operation(reader, "backup", "DescribeRegionSettings", {"ResourceTypeOptInPreference": self.opt_in})

    def add(self, plan_id: str, name: str = "data-stores", **document: Any) -> None:
        self.by_plan.setdefault(plan_id, {})[str(uuid.uuid4())] = {
            "SelectionName": name,
            "IamRoleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/backup",
            **document,
        }

    @staticmethod
    def _path(params: dict[str, Any]) -> list[str]:
        return [p for p in params["url_path"].split("?")[0].split("/") if p]  # backup/plans/<id>/selections[/<id>]

    def _list(self, params: dict[str, Any]) -> dict[str, Any]:
        plan_id = self._path(params)[2]
        items = self.by_plan.get(plan_id, {})
        return {
            "BackupSelectionsList": [
                {"SelectionId": sid, "SelectionName": doc["SelectionName"], "BackupPlanId": plan_id}
                for sid, doc in items.items()
            ]
        }

    def _get(self, params: dict[str, Any]) -> dict[str, Any]:
        parts = self._path(params)
        plan_id, selection_id = parts[2], parts[4]
        return {
            "BackupPlanId": plan_id,
            "SelectionId": selection_id,
            "BackupSelection": self.by_plan[plan_id][selection_id],
        }
