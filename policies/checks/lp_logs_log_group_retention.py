"""LP-LOG-2: log groups keep events at least the environment's minimum (prod 365 days, dev 30).

Scenarios:
- given retention_in_days at or above the stack environment's minimum, then PASS
- given a shorter retention, then FAIL
- given no retention (or 0, "never expire"), then FAIL: the control asks for a set retention
"""

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult


class LogGroupRetention(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="CloudWatch log groups keep logs for at least the environment's minimum",
            id="LP_LOGS_LOG_GROUP_RETENTION",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_cloudwatch_log_group"],
        )

    def evaluate(self, conf):
        environment, policy = self.context("environment", "policy")
        minimum = int(policy["min_log_retention_days"])
        days = lp.value(conf, "retention_in_days")
        if days in (None, 0, "0"):
            return CheckResult.FAILED, f"no retention set; {environment} requires at least {minimum} days"
        if int(days) < minimum:
            return CheckResult.FAILED, f"retention {days} days is below {environment}'s minimum of {minimum}"
        return CheckResult.PASSED, ""


check = LogGroupRetention()
