"""WAFv2: web ACLs (managed rule groups, rate-based rules, visibility configs) and associations."""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, pascal, tag_list

# camelCase keys whose WAF API name is not the plain PascalCase.
_WAF_NAMES = {
    "cloudwatchMetricsEnabled": "CloudWatchMetricsEnabled",
    "arn": "ARN",
    "forwardedIpConfig": "ForwardedIPConfig",
    "ipSetForwardedIpConfig": "IPSetForwardedIPConfig",
    "asnLists": "AsnList",
    "jsonBody": "JsonBody",
    "ja3Fingerprint": "JA3Fingerprint",
    "ja4Fingerprint": "JA4Fingerprint",
    "uriFragment": "UriFragment",
}
# Resources a regional web ACL can protect (AWS refuses anything else, e.g. HTTP APIs).
_ASSOCIABLE = (
    re.compile(r"^arn:aws[a-z-]*:elasticloadbalancing:[^:]+:\d+:loadbalancer/app/"),
    re.compile(r"^arn:aws[a-z-]*:apigateway:[^:]+::/restapis/[^/]+/stages/[^/]+$"),
    re.compile(r"^arn:aws[a-z-]*:appsync:"),
    re.compile(r"^arn:aws[a-z-]*:cognito-idp:"),
    re.compile(r"^arn:aws[a-z-]*:apprunner:"),
    re.compile(r"^arn:aws[a-z-]*:ec2:[^:]+:\d+:verified-access-instance/"),
    re.compile(r"^arn:aws[a-z-]*:amplify:"),
)


def _visibility(block: dict[str, Any]) -> dict[str, Any]:
    return {
        "SampledRequestsEnabled": bool(block.get("sampledRequestsEnabled")),
        "CloudWatchMetricsEnabled": bool(block.get("cloudwatchMetricsEnabled")),
        "MetricName": block["metricName"],
    }


def rule(block: dict[str, Any]) -> dict[str, Any]:
    """One pulumi-aws web ACL rule as the WAFv2 API's Rule."""
    converted: dict[str, Any] = {
        "Name": block["name"],
        "Priority": block["priority"],
        "Statement": pascal(block["statement"], _WAF_NAMES),
        "VisibilityConfig": _visibility(block["visibilityConfig"]),
    }
    if block.get("action"):
        converted["Action"] = pascal(block["action"], _WAF_NAMES)
    if block.get("overrideAction"):
        converted["OverrideAction"] = pascal(block["overrideAction"], _WAF_NAMES)
    if block.get("ruleLabels"):
        converted["RuleLabels"] = [{"Name": label["name"]} for label in block["ruleLabels"]]
    for key in ("captchaConfig", "challengeConfig"):
        if block.get(key):
            converted[key[:1].upper() + key[1:]] = pascal(block[key], _WAF_NAMES)
    return converted


@handles("aws:wafv2/webAcl:WebAcl")
def web_acl(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    for unsupported in ("associationConfig", "dataProtectionConfig", "monetizationConfig", "tokenDomains"):
        if inputs.get(unsupported):
            raise ValueError(f"{unsupported} is not simulated")
    wafv2 = ctx.client("wafv2")
    tags = ctx.tags(inputs)
    name = ctx.physical_name(inputs.get("name"), inputs.get("namePrefix"), max_length=128)
    scope = inputs["scope"]
    if inputs.get("ruleJson"):
        rules = json.loads(inputs["ruleJson"])
        inputs.ignore("rules")  # ruleJson replaces rules
    else:
        rules = [rule(r) for r in inputs.get("rules") or []]
    params: dict[str, Any] = {
        "Name": name,
        "Scope": scope,
        "DefaultAction": pascal(inputs["defaultAction"], _WAF_NAMES),
        "Rules": rules,
        "VisibilityConfig": _visibility(inputs["visibilityConfig"]),
    }
    if inputs.get("description"):
        params["Description"] = inputs["description"]
    if tags:
        params["Tags"] = tag_list(tags)
    bodies = inputs.get("customResponseBodies") or []
    if bodies:
        params["CustomResponseBodies"] = {
            b["key"]: {"ContentType": b["contentType"], "Content": b["content"]} for b in bodies
        }
    for key in ("captchaConfig", "challengeConfig"):
        if inputs.get(key):
            params[key[:1].upper() + key[1:]] = pascal(inputs[key], _WAF_NAMES)
    summary = wafv2.create_web_acl(**params)["Summary"]
    stored = wafv2.get_web_acl(Name=name, Scope=scope, Id=summary["Id"])["WebACL"]
    return summary["Id"], {
        "arn": summary["ARN"],
        "name": name,
        "lockToken": summary.get("LockToken"),
        "capacity": stored.get("Capacity", 0),
        "applicationIntegrationUrl": None,
        "tagsAll": tags,
    }


@handles("aws:wafv2/webAclAssociation:WebAclAssociation")
def web_acl_association(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    acl_arn, resource_arn = inputs["webAclArn"], inputs["resourceArn"]
    if not any(pattern.match(resource_arn) for pattern in _ASSOCIABLE):
        # moto associates anything; AWS refuses resources WAF cannot protect (HTTP APIs among them).
        raise ValueError(
            f"WAFInvalidParameterException: a regional web ACL cannot be associated with {resource_arn}; "
            f"AWS supports load balancers, REST API stages, AppSync, Cognito, App Runner, Verified Access"
        )
    wafv2 = ctx.client("wafv2")
    wafv2.associate_web_acl(WebACLArn=acl_arn, ResourceArn=resource_arn)
    return f"{acl_arn},{resource_arn}", {}


@handles("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
def web_acl_logging(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    acl_arn = inputs["resourceArn"]
    config: dict[str, Any] = {
        "ResourceArn": acl_arn,
        "LogDestinationConfigs": inputs["logDestinationConfigs"],
    }
    if inputs.get("redactedFields"):
        config["RedactedFields"] = pascal(inputs["redactedFields"], _WAF_NAMES)
    if inputs.get("loggingFilter"):
        config["LoggingFilter"] = pascal(inputs["loggingFilter"], _WAF_NAMES)
    ctx.client("wafv2").put_logging_configuration(LoggingConfiguration=drop_none(config))
    return acl_arn, {}
