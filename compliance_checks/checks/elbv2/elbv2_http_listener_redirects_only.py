from __future__ import annotations

from compliance_checks.kit import CheckMetadata, ListenerCheck, Severity, elbv2, rules, verdict


class Elbv2HttpListenerRedirectsOnly(ListenerCheck):
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

    metadata = CheckMetadata(
        title="Load balancer HTTP listeners only redirect to HTTPS (301)",
        severity=Severity.HIGH,
        resource_type="AWS::ElasticLoadBalancingV2::Listener",
        rationale="LP-TX-1: no app or API traffic is served over plain HTTP; HTTP only redirects (FSBP ELB.1).",
        remediation="Make the HTTP listener's only action a redirect to HTTPS with HTTP_301 and delete its other "
        "rules (infra: the load balancer component creates the redirect listener).",
    )

    def judge_listener(self, ctx, lb, listener):
        if listener.get("Protocol") != "HTTP":
            return None
        listener_rules = elbv2.rules(ctx.reader, lb.region, listener["ListenerArn"])
        judged = rules.elbv2.http_redirects_only(rules.elbv2.Listener.from_aws(listener, listener_rules))
        context = {"load_balancer": lb.name, "port": listener.get("Port")}
        return verdict(listener["ListenerArn"], judged, region=lb.region, **context)
