"""Scenarios of events_api_destination_https (LP-TX-2)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "events_api_destination_https"


def _destination(name: str, endpoint: str) -> str:
    client = boto3.client("events", region_name=REGION)
    connection = client.create_connection(
        Name=f"{name}-connection",
        AuthorizationType="API_KEY",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "test-fixture-value"}},
    )["ConnectionArn"]
    return client.create_api_destination(
        Name=name, ConnectionArn=connection, InvocationEndpoint=endpoint, HttpMethod="POST"
    )["ApiDestinationArn"]


def test_given_an_https_endpoint_then_pass(reader):
    arn = _destination("crm-webhook", "https://hooks.example.com/leads")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["scheme"] == "https"


def test_given_an_http_endpoint_then_fail(reader):
    good = _destination("crm-webhook", "https://hooks.example.com/leads")
    bad = _destination("legacy-webhook", "http://hooks.example.com/leads")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "http endpoint" in results[bad].message


def test_given_list_api_destinations_is_denied_then_error(reader, deny):
    _destination("crm-webhook", "http://hooks.example.com/leads")
    deny("events", "ListApiDestinations")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
