"""LP-TX-2: an EventBridge API destination invokes an https:// endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compliance_checks.rules import Verdict, comply, violate
from compliance_checks.rules.plan import value


@dataclass(frozen=True)
class ApiDestination:
    endpoint: str

    @classmethod
    def from_plan(cls, conf: dict[str, Any]) -> ApiDestination:
        return cls(str(value(conf, "invocation_endpoint") or ""))

    @classmethod
    def from_aws(cls, destination: dict[str, Any]) -> ApiDestination:
        return cls(str(destination.get("InvocationEndpoint") or ""))


def https_endpoint(destination: ApiDestination) -> Verdict:
    endpoint = destination.endpoint
    scheme = endpoint.split("://", 1)[0].lower() if "://" in endpoint else ""
    if scheme == "https":
        return comply("invokes an https:// endpoint", scheme=scheme)
    return violate(f"invokes a {scheme or 'scheme-less'} endpoint, not https://", scheme=scheme or None)
