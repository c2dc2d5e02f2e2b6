"""Scenarios of dynamodb_pitr_enabled (LP-BK-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.checks.dynamodb.helpers import one_table_undescribed, table
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "dynamodb_pitr_enabled"


def _pitr(name: str) -> None:
    boto3.client("dynamodb", region_name=REGION).update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )


def test_given_a_table_with_point_in_time_recovery_then_pass(reader):
    arn = table("leads")
    _pitr("leads")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_a_table_without_point_in_time_recovery_then_fail(reader):
    good = table("leads")
    _pitr("leads")
    bad = table("messages")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert results[bad].evidence["pitr_status"] == "DISABLED"


def test_given_describe_continuous_backups_is_denied_then_error(reader, deny):
    arn = table("leads")
    deny("dynamodb", "DescribeContinuousBackups")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR


def test_given_one_table_that_cannot_be_described_then_error_for_it_and_the_other_tables_judged(reader, deny):
    neighbour, unreadable = one_table_undescribed(CHECK, reader, deny)
    assert neighbour.status is Status.FAIL
    assert (unreadable.status, unreadable.evidence["operation"]) == (Status.ERROR, "dynamodb:describe_table")
