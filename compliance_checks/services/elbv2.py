"""Elastic Load Balancing v2 inventory: load balancers, listeners, listener rules and attributes in the
audited regions. Every read is an elasticloadbalancing:Describe* action."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compliance_checks.reader import Reader


@dataclass(frozen=True)
class LoadBalancer:
    arn: str
    name: str
    region: str
    type: str  # application, network, gateway
    scheme: str  # internet-facing, internal
    security_groups: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def is_alb(self) -> bool:
        return self.type == "application"

    @property
    def internet_facing(self) -> bool:
        return self.scheme == "internet-facing"


def load_balancers(reader: Reader, region: str | None = None) -> list[LoadBalancer]:
    """Every ALB/NLB/GWLB in the audited regions (or in ``region``)."""
    found = []
    for where in (region,) if region else reader.regions:
        for item in reader.paginate("elbv2", "describe_load_balancers", "LoadBalancers", region=where):
            found.append(
                LoadBalancer(
                    arn=item["LoadBalancerArn"],
                    name=item.get("LoadBalancerName", ""),
                    region=where,
                    type=item.get("Type", "application"),
                    scheme=item.get("Scheme", ""),
                    security_groups=tuple(item.get("SecurityGroups") or ()),
                    raw=item,
                )
            )
    return found


def listeners(reader: Reader, lb: LoadBalancer) -> list[dict[str, Any]]:
    return reader.paginate("elbv2", "describe_listeners", "Listeners", region=lb.region, LoadBalancerArn=lb.arn)


def rules(reader: Reader, region: str, listener_arn: str) -> list[dict[str, Any]]:
    """Every rule of a listener, the default rule (IsDefault) included."""
    return reader.paginate("elbv2", "describe_rules", "Rules", region=region, ListenerArn=listener_arn)


def attributes(reader: Reader, lb: LoadBalancer) -> dict[str, str]:
    response = reader.call(
        "elbv2", "describe_load_balancer_attributes", region=lb.region, expect=("Attributes",), LoadBalancerArn=lb.arn
    )
    return {a["Key"]: a.get("Value", "") for a in (response or {}).get("Attributes", [])}


def classic_security_groups(reader: Reader, region: str) -> set[str]:
    """Security groups attached to Classic Load Balancers in ``region``."""
    listed = reader.paginate("elb", "describe_load_balancers", "LoadBalancerDescriptions", region=region)
    return {group for item in listed for group in item.get("SecurityGroups") or ()}
