from __future__ import annotations

from compliance_checks.kit import AlbAttributeCheck, CheckMetadata, Severity, failed, passed

ATTRIBUTE = "routing.http.drop_invalid_header_fields.enabled"


class Elbv2DropInvalidHeaderFields(AlbAttributeCheck):
    """Every Application Load Balancer drops HTTP headers with invalid fields (desync/smuggling defence).

    Scenarios:
    - given an ALB with routing.http.drop_invalid_header_fields.enabled = true, then PASS
    - given an ALB with the attribute at its default (false), then FAIL
    - given a network load balancer, then it is not judged (the attribute is ALB-only)
    - given DescribeLoadBalancerAttributes is denied, then ERROR for that load balancer
    """

    regional = True
    metadata = CheckMetadata(
        title="Application Load Balancers drop invalid HTTP header fields",
        severity=Severity.MEDIUM,
        resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
        rationale="LP-TX-1: the ingress drops malformed headers so requests cannot be smuggled past it (FSBP ELB.4).",
        remediation=f"Set the ALB attribute {ATTRIBUTE} to true (infra: the load balancer component sets it).",
    )

    def judge_attributes(self, lb, attributes):
        value = attributes.get(ATTRIBUTE)
        evidence = {"name": lb.name, ATTRIBUTE: value}
        if value == "true":
            return passed(lb.arn, "drops invalid header fields", region=lb.region, **evidence)
        return failed(lb.arn, f"{ATTRIBUTE} is {value or 'unset'}, not true", region=lb.region, **evidence)
