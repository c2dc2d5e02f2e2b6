"""The reader: no verdict without a parsed answer, budgets, and S3 Control through an endpoint URL.

Answers are made up by a ``before-send`` handler (what a proxy or a broken endpoint would send), on a
reader pointed at an unused loopback port, so nothing leaves the process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.endpoint_provider import RuleSet
from moto.server import ThreadedMotoServer

from compliance_checks import registry
from compliance_checks.budget import Budget
from compliance_checks.core import CheckContext, ReadError, Status, execute
from compliance_checks.reader import Reader, _EndpointMemo
from compliance_checks.services import s3
from tests.compliance_checks.conftest import REGION

NOWHERE = "http://127.0.0.1:9"  # the discard port: a read that reached it would fail, not pass
FAST = Budget(connect_timeout=1.0, read_timeout=1.0, call_seconds=0.5, max_attempts=3)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._body


def _reader(budget: Budget = FAST) -> Reader:
    return Reader(boto3.Session(region_name=REGION), [REGION], endpoint_url=NOWHERE, budget=budget)


def _answer(reader: Reader, service: str, answers: Callable[[int], tuple[int, dict[str, str], bytes]]) -> list[int]:
    """Every request of ``service`` gets ``answers(n)`` (n counts from 0); returns the list of n seen."""
    seen: list[int] = []

    def send(request, **_):
        seen.append(len(seen))
        status, headers, body = answers(len(seen) - 1)
        return AWSResponse(request.url, status, headers, _Raw(body))

    reader.client(service).meta.events.register("before-send", send)
    return seen


def _json(body: bytes, status: int = 200) -> Callable[[int], tuple[int, dict[str, str], bytes]]:
    return lambda _: (status, {"Content-Type": "application/x-amz-json-1.1"}, body)


def _failure(call: Callable[[], object]) -> ReadError:
    with pytest.raises(ReadError) as caught:
        call()
    return caught.value


# -- no verdict without a parsed answer ---------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"", b'{"logGroups": [{"logGroupName": "/a", "arn": "arn:aws:lo', b"\x1f\x8b garbled", b"[]"],
    ids=["empty", "truncated", "garbled", "not an object"],
)
def test_given_an_unusable_200_answer_from_a_json_service_then_the_read_fails_naming_the_operation(body):
    reader = _reader()
    _answer(reader, "logs", _json(body))
    error = _failure(lambda: reader.paginate("logs", "describe_log_groups", "logGroups"))
    assert error.kind == ReadError.MALFORMED
    assert error.operation == "logs:describe_log_groups"
    assert "nothing" not in str(error)


def test_given_an_empty_200_answer_from_an_xml_service_then_the_read_fails():
    reader = _reader()
    _answer(reader, "s3", lambda _: (200, {"Content-Type": "application/xml"}, b""))
    error = _failure(lambda: reader.call("s3", "get_bucket_versioning", Bucket="b"))
    assert (error.kind, error.operation) == (ReadError.MALFORMED, "s3:get_bucket_versioning")


@pytest.mark.parametrize("body", [b"<ListTopicsResponse><ListTopicsResult><Topics>", b"not xml"])
def test_given_a_truncated_or_garbled_query_answer_then_the_read_fails(body):
    reader = _reader()
    _answer(reader, "sns", lambda _: (200, {"Content-Type": "text/xml"}, body))
    error = _failure(lambda: reader.paginate("sns", "list_topics", "Topics"))
    assert error.kind == ReadError.MALFORMED
    assert "\n" not in error.reason  # one line, not the whole body


@pytest.mark.parametrize("body", [b"", b"garbled", b"\xa2lMetricAl"], ids=["empty", "garbled", "truncated"])
def test_given_an_unusable_cbor_answer_then_the_read_fails(body):
    reader = _reader()
    _answer(reader, "cloudwatch", lambda _: (200, {"smithy-protocol": "rpc-v2-cbor"}, body))
    error = _failure(lambda: reader.paginate("cloudwatch", "describe_alarms", "MetricAlarms"))
    assert error.kind == ReadError.MALFORMED


def test_given_a_page_without_its_result_key_then_the_listing_fails():
    reader = _reader()
    _answer(reader, "kms", _json(b'{"Truncated": false}'))
    error = _failure(lambda: reader.paginate("kms", "list_keys", "Keys"))
    assert "lacks Keys" in error.reason


def test_given_sqs_leaves_queue_urls_out_of_an_empty_answer_then_there_are_no_queues():
    reader = _reader()
    _answer(reader, "sqs", _json(b"{}"))
    assert reader.paginate("sqs", "list_queues", "QueueUrls") == []


def test_given_a_pagination_that_comes_back_to_an_earlier_token_then_the_listing_fails():
    reader = _reader()
    tokens = [b"a", b"b", b"a"]
    _answer(reader, "logs", lambda n: _json(b'{"logGroups": [], "nextToken": "%s"}' % tokens[n % 3])(n))
    error = _failure(lambda: reader.paginate("logs", "describe_log_groups", "logGroups"))
    assert "repeats a page token" in error.reason


def test_given_an_answer_without_a_member_the_caller_expects_then_the_read_fails():
    reader = _reader()
    _answer(reader, "kms", _json(b'{"KeyId": "k"}'))
    error = _failure(lambda: reader.call("kms", "get_key_rotation_status", expect=("KeyRotationEnabled",), KeyId="k"))
    assert "lacks KeyRotationEnabled" in error.reason


def test_given_two_callers_share_a_read_then_each_callers_expected_members_are_checked():
    reader = _reader()
    seen = _answer(reader, "kms", _json(b'{"KeyId": "k"}'))
    assert reader.call("kms", "get_key_rotation_status", KeyId="k") is not None
    error = _failure(lambda: reader.call("kms", "get_key_rotation_status", expect=("KeyRotationEnabled",), KeyId="k"))
    assert "lacks KeyRotationEnabled" in error.reason
    assert len(seen) == 1  # still read once


def test_given_an_answer_without_a_member_its_shape_requires_then_the_read_fails():
    reader = _reader()
    body = b"<ListUsersResponse><ListUsersResult><IsTruncated>false</IsTruncated></ListUsersResult></ListUsersResponse>"
    _answer(reader, "iam", lambda _: (200, {"Content-Type": "text/xml"}, body))
    error = _failure(lambda: reader.call("iam", "list_users"))
    assert "lacks Users" in error.reason


def test_given_a_usable_answer_then_it_is_read():
    reader = _reader()
    _answer(reader, "logs", _json(b'{"logGroups": [{"logGroupName": "/a"}]}'))
    assert reader.paginate("logs", "describe_log_groups", "logGroups") == [{"logGroupName": "/a"}]


def test_given_an_empty_log_group_listing_then_the_check_has_nothing_in_scope_but_a_garbled_one_is_an_error():
    check = registry.get("logs_log_group_retention")()
    empty, garbled = _reader(), _reader()
    _answer(empty, "logs", _json(b'{"logGroups": []}'))
    _answer(garbled, "logs", _json(b'{"logGroups": [{"logGro'))
    assert execute(check, CheckContext(reader=empty)) == []
    [result] = execute(check, CheckContext(reader=garbled))
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == ReadError.MALFORMED


# -- budgets --------------------------------------------------------------------------------------


def test_given_an_endpoint_that_keeps_throttling_then_the_read_fails_within_its_budget():
    reader = _reader(Budget(connect_timeout=1.0, read_timeout=1.0, call_seconds=0.4, max_attempts=20))
    throttled = b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'
    seen = _answer(reader, "logs", _json(throttled, status=400))
    error = _failure(lambda: reader.paginate("logs", "describe_log_groups", "logGroups"))
    assert error.kind == ReadError.THROTTLED
    assert 1 < len(seen) < 20  # retried, not given up at once; and the call budget, not the 20 attempts, ended it


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A loopback endpoint that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_given_an_endpoint_that_never_answers_then_reads_cost_seconds_and_the_next_ones_are_not_sent(
    silent_endpoint,
):
    budget = Budget(connect_timeout=0.5, read_timeout=0.5, call_seconds=0.8, max_attempts=3)
    reader = Reader(boto3.Session(region_name=REGION), [REGION], endpoint_url=silent_endpoint, budget=budget)
    started = time.monotonic()
    first = _failure(lambda: reader.paginate("logs", "describe_log_groups", "logGroups"))
    # A hang guard, not a timing: without the budget this read waits for ever (botocore's default
    # read timeout is a minute a attempt, and the listener never answers); how long the budget
    # really takes is measured in benchmarks/fault_suite.py, on a loaded machine it varies.
    assert time.monotonic() - started < 60
    assert first.kind == ReadError.TIMED_OUT
    second = _failure(lambda: reader.call("logs", "describe_metric_filters", logGroupName="/a"))
    assert second.kind == ReadError.TIMED_OUT  # two attempts went unanswered: not asked again
    assert "left DescribeLogGroups unanswered" in second.reason


def test_given_one_unanswered_attempt_then_the_endpoint_is_still_asked(silent_endpoint):
    budget = Budget(connect_timeout=0.5, read_timeout=0.5, call_seconds=0.4, max_attempts=3)  # one attempt a call
    reader = Reader(boto3.Session(region_name=REGION), [REGION], endpoint_url=silent_endpoint, budget=budget)
    first = _failure(lambda: reader.paginate("logs", "describe_log_groups", "logGroups"))
    second = _failure(lambda: reader.call("logs", "describe_metric_filters", logGroupName="/a"))
    third = _failure(lambda: reader.call("logs", "describe_subscription_filters", logGroupName="/a"))
    assert "no answer in time" in first.reason
    assert "no answer in time" in second.reason  # asked: one slow answer is no reason to stop
    assert "not asked" in third.reason


@pytest.mark.parametrize("pool", [0, 129, 10**12])
def test_the_reader_refuses_a_connection_pool_outside_what_64_workers_use(pool):
    with pytest.raises(ValueError, match="max_pool_connections"):
        Reader(boto3.Session(region_name=REGION), [REGION], max_pool_connections=pool)


@pytest.mark.parametrize(
    "settings", [{"read_timeout": 0}, {"call_seconds": -1}, {"connect_timeout": 601}, {"max_attempts": 0}]
)
def test_a_budget_refuses_values_that_are_no_budget(settings):
    with pytest.raises(ValueError, match=next(iter(settings))):
        Budget(**settings)


# -- S3 Control through an endpoint URL -----------------------------------------------------------


@pytest.fixture
def moto_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_given_an_endpoint_url_then_the_account_public_access_block_is_read_from_it(moto_server):
    reader = Reader(boto3.Session(region_name=REGION), [REGION], endpoint_url=moto_server)
    assert s3.account_public_access_block(reader) == {}  # none set yet: read, not refused
    flags = dict.fromkeys(s3.PUBLIC_ACCESS_FLAGS, True)
    setter = reader.client("s3control")
    setter.put_public_access_block(AccountId=reader.account_id, PublicAccessBlockConfiguration=flags)
    assert s3.account_public_access_block(Reader(reader.session, [REGION], endpoint_url=moto_server)) == flags


def test_given_an_endpoint_url_then_the_public_access_check_judges_buckets_on_the_account_block(moto_server):
    session = boto3.Session(region_name=REGION)
    client = session.client("s3", endpoint_url=moto_server)
    client.create_bucket(Bucket="open-bucket")
    reader = Reader(session, [REGION], endpoint_url=moto_server)
    flags = dict.fromkeys(s3.PUBLIC_ACCESS_FLAGS, True)
    reader.client("s3control").put_public_access_block(
        AccountId=reader.account_id, PublicAccessBlockConfiguration=flags
    )
    [result] = execute(registry.get("s3_bucket_public_access_blocked")(), CheckContext(reader=reader))
    assert result.status is Status.PASS


def test_without_an_endpoint_url_s3_control_keeps_the_account_prefix_aws_needs():
    reader = Reader(boto3.Session(region_name=REGION), [REGION])
    sent: list[str] = []

    def capture(request, **_):
        sent.append(request.url)
        return AWSResponse(request.url, 200, {}, _Raw(b"<PublicAccessBlockConfiguration/>"))

    reader.client("s3control").meta.events.register("before-send", capture)
    reader.call("s3control", "get_public_access_block", AccountId="123456789012")
    assert sent[0].startswith("https://123456789012.s3-control.us-east-1.amazonaws.com/")


# -- endpoints: resolved once per bucket, each bucket at its own ------------------------------------


def test_given_every_bucket_is_read_twice_then_each_bucket_endpoint_is_resolved_once_and_is_its_own(monkeypatch):
    evaluated: list[str] = []
    evaluate = RuleSet.evaluate

    def counting(self, input_parameters):
        evaluated.append(input_parameters.get("Bucket"))
        return evaluate(self, input_parameters)

    monkeypatch.setattr(RuleSet, "evaluate", counting)
    reader = _reader()
    sent: list[str] = []

    def answer(request, **_):
        sent.append(request.url)
        return AWSResponse(request.url, 200, {}, _Raw(b'<VersioningConfiguration xmlns="x"/>'))

    reader.client("s3").meta.events.register("before-send", answer)
    names = [f"bucket-{i:03d}" for i in range(150)]  # more than botocore remembers (100, for the process)
    for operation in ("get_bucket_versioning", "get_bucket_logging"):
        for name in names:
            reader.call("s3", operation, Bucket=name)
    assert sorted(evaluated) == names
    assert [urlsplit(url).path for url in sent] == [f"/{name}" for name in names] * 2


def test_an_endpoint_memo_forgets_the_oldest_and_never_remembers_a_failure():
    calls: list[str] = []

    def resolve(**params):
        calls.append(params["Bucket"])
        if params["Bucket"] == "broken":
            raise ValueError("no endpoint")
        return f"https://{params['Bucket']}.example"

    memo = _EndpointMemo(resolve, size=2)
    assert [memo(Bucket=b) for b in ("a", "b", "a", "c")] == [f"https://{b}.example" for b in ("a", "b", "a", "c")]
    assert calls == ["a", "b", "c"]
    memo(Bucket="b")  # "b" was the oldest when "c" came: forgotten
    assert calls == ["a", "b", "c", "b"]
    for _ in range(2):
        with pytest.raises(ValueError, match="no endpoint"):
            memo(Bucket="broken")
    assert calls.count("broken") == 2
