"""The default resource handler of the offline render: a deterministic fake AWS account.

``FakeCloud`` answers each registration with a plausible id and the outputs a provider returns
from the inputs alone (a bucket's ARN from its name, a role's ARN from its name and the account),
inputs echoed as outputs, and each provider function from ``fake_functions``. Anything else it
leaves out, so that a preview render (``render(preview=True)``) sees it as unknown, exactly as
``pulumi preview`` does for a value only the cloud can know.

A FakeCloud is plain data (``spec()`` / ``from_spec()``), so that the same handler answers a
program rendered in its own Python environment (``infra/render_host.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from typing import Any

from .fake_functions import FUNCTIONS, Unanswerable

FAKE_ACCOUNT_ID = "123456789012"
AWS_PACKAGE = "aws"
# The inputs a resource's id and ARN are made of, when the program sets them.
PHYSICAL_NAMES = ("name", "bucket")


def _short_hash(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:7]


def _module_and_class(type_token: str) -> tuple[str, str]:
    # "aws:s3/bucket:Bucket" -> ("s3", "Bucket")
    try:
        _, middle, cls = type_token.split(":")
    except ValueError:
        return "", type_token
    return middle.split("/")[0], cls


# Computed attributes (outputs the provider fills in) that programs commonly read, per type.
# Templates see: {id}, {name} (logical), {arn}, {region}, {account}, {hash}, {hash6}.
COMPUTED_ATTRIBUTES: dict[str, dict[str, str]] = {
    "aws:kms/key:Key": {"keyId": "{id}"},
    "aws:s3/bucket:Bucket": {
        "bucket": "{id}",
        "arn": "arn:aws:s3:::{id}",
        "bucketDomainName": "{id}.s3.amazonaws.com",
        "bucketRegionalDomainName": "{id}.s3.{region}.amazonaws.com",
    },
    "aws:iam/role:Role": {"name": "{id}", "arn": "arn:aws:iam::{account}:role/{id}", "uniqueId": "AROA{hash}"},
    "aws:iam/policy:Policy": {"arn": "arn:aws:iam::{account}:policy/{id}", "policyId": "ANPA{hash}"},
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
        "arn": "arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
    },
    "aws:lb/loadBalancer:LoadBalancer": {
        "arn": "arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{id}/{hash}",
        "arnSuffix": "app/{id}/{hash}",
        "dnsName": "{id}-{hash}.{region}.elb.amazonaws.com",
        "zoneId": "Z35SXDOTRQ7X7K",
    },
    "aws:lb/targetGroup:TargetGroup": {
        "arn": "arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/{id}/{hash}",
        "arnSuffix": "targetgroup/{id}/{hash}",
    },
    "aws:lb/listener:Listener": {
        "arn": "arn:aws:elasticloadbalancing:{region}:{account}:listener/app/{name}/{hash}/{hash}",
    },
    "aws:dynamodb/table:Table": {"arn": "arn:aws:dynamodb:{region}:{account}:table/{id}"},
    "aws:rds/instance:Instance": {
        "arn": "arn:aws:rds:{region}:{account}:db:{id}",
        "address": "{id}.{hash}.{region}.rds.amazonaws.com",
        "endpoint": "{id}.{hash}.{region}.rds.amazonaws.com:5432",
        "resourceId": "db-{hash}",
        "identifier": "{id}",
    },
    "aws:rds/cluster:Cluster": {
        "arn": "arn:aws:rds:{region}:{account}:cluster:{id}",
        "endpoint": "{id}.cluster-{hash}.{region}.rds.amazonaws.com",
        "clusterResourceId": "cluster-{hash}",
    },
    "aws:cloudwatch/logGroup:LogGroup": {"arn": "arn:aws:logs:{region}:{account}:log-group:{id}", "name": "{id}"},
    "aws:sns/topic:Topic": {"arn": "arn:aws:sns:{region}:{account}:{id}"},
    "aws:sqs/queue:Queue": {
        "arn": "arn:aws:sqs:{region}:{account}:{id}",
        "url": "https://sqs.{region}.amazonaws.com/{account}/{id}",
    },
    "aws:secretsmanager/secret:Secret": {"arn": "arn:aws:secretsmanager:{region}:{account}:secret:{id}-{hash6}"},
    "aws:backup/plan:Plan": {"arn": "arn:aws:backup:{region}:{account}:backup-plan:{hash}"},
    "aws:cloudtrail/trail:Trail": {"arn": "arn:aws:cloudtrail:{region}:{account}:trail/{id}"},
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {
        "arn": "arn:aws:firehose:{region}:{account}:deliverystream/{id}"
    },
    "aws:wafv2/webAcl:WebAcl": {"arn": "arn:aws:wafv2:{region}:{account}:regional/webacl/{id}/{hash}"},
    "aws:apigatewayv2/stage:Stage": {"arn": "arn:aws:apigateway:{region}::/apis/{hash}/stages/{id}"},
    "aws:acm/certificate:Certificate": {"arn": "arn:aws:acm:{region}:{account}:certificate/{hash}"},
    "aws:ec2/vpc:Vpc": {"id": "vpc-{hash}", "arn": "arn:aws:ec2:{region}:{account}:vpc/vpc-{hash}"},
    "aws:ec2/subnet:Subnet": {"id": "subnet-{hash}", "arn": "arn:aws:ec2:{region}:{account}:subnet/subnet-{hash}"},
    "aws:ec2/securityGroup:SecurityGroup": {
        "id": "sg-{hash}",
        "arn": "arn:aws:ec2:{region}:{account}:security-group/sg-{hash}",
    },
    "aws:guardduty/detector:Detector": {"id": "{hash}{hash}"},
    "aws:apigateway/restApi:RestApi": {
        "id": "{hash}",
        "rootResourceId": "{hash6}",
        "executionArn": "arn:aws:execute-api:{region}:{account}:{hash}",
        "arn": "arn:aws:apigateway:{region}::/restapis/{hash}",
    },
    "aws:apigateway/authorizer:Authorizer": {"id": "{hash6}"},
    "aws:apigateway/requestValidator:RequestValidator": {"id": "{hash6}"},
    "aws:apigateway/resource:Resource": {"id": "{hash6}"},
    "aws:apigatewayv2/api:Api": {
        "id": "{hash}",
        "apiEndpoint": "https://{hash}.execute-api.{region}.amazonaws.com",
        "executionArn": "arn:aws:execute-api:{region}:{account}:{hash}",
        "arn": "arn:aws:apigateway:{region}::/apis/{hash}",
    },
    "aws:cognito/userPool:UserPool": {
        "id": "{region}_{hash}",
        "arn": "arn:aws:cognito-idp:{region}:{account}:userpool/{region}_{hash}",
        "endpoint": "cognito-idp.{region}.amazonaws.com/{region}_{hash}",
    },
    "aws:lambda/function:Function": {"arn": "arn:aws:lambda:{region}:{account}:function:{id}"},
    "aws:route53/record:Record": {"fqdn": "{id}"},
    "aws:backup/vault:Vault": {"arn": "arn:aws:backup:{region}:{account}:backup-vault:{id}", "name": "{id}"},
    "aws:cloudwatch/eventConnection:EventConnection": {
        "arn": "arn:aws:events:{region}:{account}:connection/{id}/{hash}",
        # The secret EventBridge keeps the connection's credentials in.
        "secretArn": "arn:aws:secretsmanager:{region}:{account}:secret:events!connection/{id}/{hash}/auth-{hash6}",
    },
    "aws:cloudwatch/eventApiDestination:EventApiDestination": {
        "arn": "arn:aws:events:{region}:{account}:api-destination/{id}/{hash}",
    },
}


def _certificate_validation(state: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    names = [state.get("domainName"), *(state.get("subjectAlternativeNames") or [])]
    return {
        "domainValidationOptions": [
            {
                "domainName": name,
                "resourceRecordName": f"_{values['hash']}.{name}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{values['hash']}.acm-validations.aws.",
            }
            for name in names
            if isinstance(name, str)
        ]
    }


def _rest_domain_target(state: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    return {
        "regionalDomainName": f"d-{values['hash']}.execute-api.{values['region']}.amazonaws.com",
        "regionalZoneId": "Z1UJRXOUMOOFQ8",
    }


def _rest_stage(state: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """A REST API stage's ARN names its API and stage (what a web ACL association takes)."""
    api, stage = state.get("restApi"), state.get("stageName")
    if not isinstance(api, str) or not isinstance(stage, str):
        return {}
    return {
        "arn": f"arn:aws:apigateway:{values['region']}::/restapis/{api}/stages/{stage}",
        "invokeUrl": f"https://{api}.execute-api.{values['region']}.amazonaws.com/{stage}",
    }


