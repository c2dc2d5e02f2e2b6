"""Budgets: what one read may cost before it becomes ERROR.

botocore's defaults (60 s connect and read timeouts, retries that back off up to 20 s each) let an
endpoint that accepts connections and never answers hold one check for many minutes. Here every
API call has a connect and a read timeout of a few seconds and a total budget (a deadline set when
the call starts): retries stay botocore's (adaptive mode keeps its client-side rate limiter, the
standard conditions decide what is retryable), but a retry is not started once the budget is spent,
and no back-off sleeps past it. The call then fails with its last error (throttling, a 500, a
timeout), which the reader reports as ERROR.

An endpoint (a service in a region) that left two attempts unanswered in a run is not asked again
in that run (``Breaker``): a hanging endpoint costs about two read timeouts per service and region,
not a budget per resource, while one slow answer (a large page) is retried and trips nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import botocore.exceptions
from botocore.retries import standard

DEADLINE = "leadping_deadline"  # key of the call's deadline in botocore's request context

# Every bound an audit accepts for concurrency; the CLI's --workers uses the same one.
MIN_WORKERS, MAX_WORKERS = 1, 64


@dataclass(frozen=True)
class Budget:
    """Seconds: to connect, to wait for an answer, and for a whole call with its retries."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    call_seconds: float = 20.0
    max_attempts: int = 8

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout", "call_seconds"):
            value = getattr(self, name)
            if not 0 < value <= 600:
                raise ValueError(f"{name} must be more than 0 and at most 600 seconds, not {value}")
        if not 1 <= self.max_attempts <= 20:
            raise ValueError(f"max_attempts must be 1 to 20, not {self.max_attempts}")


class DeadlineRetries:
    """botocore ``needs-retry`` handler (registered first) that decides retries within the budget."""

    def __init__(self, budget: Budget, service_name: str, timed_out: Callable[[str], None] | None = None) -> None:
        self._budget = budget
        self._timed_out = timed_out  # told the operation of every attempt that got no answer in time
        self._conditions = standard.StandardRetryConditions(max_attempts=budget.max_attempts)
        self._backoff = standard.ExponentialBackoff(
            service_name=service_name,
            throttling_detector=standard.ThrottlingErrorDetector(standard.RetryEventAdapter()),
        )
        self._adapter = standard.RetryEventAdapter()

    def start(self, context: dict[str, Any], **_: Any) -> None:
        """``before-call`` handler: the call's budget starts now (each page of a listing is a call)."""
        context[DEADLINE] = time.monotonic() + self._budget.call_seconds

    def needs_retry(self, **kwargs: Any) -> float | bool:
        """A delay to retry after, or False: not retryable, out of attempts, or out of budget."""
        if self._timed_out is not None and isinstance(kwargs.get("caught_exception"), TIMEOUTS):
            self._timed_out(kwargs["operation"].name)
        retry = self._adapter.create_retry_context(**kwargs)
        if not self._conditions.is_retryable(retry):
            return False
        deadline = kwargs["request_dict"]["context"].get(DEADLINE)
        remaining = self._budget.call_seconds if deadline is None else deadline - time.monotonic()
        if remaining <= 0:
            return False
        return min(self._backoff.delay_amount(retry), remaining)


TIMEOUTS = (botocore.exceptions.ReadTimeoutError, botocore.exceptions.ConnectTimeoutError)


class Breaker:
    """Counts the unanswered attempts of each endpoint (service, region) of a reader and its views;
    from ``TRIP_AFTER`` on, the endpoint is not asked again."""

    TRIP_AFTER = 2

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._timeouts: dict[tuple[str, str], int] = {}
        self._tripped: dict[tuple[str, str], str] = {}

    def timed_out(self, service: str, region: str, operation: str) -> None:
        with self._lock:
            count = self._timeouts[(service, region)] = self._timeouts.get((service, region), 0) + 1
            if count >= self.TRIP_AFTER:
                self._tripped.setdefault((service, region), f"{service} in {region} left {operation} unanswered")

    def reason(self, service: str, region: str) -> str | None:
        with self._lock:
            return self._tripped.get((service, region))


# -- request rates ------------------------------------------------------------------------
# AWS throttles each account's calls per service and region (token buckets: a burst, then a refill
# rate). An audit of hundreds of accounts that sent as fast as it could would throttle itself into
# retries, then ERROR; each reader therefore paces its own requests, per service and region, below
# the rates AWS documents. EC2's Describe* bucket refills at 20 a second (EC2 API throttling, "request
# token bucket sizes and refill rates"); S3 serves 5,500 GET requests a second per prefix ("Best
# practices design patterns: optimizing Amazon S3 performance") and each bucket's configuration is a
# GET on that bucket, so 1,000 a second over all buckets stays far below it; the rest get a
# conservative default.
DEFAULT_RATE = 20.0  # requests per second, per account, service and region
DEFAULT_BURST = 40
SERVICE_RATES = {"ec2": 20.0, "s3": 1000.0, "iam": 15.0, "organizations": 10.0, "sts": 50.0}


class TokenBucket:
    """``acquire`` takes one token, sleeping until one has been refilled; thread-safe."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        if not rate > 0 or burst < 1:
            raise ValueError(f"a token bucket needs a rate above 0 and a burst of at least 1, not {rate}, {burst}")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds callers slept here, for the benchmark
        self.taken = 0  # tokens taken: one per request attempt sent

    def _delay(self) -> float:
        """Takes a token (possibly going into debt) and returns how long the caller must wait for it."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= 1
            self.taken += 1
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
            self.waited += wait
            return wait

    def acquire(self, sleep: Callable[[float], None] = time.sleep) -> None:
        wait = self._delay()
        if wait > 0:
            sleep(wait)


@dataclass(frozen=True)
class RateBudgets:
    """The request rates of a run: ``for_account`` gives each account (one reader) its own buckets."""

    rates: tuple[tuple[str, float], ...] = tuple(SERVICE_RATES.items())
    default: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST

    def rate(self, service: str) -> float:
        return dict(self.rates).get(service, self.default)

    def for_account(self) -> AccountRates:
        return AccountRates(self)


class AccountRates:
    """One account's token buckets, one per service and region, made when first used."""

    def __init__(self, budgets: RateBudgets) -> None:
        self._budgets = budgets
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, service: str, region: str) -> TokenBucket:
        with self._lock:
            bucket = self._buckets.get((service, region))
            if bucket is None:
                rate = self._budgets.rate(service)
                bucket = self._buckets[(service, region)] = TokenBucket(rate, max(self._budgets.burst, 1))
            return bucket

    def waited(self) -> float:
        with self._lock:
            return sum(b.waited for b in self._buckets.values())
