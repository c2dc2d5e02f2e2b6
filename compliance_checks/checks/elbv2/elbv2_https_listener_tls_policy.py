from __future__ import annotations

from compliance_checks.core import CheckMetadata, Severity, verdict
from compliance_checks.families import ResourceCheck
from compliance_checks.rules import elbv2 as rule
from compliance_checks.services import elbv2


class Elbv2HttpsListenerTlsPolicy(ResourceCheck):
    """Every HTTPS (ALB) and TLS (NLB) listener uses ELBSecurityPolicy-TLS13-1-2-2021-06 or a stricter policy.

    Scenarios:
    - given an HTTPS listener with ELBSecurityPolicy-TLS13-1-2-2021-06, then PASS
    - given an HTTPS listener with ELBSecurityPolicy-2016-08 (TLS 1.0), then FAIL
    - given an HTTPS listener with the TLS13-1-2-Ext1 policy (older ciphers, not stricter), then FAIL
    - given a TLS listener on a network load balancer with a TLS 1.3-only policy, then PASS
    - given DescribeListeners is denied, then ERROR for that load balancer
    """

    regional = True
    metadata = CheckMetadata(
        title="Load balancer HTTPS/TLS listeners use a TLS 1.2+ security policy",
        severity=Severity.HIGH,
        resource_type="AWS::ElasticLoadBalancingV2::Listener",
        rationale="LP-TX-1: app and API traffic uses TLS 1.2 or later with strong ciphers (FSBP ELB.17).",
        remediation="Set the listener's SslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06 or a stricter policy "
        "(infra: the load balancer component sets it).",
    )

    def resources(self, ctx):
        return elbv2.load_balancers(ctx.reader)

    def judge(self, ctx, item):
        for listener in elbv2.listeners(ctx.reader, item):
            judged = rule.tls_policy(rule.Listener.from_aws(listener))
            if judged is not None:
                context = {"load_balancer": item.name, "port": listener.get("Port")}
                yield verdict(listener["ListenerArn"], judged, region=item.region, **context)
