"""Shapes that several checks share, as Checkov's BaseResourceValueCheck is shared: a check of a
family says what it lists and what it reads of each resource; the base judges, each resource on
its own (``core.judge_each``: concurrently, a failed read costing that resource's verdict only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from compliance_checks import core
from compliance_checks.core import Check, CheckContext, ReadError, Result, errored, failed, judge_each, passed, verdict
from compliance_checks.rules import apigateway as routes_rule
from compliance_checks.services import backup, cloudtrail, dynamodb, elbv2, iam, kms, logs, rds, s3, secretsmanager


class ResourceCheck(Check):
    """Lists resources (``resources``), then judges each on its own (``judge``), concurrently: a read
    that fails for one resource is that resource's ERROR. ``locate`` gives a resource's id and region
    (by default its ``arn`` and ``region``); ``typed`` gives each result, ERROR included, the
    resource's own type where a check judges several."""

    def resources(self, ctx: CheckContext) -> Iterable[Any]:
        raise NotImplementedError

    def locate(self, item: Any) -> tuple[str, str]:
        return item.arn, item.region

    def typed(self, item: Any, result: Result) -> Result:
        return result

    def judge(self, ctx: CheckContext, item: Any) -> Result | Iterable[Result] | None:
        raise NotImplementedError

    def evaluate(self, ctx: CheckContext):
        yield from self.judge_all(ctx, self.resources(ctx))

    def judge_all(self, ctx: CheckContext, items: Iterable[Any]) -> Iterable[Result]:
        """The results of every item (for a check that reports something else first, e.g. what it could not list)."""

        def one(item: Any) -> list[Result]:  # core.judge_resource looked up when called, as judge_each does
            judged = core.judge_resource(*self.locate(item), self.judge, ctx, item)
            return [self.typed(item, result) for result in judged]

        return judge_each(items, self.locate, one)


class AlbAttributeCheck(ResourceCheck):
    """A setting of every application load balancer, read from its attributes
    (DescribeLoadBalancerAttributes); the subclass judges them (``judge_attributes``)."""

    def resources(self, ctx: CheckContext) -> Iterable[Any]:
        return [lb for lb in elbv2.load_balancers(ctx.reader) if lb.is_alb]

    def judge(self, ctx: CheckContext, item: Any) -> Result:
        return self.judge_attributes(item, elbv2.attributes(ctx.reader, item))

    def judge_attributes(self, lb: Any, attributes: Mapping[str, str]) -> Result:
        raise NotImplementedError


@dataclass(frozen=True)
class KeyUse:
    """What a resource says of its encryption at rest."""

    key_id: str | None  # the KMS key it names; None: none (the service's own key, or no encryption)
    evidence: Mapping[str, Any] = field(default_factory=dict)
    unencrypted: str | None = None  # why it is not KMS-encrypted at all: FAIL without reading a key
    note: str = ""  # appended to a FAIL's message (who manages the resource)
    lacking: str | None = None  # what else a customer-key resource lacks: FAIL with this message


class CustomerKeyCheck(ResourceCheck):
    """LP-DR-1: a resource is encrypted with a customer-managed KMS key (not an AWS-managed or
    AWS-owned one, not a key that no longer exists). A subclass lists its resources
    (``resources``), says where each is (``locate``: id and region) and which key it uses
    (``key_use``: None when it vanished since it was listed)."""

    encrypted_what = "encrypted"  # "log files encrypted", "storage encrypted" ...

    def key_use(self, ctx: CheckContext, item: Any) -> KeyUse | None:
        raise NotImplementedError

    def judge(self, ctx: CheckContext, item: Any) -> Result | None:
        use = self.key_use(ctx, item)
        if use is None:
            return None
        resource_id, region = self.locate(item)
        evidence = {"kms_key": use.key_id, **use.evidence}
        if use.unencrypted:
            return failed(resource_id, use.unencrypted, region=region, **evidence)
        customer, detail = kms.is_customer_managed(ctx.reader, use.key_id, region)
        if customer and use.lacking:
            return failed(resource_id, use.lacking, region=region, **evidence)
        if customer:
            return passed(resource_id, f"{self.encrypted_what} with customer key {detail}", region=region, **evidence)
        message = f"not {self.encrypted_what} with a customer-managed key ({detail}){use.note}"
        return failed(resource_id, message, region=region, **evidence)


@dataclass(frozen=True)
class Listed:
    """A resource a regional listing found: its id, its region and the listing's entry."""

    arn: str
    region: str
    raw: Any


def regional(ctx: CheckContext, listing: Any, arn_of: Any) -> list[Listed]:
    """Each entry ``listing(reader, region)`` lists in every audited region, with its ARN
    ``arn_of(entry, region, partition)`` (the region and partition for an entry that does not carry it)."""
    partition = ctx.reader.partition()
    return [
        Listed(arn_of(raw, region, partition), region, raw)
        for region in ctx.reader.regions
        for raw in listing(ctx.reader, region)
    ]


