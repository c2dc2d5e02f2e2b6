"""Scenarios of dynamodb_deletion_protection (LP-BK-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.dynamodb.helpers import one_table_undescribed, table
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "dynamodb_deletion_protection"


def test_given_a_table_with_deletion_protection_then_pass(reader):
    arn = table("leads", deletion_protection=True)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_a_table_without_deletion_protection_then_fail(reader):
    good = table("leads", deletion_protection=True)
    bad = table("messages")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL


def test_given_describe_table_is_denied_then_error(reader, deny):
    table("leads")
    deny("dynamodb", "DescribeTable")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]


def test_given_one_table_that_cannot_be_described_then_error_for_it_and_the_other_tables_judged(reader, deny):
    neighbour, unreadable = one_table_undescribed(CHECK, reader, deny)
    assert neighbour.status is Status.FAIL
    assert (unreadable.status, unreadable.evidence["operation"]) == (Status.ERROR, "dynamodb:describe_table")
