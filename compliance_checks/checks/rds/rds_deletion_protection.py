from __future__ import annotations

from compliance_checks.kit import CheckMetadata, DatabaseCheck, Severity, comply, verdict, violate


class RdsDeletionProtection(DatabaseCheck):
    """Every RDS DB cluster and every DB instance outside a cluster has deletion protection.

    Cluster members take deletion protection from their cluster and are judged through it.

    Scenarios:
    - given an instance with deletion protection, then PASS
    - given an instance without deletion protection, then FAIL
    - given an Aurora cluster without deletion protection, then FAIL
    - given DescribeDBClusters is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="RDS databases have deletion protection",
        severity=Severity.MEDIUM,
        resource_type="AWS::RDS::DBInstance",
        rationale="LP-BK-1: a database cannot be deleted by mistake or by a single compromised call "
        "(FSBP RDS.7 clusters, RDS.8 instances).",
        remediation="Enable DeletionProtection on the instance or cluster (infra: the database component does).",
    )

    def judge(self, ctx, db):
        on = bool(db.raw.get("DeletionProtection"))
        judged = comply("deletion protection is enabled") if on else violate("deletion protection is disabled")
        return verdict(db.arn, judged, region=db.region, engine=db.engine, kind=db.kind, deletion_protection=on)
