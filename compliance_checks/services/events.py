"""EventBridge inventory: API destinations (the outbound HTTP endpoints rules invoke)."""

from __future__ import annotations

from typing import Any

from compliance_checks.reader import Reader


def api_destinations(reader: Reader, region: str) -> list[dict[str, Any]]:
    """Every API destination in ``region`` (events:ListApiDestinations; botocore has no paginator for it)."""
    found: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        params: dict[str, Any] = {"NextToken": token} if token else {}
        response = (
            reader.call("events", "list_api_destinations", region=region, expect=("ApiDestinations",), **params) or {}
        )
        found.extend(response.get("ApiDestinations", []))
        token = response.get("NextToken")
        if not token:
            return found
