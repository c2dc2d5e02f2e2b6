"""LP-TX-2: integration endpoints the platform calls (EventBridge API destinations) are https://.

Scenarios:
- given an invocation endpoint starting with https://, then PASS
- given an http:// (or any other) endpoint, then FAIL
"""

from lp_common import CheckCategories, LeadpingCheck, rules


class ApiDestinationHttps(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="EventBridge API destinations call https:// endpoints",
            id="LP_EVENTS_API_DESTINATION_HTTPS",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_cloudwatch_event_api_destination"],
        )

    def evaluate(self, conf):
        return rules.events.https_endpoint(rules.events.ApiDestination.from_plan(conf))


check = ApiDestinationHttps()
