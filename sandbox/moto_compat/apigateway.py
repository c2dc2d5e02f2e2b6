"""API Gateway (REST APIs): a private integration's VPC link and target, and a regional domain's zone.

- PutIntegration with ConnectionId and IntegrationTarget (a private integration through a VPC link
  V2 to a load balancer): AWS stores both and GetIntegration returns them; moto drops them, so an
  integration would read as a VPC link to nowhere. The wrapper keeps them on the integration.
- A regional custom domain's ``regionalHostedZoneId`` is the Route 53 zone of API Gateway's
  regional endpoints in the domain's region (AWS general reference, "API Gateway endpoints"), the
  zone a DNS alias to the domain names; moto answers CloudFront's zone (Z2FDTNDATAQYW2) in every
  region. The wrapper sets the region's zone.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.moto_compat import Patch

# Route 53 zones of API Gateway's regional endpoints (AWS general reference, "API Gateway endpoints").
REGIONAL_ZONES = {
    "us-east-1": "Z1UJRXOUMOOFQ8",
    "us-east-2": "ZOJJZC49E0EPZ",
    "us-west-1": "Z2MUQ32089INYE",
    "us-west-2": "Z2OJLYMUO9EFXC",
    "ca-central-1": "Z19DQILCV0OWEC",
    "eu-west-1": "ZLY8HYME6SFDD",
    "eu-west-2": "ZJ5UAJN8Y3Z2Q",
    "eu-west-3": "Z3KY65QIEKYHQQ",
    "eu-central-1": "Z1U9ULNL0V5AJ3",
    "eu-north-1": "Z3UWIKFBOOGXPP",
    "ap-southeast-1": "ZL327KTPIQFUL",
    "ap-southeast-2": "Z2RPCDW04V8134",
    "ap-northeast-1": "Z1YSHQZHG15GKL",
    "ap-south-1": "Z3VO1THU9YC4UR",
    "sa-east-1": "ZCMLWB8V5SYIT",
}


def _integration_keeps_link(original: Any) -> Any:
    def put_integration(self: Any) -> Any:
        answer = original(self)
        parts = self.path.split("/")
        integration = self.backend.get_integration(parts[2], parts[4], parts[6])
        integration.connection_id = self._get_param("connectionId")
        integration.integration_target = self._get_param("integrationTarget")
        status, headers, _ = answer
        return status, headers, json.dumps(integration.to_json())

    return put_integration


def _described_with_link(original: Any) -> Any:
    def to_json(self: Any) -> dict[str, Any]:
        described = original(self)
        for key, attribute in (("connectionId", "connection_id"), ("integrationTarget", "integration_target")):
            value = getattr(self, attribute, None)
            if value:
                described[key] = value
        return described

    return to_json


def _regional_zone(original: Any) -> Any:
    def init(self: Any, domain_name: str, **kwargs: Any) -> None:
        original(self, domain_name, **kwargs)
        region = kwargs.get("region_name") or "us-east-1"
        self.regional_hosted_zone_id = REGIONAL_ZONES.get(region, self.regional_hosted_zone_id)

    return init


def patches() -> list[Patch]:
    from moto.apigateway.models import DomainName, Integration
    from moto.apigateway.responses import APIGatewayResponse

    return [
        Patch(APIGatewayResponse, "put_integration", _integration_keeps_link),
        Patch(Integration, "to_json", _described_with_link),
        Patch(DomainName, "__init__", _regional_zone),
    ]
