"""WAFv2: the web ACL protecting a regional resource, and what its rules enforce."""

from __future__ import annotations

from typing import Any

from compliance_checks.reader import Reader


def web_acl_for(reader: Reader, region: str, resource_arn: str) -> dict[str, Any] | None:
    """The web ACL associated with an ALB or API Gateway REST stage, None when there is none.

    Needs wafv2:GetWebACLForResource (and wafv2:GetWebACL, which AWS also authorizes for this call).
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


def aws_managed_rule_groups(web_acl: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(enforced, count-only) AWS managed rule groups of the ACL, Firewall Manager groups included."""
    enforced, counting = [], []
    rules = list(web_acl.get("Rules") or [])
    for key in ("PreProcessFirewallManagerRuleGroups", "PostProcessFirewallManagerRuleGroups"):
        for group in web_acl.get(key) or []:
            statement = (group.get("FirewallManagerStatement") or {}).get("ManagedRuleGroupStatement")
            if statement:
                rules.append({**group, "Statement": {"ManagedRuleGroupStatement": statement}})
    for rule in rules:
        statement = (rule.get("Statement") or {}).get("ManagedRuleGroupStatement") or {}
        if statement.get("VendorName") == "AWS":
            (counting if _counts_only(rule) else enforced).append(statement.get("Name", rule.get("Name", "")))
    return enforced, counting


def rate_based_rules(web_acl: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(enforced, count-only) rate-based rules of the ACL."""
    enforced, counting = [], []
    for rule in web_acl.get("Rules") or []:
        if "RateBasedStatement" in (rule.get("Statement") or {}):
            (counting if _counts_only(rule) else enforced).append(rule.get("Name", ""))
    return enforced, counting
