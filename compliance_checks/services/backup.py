"""AWS Backup inventory (vaults, plans, selections, opt-in settings) and the rules AWS Backup applies
to them: which resources a selection assigns. How often a rule's schedule runs, and how long it
keeps recovery points, is the plan rule's (compliance_checks.rules.backup)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from compliance_checks.conventions import DATA_STORE
from compliance_checks.core import ReadError
from compliance_checks.reader import Reader
from compliance_checks.services import dynamodb, rds, s3

# -- reads ---------------------------------------------------------------------------------


def vaults(reader: Reader, region: str) -> list[dict[str, Any]]:
    """Backup vaults with their key and lock state (backup:ListBackupVaults)."""
    return reader.paginate("backup", "list_backup_vaults", "BackupVaultList", region=region)


def plans(reader: Reader, region: str) -> list[dict[str, Any]]:
    """Backup plans of ``region`` (backup:ListBackupPlans)."""
    return reader.paginate("backup", "list_backup_plans", "BackupPlansList", region=region)


def plan_rules(reader: Reader, region: str, plan_id: str) -> list[dict[str, Any]]:
    """The rules of the plan's current version (backup:GetBackupPlan)."""
    response = (
        reader.call("backup", "get_backup_plan", region=region, expect=("BackupPlan",), BackupPlanId=plan_id) or {}
    )
    return (response.get("BackupPlan") or {}).get("Rules") or []


@dataclass(frozen=True)
class Selection:
    plan_id: str
    plan_name: str
    name: str
    region: str
    document: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)


def selections(reader: Reader, region: str) -> tuple[list[Selection], list[ReadError]]:
    """Every resource assignment of every plan in ``region`` (backup:ListBackupSelections,
    GetBackupSelection), and the errors of those that could not be read (a resource none of the
    readable ones assigns may be assigned by one of them). Raises ReadError when the plans cannot
    be listed."""
    found, unread = [], []
    for plan in plans(reader, region):
        plan_id = plan["BackupPlanId"]
        try:
            listed = reader.paginate(
                "backup", "list_backup_selections", "BackupSelectionsList", region=region, BackupPlanId=plan_id
            )
        except ReadError as error:
            unread.append(error)
            continue
        for item in listed:
            try:
                response = reader.call(
                    "backup",
                    "get_backup_selection",
                    region=region,
                    expect=("BackupSelection",),
                    BackupPlanId=plan_id,
                    SelectionId=item["SelectionId"],
                )
            except ReadError as error:
                unread.append(error)
                continue
            document = (response or {}).get("BackupSelection") or {}
            found.append(
                Selection(plan_id, plan.get("BackupPlanName", ""), item.get("SelectionName", ""), region, document)
            )
    return found, unread


def opt_in_preferences(reader: Reader, region: str) -> dict[str, bool]:
    """Which resource types AWS Backup protects in ``region`` (backup:DescribeRegionSettings)."""
    response = (
        reader.call("backup", "describe_region_settings", region=region, expect=("ResourceTypeOptInPreference",)) or {}
    )
    return dict(response.get("ResourceTypeOptInPreference") or {})


# -- resource assignment ---------------------------------------------------------------------


