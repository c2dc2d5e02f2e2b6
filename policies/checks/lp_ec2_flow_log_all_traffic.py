"""LP-LOG-1: VPC flow logs capture ALL traffic (accepted and rejected).

Scenarios:
- given a flow log with traffic_type ALL, then PASS
- given ACCEPT or REJECT only (or unset), then FAIL
"""

from lp_common import CheckCategories, LeadpingCheck, rules


class FlowLogAllTraffic(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="VPC flow logs capture ALL traffic",
            id="LP_EC2_FLOW_LOG_ALL_TRAFFIC",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_flow_log"],
        )

    def evaluate(self, conf):
        return rules.ec2.vpc_flow_logs([rules.ec2.FlowLog.from_plan(conf)])


check = FlowLogAllTraffic()
