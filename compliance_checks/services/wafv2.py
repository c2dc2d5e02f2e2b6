"""WAFv2: the web ACL protecting a regional resource, and what its rules enforce."""

from __future__ import annotations

from typing import Any

from compliance_checks.reader import Reader


def web_acl_for(reader: Reader, region: str, resource_arn: str) -> dict[str, Any] | None:
    """The web ACL associated with an ALB or API Gateway REST stage, None when there is none.

    Needs wafv2:GetWebACLForResource (and wafv2:GetWebACL, which AWS also authorizes for this call).
    Rule groups the ACL references are read with wafv2:GetRuleGroup.
    """
    response = reader.call(
        "wafv2",
        "get_web_acl_for_resource",
        region=region,
        missing=("WAFNonexistentItemException",),
        ResourceArn=resource_arn,
    )
    return (response or {}).get("WebACL") or None


def _counts_only(rule: dict[str, Any]) -> bool:
    """A rule (or rule group) set to Count only records matches; it protects nothing."""
    return "Count" in (rule.get("OverrideAction") or {}) or "Count" in (rule.get("Action") or {})


def _all_rules(web_acl: dict[str, Any]) -> list[dict[str, Any]]:
    """The ACL's rules plus the Firewall Manager rule groups around them, as rules with a Statement."""
    rules = list(web_acl.get("Rules") or [])
    for key in ("PreProcessFirewallManagerRuleGroups", "PostProcessFirewallManagerRuleGroups"):
        for group in web_acl.get(key) or []:
            rules.append({**group, "Statement": dict(group.get("FirewallManagerStatement") or {})})
    return rules


def aws_managed_rule_groups(web_acl: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(enforced, count-only) AWS managed rule groups of the ACL, Firewall Manager groups included."""
    enforced, counting = [], []
    for rule in _all_rules(web_acl):
        statement = (rule.get("Statement") or {}).get("ManagedRuleGroupStatement") or {}
        if statement.get("VendorName") == "AWS":
            (counting if _counts_only(rule) else enforced).append(statement.get("Name", rule.get("Name", "")))
    return enforced, counting


def rule_group(reader: Reader, region: str, arn: str) -> dict[str, Any]:
    """A customer rule group referenced by an ACL (wafv2:GetRuleGroup)."""
    response = reader.call("wafv2", "get_rule_group", region=region, expect=("RuleGroup",), ARN=arn) or {}
    return response.get("RuleGroup") or {}


def rate_based_rules(reader: Reader, region: str, web_acl: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(enforced, count-only) rate-based rules of the ACL, those inside referenced rule groups included
    (a rate-based rule may live in a rule group; the group's rule action overrides can set it to Count)."""
    enforced, counting = [], []
    for rule in _all_rules(web_acl):
        statement = rule.get("Statement") or {}
        if "RateBasedStatement" in statement:
            (counting if _counts_only(rule) else enforced).append(rule.get("Name", ""))
        reference = statement.get("RuleGroupReferenceStatement")
        if not reference:
            continue
        group = rule_group(reader, region, reference["ARN"])
        overridden = {
            o.get("Name") for o in reference.get("RuleActionOverrides") or [] if "Count" in (o.get("ActionToUse") or {})
        }
        overridden |= {e.get("Name") for e in reference.get("ExcludedRules") or []}  # excluded rules only count
        for inner in group.get("Rules") or []:
            if "RateBasedStatement" in (inner.get("Statement") or {}):
                name = f"{group.get('Name', reference['ARN'])}/{inner.get('Name', '')}"
                counts = _counts_only(rule) or _counts_only(inner) or inner.get("Name") in overridden
                (counting if counts else enforced).append(name)
    return enforced, counting


def web_acl(reader: Reader, arn: str) -> dict[str, Any] | None:
    """A WAFv2 web ACL by its ARN (wafv2:GetWebACL); None when it does not exist.

    A CloudFront distribution names its web ACL by ARN
    (``arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>``, scope CLOUDFRONT, read in
    us-east-1); a regional ACL's ARN has ``regional/`` and its own region.
    """
    parts = arn.split(":", 5)
    path = parts[5].split("/") if len(parts) == 6 else []
    if len(path) != 4 or path[1] != "webacl" or path[0] not in ("global", "regional"):
        raise ValueError(f"not a WAFv2 web ACL ARN: {arn}")
    scope = "CLOUDFRONT" if path[0] == "global" else "REGIONAL"
    response = reader.call(
        "wafv2",
        "get_web_acl",
        region=parts[3],
        missing=("WAFNonexistentItemException",),
        Name=path[2],
        Scope=scope,
        Id=path[3],
    )
    return (response or {}).get("WebACL") or None
