"""DynamoDB inventory: tables in the audited regions with their key schema and tags, and per-table reads.

Listing needs dynamodb:ListTables and dynamodb:DescribeTable (each table's description gives its ARN
and key schema), and dynamodb:ListTagsOfResource unless the caller asks for no tags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compliance_checks.reader import Reader

LIST_PERMISSIONS = ("dynamodb:ListTables", "dynamodb:DescribeTable")
INVENTORY_PERMISSIONS = (*LIST_PERMISSIONS, "dynamodb:ListTagsOfResource")


@dataclass(frozen=True)
class Table:
    name: str
    arn: str
    region: str
    key_schema: tuple[dict[str, str], ...] = field(default=(), hash=False, compare=False)
    tags: dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # {} when read without tags

    @property
    def hash_key(self) -> str | None:
        """The partition (HASH) key attribute name."""
        return next((k["AttributeName"] for k in self.key_schema if k.get("KeyType") == "HASH"), None)

    @property
    def range_key(self) -> str | None:
        return next((k["AttributeName"] for k in self.key_schema if k.get("KeyType") == "RANGE"), None)


def tables(reader: Reader, *, with_tags: bool = True) -> list[Table]:
    """Every table in every audited region, with key schema and (unless ``with_tags`` is False) tags."""
    found = []
    for region in reader.regions:
        for name in reader.paginate("dynamodb", "list_tables", "TableNames", region=region):
            described = _describe(reader, name, region)
            if described is None:  # deleted between listing and describing
                continue
            arn = described["TableArn"]
            found.append(
                Table(
                    name=name,
                    arn=arn,
                    region=region,
                    key_schema=tuple(described.get("KeySchema", [])),
                    tags=_tags(reader, arn, region) if with_tags else {},
                )
            )
    return found


def _describe(reader: Reader, name: str, region: str) -> dict[str, Any] | None:
    response = reader.call(
        "dynamodb", "describe_table", region=region, missing=("ResourceNotFoundException",), TableName=name
    )
    return None if response is None else response["Table"]


def _tags(reader: Reader, arn: str, region: str) -> dict[str, str]:
    listed = reader.paginate(
        "dynamodb",
        "list_tags_of_resource",
        "Tags",
        region=region,
        missing=("ResourceNotFoundException",),
        ResourceArn=arn,
    )
    return {t["Key"]: t["Value"] for t in listed}


def describe(reader: Reader, table: Table) -> dict[str, Any]:
    """The table's DescribeTable ``Table`` (already read by the inventory, so free)."""
    return _describe(reader, table.name, table.region) or {}


def sse_description(reader: Reader, table: Table) -> dict[str, Any] | None:
    """SSEDescription; None means the default encryption with an AWS-owned key."""
    return describe(reader, table).get("SSEDescription")


def deletion_protection(reader: Reader, table: Table) -> bool:
    return bool(describe(reader, table).get("DeletionProtectionEnabled", False))


def continuous_backups(reader: Reader, table: Table) -> dict[str, Any]:
    """ContinuousBackupsDescription (needs dynamodb:DescribeContinuousBackups)."""
    response = reader.call("dynamodb", "describe_continuous_backups", region=table.region, TableName=table.name)
    return (response or {}).get("ContinuousBackupsDescription", {})
