"""Elastic Load Balancing v2: load balancers with their attributes, target groups, listeners, rules."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, short_id, tag_list

# pulumi-aws LoadBalancer inputs that are load balancer attributes, and the attribute keys.
_LB_ATTRIBUTES = {
    "clientKeepAlive": "client_keep_alive.seconds",
    "desyncMitigationMode": "routing.http.desync_mitigation_mode",
    "dnsRecordClientRoutingPolicy": "dns_record.client_routing_policy",
    "dropInvalidHeaderFields": "routing.http.drop_invalid_header_fields.enabled",
    "enableCrossZoneLoadBalancing": "load_balancing.cross_zone.enabled",
    "enableDeletionProtection": "deletion_protection.enabled",
    "enableHttp2": "routing.http2.enabled",
    "enableTlsVersionAndCipherSuiteHeaders": "routing.http.x_amzn_tls_version_and_cipher_suite.enabled",
    "enableWafFailOpen": "waf.fail_open.enabled",
    "enableXffClientPort": "routing.http.xff_client_port.enabled",
    "enableZonalShift": "zonal_shift.config.enabled",
    "idleTimeout": "idle_timeout.timeout_seconds",
    "preserveHostHeader": "routing.http.preserve_host_header.enabled",
    "xffHeaderProcessingMode": "routing.http.xff_header_processing.mode",
    "secondaryIpsAutoAssignedPerSubnet": "secondary_ips.auto_assigned.per_subnet",
}
# Attributes a live check reads, and the check that reads each.
_AUDITED = {
    "routing.http.drop_invalid_header_fields.enabled": "elbv2_drop_invalid_header_fields",
    "access_logs.s3.enabled": "elbv2_access_logs_enabled",
    "access_logs.s3.bucket": "elbv2_access_logs_enabled",
}


def _attribute_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _log_attributes(block: dict[str, Any] | None, prefix: str) -> dict[str, str]:
    if not block:
        return {}
    attributes = {f"{prefix}.s3.enabled": _attribute_value(bool(block.get("enabled")))}
    if block.get("bucket"):
        attributes[f"{prefix}.s3.bucket"] = block["bucket"]
    if block.get("prefix"):
        attributes[f"{prefix}.s3.prefix"] = block["prefix"]
    return attributes


@handles("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
def load_balancer(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    for unsupported in ("subnetMappings", "customerOwnedIpv4Pool", "ipamPools", "minimumLoadBalancerCapacity"):
        if inputs.get(unsupported):
            raise ValueError(f"{unsupported} is not simulated")
    elbv2 = ctx.client("elbv2")
    tags = ctx.tags(inputs)
    name = ctx.physical_name(inputs.get("name"), inputs.get("namePrefix"), max_length=32)
    lb_type = inputs.get("loadBalancerType") or "application"
    params = drop_none(
        {
            "Name": name,
            "Subnets": inputs.get("subnets"),
            "SecurityGroups": inputs.get("securityGroups"),
            "Scheme": "internal" if inputs.get("internal") else "internet-facing",
            "Type": lb_type,
            "IpAddressType": inputs.get("ipAddressType"),
            "Tags": tag_list(tags) or None,
        }
    )
    created = elbv2.create_load_balancer(**params)["LoadBalancers"][0]
    arn = created["LoadBalancerArn"]
    attributes: dict[str, str] = {}
    for key, attribute in _LB_ATTRIBUTES.items():
        if inputs.get(key) is not None:
            attributes[attribute] = _attribute_value(inputs[key])
    attributes.update(_log_attributes(inputs.get("accessLogs"), "access_logs"))
    attributes.update(_log_attributes(inputs.get("connectionLogs"), "connection_logs"))
    if inputs.get("healthCheckLogs"):
        raise ValueError("healthCheckLogs is not simulated")
    for key in ("enablePrefixForIpv6SourceNat", "enforceSecurityGroupInboundRulesOnPrivateLinkTraffic"):
        if inputs.get(key):
            raise ValueError(f"{key} (network load balancers) is not simulated")
    if attributes:
        elbv2.modify_load_balancer_attributes(
            LoadBalancerArn=arn, Attributes=[{"Key": k, "Value": v} for k, v in attributes.items()]
        )
        stored = {
            a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
        }
        for key, value in attributes.items():
            if stored.get(key) != value and key in _AUDITED:
                ctx.gap(
                    "elasticloadbalancing:ModifyLoadBalancerAttributes",
                    f"moto did not store {key}={value}",
                    checks=(_AUDITED[key],),
                    resource_id=arn,
                )
    return arn, {
        "arn": arn,
        "arnSuffix": arn.split(":loadbalancer/", 1)[1],
        "dnsName": created["DNSName"],
        "zoneId": created["CanonicalHostedZoneId"],
        "name": name,
        "vpcId": created.get("VpcId"),
        "loadBalancerType": lb_type,
        "tagsAll": tags,
    }


_TARGET_GROUP_ATTRIBUTES = {
    "deregistrationDelay": "deregistration_delay.timeout_seconds",
    "slowStart": "slow_start.duration_seconds",
    "loadBalancingAlgorithmType": "load_balancing.algorithm.type",
    "loadBalancingCrossZoneEnabled": "load_balancing.cross_zone.enabled",
    "lambdaMultiValueHeadersEnabled": "lambda.multi_value_headers.enabled",
    "proxyProtocolV2": "proxy_protocol_v2.enabled",
    "preserveClientIp": "preserve_client_ip.enabled",
    "connectionTermination": "deregistration_delay.connection_termination.enabled",
}


@handles("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
def target_group(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    elbv2 = ctx.client("elbv2")
    tags = ctx.tags(inputs)
    name = ctx.physical_name(inputs.get("name"), inputs.get("namePrefix"), max_length=32)
    health = inputs.get("healthCheck") or {}
    target_type = inputs.get("targetType") or "instance"
    params = drop_none(
        {
            "Name": name,
            "Protocol": inputs.get("protocol"),
            "ProtocolVersion": inputs.get("protocolVersion"),
            "Port": inputs.get("port"),
            "VpcId": inputs.get("vpcId"),
            "TargetType": target_type,
            "IpAddressType": inputs.get("ipAddressType"),
            "HealthCheckEnabled": health.get("enabled"),
            "HealthCheckPath": health.get("path"),
            "HealthCheckPort": health.get("port"),
            "HealthCheckProtocol": health.get("protocol"),
            "HealthCheckIntervalSeconds": health.get("interval"),
            "HealthCheckTimeoutSeconds": health.get("timeout"),
            "HealthyThresholdCount": health.get("healthyThreshold"),
            "UnhealthyThresholdCount": health.get("unhealthyThreshold"),
            "Matcher": {"HttpCode": health["matcher"]} if health.get("matcher") else None,
            "Tags": tag_list(tags) or None,
        }
    )
    created = elbv2.create_target_group(**params)["TargetGroups"][0]
    arn = created["TargetGroupArn"]
    attributes = {
        attribute: _attribute_value(inputs[key])
        for key, attribute in _TARGET_GROUP_ATTRIBUTES.items()
        if inputs.get(key) is not None
    }
    stickiness = inputs.get("stickiness")
    if stickiness:
        attributes["stickiness.enabled"] = _attribute_value(bool(stickiness.get("enabled", True)))
        attributes["stickiness.type"] = stickiness["type"]
        if stickiness.get("cookieDuration"):
            attributes["stickiness.lb_cookie.duration_seconds"] = str(stickiness["cookieDuration"])
        if stickiness.get("cookieName"):
            attributes["stickiness.app_cookie.cookie_name"] = stickiness["cookieName"]
    for unsupported in ("targetFailovers", "targetGroupHealth", "targetHealthStates", "loadBalancingAnomalyMitigation"):
        if inputs.get(unsupported):
            raise ValueError(f"{unsupported} is not simulated")
    if attributes:
        elbv2.modify_target_group_attributes(
            TargetGroupArn=arn, Attributes=[{"Key": k, "Value": v} for k, v in attributes.items()]
        )
    return arn, {
        "arn": arn,
        "arnSuffix": arn.split(":", 5)[5],
        "name": name,
        "targetType": target_type,
        "tagsAll": tags,
    }


def action(block: dict[str, Any]) -> dict[str, Any]:
    """A pulumi-aws listener (or rule) action as the ELBv2 API's Action."""
    kind = block["type"]
    converted: dict[str, Any] = {"Type": kind}
    if block.get("order") is not None:
        converted["Order"] = block["order"]
    if kind == "forward":
        forward = block.get("forward")
        if forward:
            config: dict[str, Any] = {
                "TargetGroups": [
                    drop_none({"TargetGroupArn": tg["arn"], "Weight": tg.get("weight")})
                    for tg in forward["targetGroups"]
                ]
            }
            stickiness = forward.get("stickiness")
            if stickiness:
                config["TargetGroupStickinessConfig"] = drop_none(
                    {"Enabled": stickiness.get("enabled"), "DurationSeconds": stickiness.get("duration")}
                )
            converted["ForwardConfig"] = config
        else:
            converted["TargetGroupArn"] = block["targetGroupArn"]
    elif kind == "redirect":
        redirect = block["redirect"]
        converted["RedirectConfig"] = drop_none(
            {
                "Protocol": redirect.get("protocol"),
                "Port": redirect.get("port"),
                "Host": redirect.get("host"),
                "Path": redirect.get("path"),
                "Query": redirect.get("query"),
                "StatusCode": redirect["statusCode"],
            }
        )
    elif kind == "fixed-response":
        fixed = block["fixedResponse"]
        converted["FixedResponseConfig"] = drop_none(
            {
                "ContentType": fixed.get("contentType"),
                "MessageBody": fixed.get("messageBody"),
                "StatusCode": fixed.get("statusCode"),
            }
        )
    else:
        raise ValueError(f"listener action type {kind!r} is not simulated")
    return converted


