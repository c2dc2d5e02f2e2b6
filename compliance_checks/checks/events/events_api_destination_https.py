from __future__ import annotations

from compliance_checks.kit import CheckMetadata, ListedCheck, Severity, events, rules, verdict


class EventsApiDestinationHttps(ListedCheck):
    """Every EventBridge API destination invokes an https:// endpoint.

    Scenarios:
    - given an API destination with an https:// endpoint, then PASS
    - given an API destination with an http:// endpoint, then FAIL
    - given ListApiDestinations is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="EventBridge API destinations use HTTPS",
        severity=Severity.HIGH,
        resource_type="AWS::Events::ApiDestination",
        rationale="LP-TX-2: integrations the platform calls are reached over HTTPS only.",
        remediation="Point the API destination at the integration's https:// URL (infra: stack settings reject "
        "http:// webhook targets).",
    )

    listing, arn_of = events.api_destinations, lambda destination, *_: destination["ApiDestinationArn"]

    def judge(self, ctx, item):
        context = {"name": item.raw.get("Name"), "state": item.raw.get("ApiDestinationState")}
        return verdict(
            item.arn,
            rules.events.https_endpoint(rules.events.ApiDestination.from_aws(item.raw)),
            region=item.region,
            **context,
        )
