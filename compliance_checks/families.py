"""Shapes that several checks share, as Checkov's BaseResourceValueCheck is shared: a check of a
family says what it lists and what it reads of each resource; the base judges, each resource on
its own (``core.judge_each``: concurrently, a failed read costing that resource's verdict only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from compliance_checks.core import Check, CheckContext, ReadError, Result, errored, failed, judge_each, passed
from compliance_checks.services import elbv2, kms


class ResourceCheck(Check):
    """Lists resources (``resources``), then judges each on its own (``judge``), concurrently: a read
    that fails for one resource is that resource's ERROR. ``locate`` gives a resource's id and region
    (by default its ``arn`` and ``region``)."""

    def resources(self, ctx: CheckContext) -> Iterable[Any]:
        raise NotImplementedError

    def locate(self, item: Any) -> tuple[str, str]:
        return item.arn, item.region

    def judge(self, ctx: CheckContext, item: Any) -> Result | Iterable[Result] | None:
        raise NotImplementedError

    def evaluate(self, ctx: CheckContext):
        yield from judge_each(self.resources(ctx), self.locate, lambda item: self.judge(ctx, item))


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

    def typed(self, item: Any, result: Result) -> Result:
        """The result as the resource's own type, where a check judges several."""
        return result

    def judge(self, ctx: CheckContext, item: Any) -> Result | None:
        use = self.key_use(ctx, item)
        if use is None:
            return None
        resource_id, region = self.locate(item)
        evidence = {"kms_key": use.key_id, **use.evidence}
        if use.unencrypted:
            return self.typed(item, failed(resource_id, use.unencrypted, region=region, **evidence))
        customer, detail = kms.is_customer_managed(ctx.reader, use.key_id, region)
        if customer and use.lacking:
            result = failed(resource_id, use.lacking, region=region, **evidence)
        elif customer:
            result = passed(resource_id, f"{self.encrypted_what} with customer key {detail}", region=region, **evidence)
        else:
            message = f"not {self.encrypted_what} with a customer-managed key ({detail}){use.note}"
            result = failed(resource_id, message, region=region, **evidence)
        return self.typed(item, result)


@dataclass(frozen=True)
class Listed:
    """A resource a regional listing found: its id, its region and the listing's entry."""

    arn: str
    region: str
    raw: Any


def regional(ctx: CheckContext, listing: Any, arn_of: Any) -> list[Listed]:
    """Each entry ``listing(reader, region)`` lists in every audited region, with its ``arn_of(entry)``."""
    return [Listed(arn_of(raw), region, raw) for region in ctx.reader.regions for raw in listing(ctx.reader, region)]


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
            yield from judge_each(found, self.locate, lambda item: self.judge(ctx, item))

    def judge(self, ctx: CheckContext, item: Any) -> Result:
        hits, evidence = self.findings(ctx, item)
        resource_id, region = self.locate(item)
        if hits:
            message = f"secrets in {self.where}: " + "; ".join(hits)
            return failed(resource_id, message, region=region, findings=hits)
        return passed(resource_id, f"no secret in {self.where}", region=region, **evidence)