@handles("aws:lb/listener:Listener", "aws:alb/listener:Listener")
def listener(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    elbv2 = ctx.client("elbv2")
    tags = ctx.tags(inputs)
    if inputs.get("mutualAuthentication"):
        raise ValueError("mutualAuthentication is not simulated")
    unsupported = [k for k in inputs if k.startswith("routingHttp") and inputs.get(k) is not None]
    if unsupported:
        raise ValueError(f"listener attributes {unsupported} are not simulated")
    params = drop_none(
        {
            "LoadBalancerArn": inputs["loadBalancerArn"],
            "Protocol": inputs.get("protocol"),
            "Port": inputs.get("port"),
            "SslPolicy": inputs.get("sslPolicy"),
            "Certificates": [{"CertificateArn": inputs["certificateArn"]}] if inputs.get("certificateArn") else None,
            "AlpnPolicy": [inputs["alpnPolicy"]] if inputs.get("alpnPolicy") else None,
            "DefaultActions": [action(a) for a in inputs["defaultActions"]],
            "Tags": tag_list(tags) or None,
        }
    )
    created = elbv2.create_listener(**params)["Listeners"][0]
    arn = created["ListenerArn"]
    return arn, {"arn": arn, "sslPolicy": created.get("SslPolicy"), "tagsAll": tags}


def _condition(block: dict[str, Any]) -> dict[str, Any]:
    simple = {
        "pathPattern": ("path-pattern", "PathPatternConfig"),
        "hostHeader": ("host-header", "HostHeaderConfig"),
        "httpRequestMethod": ("http-request-method", "HttpRequestMethodConfig"),
        "sourceIp": ("source-ip", "SourceIpConfig"),
    }
    for key, (field, config) in simple.items():
        if block.get(key):
            return {"Field": field, config: {"Values": block[key]["values"]}}
    if block.get("httpHeader"):
        header = block["httpHeader"]
        return {
            "Field": "http-header",
            "HttpHeaderConfig": {"HttpHeaderName": header["httpHeaderName"], "Values": header["values"]},
        }
    if block.get("queryStrings"):
        return {
            "Field": "query-string",
            "QueryStringConfig": {
                "Values": [drop_none({"Key": q.get("key"), "Value": q["value"]}) for q in block["queryStrings"]]
            },
        }
    raise ValueError(f"listener rule condition {sorted(block)} is not simulated")


@handles("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
def listener_rule(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    elbv2 = ctx.client("elbv2")
    tags = ctx.tags(inputs)
    priority = inputs.get("priority")
    if priority is None:
        existing = elbv2.describe_rules(ListenerArn=inputs["listenerArn"])["Rules"]
        priority = 1 + max([int(r["Priority"]) for r in existing if r["Priority"] != "default"] or [0])
    if inputs.get("transforms"):
        raise ValueError("listener rule transforms are not simulated")
    created = elbv2.create_rule(
        **drop_none(
            {
                "ListenerArn": inputs["listenerArn"],
                "Priority": priority,
                "Conditions": [_condition(c) for c in inputs["conditions"]],
                "Actions": [action(a) for a in inputs["actions"]],
                "Tags": tag_list(tags) or None,
            }
        )
    )["Rules"][0]
    return created["RuleArn"], {"arn": created["RuleArn"], "priority": priority, "tagsAll": tags}


@handles("aws:lb/listenerCertificate:ListenerCertificate", "aws:alb/listenerCertificate:ListenerCertificate")
def listener_certificate(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    listener_arn, certificate_arn = inputs["listenerArn"], inputs["certificateArn"]
    ctx.client("elbv2").add_listener_certificates(
        ListenerArn=listener_arn, Certificates=[{"CertificateArn": certificate_arn}]
    )
    return f"{listener_arn}_{certificate_arn}", {}


@handles("aws:lb/targetGroupAttachment:TargetGroupAttachment", "aws:alb/targetGroupAttachment:TargetGroupAttachment")
def target_group_attachment(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    target = drop_none(
        {"Id": inputs["targetId"], "Port": inputs.get("port"), "AvailabilityZone": inputs.get("availabilityZone")}
    )
    ctx.client("elbv2").register_targets(TargetGroupArn=inputs["targetGroupArn"], Targets=[target])
    return f"{inputs['targetGroupArn']}-{short_id(inputs['targetId'])}", {}
