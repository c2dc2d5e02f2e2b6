from __future__ import annotations

from compliance_checks.kit import CheckMetadata, ListenerCheck, Severity, rules, verdict


class Elbv2HttpsListenerTlsPolicy(ListenerCheck):
    """Every HTTPS (ALB) and TLS (NLB) listener uses ELBSecurityPolicy-TLS13-1-2-2021-06 or a stricter policy.

    Scenarios:
    - given an HTTPS listener with ELBSecurityPolicy-TLS13-1-2-2021-06, then PASS
    - given an HTTPS listener with ELBSecurityPolicy-2016-08 (TLS 1.0), then FAIL
    - given an HTTPS listener with the TLS13-1-2-Ext1 policy (older ciphers, not stricter), then FAIL
    - given a TLS listener on a network load balancer with a TLS 1.3-only policy, then PASS
    - given DescribeListeners is denied, then ERROR for that load balancer
    """

    metadata = CheckMetadata(
        title="Load balancer HTTPS/TLS listeners use a TLS 1.2+ security policy",
        severity=Severity.HIGH,
        resource_type="AWS::ElasticLoadBalancingV2::Listener",
        rationale="LP-TX-1: app and API traffic uses TLS 1.2 or later with strong ciphers (FSBP ELB.17).",
        remediation="Set the listener's SslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06 or a stricter policy "
        "(infra: the load balancer component sets it).",
    )

    def judge_listener(self, ctx, lb, listener):
        judged = rules.elbv2.tls_policy(rules.elbv2.Listener.from_aws(listener))
        context = {"load_balancer": lb.name, "port": listener.get("Port")}
        return judged and verdict(listener["ListenerArn"], judged, region=lb.region, **context)
