"""PostgreSQL and the tenant tables: one test per security property (LP-DR-1, LP-TX-1, LP-BK-1, LP-AC-3)."""

from __future__ import annotations

import pytest

from compliance_checks import conventions
from infra.render import RenderedResource, Rendering
from tests.infra.rendered import key_class, named, output, tags

TABLES = ("data-leads-table", "data-messages-table")


def database(rendering: Rendering) -> RenderedResource:
    (instance,) = rendering.of_type("aws:rds/instance:Instance")
    return instance


def test_database_storage_is_encrypted_with_the_leads_key(stack):
    db = database(stack).inputs
    assert db["storageEncrypted"] is True
    assert key_class(stack, db["kmsKeyId"]) == "leads"


def test_database_forces_tls(stack):
    groups = {output(g, "name"): g for g in stack.of_type("aws:rds/parameterGroup:ParameterGroup")}
    group = groups[database(stack).inputs["parameterGroupName"]]
    parameters = {p["name"]: p["value"] for p in group.inputs["parameters"]}
    assert parameters["rds.force_ssl"] == "1"
    assert parameters["ssl_min_protocol_version"] == "TLSv1.2"
    assert group.inputs["family"] == "postgres16"


def test_database_uses_iam_authentication(stack):
    assert database(stack).inputs["iamDatabaseAuthenticationEnabled"] is True


def test_database_is_private(stack):
    db = database(stack).inputs
    assert db["publiclyAccessible"] is False
    (subnets,) = stack.of_type("aws:rds/subnetGroup:SubnetGroup")
    private = {output(s, "id") for s in stack.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["tier"] == "private"}
    assert set(subnets.inputs["subnetIds"]) == private
    db_group = named(stack, "aws:ec2/securityGroup:SecurityGroup", "network-db-sg")
    assert db["vpcSecurityGroupIds"] == [output(db_group, "id")]


def test_database_backups_follow_the_environment_and_deletion_is_protected(stack):
    db = database(stack).inputs
    assert db["backupRetentionPeriod"] == int(stack.config["leadping:dbBackupRetentionDays"])
    assert db["backupRetentionPeriod"] >= (14 if stack.stack == "prod" else 7)
    assert db["deletionProtection"] is True
    assert db["skipFinalSnapshot"] is False
    assert db["deleteAutomatedBackups"] is False


def test_database_performance_insights_are_encrypted(stack):
    db = database(stack).inputs
    assert db["performanceInsightsEnabled"] is True
    assert key_class(stack, db["performanceInsightsKmsKeyId"]) == "leads"


def test_database_exports_logs_to_encrypted_retained_log_groups(stack):
    db = database(stack)
    exports = db.inputs["enabledCloudwatchLogsExports"]
    assert set(exports) == {"postgresql", "upgrade"}
    groups = {output(g, "name"): g for g in stack.of_type("aws:cloudwatch/logGroup:LogGroup")}
    for export in exports:
        group = groups[f"/aws/rds/instance/{db.inputs['identifier']}/{export}"]
        assert key_class(stack, group.inputs["kmsKeyId"]) == "logs"
        assert group.inputs["retentionInDays"] == int(stack.config["leadping:logRetentionDays"])
        assert group.urn in db.dependencies


def test_database_takes_minor_upgrades_and_copies_tags_to_snapshots(stack):
    db = database(stack).inputs
    assert db["autoMinorVersionUpgrade"] is True
    assert db["copyTagsToSnapshot"] is True


def test_database_multi_az_follows_the_settings(dev, prod):
    assert database(prod).inputs["multiAz"] is True
    assert database(dev).inputs["multiAz"] is False


def test_database_master_password_is_generated_in_secrets_manager(stack):
    db = database(stack).inputs
    assert db["manageMasterUserPassword"] is True
    assert "password" not in db
    assert key_class(stack, db["masterUserSecretKmsKeyId"]) == "secrets"


def test_database_master_secret_rds_creates_is_tagged_with_its_system(stack):
    instance = database(stack)
    (secret,) = output(instance, "masterUserSecrets")
    (tag,) = [t for t in stack.of_type("aws:secretsmanager/tag:Tag") if t.inputs["secretId"] == secret["secretArn"]]
    assert (tag.inputs["key"], tag.inputs["value"]) == (conventions.SYSTEM, instance.inputs["identifier"])
    assert instance.urn in tag.dependencies


def test_database_is_monitored_with_enhanced_monitoring(stack):
    db = database(stack).inputs
    assert db["monitoringInterval"] == 60
    role = named(stack, "aws:iam/role:Role", "data-db-monitoring-role")
    assert db["monitoringRoleArn"] == output(role, "arn")


@pytest.mark.parametrize("table", TABLES)
def test_tenant_table_is_partitioned_by_business_id(stack, table):
    inputs = named(stack, "aws:dynamodb/table:Table", table).inputs
    assert inputs["hashKey"] == conventions.TENANT_PARTITION_KEY
    assert {"name": "business_id", "type": "S"} in inputs["attributes"]


@pytest.mark.parametrize("table", TABLES)
def test_tenant_table_is_encrypted_with_its_data_class_key(stack, table):
    resource = named(stack, "aws:dynamodb/table:Table", table)
    sse = resource.inputs["serverSideEncryption"]
    assert sse["enabled"] is True
    assert key_class(stack, sse["kmsKeyArn"]) == tags(resource)[conventions.DATA_CLASS]


@pytest.mark.parametrize("table", TABLES)
def test_tenant_table_has_point_in_time_recovery_and_deletion_protection(stack, table):
    inputs = named(stack, "aws:dynamodb/table:Table", table).inputs
    assert inputs["pointInTimeRecovery"] == {"enabled": True}
    assert inputs["deletionProtectionEnabled"] is True


def test_data_stores_are_tagged_for_backup_and_tenancy(stack):
    db = tags(database(stack))
    assert db[conventions.DATA_STORE] == "true"
    assert db[conventions.DATA_CLASS] == "leads"
    for table in TABLES:
        table_tags = tags(named(stack, "aws:dynamodb/table:Table", table))
        assert table_tags[conventions.DATA_STORE] == "true"
        assert table_tags[conventions.TENANT_DATA] == "true"
        assert table_tags[conventions.ENVIRONMENT] == stack.stack
