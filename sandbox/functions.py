"""Provider functions (data sources) answered from the simulated account.

Where moto can answer (caller identity, availability zones, a hosted zone, VPC lookups), the
answer is moto's; pure functions (policy documents, partition) are computed; anything else falls
back to the offline renderer's table (``infra/fake_functions.py``), and an unknown function fails
the deploy.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from infra.fake_functions import FUNCTIONS as RENDER_FUNCTIONS
from sandbox.handlers.base import DeployError

if TYPE_CHECKING:
    from sandbox.deploy import SimulatedAccount

Function = Callable[["SimulatedAccount", dict[str, Any], str], dict[str, Any]]


def _caller_identity(account: SimulatedAccount, args: dict[str, Any], region: str) -> dict[str, Any]:
    identity = account.client("sts", region).get_caller_identity()
    return {
        "accountId": identity["Account"],
        "arn": identity["Arn"],
        "userId": identity["UserId"],
        "id": identity["Account"],
    }


def _region(account: SimulatedAccount, args: dict[str, Any], region: str) -> dict[str, Any]:
    name = args.get("region") or args.get("name") or region
    return {"name": name, "region": name, "id": name, "endpoint": f"ec2.{name}.amazonaws.com", "description": name}


def _availability_zones(account: SimulatedAccount, args: dict[str, Any], region: str) -> dict[str, Any]:
    zones = account.client("ec2", region).describe_availability_zones()["AvailabilityZones"]
    zones = [z for z in zones if z.get("State", "available") == (args.get("state") or "available")]
    zones.sort(key=lambda z: z["ZoneName"])
    return {
        "names": [z["ZoneName"] for z in zones],
        "zoneIds": [z["ZoneId"] for z in zones],
        "groupNames": [z.get("GroupName", region) for z in zones],
        "id": region,
    }


def _policy_document(account: SimulatedAccount, args: dict[str, Any], region: str) -> dict[str, Any]:
    """``aws.iam.get_policy_document``: the JSON the provider would build from the statements."""

    def one_or_many(values: list[str]) -> str | list[str]:
        return values[0] if len(values) == 1 else sorted(values)

    def principals(blocks: list[dict[str, Any]]) -> Any:
        out: dict[str, Any] = {}
        for block in blocks:
            ids = block.get("identifiers") or []
            if block.get("type") == "*" and ids == ["*"]:
                return "*"
            out[block["type"]] = one_or_many(ids)
        return out

    statements = []
    for stmt in args.get("statements") or []:
        doc: dict[str, Any] = {}
        if stmt.get("sid"):
            doc["Sid"] = stmt["sid"]
        doc["Effect"] = stmt.get("effect") or "Allow"
        for key, name in (("actions", "Action"), ("notActions", "NotAction")):
            if stmt.get(key):
                doc[name] = one_or_many(stmt[key])
        for key, name in (("resources", "Resource"), ("notResources", "NotResource")):
            if stmt.get(key):
                doc[name] = one_or_many(stmt[key])
        for key, name in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if stmt.get(key):
                doc[name] = principals(stmt[key])
        conditions: dict[str, dict[str, Any]] = {}
        for condition in stmt.get("conditions") or []:
            conditions.setdefault(condition["test"], {})[condition["variable"]] = one_or_many(condition["values"])
        if conditions:
            doc["Condition"] = conditions
        statements.append(doc)
    document: dict[str, Any] = {"Version": args.get("version") or "2012-10-17", "Statement": statements}
    if args.get("policyId"):
        document["Id"] = args["policyId"]
    text = json.dumps(document, indent=2)
    return {"json": text, "minifiedJson": json.dumps(document, separators=(",", ":")), "id": str(hash(text))}


def _zone(account: SimulatedAccount, args: dict[str, Any], region: str) -> dict[str, Any]:
    route53 = account.client("route53")
    zone_id = args.get("zoneId")
    if zone_id:
        zone_id = account.hosted_zones.get(zone_id, zone_id)
        zone = route53.get_hosted_zone(Id=zone_id)["HostedZone"]
    else:
        name = (args.get("name") or "").rstrip(".") + "."
        zones = [z for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == name]
        if not zones:
            raise DeployError(f"aws.route53.get_zone: no hosted zone named {name} in the sandbox")
        zone = zones[0]
    real = zone["Id"].rsplit("/", 1)[-1]
    declared = next((k for k, v in account.hosted_zones.items() if v == real), real)
    return {
        "id": declared,
        "zoneId": declared,
        "name": zone["Name"].rstrip("."),
        "arn": f"arn:aws:route53:::hostedzone/{declared}",
        "privateZone": zone.get("Config", {}).get("PrivateZone", False),
        "resourceRecordSetCount": zone.get("ResourceRecordSetCount", 0),
        "nameServers": [],
        "tags": {},
    }


def _vpc_filters(args: dict[str, Any]) -> list[dict[str, Any]]:
    filters = [
        {"Name": f["name"], "Values": [str(v) for v in f.get("values") or []]} for f in args.get("filters") or []
    ]
    filters += [{"Name": f"tag:{key}", "Values": [str(value)]} for key, value in (args.get("tags") or {}).items()]
    return filters


def _vpcs(account: SimulatedAccount, args: dict[str, Any], region: str) -> dict[str, Any]:
    """``aws.ec2.get_vpcs``: the VPCs moto holds in the region (its default VPC among them)."""
    vpcs = account.client("ec2", region).describe_vpcs(Filters=_vpc_filters(args))["Vpcs"]
    return {"id": region, "ids": sorted(v["VpcId"] for v in vpcs), "filters": args.get("filters") or []}


def _vpc(account: SimulatedAccount, args: dict[str, Any], region: str) -> dict[str, Any]:
    """``aws.ec2.get_vpc``: exactly one VPC of the region, as the provider requires."""
    filters = _vpc_filters(args)
    if args.get("default") is not None:
        filters.append({"Name": "is-default", "Values": ["true" if args["default"] else "false"]})
    if args.get("cidrBlock"):
        filters.append({"Name": "cidr", "Values": [args["cidrBlock"]]})
    kwargs: dict[str, Any] = {"Filters": filters}
    if args.get("id"):
        kwargs["VpcIds"] = [args["id"]]
    vpcs = account.client("ec2", region).describe_vpcs(**kwargs)["Vpcs"]
    if len(vpcs) != 1:
        raise DeployError(f"aws.ec2.get_vpc: {len(vpcs)} VPCs match in {region}; the lookup needs exactly one")
    vpc = vpcs[0]
    return {
        "id": vpc["VpcId"],
        "arn": f"arn:aws:ec2:{region}:{account.account_id}:vpc/{vpc['VpcId']}",
        "cidrBlock": vpc["CidrBlock"],
        "default": bool(vpc.get("IsDefault")),
        "dhcpOptionsId": vpc.get("DhcpOptionsId"),
        "instanceTenancy": vpc.get("InstanceTenancy", "default"),
        "ownerId": vpc.get("OwnerId", account.account_id),
        "state": vpc.get("State", "available"),
        "tags": {t["Key"]: t["Value"] for t in vpc.get("Tags") or []},
    }


FUNCTIONS: dict[str, Function] = {
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _availability_zones,
    "aws:iam/getPolicyDocument:getPolicyDocument": _policy_document,
    "aws:route53/getZone:getZone": _zone,
    "aws:ec2/getVpcs:getVpcs": _vpcs,
    "aws:ec2/getVpc:getVpc": _vpc,
}


def answer_function(account: SimulatedAccount, token: str, args: dict[str, Any], region: str) -> dict[str, Any]:
    function = FUNCTIONS.get(token)
    if function is not None:
        return function(account, args, region)
    fallback = RENDER_FUNCTIONS.get(token)
    if fallback is not None:
        return fallback(args, account.account_id, region)
    raise DeployError(f"the sandbox cannot answer the provider function {token!r}; add it to sandbox/functions.py")