class RegionCheck(ResourceCheck):
    """One verdict per audited region, on the resource a region-wide setting is judged on (``scope``):
    a read that fails is that region's ERROR, and the other regions are judged."""

    regional = True

    def scope(self, ctx: CheckContext, region: str) -> str:
        raise NotImplementedError

    def resources(self, ctx: CheckContext) -> Iterable[Any]:
        return [Listed(self.scope(ctx, region), region, None) for region in ctx.reader.regions]


# The kinds of resource several checks judge, each listed once: a check of a kind judges ``item``.


class ListedCheck(ResourceCheck):
    """Each entry a regional listing finds in the audited regions (``listing(reader, region)``), with
    its ARN ``arn_of(entry, region, partition)``: ``item`` is a ``Listed``, ``item.raw`` the entry."""

    regional = True
    listing: ClassVar[Callable[..., Iterable[Any]]]
    arn_of: ClassVar[Callable[..., str]]

    def resources(self, ctx: CheckContext) -> Iterable[Any]:
        return regional(ctx, type(self).listing, type(self).arn_of)


class SecretCheck(ListedCheck):
    """Every secret (``item.raw``: its ListSecrets entry)."""

    listing, arn_of = secretsmanager.secrets, lambda secret, *_: secret["ARN"]


class VaultCheck(ListedCheck):
    """Every AWS Backup vault (``item.raw``: its ListBackupVaults entry)."""

    listing, arn_of = backup.vaults, lambda vault, *_: vault["BackupVaultArn"]


class LogGroupCheck(ListedCheck):
    """Every CloudWatch Logs log group (``item.raw``: its DescribeLogGroups entry)."""

    listing, arn_of = logs.log_groups, lambda group, *_: logs.log_group_arn(group)


class DatabaseCheck(ResourceCheck):
    """Every RDS DB cluster and DB instance outside a cluster, each result typed as the database."""

    regional = True

    def resources(self, ctx: CheckContext) -> Iterable[Any]:
        return rds.databases(ctx.reader)

    def typed(self, item: Any, result: Result) -> Result:
        return item.typed(result)


class TableCheck(ResourceCheck):
    """Every DynamoDB table of the audited regions (without their tags)."""

    regional = True

    def resources(self, ctx: CheckContext) -> Iterable[Any]:
        return dynamodb.tables(ctx.reader, with_tags=False)


class BucketCheck(ResourceCheck):
    """Every S3 bucket of the account, in its own region."""

    def resources(self, ctx: CheckContext) -> Iterable[Any]:
        return s3.buckets(ctx.reader)


class LogArchiveCheck(ResourceCheck):
    """Every bucket of the log archive (``s3.log_archive``: tagged leadping:log-archive=true, else the
    CloudTrail buckets), judged with the archive it belongs to (``item.raw``: the bucket and the
    archive); a bucket whose tags or region cannot be read is an ERROR of its own."""

    def evaluate(self, ctx: CheckContext):
        archive = s3.log_archive(ctx.reader)
        yield from (errored(bucket.arn, error, region=bucket.region) for bucket, error in archive.unreadable)
        yield from self.judge_all(ctx, [Listed(b.arn, b.region, (b, archive)) for b in archive.buckets])


class ListenerCheck(ResourceCheck):
    """Every listener of every load balancer, judged by ``judge_listener`` (None: not judged); a listener
    whose reads fail is that listener's ERROR, a load balancer whose listeners cannot be listed its own."""

    regional = True

    def resources(self, ctx: CheckContext) -> Iterable[Any]:
        return elbv2.load_balancers(ctx.reader)

    def judge(self, ctx: CheckContext, item: Any) -> Iterable[Result]:
        for listener in elbv2.listeners(ctx.reader, item):
            yield from core.judge_resource(
                listener["ListenerArn"], item.region, self.judge_listener, ctx, item, listener
            )

    def judge_listener(self, ctx: CheckContext, lb: Any, listener: Mapping[str, Any]) -> Result | None:
        raise NotImplementedError


class TrailCheck(ResourceCheck):
    """Every CloudTrail trail that applies to an audited region, in its home region; a region whose
    trails cannot be listed is an ERROR of its own (``cloudtrail.listing``)."""

    def evaluate(self, ctx: CheckContext):
        listed = cloudtrail.listing(ctx.reader)
        yield from listed.unread_results(ctx.reader)
        yield from self.judge_all(ctx, listed.trails)

    def locate(self, item: Any) -> tuple[str, str]:
        return item["TrailARN"], cloudtrail.home_region(item)


