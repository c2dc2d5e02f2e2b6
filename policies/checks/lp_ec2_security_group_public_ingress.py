"""LP-TX-1: the internet (0.0.0.0/0, ::/0) reaches nothing but TCP 443, and TCP 80 for the redirect.

Scenarios:
- given ingress from 0.0.0.0/0 on TCP 443 (or TCP 80), or ingress from private ranges only, then PASS
- given ingress from 0.0.0.0/0 or ::/0 on any other port, a port range or all protocols, then FAIL
Covers inline ingress blocks (aws_security_group), aws_security_group_rule (type ingress) and
aws_vpc_security_group_ingress_rule. Which group port 80 is open on is left to the live check
(ec2_security_group_public_ingress_restricted), which sees the load balancer's groups.
"""

from lp_common import CheckCategories, LeadpingCheck, rules


class SecurityGroupPublicIngress(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Security groups admit 0.0.0.0/0 or ::/0 only on 443 (and TCP 80 for the HTTPS redirect)",
            id="LP_EC2_SECURITY_GROUP_PUBLIC_INGRESS",
            categories=[CheckCategories.NETWORKING],
            supported_resources=[
                "aws_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
            ],
        )

    def evaluate(self, conf):
        ingress = rules.ec2.Ingress.from_plan(self.entity_type, conf)
        if not ingress and self.entity_type != "aws_security_group":
            return None  # an egress rule
        # Which load balancer uses a group is not in the plan's context: port 80 is allowed on any.
        return rules.ec2.public_ingress(ingress, on_load_balancer=lambda: True)


check = SecurityGroupPublicIngress()
