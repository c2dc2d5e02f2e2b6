"""Where Leadping keeps customer data: PostgreSQL, the tenant tables and the call-recordings bucket.

Every store is encrypted with its data class's customer key (LP-DR-1), tagged as a data store so
the backup selection covers it (LP-BK-1), and the tenant stores are keyed by ``business_id``
(LP-AC-3). The database forces TLS (LP-TX-1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra import policy_documents
from infra.components._outputs import child, policy_json
from infra.components.secure_bucket import LifecycleTier, SecureBucket, SecureBucketArgs

# Table name suffix -> sort key; every tenant table is partitioned by business_id.
TENANT_TABLES = {"leads": "lead_id", "messages": "message_id"}
DB_LOG_EXPORTS = ("postgresql", "upgrade")
RECORDING_TIERS = (LifecycleTier(30, "STANDARD_IA"), LifecycleTier(180, "GLACIER_IR"))
STORE_TAGS = {conventions.DATA_STORE: conventions.TRUE}
TENANT_TAGS = {conventions.TENANT_DATA: conventions.TRUE}


@dataclass(frozen=True)
class DataStoresArgs:
    name_prefix: str
    environment: str
    account_id: pulumi.Input[str]
    key_arns: dict[str, pulumi.Input[str]]
    logs_key_arn: pulumi.Input[str]
    log_retention_days: int
    private_subnet_ids: list[pulumi.Input[str]]
    db_security_group_id: pulumi.Input[str]
    db_instance_class: str
    db_allocated_storage_gb: int
    db_backup_retention_days: int
    db_multi_az: bool
    db_engine_version: str
    secrets_key_arn: pulumi.Input[str]
    access_log_bucket: pulumi.Input[str]
    tags: dict[str, str] = field(default_factory=dict)


class DataStores(pulumi.ComponentResource):
    database: aws.rds.Instance
    tables: dict[str, aws.dynamodb.Table]
    recordings: SecureBucket

    def __init__(self, name: str, args: DataStoresArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:data:DataStores", name, None, opts)
        self._tables(name, args)
        self._recordings(name, args)
        self._database(name, args)
        self.register_outputs(
            {
                "database_arn": self.database.arn,
                "database_endpoint": self.database.endpoint,
                "table_names": {dc: t.name for dc, t in self.tables.items()},
                "recordings_bucket": self.recordings.name,
            }
        )

    def _tables(self, name: str, args: DataStoresArgs) -> None:
        """The tenant tables, partitioned by business_id, each with its data class's key."""
        self.tables = {}
        for data_class, sort_key in TENANT_TABLES.items():
            self.tables[data_class] = aws.dynamodb.Table(
                f"{name}-{data_class}-table",
                name=f"{args.name_prefix}-{data_class}",
                billing_mode="PAY_PER_REQUEST",
                hash_key=conventions.TENANT_PARTITION_KEY,
                range_key=sort_key,
                attributes=[
                    {"name": conventions.TENANT_PARTITION_KEY, "type": "S"},
                    {"name": sort_key, "type": "S"},
                ],
                server_side_encryption={"enabled": True, "kms_key_arn": args.key_arns[data_class]},
                point_in_time_recovery={"enabled": True},
                deletion_protection_enabled=True,
                tags={**args.tags, **STORE_TAGS, **TENANT_TAGS, conventions.DATA_CLASS: data_class},
                opts=child(self),
            )

    def _recordings(self, name: str, args: DataStoresArgs) -> None:
        """The call-recordings bucket."""
        self.recordings = SecureBucket(
            f"{name}-call-recordings",
            SecureBucketArgs(
                bucket_name=pulumi.Output.from_input(args.account_id).apply(
                    lambda a: f"{args.name_prefix}-call-recordings-{a}"
                ),
                kms_key_arn=args.key_arns["call-recordings"],
                data_class="call-recordings",
                access_log_bucket=args.access_log_bucket,
                transitions=RECORDING_TIERS,
                tags={**args.tags, **STORE_TAGS, **TENANT_TAGS},
            ),
            opts=child(self),
        )

    def _database(self, name: str, args: DataStoresArgs) -> None:
        """The PostgreSQL instance, with what it needs created first, and its master secret's tag."""
        identifier = f"{args.name_prefix}-leads"
        subnets = aws.rds.SubnetGroup(
            f"{name}-db-subnets",
            name=f"{args.name_prefix}-db",
            description="Private subnets of the Leadping database",
            subnet_ids=args.private_subnet_ids,
            tags=args.tags,
            opts=child(self),
        )
        parameters = self._db_parameters(name, args)
        log_groups = self._db_log_groups(name, args, identifier)
        monitoring_role = self._db_monitoring_role(name, args)
        self.database = aws.rds.Instance(
            f"{name}-database",
            identifier=identifier,
            engine="postgres",
            engine_version=args.db_engine_version,
            instance_class=args.db_instance_class,
            allocated_storage=args.db_allocated_storage_gb,
            max_allocated_storage=args.db_allocated_storage_gb * 4,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=args.key_arns["leads"],
            db_name="leadping",
            username="leadping_admin",
            # RDS generates and rotates the master password in Secrets Manager (LP-SEC-1).
            manage_master_user_password=True,
            master_user_secret_kms_key_id=args.secrets_key_arn,
            iam_database_authentication_enabled=True,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[args.db_security_group_id],
            parameter_group_name=parameters.name,
            publicly_accessible=False,
            multi_az=args.db_multi_az,
            backup_retention_period=args.db_backup_retention_days,
            backup_window="03:00-04:00",
            maintenance_window="sun:04:30-sun:05:30",
            copy_tags_to_snapshot=True,
            delete_automated_backups=False,
            deletion_protection=True,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{identifier}-final",
            auto_minor_version_upgrade=True,
            performance_insights_enabled=True,
            performance_insights_kms_key_id=args.key_arns["leads"],
            performance_insights_retention_period=7,
            monitoring_interval=60,
            monitoring_role_arn=monitoring_role.arn,
            enabled_cloudwatch_logs_exports=list(DB_LOG_EXPORTS),
            ca_cert_identifier="rds-ca-rsa2048-g1",
            tags={**args.tags, **STORE_TAGS, conventions.DATA_CLASS: "leads"},
            opts=child(self, depends_on=log_groups),
        )
        self._tag_master_secret(name, identifier)

    def _tag_master_secret(self, name: str, identifier: str) -> None:
        # RDS creates the master secret without our tags; LP-SEC-2 asks every secret to name its system.
        # aws.secretsmanager.Tag exists for exactly this: secrets another service (RDS) manages.
        self.master_secret_system = aws.secretsmanager.Tag(
            f"{name}-db-secret-system",
            secret_id=self.database.master_user_secrets.apply(lambda secrets: secrets[0].secret_arn),
            key=conventions.SYSTEM,
            value=identifier,
            opts=child(self),
        )

    def _db_parameters(self, name: str, args: DataStoresArgs) -> aws.rds.ParameterGroup:
        """The database's parameter group: TLS only, connection and slow-statement logging."""
        major = args.db_engine_version.split(".")[0]
        return aws.rds.ParameterGroup(
            f"{name}-db-parameters",
            name=f"{args.name_prefix}-postgres{major}",
            family=f"postgres{major}",
            description="Leadping PostgreSQL: TLS only, connection and slow-statement logging",
            parameters=[
                {"name": "rds.force_ssl", "value": "1"},
                {"name": "ssl_min_protocol_version", "value": "TLSv1.2"},
                {"name": "log_connections", "value": "1"},
                {"name": "log_disconnections", "value": "1"},
                {"name": "log_statement", "value": "ddl"},
                {"name": "log_min_duration_statement", "value": "1000"},
            ],
            tags=args.tags,
            opts=child(self),
        )

    def _db_log_groups(self, name: str, args: DataStoresArgs, identifier: str) -> list[aws.cloudwatch.LogGroup]:
        # RDS creates these on first write without a key or retention; creating them first
        # keeps the database's logs encrypted and retained like every other log group.
        return [
            aws.cloudwatch.LogGroup(
                f"{name}-db-{export}-logs",
                name=f"/aws/rds/instance/{identifier}/{export}",
                retention_in_days=args.log_retention_days,
                kms_key_id=args.logs_key_arn,
                tags={**args.tags, conventions.DATA_CLASS: "logs"},
                opts=child(self),
            )
            for export in DB_LOG_EXPORTS
        ]

    def _db_monitoring_role(self, name: str, args: DataStoresArgs) -> aws.iam.Role:
        """The role RDS enhanced monitoring publishes with."""
        role = aws.iam.Role(
            f"{name}-db-monitoring-role",
            name=f"{args.name_prefix}-rds-monitoring",
            assume_role_policy=policy_json(
                lambda a: policy_documents.service_trust("monitoring.rds.amazonaws.com", a), args.account_id
            ),
            tags=args.tags,
            opts=child(self),
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-db-monitoring-policy",
            role=role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
            opts=child(self),
        )
        return role

    @property
    def table_arns(self) -> list[pulumi.Output[str]]:
        return [t.arn for t in self.tables.values()]

    def data_store_arns(self) -> list[pulumi.Output[str]]:
        return [self.database.arn, *self.table_arns, self.recordings.arn]
