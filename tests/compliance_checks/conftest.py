"""Fixtures for the live checks: an in-process moto account, a reader on it, and a way to deny
one API call (as an auditor role without that permission would see it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from compliance_checks import registry
from compliance_checks.core import CheckContext, Expectations, Result, execute
from compliance_checks.reader import Reader

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def session(aws: None) -> boto3.Session:
    return boto3.Session(region_name=REGION)


@pytest.fixture
def reader(session: boto3.Session) -> Reader:
    return Reader(session, [REGION])


def deny_operation(
    reader: Reader,
    service: str,
    operation_name: str,
    code: str = "AccessDenied",
    regions: tuple[str, ...] = (),
    naming: str | None = None,
) -> None:
    """Makes every call of ``operation_name`` (e.g. "GetBucketEncryption") answer 403 ``code``; only in
    ``regions`` when given (one region failing while the others answer), and only the calls whose
    request names ``naming`` when given (one resource failing while the others answer)."""
    refuse = refusal(service, operation_name, code, naming)
    for region in regions or reader.regions:
        reader.client(service, region).meta.events.register(f"before-call.*.{operation_name}", refuse)


def refusal(
    service: str, operation_name: str, code: str = "AccessDenied", naming: str | None = None
) -> Callable[..., Any]:
    """A botocore ``before-call`` handler answering 403 ``code`` in place of AWS, to the calls whose
    request names ``naming`` (all when None)."""

    def refuse(params: dict, **_: object):
        if naming is not None and naming not in f"{params.get('url', '')} {params.get('body', '')}":
            return None
        response = AWSResponse(f"https://{service}.amazonaws.com/", 403, {}, None)
        parsed = {
            "Error": {"Code": code, "Message": f"not authorized to perform {operation_name}"},
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }
        return response, parsed

    return refuse


@pytest.fixture
def deny(reader: Reader) -> Callable[..., None]:
    def _deny(service: str, operation_name: str, code: str = "AccessDenied", **where: Any) -> None:
        deny_operation(reader, service, operation_name, code, **where)

    return _deny


def run_check(check_id: str, reader: Reader, **expectations: object) -> list[Result]:
    check = registry.get(check_id)()
    return execute(check, CheckContext(reader=reader, expectations=Expectations(**expectations)))


def by_resource(results: list[Result]) -> dict[str, Result]:
    """Results keyed by the resource id, failing on a duplicate (one verdict per resource)."""
    keyed: dict[str, Result] = {}
    for result in results:
        assert result.resource_id not in keyed, f"two results for {result.resource_id}"
        keyed[result.resource_id] = result
    return keyed
