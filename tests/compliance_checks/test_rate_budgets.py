"""Request-rate budgets (budget.TokenBucket, RateBudgets): each account paces its own requests per
service and region, so that an audit of many accounts does not throttle itself into ERROR."""

from __future__ import annotations

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from compliance_checks.budget import DEFAULT_RATE, SERVICE_RATES, Budget, RateBudgets, TokenBucket
from compliance_checks.core import ReadError
from compliance_checks.reader import Reader


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_given_a_burst_then_it_is_free_and_what_follows_waits_at_the_refill_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=10.0, burst=3, clock=clock)
    for _ in range(6):
        bucket.acquire(sleep=clock.sleep)
    assert clock.slept == [0.1, 0.1, 0.1]
    assert bucket.taken == 6
    assert bucket.waited == pytest.approx(0.3)


def test_given_idle_time_then_the_bucket_refills_up_to_its_burst_only() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=10.0, burst=2, clock=clock)
    bucket.acquire(sleep=clock.sleep)
    bucket.acquire(sleep=clock.sleep)
    clock.now += 60  # a minute idle refills two tokens, not 600
    for _ in range(3):
        bucket.acquire(sleep=clock.sleep)
    assert clock.slept == [0.1]


@pytest.mark.parametrize(("rate", "burst"), [(0.0, 5), (-1.0, 5), (5.0, 0)])
def test_given_an_impossible_rate_then_it_is_refused(rate: float, burst: int) -> None:
    with pytest.raises(ValueError, match="token bucket"):
        TokenBucket(rate, burst)


def test_each_account_has_its_own_buckets_per_service_and_region() -> None:
    budgets = RateBudgets()
    first, second = budgets.for_account(), budgets.for_account()
    assert first.bucket("s3", "us-east-1") is first.bucket("s3", "us-east-1")
    assert first.bucket("s3", "us-east-1") is not first.bucket("s3", "eu-west-1")
    assert first.bucket("s3", "us-east-1") is not second.bucket("s3", "us-east-1")
    assert first.bucket("ec2", "us-east-1").rate == SERVICE_RATES["ec2"]
    assert first.bucket("dynamodb", "us-east-1").rate == DEFAULT_RATE


def test_given_rates_then_the_reader_takes_a_token_for_every_request_it_sends() -> None:
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        for i in range(3):
            session.client("s3").create_bucket(Bucket=f"bucket-{i}")
        rates = RateBudgets().for_account()
        reader = Reader(session, ["us-east-1"], rates=rates)
        reader.paginate("s3", "list_buckets", "Buckets")
        for i in range(3):
            reader.call("s3", "get_bucket_versioning", Bucket=f"bucket-{i}")
            reader.call("s3", "get_bucket_versioning", Bucket=f"bucket-{i}")  # memoised: not sent again
        assert rates.bucket("s3", "us-east-1").taken == 4
        assert sum(reader.requests.values()) == 4


def test_given_a_throttled_read_then_every_retry_attempt_takes_a_token() -> None:
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        rates = RateBudgets().for_account()
        reader = Reader(session, ["us-east-1"], rates=rates, budget=Budget(call_seconds=2.0, max_attempts=3))
        attempts = []

        class Raw:
            def stream(self, **_: object):
                yield b"<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>"

        def throttle(**_: object):
            # Last, after the pacing handler: the answer S3 gives a caller over its rate.
            attempts.append(1)
            return AWSResponse("https://s3.amazonaws.com/", 503, {}, Raw())

        reader.client("s3").meta.events.register_last("before-send.s3.ListBuckets", throttle)
        with pytest.raises(ReadError, match="s3:list_buckets"):
            reader.paginate("s3", "list_buckets", "Buckets")
        assert len(attempts) == 3
        assert rates.bucket("s3", "us-east-1").taken == len(attempts)
