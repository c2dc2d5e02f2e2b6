"""The Leadping platform program: composes the components from the stack's settings.

Pulumi's language host runs this file as ``__main__`` with the program directory (infra/) on
``sys.path``; the project root is added so that ``infra`` and ``compliance_checks`` import as
packages whether or not the project is installed in the environment.
"""

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra import policy_documents
from infra.components.backups import Backups, BackupsArgs
from infra.components.data_keys import DataKeys, DataKeysArgs
from infra.components.data_stores import DataStores, DataStoresArgs
from infra.components.default_vpcs import DefaultVpcs, DefaultVpcsArgs
from infra.components.ebs_encryption import EbsEncryption, EbsEncryptionArgs
from infra.components.identity import ProductionAccess, ProductionAccessArgs, WorkloadAccess
from infra.components.ingress import Ingress, IngressArgs
from infra.components.integrations import Webhooks, WebhooksArgs, connection_name
from infra.components.log_archive import LogArchive, LogArchiveArgs
from infra.components.log_pipeline import LogPipeline, LogPipelineArgs
from infra.components.messaging import Messaging, MessagingArgs
from infra.components.monitoring import Monitoring, MonitoringArgs
from infra.components.network import Network, NetworkArgs
from infra.components.secrets import Secrets, SecretsArgs
from infra.settings import load_settings

settings = load_settings()
account_id = aws.get_caller_identity_output().account_id
prefix = settings.name_prefix
tags = {conventions.ENVIRONMENT: settings.environment, "leadping:stack": settings.stack}

keys = DataKeys(
    "data-keys",
    DataKeysArgs(
        environment=settings.environment,
        account_id=account_id,
        region=settings.region,
        deletion_window_days=settings.key_deletion_window_days,
        tags=tags,
    ),
)
key = keys.arn

logs = LogArchive(
    "log-archive",
    LogArchiveArgs(
        name_prefix=prefix,
        account_id=account_id,
        region=settings.region,
        logs_key_arn=key("logs"),
        retention_days=settings.log_retention_days,
        tags=tags,
    ),
)

network = Network(
    "network",
    NetworkArgs(
        name_prefix=prefix,
        environment=settings.environment,
        account_id=account_id,
        region=settings.region,
        vpc_cidr=settings.vpc_cidr,
        availability_zone_count=settings.availability_zone_count,
        flow_log_bucket_arn=logs.archive.arn,
        key_deletion_window_days=settings.key_deletion_window_days,
        nat_gateway_per_zone=settings.is_prod,
        tags=tags,
    ),
    opts=pulumi.ResourceOptions(depends_on=[logs.archive.policy]),
)

# The default VPC of every region the stack uses: flow-logged into the archive, locked down.
default_vpcs = DefaultVpcs(
    "default-vpcs",
    DefaultVpcsArgs(
        name_prefix=prefix,
        regions=tuple(r for r in (settings.region, settings.backup_copy_region) if r),
        flow_log_bucket_arn=logs.archive.arn,
        tags=tags,
    ),
    opts=pulumi.ResourceOptions(depends_on=[logs.archive.policy]),
)

# EBS encryption by default in the stack's other regions (the network covers its own).
other_regions = tuple(r for r in (settings.backup_copy_region,) if r)
if other_regions:
    EbsEncryption(
        "ebs-encryption",
        EbsEncryptionArgs(
            environment=settings.environment,
            account_id=account_id,
            regions=other_regions,
            key_deletion_window_days=settings.key_deletion_window_days,
            tags=tags,
        ),
    )

data = DataStores(
    "data",
    DataStoresArgs(
        name_prefix=prefix,
        environment=settings.environment,
        account_id=account_id,
        key_arns={dc: key(dc) for dc in ("leads", "messages", "call-recordings")},
        logs_key_arn=key("logs"),
        log_retention_days=settings.log_retention_days,
        private_subnet_ids=network.private_subnet_ids,
        db_security_group_id=network.security_groups["db"].id,
        db_instance_class=settings.database.instance_class,
        db_allocated_storage_gb=settings.database.allocated_storage_gb,
        db_backup_retention_days=settings.database.backup_retention_days,
        db_multi_az=settings.database.multi_az,
        db_engine_version=settings.database.engine_version,
        secrets_key_arn=key("secrets"),
        access_log_bucket=logs.access_logs.name,
        tags=tags,
    ),
)

