from __future__ import annotations

from compliance_checks.core import Check, CheckContext, CheckMetadata, ReadError, Severity, errored, verdict
from compliance_checks.rules import elbv2 as rule
from compliance_checks.services import elbv2


class Elbv2HttpListenerRedirectsOnly(Check):
    """Every plain-HTTP listener only redirects to HTTPS with a 301: its default action is exactly one such
    redirect, and none of its rules does anything else (forward, fixed-response, 302, redirect to HTTP).

    Scenarios:
    - given an HTTP listener whose default action is a 301 redirect to HTTPS and no other rule, then PASS
    - given an HTTP listener that forwards to a target group, then FAIL
    - given an HTTP listener whose default action redirects to HTTPS with a 302, then FAIL
    - given an HTTP listener that redirects by default but has a rule forwarding /api, then FAIL
    - given an HTTP listener that redirects by default but has a fixed-response rule, then FAIL
    - given DescribeRules is denied, then ERROR for that listener
    """

    regional = True
    metadata = CheckMetadata(
        title="Load balancer HTTP listeners only redirect to HTTPS (301)",
        severity=Severity.HIGH,
        resource_type="AWS::ElasticLoadBalancingV2::Listener",
        rationale="LP-TX-1: no app or API traffic is served over plain HTTP; HTTP only redirects (FSBP ELB.1).",
        remediation="Make the HTTP listener's only action a redirect to HTTPS with HTTP_301 and delete its other "
        "rules (infra: the load balancer component creates the redirect listener).",
    )

    def evaluate(self, ctx: CheckContext):
        for lb in elbv2.load_balancers(ctx.reader):
            try:
                listeners = elbv2.listeners(ctx.reader, lb)
            except ReadError as error:
                yield errored(lb.arn, error, region=lb.region)
                continue
            for listener in listeners:
                if listener.get("Protocol") != "HTTP":
                    continue
                arn = listener["ListenerArn"]
                try:
                    rules = elbv2.rules(ctx.reader, lb.region, arn)
                except ReadError as error:
                    yield errored(arn, error, region=lb.region)
                    continue
                judged = rule.http_redirects_only(rule.Listener.from_aws(listener, rules))
                if judged is not None:
                    context = {"load_balancer": lb.name, "port": listener.get("Port")}
                    yield verdict(arn, judged, region=lb.region, **context)
