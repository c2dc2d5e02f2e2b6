"""LP-LOG-1: VPC flow logs capture ALL traffic (accepted and rejected).

Scenarios:
- given a flow log with traffic_type ALL, then PASS
- given ACCEPT or REJECT only (or unset), then FAIL
"""

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult


class FlowLogAllTraffic(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="VPC flow logs capture ALL traffic",
            id="LP_EC2_FLOW_LOG_ALL_TRAFFIC",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_flow_log"],
        )

    def evaluate(self, conf):
        traffic = lp.value(conf, "traffic_type")
        if traffic == "ALL":
            return CheckResult.PASSED, ""
        return CheckResult.FAILED, f"traffic_type is {traffic!r}, not ALL"


check = FlowLogAllTraffic()