messaging = Messaging(
    "messaging",
    MessagingArgs(name_prefix=prefix, account_id=account_id, messages_key_arn=key("messages"), tags=tags),
)

tables = data.tables
recordings = data.recordings.name
work = messaging.queue.arn


def database_user(workload: str) -> pulumi.Output[str]:
    """Each workload connects to PostgreSQL as its own IAM-authenticated user."""
    return pulumi.Output.all(account_id, data.database.resource_id).apply(
        lambda values: policy_documents.database_user_arn(settings.region, values[0], values[1], workload)
    )


access = ProductionAccess(
    "access",
    ProductionAccessArgs(
        name_prefix=prefix,
        environment=settings.environment,
        account_id=account_id,
        region=settings.region,
        deploy_regions=tuple(r for r in (settings.region, settings.backup_copy_region) if r),
        workloads={
            "api": WorkloadAccess(
                table_arns=[tables["leads"].arn, tables["messages"].arn],
                bucket_names=[recordings],
                key_arns=[key("leads"), key("messages"), key("call-recordings")],
                send_queue_arns=[work],
                database_user_arns=[database_user("api")],
            ),
            "workers": WorkloadAccess(
                table_arns=[tables["leads"].arn, tables["messages"].arn],
                bucket_names=[recordings],
                key_arns=[key("leads"), key("messages"), key("call-recordings")],
                send_queue_arns=[work],
                consume_queue_arns=[work],
                database_user_arns=[database_user("workers")],
            ),
            "ingestion": WorkloadAccess(
                table_arns=[tables["leads"].arn],
                bucket_names=[recordings],
                key_arns=[key("leads"), key("messages"), key("call-recordings")],
                send_queue_arns=[work],
                database_user_arns=[database_user("ingestion")],
            ),
        },
        github_repository=settings.github_repository,
        protected_branch=settings.protected_branch,
        github_oidc_provider_arn=settings.github_oidc_provider_arn,
        auditor_principals=settings.auditor_principals,
        break_glass_principals=settings.break_glass_principals,
        tags=tags,
    ),
)

webhooks = None
if settings.webhook_targets and settings.webhook_credential:
    # Before the credential's secret: its first rotation writes the key into these connections.
    webhooks = Webhooks(
        "webhooks",
        WebhooksArgs(
            name_prefix=prefix,
            account_id=account_id,
            targets=settings.webhook_targets,
            credential_system=settings.webhook_credential,
            secrets_key_arn=key("secrets"),
            messages_key_arn=key("messages"),
            tags=tags,
        ),
    )

secrets = Secrets(
    "secrets",
    SecretsArgs(
        name_prefix=prefix,
        environment=settings.environment,
        account_id=account_id,
        region=settings.region,
        systems=settings.connected_systems,
        consumer_role_arns={w: access.arn(w) for w in conventions.TENANT_WORKLOADS},
        secrets_key_arn=key("secrets"),
        logs_key_arn=key("logs"),
        log_retention_days=settings.log_retention_days,
        private_subnet_ids=network.private_subnet_ids,
        security_group_id=network.security_groups["app"].id,
        recovery_window_days=30 if settings.is_prod else 7,
        # The webhook credential's rotation writes each new key into the webhooks' connections.
        connections={
            settings.webhook_credential: tuple(connection_name(prefix, t.name) for t in settings.webhook_targets)
        }
        if webhooks and settings.webhook_credential
        else {},
        connections_ready=list(webhooks.connections.values()) if webhooks else [],
        tags=tags,
    ),
)

ingress = Ingress(
    "ingress",
    IngressArgs(
        name_prefix=prefix,
        environment=settings.environment,
        domain_name=settings.domain_name,
        hosted_zone_id=settings.hosted_zone_id,
        api_routes=settings.api_routes,
        public_routes=settings.public_routes,
        waf_rate_limit=settings.waf_rate_limit,
        vpc_id=network.vpc.id,
        public_subnet_ids=network.public_subnet_ids,
        private_subnet_ids=network.private_subnet_ids,
        alb_security_group_id=network.security_groups["alb"].id,
        vpc_link_security_group_id=network.security_groups["api-link"].id,
        account_id=account_id,
        access_log_bucket=logs.archive.name,
        logs_key_arn=key("logs"),
        log_retention_days=settings.log_retention_days,
        tags=tags,
    ),
    opts=pulumi.ResourceOptions(depends_on=[logs.archive.policy]),
)

