from __future__ import annotations

from compliance_checks.kit import (
    CheckMetadata,
    DatabaseCheck,
    ReadError,
    Result,
    Severity,
    Status,
    errored,
    failed,
    passed,
    rds,
)


class RdsForceSsl(DatabaseCheck):
    """Every RDS database refuses unencrypted connections through its (cluster) parameter group.

    PostgreSQL, Aurora PostgreSQL and SQL Server need rds.force_ssl = 1; MySQL, MariaDB and Aurora
    MySQL need require_secure_transport = ON (1). Clusters (Aurora, Multi-AZ) are judged on their
    cluster parameter group and their member instances are not judged apart. A default parameter
    group passes only where the engine's default already forces TLS (PostgreSQL 15+); a parameter
    without a value fails. Engines where no parameter decides it (Oracle, Db2) are reported ERROR
    (not judged), never PASS.

    Scenarios:
    - given a PostgreSQL instance whose parameter group sets rds.force_ssl = 1, then PASS
    - given a PostgreSQL instance on a default parameter group without rds.force_ssl = 1, then FAIL
    - given a MySQL instance whose parameter group sets require_secure_transport = ON, then PASS
    - given a MySQL instance with require_secure_transport = OFF, then FAIL
    - given an Aurora PostgreSQL cluster whose cluster parameter group sets rds.force_ssl = 1, then PASS
    - given an Oracle instance, then ERROR (TLS is set in an option group, not judged here)
    - given DescribeDBParameters is denied, then ERROR for that instance
    """

    metadata = CheckMetadata(
        title="RDS databases force TLS connections",
        severity=Severity.HIGH,
        resource_type="AWS::RDS::DBInstance",
        rationale="LP-TX-1: connections to databases are encrypted in transit; the engine refuses plaintext.",
        remediation="Use a custom (cluster) parameter group with rds.force_ssl=1 (PostgreSQL) or "
        "require_secure_transport=ON (MySQL) (infra: the database component creates it).",
    )

    def judge(self, ctx, db: rds.Database) -> Result:
        name = rds.force_ssl_parameter(db.engine)
        group = rds.parameter_group(db)
        evidence = {"engine": db.engine, "kind": db.kind, "parameter_group": group, "parameter": name}
        if not db.is_cluster and db.raw.get("DBParameterGroups"):
            # "pending-reboot": the group's value is not yet what the running engine uses.
            evidence["apply_status"] = db.raw["DBParameterGroups"][0].get("ParameterApplyStatus")
        if name is None:
            message = f"not judged: {db.engine} does not enforce TLS through a parameter; verify it by hand"
            return Result(Status.ERROR, db.arn, message, db.region, evidence={"error_kind": "not-judged", **evidence})
        try:
            value = rds.parameters(ctx.reader, db).get(name)
        except ReadError as error:
            return errored(db.arn, error, region=db.region, **evidence)
        evidence["value"] = value
        if value is not None and value.strip().lower() in rds.ON_VALUES:
            return passed(db.arn, f"{group} sets {name} = {value}", region=db.region, **evidence)
        message = f"{group} sets {name} = {value or 'no value'}: plaintext connections are accepted"
        return failed(db.arn, message, region=db.region, **evidence)
