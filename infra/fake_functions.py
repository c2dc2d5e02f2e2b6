"""Provider functions (invokes) answered during an offline render with the default FakeCloud.

Programs call data sources (``aws.get_caller_identity()``, ``aws.iam.get_policy_document()``, ...)
while they run; offline there is no provider, so each function the renderer supports is answered
here, deterministically. A function it cannot answer raises ``Unanswerable`` (never a guess, which
could hide a misconfiguration): a preview render makes its result unknown with a warning naming it,
as ``pulumi preview`` does with a result it cannot know yet; a deployment render stops.

``getPolicyDocument`` builds the real JSON the AWS provider would (the CI gate judges it), and the
default-VPC lookups describe a plausible default VPC. Lookups that would return data only the
account holds (a parameter's value, a managed policy's text) are deliberately not answered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

Function = Callable[[dict[str, Any], str, str], dict[str, Any]]  # (args, account_id, region) -> result


class Unanswerable(LookupError):
    """The offline render cannot answer this provider function (or these arguments of it)."""


# Published AWS accounts (AWS documentation): the billing reports writer and the regional
# Elastic Load Balancing log writers that bucket policies name.
BILLING_ACCOUNT_ID = "386209384616"
ELB_ACCOUNT_IDS = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-central-1": "054676820928",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ca-central-1": "985666609251",
}
DEFAULT_VPC_CIDR = "172.31.0.0/16"


def _digest(*parts: object, length: int = 8) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:length]


def _caller_identity(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return {
        "accountId": account,
        "arn": f"arn:aws:iam::{account}:user/offline-render",
        "userId": "AIDAOFFLINERENDER",
        "id": account,
    }


def _region(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    name = args.get("region") or args.get("name") or region
    return {"name": name, "region": name, "id": name, "endpoint": f"ec2.{name}.amazonaws.com"}


def _partition(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"}


def _availability_zones(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    names = [f"{region}{suffix}" for suffix in "abcdef"]
    return {"names": names, "zoneIds": [f"az{i}" for i in range(1, 7)], "id": region}


# -- IAM policy documents ------------------------------------------------------------------------


def _one_or_many(values: list[Any]) -> Any:
    # The provider writes a one-element list as a plain string, as IAM itself prints it.
    return values[0] if len(values) == 1 else values


def _principals(blocks: list[dict[str, Any]] | None) -> Any:
    found: dict[str, list[str]] = {}
    for block in blocks or []:
        found.setdefault(block["type"], []).extend(block.get("identifiers") or [])
    if list(found) == ["*"] and found["*"] == ["*"]:
        return "*"
    return {kind: _one_or_many(ids) for kind, ids in found.items()}


def _statement(spec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if spec.get("sid"):
        out["Sid"] = spec["sid"]
    out["Effect"] = spec.get("effect") or "Allow"
    for key, name in (("actions", "Action"), ("notActions", "NotAction")):
        if spec.get(key):
            out[name] = _one_or_many(list(spec[key]))
    for key, name in (("resources", "Resource"), ("notResources", "NotResource")):
        if spec.get(key):
            out[name] = _one_or_many(list(spec[key]))
    for key, name in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
        if spec.get(key):
            out[name] = _principals(spec[key])
    conditions: dict[str, dict[str, Any]] = {}
    for condition in spec.get("conditions") or []:
        conditions.setdefault(condition["test"], {})[condition["variable"]] = _one_or_many(
            list(condition.get("values") or [])
        )
    if conditions:
        out["Condition"] = conditions
    return out


def _merge(statements: list[dict[str, Any]], extra: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Later statements replace earlier ones with the same Sid; those without a Sid are appended."""
    merged = list(statements)
    for statement in extra:
        sid = statement.get("Sid")
        index = next((i for i, s in enumerate(merged) if sid and s.get("Sid") == sid), None)
        if index is None:
            merged.append(statement)
        else:
            merged[index] = statement
    return merged


def _documents(texts: list[str] | None) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for text in texts or []:
        document = json.loads(text)
        found = document.get("Statement") or []
        statements = _merge(statements, found if isinstance(found, list) else [found])
    return statements