pipeline = LogPipeline(
    "log-pipeline",
    LogPipelineArgs(
        name_prefix=prefix,
        environment=settings.environment,
        account_id=account_id,
        region=settings.region,
        logs_key_arn=key("logs"),
        log_retention_days=settings.log_retention_days,
        archive_bucket=logs.archive.name,
        archive_bucket_arn=logs.archive.arn,
        archive_ready=[logs.archive.policy],
        tenant_bucket_arns=[data.recordings.arn],
        tags=tags,
    ),
)

backups = Backups(
    "backups",
    BackupsArgs(
        name_prefix=prefix,
        environment=settings.environment,
        account_id=account_id,
        policy=settings.policy,
        backups_key_arn=key("backups"),
        copy_region=settings.backup_copy_region,
        key_deletion_window_days=settings.key_deletion_window_days,
        tags=tags,
    ),
)

dead_letter_queues = {"work": messaging.dead_letter_queue.name, "secret-rotation": secrets.dead_letter_queue.name}
if webhooks is not None:
    dead_letter_queues["webhooks"] = webhooks.dead_letter_queue.name
monitoring = Monitoring(
    "monitoring",
    MonitoringArgs(
        name_prefix=prefix,
        environment=settings.environment,
        account_id=account_id,
        region=settings.region,
        alarm_email=settings.alarm_email,
        logs_key_arn=key("logs"),
        trail_log_group_name=pipeline.trail_log_group.name,
        load_balancer_arn_suffix=ingress.load_balancer.arn_suffix,
        api_name=ingress.api.name,
        api_stage=ingress.stage.stage_name,
        dead_letter_queues=dead_letter_queues,
        additional_regions=tuple(r for r in (settings.backup_copy_region,) if r),
        tags=tags,
    ),
)

pulumi.export("environment", settings.environment)
pulumi.export("key_arns", {dc: k.arn for dc, k in keys.keys.items()})
pulumi.export("log_archive_bucket", logs.archive.name)
pulumi.export("access_log_bucket", logs.access_logs.name)
pulumi.export("call_recordings_bucket", data.recordings.name)
pulumi.export("table_names", {dc: t.name for dc, t in data.tables.items()})
pulumi.export("database_endpoint", data.database.endpoint)
pulumi.export("database_arn", data.database.arn)
pulumi.export("work_queue_url", messaging.queue.url)
pulumi.export("vpc_id", network.vpc.id)
pulumi.export("private_subnet_ids", network.private_subnet_ids)
pulumi.export("security_group_ids", {tier: sg.id for tier, sg in network.security_groups.items()})
pulumi.export("role_arns", {w: r.arn for w, r in access.roles.items()})
pulumi.export("alb_arn", ingress.load_balancer.arn)
pulumi.export("alb_dns_name", ingress.load_balancer.dns_name)
pulumi.export("web_acl_arn", ingress.web_acl.arn)
pulumi.export("api_id", ingress.api.id)
pulumi.export("api_stage_arn", ingress.stage.arn)
pulumi.export("api_domain", ingress.domain.domain_name)
pulumi.export("user_pool_ids", {a: p.id for a, p in ingress.user_pools.items()})
pulumi.export("public_routes", [r.key for r in settings.public_routes])
pulumi.export("backup_vault_names", [v.name for v in (backups.vault, backups.copy_vault) if v is not None])
pulumi.export("backup_plan_id", backups.plan.id)
pulumi.export("trail_arn", pipeline.trail.arn)
pulumi.export("app_log_group", pipeline.app_log_group.name)
pulumi.export("alarm_topic_arn", monitoring.topic.arn)
pulumi.export("secret_arns", {n: s.arn for n, s in secrets.secrets.items()})
pulumi.export("webhook_destination_arns", {n: d.arn for n, d in webhooks.destinations.items()} if webhooks else {})
