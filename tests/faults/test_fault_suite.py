"""Every check, through a proxy that breaks some reads: never PASS on a faulted read, and every
finding that did not rest on one is what the fault-free run found (see trace.py for the rules).

Four faulted audits after the fault-free one, each of every check of the registry: error answers,
unusable 200 bodies, hanging endpoints, and a whole region answering 500."""

from __future__ import annotations

import pytest

from compliance_checks.core import ReadError, Status
from tests.faults import account
from tests.faults.account import BUCKET_OTHER, HOME, OTHER
from tests.faults.conftest import World, audit
from tests.faults.proxy import DROP, EMPTY, GARBAGE, HANG, SERVER_ERROR, THROTTLE, TRUNCATE, Fault
from tests.faults.trace import violations

pytestmark = pytest.mark.slow

# One faulted read per protocol and shape: listings and per-resource reads, regional and global.
TARGETS = (
    ("logs", OTHER, "DescribeLogGroups", None),  # json, a listing, the second region
    ("sqs", HOME, "ListQueues", None),  # json, a listing that may omit an empty result
    ("kms", HOME, "GetKeyRotationStatus", None),  # json, one read per key
    ("dynamodb", HOME, "DescribeTable", None),  # json, one read per table
    ("secretsmanager", OTHER, "ListSecrets", None),  # json
    ("sns", OTHER, "GetTopicAttributes", None),  # query, one read per topic
    ("iam", HOME, "ListUsers", None),  # query, a global listing
    ("s3", OTHER, "GetBucketEncryption", BUCKET_OTHER),  # rest-xml, one bucket only
    ("s3control", HOME, "GetPublicAccessBlock", None),  # rest-xml, through the endpoint
    ("cloudwatch", HOME, "DescribeAlarms", None),  # rpc-v2-cbor
)


def _rotated(kinds: tuple[str, ...]) -> list[Fault]:
    """Every target faulted in one run, the kinds dealt out in turn: each kind meets JSON and XML
    reads, listings and per-resource reads (truncation the CBOR one too)."""
    return [
        Fault(kinds[i % len(kinds)], service, region, operation, resource)
        for i, (service, region, operation, resource) in enumerate(TARGETS)
    ]


def _check(world: World, monkeypatch: pytest.MonkeyPatch, faults: list[Fault]) -> None:
    world.proxy.inject(faults)
    try:
        report, trace = audit(world.proxy.url, world.session, monkeypatch)
    finally:
        fired = {fault for fault, _ in world.proxy.fired}
        world.proxy.inject(())
    assert set(faults) <= fired, f"faults that never fired: {set(faults) - fired}"
    problems = violations(world.clean, world.clean_trace, report, faults, trace)
    assert not problems, "\n".join(problems)
    # Each fault is reported as what it is (the reason an auditor reads), not as a generic failure.
    kinds = {f.evidence.get("error_kind") for f in report.findings if f.status is Status.ERROR}
    assert {ERROR_KIND[fault.kind] for fault in faults} <= kinds


ERROR_KIND = {
    THROTTLE: ReadError.THROTTLED,
    SERVER_ERROR: ReadError.FAILED,
    DROP: ReadError.FAILED,
    TRUNCATE: ReadError.MALFORMED,
    EMPTY: ReadError.MALFORMED,
    GARBAGE: ReadError.MALFORMED,
    HANG: ReadError.TIMED_OUT,
}


def test_the_fault_free_run_has_verdicts_of_every_kind(world):
    statuses = {f.status for f in world.clean.findings}
    assert {Status.PASS, Status.FAIL} <= statuses
    regions = {f.region for f in world.clean.findings}
    assert set(account.REGIONS) <= regions
    faultless = [f for f in world.clean.findings if f.status is Status.ERROR]
    assert not [f for f in faultless if f.evidence.get("error_kind") in (ReadError.MALFORMED, ReadError.TIMED_OUT)]
    # The proxy knew every request for what it was (so a fault by operation hits what it names).
    assert world.clean_requests
    assert [r for r in world.clean_requests if not (r.service and r.region and r.operation)] == []


def test_given_reads_that_are_throttled_fail_or_drop_the_connection_then_no_verdict_rests_on_them(world, monkeypatch):
    _check(world, monkeypatch, _rotated((THROTTLE, SERVER_ERROR, DROP)))


def test_given_reads_answered_200_with_a_truncated_empty_or_garbled_body_then_they_are_errors_never_nothing(
    world, monkeypatch
):
    _check(world, monkeypatch, _rotated((TRUNCATE, EMPTY, GARBAGE)))


def test_given_endpoints_that_accept_and_never_answer_then_their_reads_cost_seconds_and_are_errors(world, monkeypatch):
    # An endpoint hangs whole (every operation): the reader stops asking it after its first timeout.
    _check(world, monkeypatch, [Fault(HANG, "logs", OTHER), Fault(HANG, "kms", HOME)])


def test_given_one_region_answering_500_to_everything_then_every_finding_of_the_other_region_stands(world, monkeypatch):
    _check(world, monkeypatch, [Fault(SERVER_ERROR, "*", OTHER)])
