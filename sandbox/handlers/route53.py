"""Route 53: records (in the pre-existing zone the settings name) and hosted zones."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles


def _real_zone(ctx: Context, zone_id: str) -> str:
    return ctx.account.hosted_zones.get(zone_id, zone_id)


@handles("aws:route53/record:Record")
def record(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    for key in (
        "cidrRoutingPolicy",
        "failoverRoutingPolicies",
        "geolocationRoutingPolicies",
        "geoproximityRoutingPolicy",
        "latencyRoutingPolicies",
        "weightedRoutingPolicies",
    ):
        if inputs.get(key):
            raise ValueError(f"{key} is not simulated")
    zone_id = inputs["zoneId"]
    real = _real_zone(ctx, zone_id)
    route53 = ctx.client("route53")
    zone_name = route53.get_hosted_zone(Id=real)["HostedZone"]["Name"].rstrip(".")
    name = inputs["name"].rstrip(".")
    if name != zone_name and not name.endswith(f".{zone_name}"):
        name = f"{name}.{zone_name}"
    record_set: dict[str, Any] = {"Name": name, "Type": inputs["type"]}
    aliases = inputs.get("aliases") or []
    if aliases:
        alias = aliases[0]
        record_set["AliasTarget"] = {
            "HostedZoneId": alias["zoneId"],
            "DNSName": alias["name"],
            "EvaluateTargetHealth": bool(alias.get("evaluateTargetHealth")),
        }
    else:
        record_set["TTL"] = inputs.get("ttl")
        record_set["ResourceRecords"] = [{"Value": v} for v in inputs["records"]]
    record_set.update(
        drop_none(
            {
                "SetIdentifier": inputs.get("setIdentifier"),
                "HealthCheckId": inputs.get("healthCheckId"),
                "MultiValueAnswer": inputs.get("multivalueAnswerRoutingPolicy"),
            }
        )
    )
    route53.change_resource_record_sets(
        HostedZoneId=real, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": drop_none(record_set)}]}
    )
    parts = [zone_id, name, inputs["type"]] + ([inputs["setIdentifier"]] if inputs.get("setIdentifier") else [])
    return "_".join(parts), {"fqdn": name, "name": name}


@handles("aws:route53/zone:Zone")
def zone(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    route53 = ctx.client("route53")
    name = inputs["name"].rstrip(".")
    vpcs = inputs.get("vpcs") or []
    params: dict[str, Any] = {
        "Name": name,
        "CallerReference": f"pulumi-{ctx.name}",
        "HostedZoneConfig": drop_none(
            {"Comment": inputs.get("comment") or "Managed by Pulumi", "PrivateZone": bool(vpcs)}
        ),
    }
    if vpcs:
        params["VPC"] = {"VPCRegion": vpcs[0].get("vpcRegion") or ctx.region, "VPCId": vpcs[0]["vpcId"]}
    if inputs.get("delegationSetId"):
        params["DelegationSetId"] = inputs["delegationSetId"]
    created = route53.create_hosted_zone(**params)
    zone_id = created["HostedZone"]["Id"].rsplit("/", 1)[-1]
    # CreateHostedZone takes one VPC; a private zone for several VPCs gets the rest associated.
    for extra in vpcs[1:]:
        route53.associate_vpc_with_hosted_zone(
            HostedZoneId=zone_id, VPC={"VPCRegion": extra.get("vpcRegion") or ctx.region, "VPCId": extra["vpcId"]}
        )
    tags = ctx.tags(inputs)
    if tags:
        route53.change_tags_for_resource(
            ResourceType="hostedzone", ResourceId=zone_id, AddTags=[{"Key": k, "Value": v} for k, v in tags.items()]
        )
    return zone_id, {
        "arn": f"arn:aws:route53:::hostedzone/{zone_id}",
        "zoneId": zone_id,
        "nameServers": created.get("DelegationSet", {}).get("NameServers", []),
        "tagsAll": tags,
    }
