from __future__ import annotations

from compliance_checks.kit import (
    CheckMetadata,
    ReadError,
    ResourceCheck,
    Result,
    Severity,
    backup,
    errored,
    failed,
    passed,
)

# Resource types whose opt-in AWS Backup ignores when a selection names their ARNs explicitly
# (it never does for Aurora).
EXPLICIT_OVERRIDES_OPT_IN = ("RDS", "DynamoDB", "S3")


class BackupSelectionCoversDataStores(ResourceCheck):
    """Every data store (RDS instance or cluster, DynamoDB table, S3 bucket tagged leadping:data-store=true)
    is assigned to a backup plan of its region by some backup selection.

    A selection assigns a resource as AWS Backup does: Resources (ARN wildcards) or ListOfTags, then
    every Conditions entry (StringEquals/Like/NotEquals/NotLike), minus NotResources. AWS Backup only
    protects a resource type the region has opted in to, unless a selection names the resource's ARN
    pattern explicitly (never enough for Aurora), so that is required too. A tagged cluster member
    makes its cluster the data store (clusters are backed up whole).

    Scenarios:
    - given a tagged table selected by a ListOfTags on leadping:data-store, then PASS
    - given a tagged table no selection matches, then FAIL
    - given a tagged table matched by Resources but excluded by NotResources, then FAIL
    - given a tagged database matched by Resources but not by the selection's StringEquals condition, then FAIL
    - given a tagged bucket selected by a StringLike condition on all resources, then PASS
    - given a tagged Aurora cluster selected by tag while Aurora is not opted in, then FAIL
    - given a tagged table selected by its ARN while DynamoDB is not opted in, then PASS
    - given a tagged table selected by a plan of another region, then FAIL
    - given GetBackupSelection is denied, then ERROR
    - given one selection that cannot be read and another that assigns the table, then PASS
    - given one selection that cannot be read and none that assigns the table, then ERROR
    - given ListBackupPlans is denied, then ERROR for every data store of the region
    """

    regional = True
    metadata = CheckMetadata(
        title="Every data store is covered by a backup selection",
        severity=Severity.HIGH,
        resource_type="AWS::Backup::BackupSelection",
        rationale="LP-BK-1: every data store is backed up by the backup plan, so it can be restored.",
        remediation="Tag the data store for the plan's selection (leadping:data-store=true) or add it to a "
        "selection, and opt the resource type in to AWS Backup in the region (infra: the backup component "
        "selects by this tag).",
    )

    def evaluate(self, ctx):
        stores, unreadable = backup.data_stores(ctx.reader)
        for arn, (region, error) in unreadable.items():
            yield errored(arn, error, region=region)
        yield from self.judge_all(ctx, stores)

    def judge(self, ctx, store: backup.DataStore) -> Result:
        evidence: dict = {"backup_type": store.backup_type}
        if store.tagged_via:
            evidence["tagged_member"] = store.tagged_via
        reasons = []
        found, unread = backup.selections(ctx.reader, store.region)
        for selection in found:
            assignment = backup.assigns(selection.document, store.arn, store.tags)
            label = f"{selection.plan_name}/{selection.name}"
            if not assignment.selected:
                reasons.append(f"{label}: {assignment.reason}")
                continue
            explicit = assignment.by_resource_pattern not in (None, "*")
            if explicit and store.backup_type in EXPLICIT_OVERRIDES_OPT_IN:
                message = f"assigned by {label} (ARN {assignment.by_resource_pattern})"
                return passed(store.arn, message, region=store.region, selection=label, **evidence)
            try:
                opted_in = backup.opt_in_preferences(ctx.reader, store.region).get(store.backup_type, False)
            except ReadError as error:
                return errored(store.arn, error, region=store.region, **evidence)
            if opted_in:
                return passed(store.arn, f"assigned by {label}", region=store.region, selection=label, **evidence)
            reasons.append(
                f"{label}: assigns it, but {store.backup_type} is not opted in to AWS Backup in {store.region}"
            )
        if unread:  # a selection that could not be read may be the one that assigns it
            return errored(store.arn, unread[0], region=store.region, not_covered_by=reasons, **evidence)
        if not reasons:
            return failed(store.arn, f"no backup selection in {store.region}", region=store.region, **evidence)
        return failed(
            store.arn, "no backup selection covers it", region=store.region, not_covered_by=reasons, **evidence
        )
