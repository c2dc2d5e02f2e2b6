"""References in the plan's configuration connect a bucket with the resources that configure it.

See connection_cases.py: the secure call-recordings bucket of prod with its connected resources,
one variant per connected resource removed, and one with every reference dropped.
"""

from __future__ import annotations

import pytest

from tests.policies.batch import PlanResults
from tests.policies.connection_cases import BUCKET_NAME, CONNECTIONS

pytestmark = pytest.mark.checkov


def bucket_address(results: PlanResults) -> str:
    (address,) = [a for a, name in results.names.items() if name == BUCKET_NAME]
    return address


@pytest.mark.parametrize("check_id", sorted(CONNECTIONS))
def test_the_complete_bucket_passes_each_connection_check_once(gate_batch, check_id):
    results = gate_batch["connections.complete"]
    assert results.passed(check_id).count(bucket_address(results)) == 1
    assert bucket_address(results) not in results.failed(check_id)


@pytest.mark.parametrize("check_id", sorted(CONNECTIONS))
def test_removing_a_connected_resource_fails_exactly_its_check(gate_batch, check_id):
    results = gate_batch[f"connections.without_{check_id}"]
    address = bucket_address(results)
    assert results.failed(check_id).count(address) == 1
    assert address not in results.passed(check_id)
    for other in set(CONNECTIONS) - {check_id}:
        assert address in results.passed(other), f"{other} no longer sees its connected resource"


def test_without_references_no_connection_is_seen(gate_batch):
    """Every connected resource is there and names the bucket literally, but the plan carries no link."""
    results = gate_batch["connections.unlinked"]
    address = bucket_address(results)
    for check_id in CONNECTIONS:
        assert address in results.failed(check_id), check_id
