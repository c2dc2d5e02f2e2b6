"""EC2 rules: LP-TX-1 security groups admit the internet only to HTTPS (and HTTP on load balancers);
LP-LOG-1 every VPC has an active flow log of ALL traffic.

Open ingress is allowed on exactly port 443 (TCP, or UDP for QUIC) and on exactly TCP port 80 on a
load balancer's security group, for the HTTP-to-HTTPS redirect; any wider range, and protocol -1
(all), is not. Which load balancer uses a group is not in the context the gate's per-resource
checks receive, so the gate allows port 80 on every group (``on_load_balancer=True``), and the
audit, which reads the load balancers, narrows it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from compliance_checks.rules import Verdict, comply, violate
from compliance_checks.rules.plan import blocks, integer, value, values

HTTPS, HTTP = 443, 80
PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "-1": "all"}


def protocol_name(ip_protocol: Any) -> str:
    text = str(ip_protocol if ip_protocol is not None else "-1").lower()
    return PROTOCOLS.get(text, text)


def is_anywhere(cidr: str) -> bool:
    """True for a CIDR that covers every address of its family (0.0.0.0/0, ::/0)."""
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


@dataclass(frozen=True)
class Ingress:
    """One ingress permission: protocol, port range, the sources it admits."""

    protocol: str
    from_port: int | None
    to_port: int | None
    sources: tuple[str, ...]

    @classmethod
    def of(cls, protocol: Any, from_port: Any, to_port: Any, sources: Iterable[Any]) -> Ingress:
        name = protocol_name(protocol)
        low, high = (0, 65535) if name == "all" else (integer(from_port), integer(to_port))
        return cls(name, low, high, tuple(str(s) for s in sources if s))

    @classmethod
    def from_plan(cls, tf_type: str, conf: dict[str, Any]) -> list[Ingress]:
        """The ingress of an aws_security_group (its inline rules), aws_security_group_rule or
        aws_vpc_security_group_ingress_rule; [] for an egress rule."""
        if tf_type == "aws_security_group":
            return [
                cls.of(
                    value(r, "protocol"),
                    value(r, "from_port"),
                    value(r, "to_port"),
                    values(r, "cidr_blocks") + values(r, "ipv6_cidr_blocks"),
                )
                for r in blocks(conf, "ingress")
            ]
        if tf_type == "aws_security_group_rule":
            if value(conf, "type") != "ingress":
                return []
            sources = values(conf, "cidr_blocks") + values(conf, "ipv6_cidr_blocks")
            return [cls.of(value(conf, "protocol"), value(conf, "from_port"), value(conf, "to_port"), sources)]
        sources = [value(conf, "cidr_ipv4"), value(conf, "cidr_ipv6")]
        return [cls.of(value(conf, "ip_protocol"), value(conf, "from_port"), value(conf, "to_port"), sources)]

    @classmethod
    def from_aws(cls, permission: dict[str, Any], prefix_list_cidrs: Callable[[str], list[str]]) -> Ingress:
        """An IpPermissions entry; ``prefix_list_cidrs`` reads the entries of a managed prefix list."""
        sources = [r.get("CidrIp", "") for r in permission.get("IpRanges") or []]
        sources += [r.get("CidrIpv6", "") for r in permission.get("Ipv6Ranges") or []]
        for prefix_list in permission.get("PrefixListIds") or []:
            listed = prefix_list["PrefixListId"]
            sources += [f"{cidr} (in {listed})" for cidr in prefix_list_cidrs(listed)]
        return cls.of(permission.get("IpProtocol", "-1"), permission.get("FromPort"), permission.get("ToPort"), sources)

    @property
    def opens_port_80(self) -> bool:
        return self.protocol == "tcp" and self.from_port == self.to_port == HTTP

    def allowed(self, on_load_balancer: bool) -> bool:
        if self.from_port != self.to_port:
            return False
        if self.protocol in ("tcp", "udp") and self.from_port == HTTPS:
            return True
        return self.opens_port_80 and on_load_balancer

    def describe(self, source: str) -> str:
        if self.protocol == "all":
            return f"all traffic from {source}"
        ports = self.from_port if self.from_port == self.to_port else f"{self.from_port}-{self.to_port}"
        return f"{self.protocol} {ports} from {source}"


def public_ingress(ingress: Iterable[Ingress], on_load_balancer: Callable[[], bool]) -> Verdict:
    """``on_load_balancer`` is asked only when a rule opens port 80 to the internet (it may read)."""
    offending = []
    for rule in ingress:
        for source in rule.sources:
            if not is_anywhere(source.split(" ")[0]):
                continue
            if not rule.allowed(rule.opens_port_80 and on_load_balancer()):
                offending.append(rule.describe(source))
    if offending:
        return violate(f"open to the internet: {'; '.join(offending)}", open_ingress=offending)
    return comply("no internet ingress beyond HTTPS (and HTTP on a load balancer)", open_ingress=offending)


@dataclass(frozen=True)
class FlowLog:
    traffic_type: str
    status: str = "ACTIVE"
    delivery_status: str = ""
    destination: str = ""

    @classmethod
    def from_plan(cls, conf: dict[str, Any]) -> FlowLog:
        destination = value(conf, "log_destination") or value(conf, "log_group_name") or ""
        return cls(str(value(conf, "traffic_type") or ""), destination=str(destination))

    @classmethod
    def from_aws(cls, flow_log: dict[str, Any]) -> FlowLog:
        return cls(
            str(flow_log.get("TrafficType") or ""),
            str(flow_log.get("FlowLogStatus") or ""),
            str(flow_log.get("DeliverLogsStatus") or ""),
            str(flow_log.get("LogDestination") or flow_log.get("LogGroupName") or ""),
        )

    @property
    def records_all(self) -> bool:
        return self.traffic_type == "ALL" and self.status == "ACTIVE" and self.delivery_status != "FAILED"

    def describe(self) -> str:
        return f"{self.traffic_type or None}/{self.status or None}/{self.delivery_status or None}"


def vpc_flow_logs(flow_logs: Iterable[FlowLog]) -> Verdict:
    """A VPC (or, in the gate, one flow log of it) records ALL traffic through an active flow log."""
    found = list(flow_logs)
    seen = [f.describe() for f in found]
    good = [f for f in found if f.records_all]
    if good:
        return comply(f"flow log of ALL traffic to {good[0].destination or 'its destination'}", flow_logs=seen)
    if found:
        return violate(f"no active ALL-traffic flow log (found {', '.join(seen)})", flow_logs=seen)
    return violate("no flow log", flow_logs=seen)
