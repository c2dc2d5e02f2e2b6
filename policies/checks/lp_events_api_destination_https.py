"""LP-TX-2: integration endpoints the platform calls (EventBridge API destinations) are https://.

Scenarios:
- given an invocation endpoint starting with https://, then PASS
- given an http:// (or any other) endpoint, then FAIL
"""

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult


class ApiDestinationHttps(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="EventBridge API destinations call https:// endpoints",
            id="LP_EVENTS_API_DESTINATION_HTTPS",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_cloudwatch_event_api_destination"],
        )

    def evaluate(self, conf):
        endpoint = str(lp.value(conf, "invocation_endpoint") or "")
        if endpoint.lower().startswith("https://"):
            return CheckResult.PASSED, ""
        scheme = endpoint.split("://", 1)[0] if "://" in endpoint else "no scheme"
        return CheckResult.FAILED, f"the endpoint uses {scheme}, not https"


check = ApiDestinationHttps()
