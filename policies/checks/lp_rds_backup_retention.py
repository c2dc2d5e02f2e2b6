"""LP-BK-1: databases keep automated backups at least the environment's minimum (prod 14 days, dev 7).

Scenarios:
- given backup_retention_period at or above the minimum, then PASS
- given a shorter period, or none (the engine default is 1 day or off), then FAIL
"""

from lp_common import CheckCategories, LeadpingCheck, rules


class RdsBackupRetention(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="RDS instances and clusters keep backups for at least the environment's minimum",
            id="LP_RDS_BACKUP_RETENTION",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["aws_db_instance", "aws_rds_cluster"],
        )

    def evaluate(self, conf):
        database = rules.rds.Database.from_plan(conf)
        return rules.rds.backup_retention(database, self.minimum("min_db_backup_retention_days"))


check = RdsBackupRetention()