def _wildcard(pattern: str, value: str) -> bool:
    """AWS Backup's ARN and StringLike wildcard: ``*`` is any run of characters; case-sensitive."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), value) is not None


def _tag_key(condition_key: str) -> str:
    return condition_key.removeprefix("aws:ResourceTag/")


def _condition_holds(operator: str, key: str, value: str, tags: Mapping[str, str]) -> bool:
    actual = tags.get(_tag_key(key))
    if operator == "StringEquals":
        return actual == value
    if operator == "StringLike":
        return actual is not None and _wildcard(value, actual)
    # Negated operators hold for a resource without the tag, as in IAM.
    if operator == "StringNotEquals":
        return actual != value
    if operator == "StringNotLike":
        return actual is None or not _wildcard(value, actual)
    return False


@dataclass(frozen=True)
class Assignment:
    selected: bool
    by_resource_pattern: str | None = None  # the Resources entry that matched, when one did
    reason: str = ""


def assigns(document: Mapping[str, Any], arn: str, tags: Mapping[str, str]) -> Assignment:
    """Whether a BackupSelection assigns the resource, as AWS Backup evaluates it.

    Resources (ARNs with ``*`` wildcards) and ListOfTags (StringEquals) are ORed with each other; with
    neither, every resource is a candidate. Conditions (StringEquals, StringLike, StringNotEquals,
    StringNotLike) are ANDed and narrow the candidates. NotResources excludes.
    """
    resources = list(document.get("Resources") or [])
    list_of_tags = list(document.get("ListOfTags") or [])
    matched_pattern = next((p for p in resources if _wildcard(p, arn)), None)
    tag_match = any(
        t.get("ConditionType", "STRINGEQUALS").upper() == "STRINGEQUALS"
        and tags.get(_tag_key(t.get("ConditionKey", ""))) == t.get("ConditionValue")
        for t in list_of_tags
    )
    if (resources or list_of_tags) and matched_pattern is None and not tag_match:
        return Assignment(False, reason="neither its Resources nor its ListOfTags match")
    for operator, conditions in (document.get("Conditions") or {}).items():
        for condition in conditions or []:
            if not _condition_holds(
                operator, condition.get("ConditionKey", ""), condition.get("ConditionValue", ""), tags
            ):
                return Assignment(False, reason=f"condition {operator} {condition.get('ConditionKey')} does not hold")
    excluded = next((p for p in document.get("NotResources") or [] if _wildcard(p, arn)), None)
    if excluded:
        return Assignment(False, reason=f"excluded by NotResources {excluded}")
    return Assignment(True, matched_pattern)


# -- data stores -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DataStore:
    """A resource tagged leadping:data-store=true, as AWS Backup sees it."""

    arn: str
    region: str
    backup_type: str  # AWS Backup resource type, as in opt-in settings: RDS, Aurora, DynamoDB, S3
    tags: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    tagged_via: str | None = None  # the cluster member carrying the tag, when the cluster does not


def _is_data_store(tags: Mapping[str, str]) -> bool:
    return tags.get(DATA_STORE, "").strip().lower() == "true"


def data_stores(reader: Reader) -> tuple[list[DataStore], dict[str, tuple[str, ReadError]]]:
    """Every data store in the audited regions, and the buckets and tables whose tags could not be
    read ({arn: (region, error)}). AWS Backup backs up a DB cluster whole, so a tagged member makes its
    cluster the data store; members are never data stores of their own."""
    found: list[DataStore] = []
    instances = rds.instances(reader)
    for db in rds.clusters(reader):
        kind = "Aurora" if db.engine.startswith("aurora") else "RDS"
        members = [i for i in instances if i.cluster_id == db.id and i.region == db.region and _is_data_store(i.tags)]
        if _is_data_store(db.tags) or members:
            found.append(
                DataStore(db.arn, db.region, kind, db.tags, None if _is_data_store(db.tags) else members[0].arn)
            )
    found += [
        DataStore(db.arn, db.region, "RDS", db.tags)
        for db in instances
        if db.cluster_id is None and _is_data_store(db.tags)
    ]
    tables = dynamodb.tables(reader)
    found += [DataStore(t.arn, t.region, "DynamoDB", t.tags) for t in tables if _is_data_store(t.tags)]
    tagged, unreadable = s3.buckets_tagged(reader, DATA_STORE)
    found += [DataStore(b.arn, b.region, "S3", s3.tags(reader, b)) for b in tagged]
    unknown = {b.arn: (b.region, error) for b, error in unreadable.items()}
    unknown |= {t.arn: (t.region, t.unread) for t in tables if t.unread is not None}
    return found, unknown
