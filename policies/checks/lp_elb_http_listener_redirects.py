"""LP-TX-1: a plain-HTTP listener only redirects to HTTPS with a permanent (301) redirect.

Scenarios:
- given an HTTP listener whose every default action redirects to HTTPS with HTTP_301, then PASS
- given an HTTP listener that forwards to a target group, then FAIL
- given an HTTP listener that redirects with HTTP_302 or to protocol HTTP, then FAIL
- given an HTTPS listener, then not applicable
"""

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult


class HttpListenerRedirects(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="HTTP listeners only redirect to HTTPS (301)",
            id="LP_ELB_HTTP_LISTENER_REDIRECTS",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_lb_listener", "aws_alb_listener"],
        )

    def evaluate(self, conf):
        if str(lp.value(conf, "protocol") or "").upper() != "HTTP":
            return CheckResult.UNKNOWN, ""
        actions = lp.blocks(conf, "default_action")
        if not actions:
            return CheckResult.FAILED, "the HTTP listener has no default action"
        for action in actions:
            kind = lp.value(action, "type")
            if kind != "redirect":
                return CheckResult.FAILED, f"a default action of type {kind!r} serves plain HTTP"
            redirects = lp.blocks(action, "redirect")
            if not redirects:
                return CheckResult.FAILED, "the redirect action has no redirect settings"
            for redirect in redirects:
                protocol = str(lp.value(redirect, "protocol") or "").upper()
                status = lp.value(redirect, "status_code")
                if protocol != "HTTPS" or status != "HTTP_301":
                    return CheckResult.FAILED, f"redirects to {protocol or 'no protocol'} with {status}, not HTTPS/301"
        return CheckResult.PASSED, ""


check = HttpListenerRedirects()
