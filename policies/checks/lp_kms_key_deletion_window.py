"""LP-DR-1: a key scheduled for deletion waits at least the environment's window (prod 14 days, dev 7).

Scenarios:
- given deletion_window_in_days at or above the minimum, or unset (AWS waits 30 days), then PASS
- given a shorter window, then FAIL
"""

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult

AWS_DEFAULT_WINDOW = 30


class KeyDeletionWindow(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="KMS keys have a deletion window of at least the environment's minimum",
            id="LP_KMS_KEY_DELETION_WINDOW",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_kms_key"],
        )

    def evaluate(self, conf):
        environment, policy = self.context("environment", "policy")
        minimum = int(policy["min_key_deletion_window_days"])
        days = lp.value(conf, "deletion_window_in_days")
        days = AWS_DEFAULT_WINDOW if days is None else int(days)
        if days < minimum:
            return CheckResult.FAILED, f"deletion window {days} days is below {environment}'s minimum of {minimum}"
        return CheckResult.PASSED, ""


check = KeyDeletionWindow()
