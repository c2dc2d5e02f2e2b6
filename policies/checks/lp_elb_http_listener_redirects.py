"""LP-TX-1: a plain-HTTP listener only redirects to HTTPS with a permanent (301) redirect.

Scenarios:
- given an HTTP listener whose every default action redirects to HTTPS with HTTP_301, then PASS
- given an HTTP listener that forwards to a target group, then FAIL
- given an HTTP listener that redirects with HTTP_302 or to protocol HTTP, then FAIL
- given an HTTPS listener, then not applicable
"""

from lp_common import CheckCategories, LeadpingCheck, rules


class HttpListenerRedirects(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="HTTP listeners only redirect to HTTPS (301)",
            id="LP_ELB_HTTP_LISTENER_REDIRECTS",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_lb_listener", "aws_alb_listener"],
        )

    def evaluate(self, conf):
        return rules.elbv2.http_redirects_only(rules.elbv2.Listener.from_plan(conf))


check = HttpListenerRedirects()
