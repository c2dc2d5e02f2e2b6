from __future__ import annotations

from functools import partial

from compliance_checks.kit import CheckContext, CheckMetadata, ListedCheck, Severity, ec2, elbv2, rules, verdict


class Ec2SecurityGroupPublicIngressRestricted(ListedCheck):
    """No security group admits 0.0.0.0/0 or ::/0 except to port 443, and to port 80 only on a load balancer's
    security group (for the HTTP-to-HTTPS redirect). Open sources are read from IP ranges and from the
    managed prefix lists a rule references. Port 443 may be TCP or UDP (HTTP/3); port 80 only TCP. Any
    range wider than the single port, and protocol -1 (all), fails. One result per security group.

    Scenarios:
    - given a security group that admits 0.0.0.0/0 only on TCP 443, then PASS
    - given a security group that admits 0.0.0.0/0 on TCP 22, then FAIL
    - given a security group that admits ::/0 on all protocols (-1), then FAIL
    - given a security group that admits 0.0.0.0/0 on ports 0-65535 (covering 443), then FAIL
    - given a load balancer's security group that admits 0.0.0.0/0 on TCP 80 and 443, then PASS
    - given a security group of no load balancer that admits 0.0.0.0/0 on TCP 80, then FAIL
    - given a rule whose source is a prefix list containing 0.0.0.0/0 on TCP 5432, then FAIL
    - given DescribeSecurityGroups is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="Security groups admit the internet only to HTTPS (and HTTP on load balancers)",
        severity=Severity.HIGH,
        resource_type="AWS::EC2::SecurityGroup",
        rationale="LP-TX-1: the only ingress from the internet is TLS on 443, plus the load balancer's HTTP "
        "listener that redirects to HTTPS.",
        remediation="Remove the 0.0.0.0/0 or ::/0 rule, or narrow it to port 443 (port 80 only on the load "
        "balancer's security group) (infra: the network component defines the groups).",
    )

    listing, arn_of = ec2.security_groups, ec2.security_group_arn

    def judge(self, ctx, item):
        group_id = item.raw["GroupId"]
        cidrs = partial(ec2.prefix_list_cidrs, ctx.reader, item.region)
        ingress = [rules.ec2.Ingress.from_aws(p, cidrs) for p in item.raw.get("IpPermissions") or []]
        judged = rules.ec2.public_ingress(ingress, partial(self._on_load_balancer, ctx, item.region, group_id))
        return verdict(item.arn, judged, region=item.region, group_id=group_id, group_name=item.raw.get("GroupName"))

    @staticmethod
    def _on_load_balancer(ctx: CheckContext, region: str, group_id: str) -> bool:
        """Read only when a group opens port 80: the load balancer listings are memoised by the reader."""
        attached = {g for lb in elbv2.load_balancers(ctx.reader, region) for g in lb.security_groups}
        return group_id in attached or group_id in elbv2.classic_security_groups(ctx.reader, region)