class UserCredentialsCheck(ResourceCheck):
    """Every IAM user's console password and access keys, judged by ``judge_credentials``."""

    def resources(self, ctx: CheckContext) -> Iterable[Any]:
        return iam.list_users(ctx.reader)

    def locate(self, item: Any) -> tuple[str, str]:
        return str(item["Arn"]), "global"

    def judge(self, ctx: CheckContext, item: Any) -> Result | None:
        return self.judge_credentials(ctx, iam.credentials(ctx.reader, item))

    def judge_credentials(self, ctx: CheckContext, creds: Any) -> Result | None:
        raise NotImplementedError


class PrincipalPoliciesCheck(ResourceCheck):
    """The policies each IAM principal (``resources``) holds, with their documents, judged by
    ``judge_policies``; ``aws_managed`` says whether AWS-managed policies are read too. Each result
    is typed as the principal (role, user or group)."""

    def aws_managed(self, ctx: CheckContext, principal: Any) -> bool:
        return True

    def locate(self, item: Any) -> tuple[str, str]:
        return item.arn, "global"

    def typed(self, item: Any, result: Result) -> Result:
        return iam.typed(result, item)

    def judge(self, ctx: CheckContext, item: Any) -> Result | None:
        held = iam.policies_of(ctx.reader, item, aws_managed=self.aws_managed(ctx, item))
        return self.judge_policies(ctx, item, held)

    def judge_policies(self, ctx: CheckContext, principal: Any, held: list[Any]) -> Result | None:
        raise NotImplementedError


class RouteAuthorizerCheck(ResourceCheck):
    """LP-AC-1 on every route of every API (``resources``; ``routes`` lists an API's (ARN, route) pairs).
    ``describe`` gives a route's "METHOD /path" key, authorization type and evidence (it may read);
    the rule (``rules.apigateway.authorized``) judges it, then ``excuse`` what the rule leaves open
    (None: FAIL, off the public-route allowlist, with ``note``). Each route is judged on its own."""

    regional = True

    def routes(self, ctx: CheckContext, api: Any) -> list[tuple[str, Any]]:
        raise NotImplementedError

    def describe(self, ctx: CheckContext, api: Any, route: Any) -> tuple[str, str, dict[str, Any]]:
        raise NotImplementedError

    def excuse(self, ctx: CheckContext, api: Any, route: Any, arn: str, evidence: dict[str, Any]) -> Result | None:
        return None

    def note(self, evidence: Mapping[str, Any]) -> str:
        return ""

    def judge(self, ctx: CheckContext, item: Any) -> Iterable[Result]:
        public = routes_rule.public_route_keys(ctx.expectations.public_routes)
        for arn, route in self.routes(ctx, item):
            yield from core.judge_resource(arn, item.region, self.judge_route, ctx, item, route, arn, public)

    def judge_route(self, ctx: CheckContext, api: Any, route: Any, arn: str, public: set[str]) -> Result:
        key, auth, described = self.describe(ctx, api, route)
        evidence = {"api": api.name, "route_key": key, "authorization_type": auth, **described}
        judged = routes_rule.authorized(routes_rule.Route(key, auth), public)
        if judged is not None:
            return verdict(arn, judged, region=api.region, **evidence)
        message = f"{key} has no authorizer and is not on the public-route allowlist{self.note(evidence)}"
        excused = self.excuse(ctx, api, route, arn, evidence)
        return excused or failed(arn, message, region=api.region, **evidence)


class EnvironmentSecretsCheck(ResourceCheck):
    """LP-SEC-1: no credential in a resource's environment (``secret_detector``'s findings name the
    variable, never the value). A subclass lists per region (``listing``; a failed listing is an
    ERROR for the region's resources of its ``kind``) and finds the secrets of one (``findings``)."""

    kind = ""  # the ARN's resource part for a region's resources, e.g. "function:*"
    where = "environment variables"

    def listing(self, ctx: CheckContext, region: str) -> Iterable[Any]:
        raise NotImplementedError

    def findings(self, ctx: CheckContext, item: Any) -> tuple[list[str], Mapping[str, Any]]:
        raise NotImplementedError

    def evaluate(self, ctx: CheckContext):
        for region in ctx.reader.regions:
            try:
                found = list(self.listing(ctx, region))
            except ReadError as error:
                service = self.metadata.service or self.id.split("_", 1)[0]
                yield errored(f"arn:aws:{service}:{region}:{ctx.reader.account_id_or_unknown()}:{self.kind}", error)
                continue
            yield from self.judge_all(ctx, found)

    def judge(self, ctx: CheckContext, item: Any) -> Result:
        hits, evidence = self.findings(ctx, item)
        resource_id, region = self.locate(item)
        if hits:
            message = f"secrets in {self.where}: " + "; ".join(hits)
            return failed(resource_id, message, region=region, findings=hits)
        return passed(resource_id, f"no secret in {self.where}", region=region, **evidence)
