"""LP-AC-1: an API route (HTTP/WebSocket API route, REST API method) requires authorization unless the
stack lists it as public. What else may excuse a route (a WebSocket route on connections authorized
at $connect, a MOCK CORS preflight) is the live check's to judge: the rule answers None then."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from compliance_checks.rules import Verdict, comply, violate
from compliance_checks.rules.plan import value

# Authorization types that authenticate the caller (REST: COGNITO_USER_POOLS; HTTP APIs: JWT).
AUTHORIZED = ("AWS_IAM", "CUSTOM", "JWT", "COGNITO_USER_POOLS")
# Types that need an authorizer resource to mean anything.
NEEDS_AUTHORIZER = ("CUSTOM", "JWT", "COGNITO_USER_POOLS")


@dataclass(frozen=True)
class Route:
    key: str  # "METHOD /path" (or "$connect", "$default")
    authorization_type: str
    has_authorizer: bool = True  # AWS refuses a route of such a type without one; a plan may lack it

    @classmethod
    def from_plan(cls, conf: dict[str, Any]) -> Route:
        kind = str(value(conf, "authorization_type") or "NONE").upper()
        return cls(str(value(conf, "route_key") or ""), kind, bool(value(conf, "authorizer_id")))


def public_route_keys(routes: Iterable[str]) -> set[str]:
    """The allowlist as route keys: "get  /health" -> "GET /health"; "$default" stays as written."""
    keys = set()
    for route in routes:
        method, _, path = str(route).strip().partition(" ")
        keys.add(f"{method.upper()} {path.strip()}" if path else method)
    return keys


def authorized(route: Route, public: set[str]) -> Verdict | None:
    """PASS when the route requires authorization or is on the public-route allowlist; FAIL when its
    type needs an authorizer it does not name; None when it has none (the caller judges the rest)."""
    if route.authorization_type in AUTHORIZED:
        if route.authorization_type in NEEDS_AUTHORIZER and not route.has_authorizer:
            return violate(f"{route.key} is {route.authorization_type} but names no authorizer")
        return comply(f"{route.key} requires {route.authorization_type} authorization")
    if route.key in public:
        return comply(f"{route.key} is on the public-route allowlist")
    return None
