"""CloudFront: the distributions of the account, their origins and the web ACL each carries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compliance_checks.reader import Reader

# CloudFront is global; its API (and a distribution's CLOUDFRONT-scope web ACL) answers in us-east-1.
REGION = "us-east-1"


@dataclass(frozen=True)
class Origin:
    domain: str
    # The origin's ACM client certificate: CloudFront presents it to an origin that requires mutual TLS.
    client_certificate: str | None


@dataclass(frozen=True)
class Distribution:
    id: str
    arn: str
    web_acl: str | None  # a WAFv2 web ACL ARN (or a WAF Classic id); None without one
    enabled: bool
    origins: tuple[Origin, ...]


def _origin(item: dict[str, Any]) -> Origin:
    mtls = ((item.get("CustomOriginConfig") or {}).get("OriginMtlsConfig") or {}).get("ClientCertificateArn")
    return Origin(item.get("DomainName", ""), mtls or None)


def distributions(reader: Reader) -> list[Distribution]:
    """Every distribution (cloudfront:ListDistributions, every page)."""
    found, marker = [], ""
    while True:
        params = {"Marker": marker} if marker else {}
        listing = (reader.call("cloudfront", "list_distributions", region=REGION, **params) or {}).get(
            "DistributionList"
        ) or {}
        for item in listing.get("Items") or []:
            origins = tuple(_origin(o) for o in (item.get("Origins") or {}).get("Items") or [])
            found.append(Distribution(item["Id"], item["ARN"], item.get("WebACLId") or None, item["Enabled"], origins))
        marker = listing.get("NextMarker") or ""
        if not listing.get("IsTruncated") or not marker:
            return found
