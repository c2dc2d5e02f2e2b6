"""RDS inventory: DB instances and DB clusters (Aurora and Multi-AZ) in the audited regions, and their
parameter groups. DocumentDB and Neptune share the RDS API; they are other services and left out."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from compliance_checks.core import Result
from compliance_checks.reader import Reader

NOT_RDS_ENGINES = ("docdb", "neptune")

# The parameter that makes an engine refuse unencrypted connections, and the values that turn it on.
FORCE_SSL = {
    "postgres": "rds.force_ssl",
    "aurora-postgresql": "rds.force_ssl",
    "sqlserver": "rds.force_ssl",
    "mysql": "require_secure_transport",
    "mariadb": "require_secure_transport",
    "aurora-mysql": "require_secure_transport",
    "aurora": "require_secure_transport",  # Aurora MySQL 1 (5.6-compatible)
}
ON_VALUES = ("1", "on", "true")


def force_ssl_parameter(engine: str) -> str | None:
    """The TLS-enforcing parameter of ``engine`` (None for engines where a parameter does not decide it)."""
    family = "sqlserver" if engine.startswith("sqlserver") else engine
    return FORCE_SSL.get(family)


@dataclass(frozen=True)
class Database:
    """A DB instance or a DB cluster."""

    arn: str
    id: str
    region: str
    engine: str
    is_cluster: bool
    raw: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def cluster_id(self) -> str | None:
        """For an instance, the cluster it belongs to (Aurora or Multi-AZ cluster); its storage, backups,
        TLS parameters and deletion protection are the cluster's."""
        return None if self.is_cluster else self.raw.get("DBClusterIdentifier")

    @property
    def tags(self) -> dict[str, str]:
        return {t["Key"]: t.get("Value", "") for t in self.raw.get("TagList") or []}

    @property
    def kind(self) -> str:
        return "cluster" if self.is_cluster else "instance"

    @property
    def resource_type(self) -> str:
        return "AWS::RDS::DBCluster" if self.is_cluster else "AWS::RDS::DBInstance"

    def typed(self, result: Result) -> Result:
        """``result`` with this database's resource type (checks declare the instance type)."""
        return replace(result, resource_type=self.resource_type)


def instances(reader: Reader) -> list[Database]:
    """Every RDS DB instance in the audited regions (needs rds:DescribeDBInstances)."""
    found = []
    for region in reader.regions:
        for item in reader.paginate("rds", "describe_db_instances", "DBInstances", region=region):
            if not item.get("Engine", "").startswith(NOT_RDS_ENGINES):
                found.append(
                    Database(item["DBInstanceArn"], item["DBInstanceIdentifier"], region, item["Engine"], False, item)
                )
    return found


def clusters(reader: Reader) -> list[Database]:
    """Every RDS DB cluster in the audited regions (needs rds:DescribeDBClusters)."""
    found = []
    for region in reader.regions:
        for item in reader.paginate("rds", "describe_db_clusters", "DBClusters", region=region):
            if not item.get("Engine", "").startswith(NOT_RDS_ENGINES):
                found.append(
                    Database(item["DBClusterArn"], item["DBClusterIdentifier"], region, item["Engine"], True, item)
                )
    return found


def databases(reader: Reader) -> list[Database]:
    """Clusters, and the instances that are not members of a cluster: what backups, encryption, TLS
    parameters and deletion protection are set on."""
    return clusters(reader) + [db for db in instances(reader) if db.cluster_id is None]


def parameter_group(db: Database) -> str | None:
    if db.is_cluster:
        return db.raw.get("DBClusterParameterGroup")
    groups = db.raw.get("DBParameterGroups") or []
    return groups[0].get("DBParameterGroupName") if groups else None


def parameters(reader: Reader, db: Database) -> dict[str, str | None]:
    """The database's parameter group as {name: value}; a parameter without a value maps to None.

    Needs rds:DescribeDBParameters (instances) or rds:DescribeDBClusterParameters (clusters).
    """
    group = parameter_group(db)
    if group is None:
        return {}
    if db.is_cluster:
        listed = reader.paginate(
            "rds", "describe_db_cluster_parameters", "Parameters", region=db.region, DBClusterParameterGroupName=group
        )
    else:
        listed = reader.paginate(
            "rds", "describe_db_parameters", "Parameters", region=db.region, DBParameterGroupName=group
        )
    return {p["ParameterName"]: p.get("ParameterValue") for p in listed}
