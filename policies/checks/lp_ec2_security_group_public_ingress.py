"""LP-TX-1: the internet (0.0.0.0/0, ::/0) reaches nothing but TCP 443, and TCP 80 for the redirect.

Scenarios:
- given ingress from 0.0.0.0/0 on TCP 443 (or TCP 80), or ingress from private ranges only, then PASS
- given ingress from 0.0.0.0/0 or ::/0 on any other port, a port range or all protocols, then FAIL
Covers inline ingress blocks (aws_security_group), aws_security_group_rule (type ingress) and
aws_vpc_security_group_ingress_rule. Which group port 80 is open on is left to the live check
(ec2_security_group_public_ingress_restricted), which sees the load balancer's groups.
"""

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult

WORLD = {"0.0.0.0/0", "::/0"}
PUBLIC_PORTS = {443, 80}


def _port(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _violation(protocol, from_port, to_port, sources) -> str:
    if not WORLD & {str(s) for s in sources}:
        return ""
    protocol = str(protocol if protocol is not None else "").lower()
    low, high = _port(from_port), _port(to_port)
    if protocol in ("tcp", "6") and low is not None and low == high and low in PUBLIC_PORTS:
        return ""
    return f"{protocol or 'any protocol'} ports {from_port}-{to_port} open to {sorted(WORLD & set(sources))}"


class SecurityGroupPublicIngress(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Security groups admit 0.0.0.0/0 or ::/0 only on TCP 443 (and 80 for the HTTPS redirect)",
            id="LP_EC2_SECURITY_GROUP_PUBLIC_INGRESS",
            categories=[CheckCategories.NETWORKING],
            supported_resources=[
                "aws_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
            ],
        )

    def evaluate(self, conf):
        problems = []
        if self.entity_type == "aws_security_group":
            for rule in lp.blocks(conf, "ingress"):
                sources = lp.values(rule, "cidr_blocks") + lp.values(rule, "ipv6_cidr_blocks")
                problems.append(
                    _violation(
                        lp.value(rule, "protocol"), lp.value(rule, "from_port"), lp.value(rule, "to_port"), sources
                    )
                )
        elif self.entity_type == "aws_security_group_rule":
            if lp.value(conf, "type") != "ingress":
                return CheckResult.UNKNOWN, ""
            sources = lp.values(conf, "cidr_blocks") + lp.values(conf, "ipv6_cidr_blocks")
            problems.append(
                _violation(lp.value(conf, "protocol"), lp.value(conf, "from_port"), lp.value(conf, "to_port"), sources)
            )
        else:
            sources = [s for s in (lp.value(conf, "cidr_ipv4"), lp.value(conf, "cidr_ipv6")) if s]
            problems.append(
                _violation(
                    lp.value(conf, "ip_protocol"), lp.value(conf, "from_port"), lp.value(conf, "to_port"), sources
                )
            )
        problems = [p for p in problems if p]
        if problems:
            return CheckResult.FAILED, "; ".join(problems)
        return CheckResult.PASSED, ""


check = SecurityGroupPublicIngress()
