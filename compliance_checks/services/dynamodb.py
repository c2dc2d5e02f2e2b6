"""DynamoDB inventory: tables in the audited regions with their key schema and tags, and per-table reads.

Listing needs dynamodb:ListTables and dynamodb:DescribeTable (each table's description gives its ARN
and key schema), and dynamodb:ListTagsOfResource unless the caller asks for no tags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compliance_checks.core import ReadError
from compliance_checks.reader import Reader


@dataclass(frozen=True)
class Table:
    name: str
    arn: str
    region: str
    key_schema: tuple[dict[str, str], ...] = field(default=(), hash=False, compare=False)
    tags: dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # {} when read without tags
    # Why the table's description or tags could not be read: its own reads raise it, so a check
    # reports this table as ERROR and judges the others.
    unread: ReadError | None = field(default=None, compare=False)

    @property
    def hash_key(self) -> str | None:
        """The partition (HASH) key attribute name."""
        return next((k["AttributeName"] for k in self.key_schema if k.get("KeyType") == "HASH"), None)

    @property
    def range_key(self) -> str | None:
        return next((k["AttributeName"] for k in self.key_schema if k.get("KeyType") == "RANGE"), None)


def tables(reader: Reader, *, with_tags: bool = True) -> list[Table]:
    """Every table in every audited region, with key schema and (unless ``with_tags`` is False) tags.

    A region whose tables cannot be listed raises ReadError; a table whose description or tags
    cannot be read is returned with ``unread`` set (its key schema and tags unknown).
    """
    found = []
    for region in reader.regions:
        for name in reader.paginate("dynamodb", "list_tables", "TableNames", region=region):
            try:
                described = _describe(reader, name, region)
                if described is None:  # deleted between listing and describing
                    continue
                tags = _tags(reader, described["TableArn"], region) if with_tags else {}
            except ReadError as error:
                arn = f"arn:{reader.partition()}:dynamodb:{region}:{reader.account_id_or_unknown()}:table/{name}"
                found.append(Table(name=name, arn=arn, region=region, unread=error))
                continue
            found.append(
                Table(
                    name=name,
                    arn=described["TableArn"],
                    region=region,
                    key_schema=tuple(described.get("KeySchema", [])),
                    tags=tags,
                )
            )
    return found


def readable(found: list[Table]) -> list[Table]:
    """``found`` when every table could be read; else raises the first table's ReadError (for verdicts
    that rest on every table, such as which tables hold tenant data)."""
    unread = next((t.unread for t in found if t.unread is not None), None)
    if unread is not None:
        raise unread
    return found


def _describe(reader: Reader, name: str, region: str) -> dict[str, Any] | None:
    response = reader.call(
        "dynamodb",
        "describe_table",
        region=region,
        missing=("ResourceNotFoundException",),
        expect=("Table",),
        TableName=name,
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
    if table.unread is not None:
        raise table.unread
    return _describe(reader, table.name, table.region) or {}


def sse_description(reader: Reader, table: Table) -> dict[str, Any] | None:
    """SSEDescription; None means the default encryption with an AWS-owned key."""
    return describe(reader, table).get("SSEDescription")


def deletion_protection(reader: Reader, table: Table) -> bool:
    return bool(describe(reader, table).get("DeletionProtectionEnabled", False))


def continuous_backups(reader: Reader, table: Table) -> dict[str, Any]:
    """ContinuousBackupsDescription (needs dynamodb:DescribeContinuousBackups)."""
    if table.unread is not None:
        raise table.unread
    response = reader.call(
        "dynamodb",
        "describe_continuous_backups",
        region=table.region,
        expect=("ContinuousBackupsDescription",),
        TableName=table.name,
    )
    return (response or {}).get("ContinuousBackupsDescription", {})
