"""Builders of DynamoDB state in moto, shared by the DynamoDB (and backup) check tests."""

from __future__ import annotations

from collections.abc import Callable

import boto3

from compliance_checks.core import Result
from compliance_checks.reader import Reader
from tests.compliance_checks.conftest import REGION, by_resource, run_check


def table(
    name: str, *, sse: dict | None = None, tags: dict[str, str] | None = None, deletion_protection: bool = False
) -> str:
    """ARN of a new on-demand table keyed by business_id."""
    kwargs: dict = {}
    if sse is not None:
        kwargs["SSESpecification"] = sse
    return boto3.client("dynamodb", region_name=REGION).create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "business_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "business_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()],
        DeletionProtectionEnabled=deletion_protection,
        **kwargs,
    )["TableDescription"]["TableArn"]


def one_table_undescribed(check_id: str, reader: Reader, deny: Callable[..., None]) -> tuple[Result, Result]:
    """Two tables, the second of which cannot be described: (its neighbour's result, its result)."""
    readable, unreadable = table("leads"), table("messages")
    deny("dynamodb", "DescribeTable", naming="messages")
    results = by_resource(run_check(check_id, reader))
    return results[readable], results[unreadable]