def _api_domain_target(state: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    configuration = dict(state.get("domainNameConfiguration") or {})
    configuration.setdefault("targetDomainName", f"d-{values['hash']}.execute-api.{values['region']}.amazonaws.com")
    configuration.setdefault("hostedZoneId", "Z1UJRXOUMOOFQ8")
    return {"domainNameConfiguration": configuration}


def _master_user_secret(state: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The secret RDS creates when it manages the master password (named ``rds!db-<uuid>``)."""
    if not state.get("manageMasterUserPassword"):
        return {}
    secret = f"rds!db-{values['hash']}-{values['hash6']}"
    arn = f"arn:aws:secretsmanager:{values['region']}:{values['account']}:secret:{secret}"
    return {
        "masterUserSecrets": [
            {"secretArn": arn, "kmsKeyId": state.get("masterUserSecretKmsKeyId"), "secretStatus": "active"}
        ]
    }


# Computed attributes that are lists or nested objects: type -> function(state, values) -> attributes.
COMPUTED_STRUCTURES: dict[str, Any] = {
    "aws:acm/certificate:Certificate": _certificate_validation,
    "aws:apigatewayv2/domainName:DomainName": _api_domain_target,
    "aws:apigateway/domainName:DomainName": _rest_domain_target,
    "aws:apigateway/stage:Stage": _rest_stage,
    "aws:rds/instance:Instance": _master_user_secret,
}


class FakeCloud:
    """The default handler: deterministic fake ids and ARNs, inputs echoed as outputs.

    ``named_types``: types whose ``name`` the provider fills in when the program gives none (Pulumi
    auto-names them, so a preview knows it); ``extra_outputs``: more output templates per type, as
    in COMPUTED_ATTRIBUTES (the gate passes both: ``policies/cloud.py``).
    """

    def __init__(
        self,
        account_id: str = FAKE_ACCOUNT_ID,
        region: str = "us-east-1",
        *,
        named_types: Collection[str] = (),
        extra_outputs: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.named_types = frozenset(named_types)
        self.extra_outputs = {token: dict(templates) for token, templates in (extra_outputs or {}).items()}
        # Explicit providers' regions by provider id, so their resources get that region's ARNs.
        self._provider_regions: dict[str, str] = {}

    def spec(self) -> dict[str, Any]:
        """What rebuilds this handler in another interpreter (JSON)."""
        return {
            "account_id": self.account_id,
            "region": self.region,
            "named_types": sorted(self.named_types),
            "extra_outputs": self.extra_outputs,
        }

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> FakeCloud:
        return cls(
            spec["account_id"],
            spec["region"],
            named_types=spec.get("named_types") or (),
            extra_outputs=spec.get("extra_outputs") or {},
        )

    def new_resource(self, args: Any) -> tuple[str | None, dict[str, Any]]:
        state = dict(args.inputs)
        if args.typ.startswith("pulumi:providers:"):
            if isinstance(state.get("region"), str):
                self._provider_regions[f"{args.name}-provider-id"] = state["region"]
            return f"{args.name}-provider-id", state
        if not args.typ.startswith(f"{AWS_PACKAGE}:"):
            # Another provider's resource (random, command, a dynamic provider ...): this account
            # knows nothing of it, so only its inputs are known (its id and results are not).
            return None, state
        if any(key in getattr(args, "unknown_inputs", ()) for key in PHYSICAL_NAMES):
            # Named after a value nobody knows yet (a random suffix): so are its id and ARN.
            return None, state
        module, cls = _module_and_class(args.typ)
        digest = _short_hash(args.typ, args.name)
        physical = next((state[key] for key in PHYSICAL_NAMES if state.get(key)), None)
        resource_id = physical if isinstance(physical, str) else f"{args.name}-{digest}"
        provider_region = self._provider_regions.get((args.provider or "").rsplit("::", 1)[-1])
        region = state["region"] if isinstance(state.get("region"), str) else provider_region or self.region
        values = {
            "id": resource_id,
            "name": args.name,
            "region": region,
            "account": self.account_id,
            "hash": digest,
            "hash6": digest[:6],
        }
        computed = COMPUTED_ATTRIBUTES.get(args.typ, {})
        if "id" in computed:
            resource_id = computed["id"].format(**values)
            values["id"] = resource_id
        resource_kind = cls[:1].lower() + cls[1:]
        default_arn = f"arn:aws:{module or 'aws'}:{region}:{self.account_id}:{resource_kind}/{resource_id}"
        values["arn"] = computed.get("arn", default_arn).format(**values)
        for attribute, template in computed.items():
            state.setdefault(attribute, template.format(**values))
        structures = COMPUTED_STRUCTURES.get(args.typ)
        if structures is not None:
            state.update(structures(state, values))
        state.setdefault("arn", values["arn"])
        state.setdefault("id", resource_id)
        self._add_extras(args, resource_id, state)
        return resource_id, state

    def _add_extras(self, args: Any, resource_id: str, state: dict[str, Any]) -> None:
        if args.typ in self.named_types and "name" not in state:
            state["name"] = resource_id
        templates = self.extra_outputs.get(args.typ)
        if not templates:
            return
        values = {
            "id": resource_id,
            "name": args.name,
            "region": state["region"] if isinstance(state.get("region"), str) else self.region,
            "account": self.account_id,
            "hash": str(state.get("id", resource_id))[-7:],
        }
        for attribute, template in templates.items():
            state.setdefault(attribute, template.format(**values))

    def call(self, args: Any) -> dict[str, Any]:
        answer = FUNCTIONS.get(args.token)
        if answer is None:
            raise Unanswerable(f"the offline render does not know the provider function {args.token!r}")
        # An invoke through an explicit provider answers for that provider's region.
        region = self._provider_regions.get((getattr(args, "provider", None) or "").rsplit("::", 1)[-1])
        return answer(dict(args.args), self.account_id, region or self.region)
