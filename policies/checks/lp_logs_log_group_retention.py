"""LP-LOG-2: log groups keep events at least the environment's minimum (prod 365 days, dev 30).

The rule is compliance_checks.rules.logs.retention, the live check's: a group that never expires
its events (retention_in_days unset or 0) keeps the evidence and passes.

Scenarios:
- given retention_in_days at or above the stack environment's minimum, then PASS
- given no retention (or 0, "never expire"), then PASS
- given a shorter retention, then FAIL
- given a plan without the stack context, then FAIL (fail closed)
"""

from lp_common import CheckCategories, LeadpingCheck, rules


class LogGroupRetention(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="CloudWatch log groups keep logs for at least the environment's minimum",
            id="LP_LOGS_LOG_GROUP_RETENTION",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_cloudwatch_log_group"],
        )

    def evaluate(self, conf):
        group = rules.logs.LogGroup.from_plan(conf)
        return rules.logs.retention(group, self.minimum("min_log_retention_days"))


check = LogGroupRetention()
