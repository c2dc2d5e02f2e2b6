"""LP-TX-1: a TLS listener negotiates only with a policy from the allowed list.

Scenarios:
- given an HTTPS or TLS listener whose ssl_policy is in the allowed list, then PASS
- given an HTTPS listener on ELBSecurityPolicy-2016-08 (or any policy not in the list), then FAIL
- given an HTTPS listener without ssl_policy (AWS picks its default), then FAIL
- given an HTTP listener, then not applicable (LP_ELB_HTTP_LISTENER_REDIRECTS judges it)
"""

from lp_common import CheckCategories, LeadpingCheck, rules


class ListenerTlsPolicy(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Load balancer TLS listeners use an allowed TLS 1.2+ security policy",
            id="LP_ELB_LISTENER_TLS_POLICY",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_lb_listener", "aws_alb_listener"],
        )

    def evaluate(self, conf):
        return rules.elbv2.tls_policy(rules.elbv2.Listener.from_plan(conf))


check = ListenerTlsPolicy()
