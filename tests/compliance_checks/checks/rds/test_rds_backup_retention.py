"""Scenarios of rds_backup_retention (LP-BK-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.rds.helpers import client, cluster, instance
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "rds_backup_retention"


def test_given_an_instance_with_14_days_in_prod_then_pass(reader):
    arn = instance("leads-db", BackupRetentionPeriod=14)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["minimum_days"] == 14


def test_given_an_instance_with_7_days_in_prod_then_fail(reader):
    good = instance("leads-db", BackupRetentionPeriod=35)
    bad = instance("short-db", BackupRetentionPeriod=7)
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "7 days" in results[bad].message


def test_given_an_instance_with_7_days_in_dev_then_pass(reader):
    arn = instance("short-db", BackupRetentionPeriod=7)
    assert by_resource(run_check(CHECK, reader, environment="dev"))[arn].status is Status.PASS


def test_given_an_instance_with_automated_backups_off_then_fail(reader):
    arn = instance("no-backups-db", BackupRetentionPeriod=0)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "off" in result.message


def test_given_an_aurora_cluster_with_14_days_then_pass(reader):
    arn = cluster("leads-cluster", BackupRetentionPeriod=14)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_a_read_replica_is_judged_through_its_source(reader):
    source = instance("leads-db", BackupRetentionPeriod=14)
    replica = client().create_db_instance_read_replica(
        DBInstanceIdentifier="leads-replica", SourceDBInstanceIdentifier="leads-db"
    )["DBInstance"]["DBInstanceArn"]
    results = by_resource(run_check(CHECK, reader))
    assert results[source].status is Status.PASS
    assert replica not in results


def test_given_describe_db_instances_is_denied_then_error(reader, deny):
    instance("leads-db", BackupRetentionPeriod=1)
    deny("rds", "DescribeDBInstances")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
