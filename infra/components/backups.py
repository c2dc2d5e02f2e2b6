"""AWS Backup for every data store (LP-BK-1).

A vault encrypted with the backups key and locked (minimum retention 7 days; compliance mode in
prod, governance in dev so the environment can be torn down), a plan with daily backups (and in
prod monthly ones kept a year, each copied to a vault in the second region), and a selection by
the data-store tag, so anything tagged ``leadping:data-store=true`` is backed up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from compliance_checks.conventions import EnvironmentPolicy
from infra import policy_documents
from infra.components._outputs import child, policy_json

BACKUP_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
)
DAILY = "cron(0 5 ? * * *)"
MONTHLY = "cron(0 6 1 * ? *)"
# Days after which a locked vault's configuration can no longer change (compliance mode).
LOCK_GRACE_DAYS = 3
MAX_RETENTION_DAYS = 400


@dataclass(frozen=True)
class BackupsArgs:
    name_prefix: str
    environment: str
    account_id: pulumi.Input[str]
    policy: EnvironmentPolicy
    backups_key_arn: pulumi.Input[str]
    copy_region: str | None
    key_deletion_window_days: int
    tags: dict[str, str] = field(default_factory=dict)


class Backups(pulumi.ComponentResource):
    vault: aws.backup.Vault
    copy_vault: aws.backup.Vault | None
    plan: aws.backup.Plan

    def __init__(self, name: str, args: BackupsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:continuity:Backups", name, None, opts)
        tags = {**args.tags, conventions.DATA_CLASS: "backups"}
        compliance_lock = args.environment == "prod"
        self._min_retention_days = args.policy.min_vault_lock_retention_days
        self._vault(name, args, tags, compliance_lock)
        self._copy_vault(name, args, tags, compliance_lock)
        self._plan(name, args, tags)
        self._selection(name, args)
        self.register_outputs(
            {
                "vault_name": self.vault.name,
                "copy_vault_name": self.copy_vault.name if self.copy_vault else None,
                "plan_id": self.plan.id,
            }
        )

    def _vault(self, name: str, args: BackupsArgs, tags: dict[str, str], compliance_lock: bool) -> None:
        """The vault, encrypted with the backups key, and its lock."""
        self.vault = aws.backup.Vault(
            f"{name}-vault",
            name=f"{args.name_prefix}-vault",
            kms_key_arn=args.backups_key_arn,
            force_destroy=False,
            tags=tags,
            opts=child(self),
        )
        self._lock(name, "vault-lock", self.vault, compliance_lock)

    def _copy_vault(self, name: str, args: BackupsArgs, tags: dict[str, str], compliance_lock: bool) -> None:
        """In the copy region (if any): a backups key of its own and a locked vault for the copies."""
        self.copy_vault = None
        if not args.copy_region:
            return
        # An explicit provider, so the copy lands in the second region whatever the stack's region.
        provider = aws.Provider(f"{name}-copy-region", region=args.copy_region, opts=child(self))
        copy_key = self._copy_key(name, args, tags, compliance_lock, provider)
        aws.kms.Alias(
            f"{name}-copy-key-alias",
            name=f"alias/leadping-{args.environment}-backups",
            target_key_id=copy_key.key_id,
            opts=child(self, provider=provider),
        )
        self.copy_vault = aws.backup.Vault(
            f"{name}-copy-vault",
            name=f"{args.name_prefix}-vault-copy",
            kms_key_arn=copy_key.arn,
            force_destroy=False,
            tags=tags,
            opts=child(self, provider=provider),
        )
        self._lock(name, "copy-vault-lock", self.copy_vault, compliance_lock, provider)

    def _copy_key(
        self, name: str, args: BackupsArgs, tags: dict[str, str], compliance_lock: bool, provider: aws.Provider
    ) -> aws.kms.Key:
        """The copy region's backups key."""
        return aws.kms.Key(
            f"{name}-copy-key",
            description=f"Leadping {args.environment} backups key ({args.copy_region} copies)",
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=args.key_deletion_window_days,
            policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: json.dumps(
                    policy_documents.key_policy(
                        account,
                        args.copy_region,
                        service_principals=("backup.amazonaws.com",),
                        via_services=("backup",),
                    ),
                    sort_keys=True,
                )
            ),
            tags=tags,
            opts=child(self, provider=provider, protect=compliance_lock),
        )

    def _plan(self, name: str, args: BackupsArgs, tags: dict[str, str]) -> None:
        """The plan: daily backups and, where the policy keeps them, monthly ones."""
        rules = [self._rule("daily", DAILY, args.policy.daily_backup_retention_days, tags)]
        if args.policy.monthly_backup_retention_days:
            rules.append(self._rule("monthly", MONTHLY, args.policy.monthly_backup_retention_days, tags))
        self.plan = aws.backup.Plan(
            f"{name}-plan", name=f"{args.name_prefix}-plan", rules=rules, tags=tags, opts=child(self)
        )

    def _rule(self, rule_name: str, schedule: str, keep_days: int, tags: dict[str, str]) -> dict[str, object]:
        """A plan rule; its recovery points are copied to the copy vault, if any."""
        # Copies in the second region are kept as long as the originals.
        copies = (
            [{"destination_vault_arn": self.copy_vault.arn, "lifecycle": {"delete_after": keep_days}}]
            if self.copy_vault is not None
            else []
        )
        return {
            "rule_name": rule_name,
            "target_vault_name": self.vault.name,
            "schedule": schedule,
            "start_window": 60,
            "completion_window": 360,
            "lifecycle": {"delete_after": keep_days},
            "copy_actions": copies,
            "recovery_point_tags": tags,
        }

    def _selection(self, name: str, args: BackupsArgs) -> None:
        """The service role and the selection of everything tagged as a data store."""
        role = aws.iam.Role(
            f"{name}-service-role",
            name=f"{args.name_prefix}-backup",
            description="AWS Backup backs up and restores the stack's data stores",
            assume_role_policy=policy_json(
                lambda a: policy_documents.service_trust("backup.amazonaws.com", a), args.account_id
            ),
            tags=args.tags,
            opts=child(self),
        )
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-service-role-{policy_arn.rsplit('/', 1)[-1]}",
                role=role.name,
                policy_arn=policy_arn,
                opts=child(self),
            )
            for policy_arn in BACKUP_POLICIES
        ]
        self.selection = aws.backup.Selection(
            f"{name}-data-stores",
            name=f"{args.name_prefix}-data-stores",
            plan_id=self.plan.id,
            iam_role_arn=role.arn,
            selection_tags=[{"type": "STRINGEQUALS", "key": conventions.DATA_STORE, "value": conventions.TRUE}],
            opts=child(self, depends_on=attachments),
        )

    def _lock(
        self,
        name: str,
        role: str,
        vault: aws.backup.Vault,
        compliance: bool,
        provider: aws.Provider | None = None,
    ) -> aws.backup.VaultLockConfiguration:
        return aws.backup.VaultLockConfiguration(
            f"{name}-{role}",
            backup_vault_name=vault.name,
            min_retention_days=self._min_retention_days,
            max_retention_days=MAX_RETENTION_DAYS,
            # Without a grace period the lock stays in governance mode (removable by admins).
            changeable_for_days=LOCK_GRACE_DAYS if compliance else None,
            opts=child(self, provider=provider),
        )
