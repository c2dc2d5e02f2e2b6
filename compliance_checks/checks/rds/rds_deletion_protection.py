from __future__ import annotations

from compliance_checks.core import Check, CheckContext, CheckMetadata, Severity, failed, passed
from compliance_checks.services import rds


class RdsDeletionProtection(Check):
    """Every RDS DB cluster and every DB instance outside a cluster has deletion protection.

    Cluster members take deletion protection from their cluster and are judged through it.

    Scenarios:
    - given an instance with deletion protection, then PASS
    - given an instance without deletion protection, then FAIL
    - given an Aurora cluster without deletion protection, then FAIL
    - given DescribeDBClusters is denied, then ERROR
    """

    regional = True
    metadata = CheckMetadata(
        title="RDS databases have deletion protection",
        severity=Severity.MEDIUM,
        resource_type="AWS::RDS::DBInstance",
        rationale="LP-BK-1: a database cannot be deleted by mistake or by a single compromised call "
        "(FSBP RDS.7 clusters, RDS.8 instances).",
        remediation="Enable DeletionProtection on the instance or cluster (infra: the database component does).",
    )

    def evaluate(self, ctx: CheckContext):
        for db in rds.databases(ctx.reader):
            evidence = {
                "engine": db.engine,
                "kind": db.kind,
                "deletion_protection": bool(db.raw.get("DeletionProtection")),
            }
            if evidence["deletion_protection"]:
                yield db.typed(passed(db.arn, "deletion protection is enabled", region=db.region, **evidence))
            else:
                yield db.typed(failed(db.arn, "deletion protection is disabled", region=db.region, **evidence))
