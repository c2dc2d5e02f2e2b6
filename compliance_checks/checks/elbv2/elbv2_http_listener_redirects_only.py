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
from compliance_checks.services import elbv2


def _is_https_301(action: dict[str, Any]) -> bool:
    redirect = action.get("RedirectConfig") or {}
    return (
        action.get("Type") == "redirect"
        and redirect.get("Protocol") == "HTTPS"
        and redirect.get("StatusCode") == "HTTP_301"
    )


def _describe(actions: list[dict[str, Any]]) -> str:
    parts = []
    for action in actions:
        redirect = action.get("RedirectConfig") or {}
        if action.get("Type") == "redirect":
            parts.append(f"redirect to {redirect.get('Protocol')} ({redirect.get('StatusCode')})")
        else:
            parts.append(str(action.get("Type")))
    return ", ".join(parts) or "no action"


class Elbv2HttpListenerRedirectsOnly(Check):
    """Every plain-HTTP listener only redirects to HTTPS with a 301: its default action is exactly one such
    redirect, and none of its rules does anything else (forward, fixed-response, 302, redirect to HTTP).

    Scenarios:
    - given an HTTP listener whose default action is a 301 redirect to HTTPS and no other rule, then PASS
    - given an HTTP listener that forwards to a target group, then FAIL
    - given an HTTP listener whose default action redirects to HTTPS with a 302, then FAIL
    - given an HTTP listener that redirects by default but has a rule forwarding /api, then FAIL
    - given an HTTP listener that redirects by default but has a fixed-response rule, then FAIL
    - given DescribeRules is denied, then ERROR for that listener
    """

    regional = True
    metadata = CheckMetadata(
        title="Load balancer HTTP listeners only redirect to HTTPS (301)",
        severity=Severity.HIGH,
        resource_type="AWS::ElasticLoadBalancingV2::Listener",
        rationale="LP-TX-1: no app or API traffic is served over plain HTTP; HTTP only redirects (FSBP ELB.1).",
        remediation="Make the HTTP listener's only action a redirect to HTTPS with HTTP_301 and delete its other "
        "rules (infra: the load balancer component creates the redirect listener).",
        permissions=(
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeRules",
        ),
    )

    def evaluate(self, ctx: CheckContext) -> Iterator[Result]:
        for lb in elbv2.load_balancers(ctx.reader):
            try:
                listeners = elbv2.listeners(ctx.reader, lb)
            except ReadError as error:
                yield errored(lb.arn, error, region=lb.region)
                continue
            for listener in listeners:
                if listener.get("Protocol") != "HTTP":
                    continue
                arn = listener["ListenerArn"]
                try:
                    rules = elbv2.rules(ctx.reader, lb.region, arn)
                except ReadError as error:
                    yield errored(arn, error, region=lb.region)
                    continue
                yield self._judge(lb, listener, rules)

    @staticmethod
    def _judge(lb: elbv2.LoadBalancer, listener: dict[str, Any], rules: list[dict[str, Any]]) -> Result:
        arn = listener["ListenerArn"]
        default = listener.get("DefaultActions") or []
        evidence: dict[str, Any] = {
            "load_balancer": lb.name,
            "port": listener.get("Port"),
            "default": _describe(default),
        }
        if len(default) != 1 or not _is_https_301(default[0]):
            return failed(
                arn,
                f"default action is {evidence['default']}, not one 301 redirect to HTTPS",
                region=lb.region,
                **evidence,
            )
        serving = [
            r for r in rules if not r.get("IsDefault") and not all(_is_https_301(a) for a in r.get("Actions") or [{}])
        ]
        if serving:
            evidence["serving_rules"] = {r.get("Priority"): _describe(r.get("Actions") or []) for r in serving}
            return failed(
                arn,
                f"redirects by default, but {len(serving)} rule(s) do something else over HTTP",
                region=lb.region,
                **evidence,
            )
        return passed(arn, "only redirects to HTTPS with a 301", region=lb.region, **evidence)
