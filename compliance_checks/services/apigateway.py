"""API Gateway inventory: HTTP/WebSocket APIs (apigatewayv2) and REST APIs (apigateway), their routes,
methods, stages and custom domain names, in every audited region. Every read needs apigateway:GET."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compliance_checks.reader import Reader
from compliance_checks.rules.apigateway import public_route_keys  # noqa: F401 - the checks read it here

# Minimum TLS version of an API Gateway security policy name. The "SecurityPolicy_TLS13_*" and
# "SecurityPolicy_TLS12_*" enhanced policies (REST APIs) negotiate TLS 1.2 or 1.3 only.
TLS_1_2_POLICIES = ("TLS_1_2",)
TLS_1_2_POLICY_PREFIXES = ("SecurityPolicy_TLS13_", "SecurityPolicy_TLS12_")


def is_tls_1_2_or_later(policy: str | None) -> bool:
    return bool(policy) and (policy in TLS_1_2_POLICIES or policy.startswith(TLS_1_2_POLICY_PREFIXES))


@dataclass(frozen=True)
class Api:
    """An HTTP or WebSocket API (apigatewayv2) or a REST API (apigateway v1)."""

    id: str
    name: str
    region: str
    protocol: str  # "HTTP", "WEBSOCKET" or "REST"
    partition: str = "aws"
    raw: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def arn(self) -> str:
        kind = "restapis" if self.protocol == "REST" else "apis"
        return f"arn:{self.partition}:apigateway:{self.region}::/{kind}/{self.id}"

    @property
    def endpoint_types(self) -> tuple[str, ...]:
        """REST API endpoint types (EDGE, REGIONAL, PRIVATE); HTTP/WebSocket APIs are always regional."""
        return tuple(self.raw.get("endpointConfiguration", {}).get("types", ()))

    def stage_arn(self, stage_name: str) -> str:
        return f"{self.arn}/stages/{stage_name}"


def http_apis(reader: Reader) -> list[Api]:
    """Every HTTP and WebSocket API in the audited regions."""
    found = []
    for region in reader.regions:
        for item in reader.paginate("apigatewayv2", "get_apis", "Items", region=region):
            found.append(
                Api(
                    item["ApiId"],
                    item.get("Name", ""),
                    region,
                    item.get("ProtocolType", "HTTP"),
                    reader.partition(),
                    item,
                )
            )
    return found


def rest_apis(reader: Reader) -> list[Api]:
    """Every REST API in the audited regions."""
    found = []
    for region in reader.regions:
        for item in reader.paginate("apigateway", "get_rest_apis", "items", region=region):
            found.append(Api(item["id"], item.get("name", ""), region, "REST", reader.partition(), item))
    return found


def routes(reader: Reader, api: Api) -> list[dict[str, Any]]:
    return reader.paginate("apigatewayv2", "get_routes", "Items", region=api.region, ApiId=api.id)


def http_stages(reader: Reader, api: Api) -> list[dict[str, Any]]:
    return reader.paginate("apigatewayv2", "get_stages", "Items", region=api.region, ApiId=api.id)


def rest_stages(reader: Reader, api: Api) -> list[dict[str, Any]]:
    response = reader.call("apigateway", "get_stages", region=api.region, expect=("item",), restApiId=api.id)
    return (response or {}).get("item", [])


def rest_resources(reader: Reader, api: Api) -> list[dict[str, Any]]:
    """The API's resources with their methods embedded (resourceMethods: {METHOD: Method})."""
    return reader.paginate(
        "apigateway", "get_resources", "items", region=api.region, restApiId=api.id, embed=["methods"]
    )


def rest_method(reader: Reader, api: Api, resource_id: str, http_method: str) -> dict[str, Any]:
    """One method in full, for when the embedded copy lacks a field."""
    response = reader.call(
        "apigateway", "get_method", region=api.region, restApiId=api.id, resourceId=resource_id, httpMethod=http_method
    )
    return response or {}


@dataclass(frozen=True)
class DomainName:
    """A custom domain name; v1 and v2 list the same regional domains, so both reads are merged."""

    name: str
    region: str
    partition: str = "aws"
    # (where it was read, the security policy) for each endpoint configuration seen
    policies: tuple[tuple[str, str | None], ...] = ()

    @property
    def arn(self) -> str:
        return f"arn:{self.partition}:apigateway:{self.region}::/domainnames/{self.name}"


def domain_names(reader: Reader, region: str) -> list[DomainName]:
    """Every custom domain name in ``region``, with the security policy of each of its endpoints."""
    seen: dict[str, list[tuple[str, str | None]]] = {}
    for item in reader.paginate("apigatewayv2", "get_domain_names", "Items", region=region):
        configs = item.get("DomainNameConfigurations") or [{}]
        for config in configs:
            endpoint = config.get("EndpointType", "REGIONAL")
            seen.setdefault(item["DomainName"], []).append((f"apigatewayv2 {endpoint}", config.get("SecurityPolicy")))
    for item in reader.paginate("apigateway", "get_domain_names", "items", region=region):
        types = item.get("endpointConfiguration", {}).get("types") or ["EDGE"]
        where = f"apigateway {'/'.join(types)}"
        entry = (where, item.get("securityPolicy"))
        if entry not in seen.setdefault(item["domainName"], []):
            seen[item["domainName"]].append(entry)
    return [DomainName(name, region, reader.partition(), tuple(policies)) for name, policies in sorted(seen.items())]


@dataclass(frozen=True)
class MappedDomain:
    """A custom domain (apigatewayv2) through which an HTTP or WebSocket API stage is reached."""

    name: str
    region: str
    api_id: str
    stage: str
    target: str | None  # the regional endpoint its DNS alias points at (ApiGatewayDomainName)
    mutual_tls: bool  # clients must present a certificate the domain's truststore trusts


def api_mappings(reader: Reader, region: str) -> list[MappedDomain]:
    """Every (custom domain, API, stage) mapping of ``region`` (apigatewayv2 GetDomainNames, GetApiMappings)."""
    found = []
    for item in reader.paginate("apigatewayv2", "get_domain_names", "Items", region=region):
        name = item["DomainName"]
        configs = item.get("DomainNameConfigurations") or [{}]
        target = configs[0].get("ApiGatewayDomainName")
        mutual_tls = bool((item.get("MutualTlsAuthentication") or {}).get("TruststoreUri"))
        for mapping in _api_mappings_of(reader, region, name):
            found.append(MappedDomain(name, region, mapping["ApiId"], mapping.get("Stage", ""), target, mutual_tls))
    return found


def _api_mappings_of(reader: Reader, region: str, domain: str) -> list[dict[str, Any]]:
    """Every page of GetApiMappings (botocore has no paginator for it)."""
    items: list[dict[str, Any]] = []
    token = ""
    while True:
        params = {"NextToken": token} if token else {}
        page = reader.call("apigatewayv2", "get_api_mappings", region=region, DomainName=domain, **params) or {}
        items.extend(page.get("Items") or [])
        token = page.get("NextToken") or ""
        if not token:
            return items
