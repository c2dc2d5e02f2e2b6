"""Scenarios of rds_force_ssl (LP-TX-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.rds.helpers import cluster, instance, parameter_group
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "rds_force_ssl"


def test_given_a_postgres_instance_with_force_ssl_then_pass(reader):
    group = parameter_group("leadping-pg16", "postgres16", {"rds.force_ssl": "1"})
    arn = instance("leads-db", DBParameterGroupName=group)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["value"] == "1"
    assert result.resource_type == "AWS::RDS::DBInstance"


def test_given_a_postgres_instance_on_a_default_parameter_group_then_fail(reader):
    good = instance(
        "leads-db", DBParameterGroupName=parameter_group("leadping-pg16", "postgres16", {"rds.force_ssl": "1"})
    )
    bad = instance("scratch-db")  # default.postgres<version>; moto lists it without rds.force_ssl
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert results[bad].evidence["parameter_group"].startswith("default.")


def test_given_a_postgres_parameter_group_with_force_ssl_0_then_fail(reader):
    arn = instance("leads-db", DBParameterGroupName=parameter_group("lax", "postgres16", {"rds.force_ssl": "0"}))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_mysql_instance_with_require_secure_transport_on_then_pass(reader):
    group = parameter_group("leadping-mysql", "mysql8.0", {"require_secure_transport": "ON"})
    arn = instance("events-db", engine="mysql", DBParameterGroupName=group)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["parameter"] == "require_secure_transport"


def test_given_a_mysql_instance_with_require_secure_transport_off_then_fail(reader):
    group = parameter_group("lax-mysql", "mysql8.0", {"require_secure_transport": "OFF"})
    arn = instance("events-db", engine="mysql", DBParameterGroupName=group)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_an_aurora_cluster_with_force_ssl_in_its_cluster_parameter_group_then_pass(reader):
    group = parameter_group("leadping-aurora", "aurora-postgresql16", {"rds.force_ssl": "1"}, cluster_group=True)
    arn = cluster("leads-cluster", DBClusterParameterGroupName=group)
    member = instance("leads-cluster-1", engine="aurora-postgresql", DBClusterIdentifier="leads-cluster")
    results = by_resource(run_check(CHECK, reader))
    assert results[arn].status is Status.PASS
    assert results[arn].resource_type == "AWS::RDS::DBCluster"
    assert member not in results  # judged through its cluster


def test_given_an_oracle_instance_then_error(reader):
    arn = instance("erp-db", engine="oracle-ee", LicenseModel="bring-your-own-license")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert "not judged" in result.message


def test_given_describe_db_parameters_is_denied_then_error(reader, deny):
    arn = instance(
        "leads-db", DBParameterGroupName=parameter_group("leadping-pg16", "postgres16", {"rds.force_ssl": "1"})
    )
    deny("rds", "DescribeDBParameters")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"