def _policy_document(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    """aws.iam.get_policy_document: the JSON the provider renders from statements and documents."""
    statements = _documents(args.get("sourcePolicyDocuments"))
    statements = _merge(statements, [_statement(s) for s in args.get("statements") or []])
    statements = _merge(statements, _documents(args.get("overridePolicyDocuments")))
    document: dict[str, Any] = {"Version": args.get("version") or "2012-10-17"}
    if args.get("policyId"):
        document["Id"] = args["policyId"]
    document["Statement"] = statements
    text = json.dumps(document, indent=2)
    return {
        "json": text,
        "minifiedJson": json.dumps(document, separators=(",", ":")),
        "id": str(int(_digest(document), 16)),
        "statements": args.get("statements") or [],
        "version": document["Version"],
    }


# -- lookups programs make of the account's defaults --------------------------------------------


def _ami(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    name_filter = next((f for f in args.get("filters") or [] if f.get("name") == "name"), None)
    name = (name_filter or {}).get("values", ["offline-image"])[0].replace("*", "2025.1")
    image_id = f"ami-{_digest(region, args.get('owners'), args.get('filters'), length=17)}"
    return {
        "id": image_id,
        "imageId": image_id,
        "arn": f"arn:aws:ec2:{region}::image/{image_id}",
        "name": name,
        "architecture": "x86_64",
        "rootDeviceName": "/dev/xvda",
        "rootDeviceType": "ebs",
        "virtualizationType": "hvm",
        "ownerId": (args.get("owners") or ["amazon"])[0],
        "state": "available",
        "blockDeviceMappings": [],
        "tags": {},
    }


def _vpc(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    vpc_id = args.get("id") or f"vpc-{_digest(account, region, 'default')}"
    return {
        "id": vpc_id,
        "arn": f"arn:aws:ec2:{region}:{account}:vpc/{vpc_id}",
        "cidrBlock": args.get("cidrBlock") or DEFAULT_VPC_CIDR,
        "default": True,
        "enableDnsHostnames": True,
        "enableDnsSupport": True,
        "instanceTenancy": "default",
        "mainRouteTableId": f"rtb-{_digest(vpc_id, 'main')}",
        "ownerId": account,
        "state": "available",
        "tags": args.get("tags") or {},
    }


def _vpcs(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    """The account's VPCs a lookup can see offline: the region's default VPC, which every account
    has until someone deletes it. The program's own VPCs do not exist yet when it runs."""
    default = True
    for spec in args.get("filters") or []:
        if spec.get("name") == "is-default":
            default = "true" in [str(v).lower() for v in spec.get("values") or []]
        elif spec.get("name") not in ("state",):
            raise _unanswerable(f"getVpcs filter {spec.get('name')!r}")
    if args.get("tags"):
        raise _unanswerable("getVpcs tags")
    ids = [_vpc({}, account, region)["id"]] if default else []
    return {"id": region, "ids": ids, "filters": args.get("filters") or []}


def _unanswerable(what: str) -> Exception:
    return Unanswerable(f"the offline render cannot answer {what}: only the account's default VPC is known")


def _subnet_ids(account: str, region: str) -> list[str]:
    return [f"subnet-{_digest(account, region, zone)}" for zone in "abc"]


def _subnets(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return {"id": region, "ids": _subnet_ids(account, region), "filters": args.get("filters") or []}


def _subnet(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    subnet_id = args.get("id") or _subnet_ids(account, region)[0]
    index = _subnet_ids(account, region).index(subnet_id) if subnet_id in _subnet_ids(account, region) else 0
    return {
        "id": subnet_id,
        "arn": f"arn:aws:ec2:{region}:{account}:subnet/{subnet_id}",
        "availabilityZone": f"{region}{'abc'[index]}",
        "cidrBlock": f"172.31.{index * 16}.0/20",
        "vpcId": _vpc({}, account, region)["id"],
        "defaultForAz": True,
        "mapPublicIpOnLaunch": True,
        "ownerId": account,
        "state": "available",
        "tags": {},
    }


def _billing_service_account(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return {"id": BILLING_ACCOUNT_ID, "arn": f"arn:aws:iam::{BILLING_ACCOUNT_ID}:root"}


def _elb_service_account(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    name = args.get("region") or region
    if name not in ELB_ACCOUNT_IDS:
        raise Unanswerable(f"the offline render knows no Elastic Load Balancing account for region {name!r}")
    elb = ELB_ACCOUNT_IDS[name]
    return {"id": elb, "arn": f"arn:aws:iam::{elb}:root", "region": name}


def _zone(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    name = str(args.get("name") or "example.com").rstrip(".") + "."
    zone_id = args.get("zoneId") or f"Z{_digest(name, length=12).upper()}"
    return {
        "id": zone_id,
        "zoneId": zone_id,
        "name": name,
        "arn": f"arn:aws:route53:::hostedzone/{zone_id}",
        "privateZone": bool(args.get("privateZone")),
        "nameServers": [f"ns-{i}.awsdns-{i:02d}.org" for i in range(1, 5)],
        "resourceRecordSetCount": 2,
        "tags": {},
    }


def _certificate(args: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    domain = args.get("domain") or "example.com"
    arn = f"arn:aws:acm:{region}:{account}:certificate/{_digest(domain, length=12)}"
    return {"id": arn, "arn": arn, "domain": domain, "status": "ISSUED", "tags": {}}


FUNCTIONS: dict[str, Function] = {
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _availability_zones,
    "aws:index/getBillingServiceAccount:getBillingServiceAccount": _billing_service_account,
    "aws:iam/getPolicyDocument:getPolicyDocument": _policy_document,
    "aws:ec2/getAmi:getAmi": _ami,
    "aws:ec2/getVpc:getVpc": _vpc,
    "aws:ec2/getVpcs:getVpcs": _vpcs,
    "aws:ec2/getSubnets:getSubnets": _subnets,
    "aws:ec2/getSubnet:getSubnet": _subnet,
    "aws:elb/getServiceAccount:getServiceAccount": _elb_service_account,
    "aws:route53/getZone:getZone": _zone,
    "aws:acm/getCertificate:getCertificate": _certificate,
}
