from __future__ import annotations

from collections.abc import Iterator

from compliance_checks.core import Check, CheckContext, CheckMetadata, Result, Severity, failed, passed
from compliance_checks.services import events


class EventsApiDestinationHttps(Check):
    """Every EventBridge API destination invokes an https:// endpoint.

    Scenarios:
    - given an API destination with an https:// endpoint, then PASS
    - given an API destination with an http:// endpoint, then FAIL
    - given ListApiDestinations is denied, then ERROR
    """

    regional = True
    metadata = CheckMetadata(
        title="EventBridge API destinations use HTTPS",
        severity=Severity.HIGH,
        resource_type="AWS::Events::ApiDestination",
        rationale="LP-TX-2: integrations the platform calls are reached over HTTPS only.",
        remediation="Point the API destination at the integration's https:// URL (infra: stack settings reject "
        "http:// webhook targets).",
        permissions=("events:ListApiDestinations",),
    )

    def evaluate(self, ctx: CheckContext) -> Iterator[Result]:
        for region in ctx.reader.regions:
            for destination in events.api_destinations(ctx.reader, region):
                arn = destination["ApiDestinationArn"]
                endpoint = destination.get("InvocationEndpoint") or ""
                scheme = endpoint.split("://", 1)[0].lower() if "://" in endpoint else ""
                evidence = {
                    "name": destination.get("Name"),
                    "scheme": scheme or None,
                    "state": destination.get("ApiDestinationState"),
                }
                if scheme == "https":
                    yield passed(arn, "invokes an https:// endpoint", region=region, **evidence)
                else:
                    yield failed(
                        arn, f"invokes a {scheme or 'scheme-less'} endpoint, not https://", region=region, **evidence
                    )
