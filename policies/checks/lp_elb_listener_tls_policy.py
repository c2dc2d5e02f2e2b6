"""LP-TX-1: a TLS listener negotiates only with a policy from the allowed list.

Scenarios:
- given an HTTPS or TLS listener whose ssl_policy is in the allowed list, then PASS
- given an HTTPS listener on ELBSecurityPolicy-2016-08 (or any policy not in the list), then FAIL
- given an HTTPS listener without ssl_policy (AWS picks its default), then FAIL
- given an HTTP listener, then not applicable (LP_ELB_HTTP_LISTENER_REDIRECTS judges it)
"""

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult


class ListenerTlsPolicy(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Load balancer TLS listeners use an allowed TLS 1.2+ security policy",
            id="LP_ELB_LISTENER_TLS_POLICY",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_lb_listener", "aws_alb_listener"],
        )

    def evaluate(self, conf):
        protocol = str(lp.value(conf, "protocol") or "").upper()
        if protocol not in ("HTTPS", "TLS"):
            return CheckResult.UNKNOWN, ""
        (allowed,) = self.context("allowed_tls_policies")
        policy = lp.value(conf, "ssl_policy")
        if policy in allowed:
            return CheckResult.PASSED, ""
        return CheckResult.FAILED, f"ssl_policy {policy!r} is not one of the allowed policies"


check = ListenerTlsPolicy()
