"""Scenarios of rds_deletion_protection (LP-BK-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.rds.helpers import cluster, instance
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "rds_deletion_protection"


def test_given_an_instance_with_deletion_protection_then_pass(reader):
    arn = instance("leads-db", DeletionProtection=True)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_an_instance_without_deletion_protection_then_fail(reader):
    good = instance("leads-db", DeletionProtection=True)
    bad = instance("scratch-db")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL


def test_given_an_aurora_cluster_without_deletion_protection_then_fail(reader):
    good = cluster("leads-cluster", DeletionProtection=True)
    bad = cluster("scratch-cluster")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert results[bad].resource_type == "AWS::RDS::DBCluster"


def test_given_describe_db_clusters_is_denied_then_error(reader, deny):
    instance("leads-db")
    deny("rds", "DescribeDBClusters")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
