"""The DynamoDB inventory (compliance_checks.services.dynamodb) other checks scope by."""

from __future__ import annotations

import boto3
import pytest

from compliance_checks.core import ReadError
from compliance_checks.reader import Reader
from compliance_checks.services import dynamodb
from tests.compliance_checks.conftest import REGION


def _table(name: str, hash_key: str, region: str = REGION, tags: list[dict] | None = None) -> str:
    client = boto3.client("dynamodb", region_name=region)
    described = client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": hash_key, "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": hash_key, "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        Tags=tags or [],
    )
    return described["TableDescription"]["TableArn"]


def test_tables_lists_every_audited_region_with_keys_and_tags(session):
    leads = _table("leads", "business_id", tags=[{"Key": "leadping:tenant-data", "Value": "true"}])
    other = _table("audit", "pk", region="eu-west-1")
    _table("not-audited", "pk", region="ap-south-1")
    reader = Reader(session, [REGION, "eu-west-1"])

    found = {t.arn: t for t in dynamodb.tables(reader)}

    assert set(found) == {leads, other}
    assert found[leads].hash_key == "business_id"
    assert found[leads].range_key == "sk"
    assert found[leads].tags == {"leadping:tenant-data": "true"}
    assert found[other].region == "eu-west-1"
    assert found[other].tags == {}
    # describe() is served from the inventory's memoised read
    before = reader.requests[("dynamodb", "describe_table")]
    assert dynamodb.describe(reader, found[leads])["TableName"] == "leads"
    assert reader.requests[("dynamodb", "describe_table")] == before


def test_a_denied_listing_raises_a_read_error(reader, deny):
    _table("leads", "business_id")
    deny("dynamodb", "ListTables")
    with pytest.raises(ReadError):
        dynamodb.tables(reader)


def test_tables_without_tags_does_not_read_them(reader, deny):
    _table("leads", "business_id", tags=[{"Key": "leadping:data-store", "Value": "true"}])
    deny("dynamodb", "ListTagsOfResource")
    [table] = dynamodb.tables(reader, with_tags=False)
    assert table.tags == {}
    # With tags asked for, the table whose tags cannot be read is listed as unread (issue 10: one
    # table's failed read no longer hides the others), and its own reads raise that error.
    [unread] = dynamodb.tables(reader)
    assert unread.unread is not None
    assert unread.unread.kind == ReadError.ACCESS_DENIED
    with pytest.raises(ReadError):
        dynamodb.describe(reader, unread)
    with pytest.raises(ReadError):
        dynamodb.readable([unread])
