"""LP-TX-1 on load balancer listeners: TLS listeners use an allowed TLS 1.2+ policy; HTTP listeners only
redirect to HTTPS with a 301 (their default action and every rule).

The plan carries a listener's rules as separate resources (``aws_lb_listener_rule``) that a
per-resource check does not see with it, so the gate judges the default action; the audit reads
the rules too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compliance_checks.conventions import ALLOWED_TLS_POLICIES
from compliance_checks.rules import Verdict, comply, violate
from compliance_checks.rules.plan import blocks, value

TLS_PROTOCOLS = ("HTTPS", "TLS")


@dataclass(frozen=True)
class Action:
    type: str
    redirect_protocol: str = ""
    status_code: str = ""

    @property
    def is_https_301(self) -> bool:
        return self.type == "redirect" and self.redirect_protocol == "HTTPS" and self.status_code == "HTTP_301"

    def describe(self) -> str:
        if self.type == "redirect":
            return f"redirect to {self.redirect_protocol or None} ({self.status_code or None})"
        return self.type or "None"

    @classmethod
    def from_plan(cls, action: dict[str, Any]) -> Action:
        redirect = (blocks(action, "redirect") or [{}])[0]
        return cls(
            str(value(action, "type") or "").lower(),
            str(value(redirect, "protocol") or "").upper(),
            str(value(redirect, "status_code") or ""),
        )

    @classmethod
    def from_aws(cls, action: dict[str, Any]) -> Action:
        redirect = action.get("RedirectConfig") or {}
        return cls(
            str(action.get("Type") or "").lower(),
            str(redirect.get("Protocol") or "").upper(),
            str(redirect.get("StatusCode") or ""),
        )


@dataclass(frozen=True)
class Listener:
    protocol: str
    ssl_policy: str | None
    default_actions: tuple[Action, ...] = ()
    # Each non-default rule's priority and actions (unknown to the gate: rules are other resources).
    rules: tuple[tuple[str, tuple[Action, ...]], ...] = ()

    @classmethod
    def from_plan(cls, conf: dict[str, Any]) -> Listener:
        return cls(
            str(value(conf, "protocol") or "").upper(),
            value(conf, "ssl_policy"),
            tuple(Action.from_plan(a) for a in blocks(conf, "default_action")),
        )

    @classmethod
    def from_aws(cls, listener: dict[str, Any], rules: list[dict[str, Any]] | None = None) -> Listener:
        return cls(
            str(listener.get("Protocol") or "").upper(),
            listener.get("SslPolicy"),
            tuple(Action.from_aws(a) for a in listener.get("DefaultActions") or []),
            tuple(
                (str(rule.get("Priority")), tuple(Action.from_aws(a) for a in rule.get("Actions") or [{}]))
                for rule in rules or []
                if not rule.get("IsDefault")
            ),
        )


def tls_policy(listener: Listener) -> Verdict | None:
    """None for a listener that does not terminate TLS (not judged)."""
    if listener.protocol not in TLS_PROTOCOLS:
        return None
    evidence = {"protocol": listener.protocol, "ssl_policy": listener.ssl_policy}
    if listener.ssl_policy in ALLOWED_TLS_POLICIES:
        return comply(f"{listener.protocol} listener uses {listener.ssl_policy}", **evidence)
    return violate(
        f"{listener.protocol} listener uses {listener.ssl_policy}, not ELBSecurityPolicy-TLS13-1-2-2021-06 or stricter",
        **evidence,
    )


def http_redirects_only(listener: Listener) -> Verdict | None:
    """None for a listener that is not plain HTTP (not judged)."""
    if listener.protocol != "HTTP":
        return None
    default = ", ".join(a.describe() for a in listener.default_actions) or "no action"
    evidence: dict[str, Any] = {"default": default}
    if len(listener.default_actions) != 1 or not listener.default_actions[0].is_https_301:
        return violate(f"default action is {default}, not one 301 redirect to HTTPS", **evidence)
    serving = {priority: actions for priority, actions in listener.rules if not all(a.is_https_301 for a in actions)}
    if serving:
        evidence["serving_rules"] = {p: ", ".join(a.describe() for a in actions) for p, actions in serving.items()}
        return violate(f"redirects by default, but {len(serving)} rule(s) do something else over HTTP", **evidence)
    return comply("only redirects to HTTPS with a 301", **evidence)
