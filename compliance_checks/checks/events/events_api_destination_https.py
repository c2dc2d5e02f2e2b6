from __future__ import annotations

from compliance_checks.core import Check, CheckContext, CheckMetadata, Severity, verdict
from compliance_checks.rules import events as rule
from compliance_checks.rules.events import ApiDestination
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
    )

    def evaluate(self, ctx: CheckContext):
        for region in ctx.reader.regions:
            for destination in events.api_destinations(ctx.reader, region):
                judged = rule.https_endpoint(ApiDestination.from_aws(destination))
                context = {"name": destination.get("Name"), "state": destination.get("ApiDestinationState")}
                yield verdict(destination["ApiDestinationArn"], judged, region=region, **context)
