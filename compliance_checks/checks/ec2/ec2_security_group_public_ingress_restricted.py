from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from compliance_checks.core import (
    Check,
    CheckContext,
    CheckMetadata,
    ReadError,
    Result,
    Severity,
    errored,
    failed,
    passed,
)
from compliance_checks.services import ec2, elbv2

HTTPS = 443
HTTP = 80


def _allowed(protocol: str, from_port: Any, to_port: Any, on_load_balancer: bool) -> bool:
    """Open-to-the-internet ingress is allowed on exactly port 443 (TCP, or UDP for QUIC), and on exactly
    TCP port 80 for a load balancer's redirect listener; any wider range or protocol is not."""
    if from_port != to_port:
        return False
    if protocol in ("tcp", "udp") and from_port == HTTPS:
        return True
    return protocol == "tcp" and from_port == HTTP and on_load_balancer


def _describe(protocol: str, from_port: Any, to_port: Any, source: str) -> str:
    if protocol == "all":
        return f"all traffic from {source}"
    ports = from_port if from_port == to_port else f"{from_port}-{to_port}"
    return f"{protocol} {ports} from {source}"


class Ec2SecurityGroupPublicIngressRestricted(Check):
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

    regional = True
    metadata = CheckMetadata(
        title="Security groups admit the internet only to HTTPS (and HTTP on load balancers)",
        severity=Severity.HIGH,
        resource_type="AWS::EC2::SecurityGroup",
        rationale="LP-TX-1: the only ingress from the internet is TLS on 443, plus the load balancer's HTTP "
        "listener that redirects to HTTPS.",
        remediation="Remove the 0.0.0.0/0 or ::/0 rule, or narrow it to port 443 (port 80 only on the load "
        "balancer's security group) (infra: the network component defines the groups).",
        permissions=(
            "ec2:DescribeSecurityGroups",
            "ec2:GetManagedPrefixListEntries",
            "elasticloadbalancing:DescribeLoadBalancers",
        ),
    )

    def evaluate(self, ctx: CheckContext) -> Iterator[Result]:
        for region in ctx.reader.regions:
            for group in ec2.security_groups(ctx.reader, region):
                group_id = group["GroupId"]
                arn = group.get("SecurityGroupArn") or (
                    f"arn:{ctx.reader.partition()}:ec2:{region}:{group.get('OwnerId', '')}:security-group/{group_id}"
                )
                evidence: dict[str, Any] = {"group_id": group_id, "group_name": group.get("GroupName")}
                try:
                    offending = self._offending(ctx, region, group)
                except ReadError as error:
                    yield errored(arn, error, region=region, **evidence)
                    continue
                evidence["open_ingress"] = offending
                if offending:
                    yield failed(arn, f"open to the internet: {'; '.join(offending)}", region=region, **evidence)
                else:
                    yield passed(
                        arn, "no internet ingress beyond HTTPS (and HTTP on a load balancer)", region=region, **evidence
                    )

    @staticmethod
    def _on_load_balancer(ctx: CheckContext, region: str, group_id: str) -> bool:
        """Read only when a group opens port 80: the load balancer listings are memoised by the reader."""
        attached = {g for lb in elbv2.load_balancers(ctx.reader, region) for g in lb.security_groups}
        return group_id in attached or group_id in elbv2.classic_security_groups(ctx.reader, region)

    def _offending(self, ctx: CheckContext, region: str, group: dict[str, Any]) -> list[str]:
        offending = []
        for permission in group.get("IpPermissions") or []:
            sources = [r.get("CidrIp", "") for r in permission.get("IpRanges") or []]
            sources += [r.get("CidrIpv6", "") for r in permission.get("Ipv6Ranges") or []]
            for prefix_list in permission.get("PrefixListIds") or []:
                cidrs = ec2.prefix_list_cidrs(ctx.reader, region, prefix_list["PrefixListId"])
                sources += [f"{cidr} (in {prefix_list['PrefixListId']})" for cidr in cidrs]
            protocol = ec2.protocol_name(permission.get("IpProtocol", "-1"))
            from_port, to_port = permission.get("FromPort"), permission.get("ToPort")
            if protocol == "all":
                from_port, to_port = 0, 65535
            for source in sources:
                if not ec2.is_anywhere(source.split(" ")[0]):
                    continue
                port_80 = protocol == "tcp" and from_port == to_port == HTTP
                on_lb = port_80 and self._on_load_balancer(ctx, region, group["GroupId"])
                if not _allowed(protocol, from_port, to_port, on_lb):
                    offending.append(_describe(protocol, from_port, to_port, source))
        return offending
