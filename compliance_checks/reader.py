"""The shared, read-once AWS reader every check reads through.

One boto3 session per audited account; one client per service and region, with botocore's
adaptive retries. Every read is memoised by (service, region, operation, parameters), so a run
reads each API at most once per resource however many checks need it, and concurrent checks
asking for the same thing wait for the one request in flight. Reads are lazy: nothing is read
until a check asks. Paginated operations are always read through botocore's paginators.

Errors are classified once, here: a "missing" error code the caller names (for instance
``NoSuchBucketPolicy``) means "this resource has no such configuration" and returns None; access
denied, an operation the endpoint does not implement, throttling past the retries, an answer that
cannot be parsed or lacks what it must carry (``answers``), and an endpoint that does not answer
within the budget (``budget``) raise ``ReadError`` so the affected checks report ERROR, and the run
goes on.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import botocore.config
import botocore.exceptions
import botocore.parsers
import botocore.session

from compliance_checks import answers
from compliance_checks.budget import MAX_WORKERS, TIMEOUTS, AccountRates, Breaker, Budget, DeadlineRetries
from compliance_checks.core import ACCOUNT_READS_IN_FLIGHT, ReadError
from compliance_checks.sources import LIVE, Source

GLOBAL_SERVICES = frozenset({"iam", "organizations", "cloudfront", "route53", "sts"})

_ACCESS_DENIED = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AuthFailure",
        "Forbidden",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "OptInRequired",
    }
)
_THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
        "LimitExceededException",
    }
)
_UNSUPPORTED = frozenset(
    {
        "InvalidAction",
        "UnsupportedOperation",
        "UnsupportedOperationException",
        "UnknownOperationException",
        "NotImplemented",
        "NotImplementedException",
        "InvalidRequest.NotSupported",
    }
)


def classify(error: BaseException, operation: str, region: str | None) -> ReadError:
    """Turns whatever botocore (or moto) raised into a ReadError with a readable reason."""
    if isinstance(error, ReadError):
        return error
    if isinstance(error, answers.MalformedAnswer):
        return ReadError(ReadError.MALFORMED, operation, f"unusable answer: {error.why}", region)
    if isinstance(error, botocore.parsers.ResponseParserError):
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return ReadError(ReadError.MALFORMED, operation, f"unusable answer: {first_line}", region)
    if isinstance(error, TIMEOUTS):
        return ReadError(ReadError.TIMED_OUT, operation, f"no answer in time: {error}", region)
    if isinstance(error, botocore.exceptions.ClientError):
        info = error.response.get("Error", {})
        code = str(info.get("Code", "Unknown"))
        message = str(info.get("Message", "")) or code
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        reason = f"{code}: {message}" if message != code else code
        if code in _ACCESS_DENIED or status == 403:
            return ReadError(ReadError.ACCESS_DENIED, operation, reason, region)
        if code in _THROTTLED or status == 429:
            return ReadError(ReadError.THROTTLED, operation, f"{reason} (after retries)", region)
        if (
            code in _UNSUPPORTED
            or status == 501
            or "not been implemented" in message
            or "not yet implemented" in message
        ):
            return ReadError(ReadError.UNSUPPORTED, operation, reason, region)
        return ReadError(ReadError.FAILED, operation, reason, region)
    if isinstance(error, NotImplementedError):
        return ReadError(ReadError.UNSUPPORTED, operation, f"not implemented by the endpoint: {error}", region)
    if isinstance(error, botocore.exceptions.NoCredentialsError | botocore.exceptions.PartialCredentialsError):
        return ReadError(ReadError.ACCESS_DENIED, operation, f"no AWS credentials: {error}", region)
    if isinstance(error, botocore.exceptions.OperationNotPageableError | botocore.exceptions.UnknownServiceError):
        return ReadError(ReadError.UNSUPPORTED, operation, str(error), region)
    if isinstance(error, botocore.exceptions.BotoCoreError):
        return ReadError(ReadError.FAILED, operation, f"{type(error).__name__}: {error}", region)
    return ReadError(ReadError.FAILED, operation, f"{type(error).__name__}: {error}", region)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


_CUSTOM_ENDPOINT = "leadping_custom_endpoint"  # key in botocore's request context


def _note_custom_endpoint(builtins: Mapping[str, Any], context: dict[str, Any], **_: Any) -> None:
    """``before-endpoint-resolution``: remember that the client was given an endpoint URL."""
    if builtins.get("SDK::Endpoint"):
        context[_CUSTOM_ENDPOINT] = True


def _drop_account_host_prefix(params: dict[str, Any], context: Mapping[str, Any], **_: Any) -> None:
    """``before-call`` of S3 Control: send to the endpoint URL itself, not to ``<account>.<host>``.

    S3 Control's endpoint rules put the account id in front of the host, a custom endpoint's too
    (so ``inject_host_prefix=False`` does not help); a served sandbox, LocalStack or a proxy on
    127.0.0.1 has no such host, and every read failed. Real AWS keeps the prefix.
    """
    account = (params.get("headers") or {}).get("x-amz-account-id")
    if not context.get(_CUSTOM_ENDPOINT) or not account:
        return
    url = urlsplit(params["url"])
    if url.netloc.startswith(f"{account}."):
        params["url"] = urlunsplit(url._replace(netloc=url.netloc.removeprefix(f"{account}.")))


# Endpoints one client remembers (see ``_EndpointMemo``): every bucket of a large account, and more.
ENDPOINT_MEMO_SIZE = 8192


class _EndpointMemo:
    """A client's endpoint resolution, remembered per set of ruleset parameters.

    botocore resolves the endpoint of every request from the service's endpoint rules (S3: about 70
    rule functions per bucket) and remembers the last 100 answers for the whole process; an audit
    reads each bucket's configurations from several checks at once, so with hundreds of buckets most
    answers were forgotten before their bucket's next read asked again. Here each client remembers
    up to ``size`` of them. The answer depends on nothing but the parameters (botocore caches it on
    them too), so a remembered one is the one the rules would give; a failed resolution is never
    remembered (it raises again)."""

    def __init__(self, resolve: Callable[..., Any], size: int = ENDPOINT_MEMO_SIZE) -> None:
        self._resolve = resolve
        self._size = size
        self._answers: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, **params: Any) -> Any:
        key = _freeze(params)
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
                return answer
        answer = self._resolve(**params)
        with self._lock:
            self._answers[key] = answer
            if len(self._answers) > self._size:
                self._answers.popitem(last=False)
        return answer


def _remember_endpoints(client: Any) -> None:
    """The client resolves each set of endpoint parameters once (``_EndpointMemo``). A client without
    endpoint rules (or a botocore that resolves them elsewhere) is left as it is."""
    provider = getattr(getattr(client, "_ruleset_resolver", None), "_provider", None)
    resolve = getattr(provider, "resolve_endpoint", None)
    if callable(resolve) and not isinstance(resolve, _EndpointMemo):
        provider.resolve_endpoint = _EndpointMemo(resolve)


@functools.cache
def _pagination_config(service: str, operation_name: str) -> Mapping[str, Any] | None:
    model = _botocore_data().get_paginator_model(service)
    try:
        return model.get_paginator(operation_name)
    except ValueError:
        return None


@functools.cache
def _botocore_data() -> botocore.session.Session:
    return botocore.session.get_session()


def make_client(
    session: boto3.Session,
    service: str,
    region: str,
    *,
    endpoint_url: str | None = None,
    budget: Budget | None = None,
    max_pool_connections: int = ACCOUNT_READS_IN_FLIGHT,
    timed_out: Callable[[str], None] | None = None,
    pace: Callable[[], None] | None = None,
) -> Any:
    """A client that reads as the audit must: within the budget, and only from answers it can use.
    ``timed_out`` is told the operation of each attempt the endpoint left unanswered; ``pace`` is called
    before each attempt is sent (retries included, as AWS counts them) and waits for the request budget."""
    budget = budget or Budget()
    config = botocore.config.Config(
        retries={"mode": "adaptive", "max_attempts": budget.max_attempts},
        connect_timeout=budget.connect_timeout,
        read_timeout=budget.read_timeout,
        max_pool_connections=max_pool_connections,
        user_agent_extra="leadping-audit",
    )
    kwargs: dict[str, Any] = {"region_name": region, "config": config}
    if endpoint_url:
        kwargs["endpoint_url"] = endpoint_url
    client = session.client(service, **kwargs)
    _remember_endpoints(client)
    events = client.meta.events
    service_id = client.meta.service_model.service_id.hyphenize()
    retries = DeadlineRetries(budget, service_id, timed_out)
    events.register(f"before-call.{service_id}", retries.start)
    events.register_first(f"needs-retry.{service_id}", retries.needs_retry)
    events.register(f"before-parse.{service_id}", answers.check_body)
    if pace is not None:
        events.register(f"before-send.{service_id}", lambda **_: pace())
    if service == "s3control":
        events.register(f"before-endpoint-resolution.{service_id}", _note_custom_endpoint)
        events.register(f"before-call.{service_id}", _drop_account_host_prefix)
    return client


class Reader:
    """Read-only, memoised access to one AWS account in a set of regions."""

    def __init__(
        self,
        session: boto3.Session,
        regions: Sequence[str],
        *,
        endpoint_url: str | None = None,
        budget: Budget | None = None,
        max_pool_connections: int = ACCOUNT_READS_IN_FLIGHT,
        rates: AccountRates | None = None,
        source: Source | None = None,
    ) -> None:
        if not regions:
            raise ValueError("the reader needs at least one region")
        # The CLI sizes the pool at the account's reads in flight or twice the workers, whichever is more.
        if not 1 <= max_pool_connections <= 2 * MAX_WORKERS:
            raise ValueError(f"max_pool_connections must be 1 to {2 * MAX_WORKERS}, not {max_pool_connections}")
        self.session = session
        self.regions: tuple[str, ...] = tuple(dict.fromkeys(regions))
        self.endpoint_url = endpoint_url
        self.budget = budget or Budget()
        self._max_pool_connections = max_pool_connections
        # The account's reads in flight, over every check, region view and thread: as many as the
        # connection pool holds. Each check may run up to that many threads (core.map_each), and a
        # read waits here for a slot, so that a check left running alone uses every slot the others
        # no longer need, and the pool never opens connections it must then throw away.
        self._slots = threading.BoundedSemaphore(max_pool_connections)
        self._clients: dict[tuple[str, str], Any] = {}
        self._clients_lock = threading.Lock()
        self._cache: dict[tuple[Any, ...], Future[Any]] = {}
        self._cache_lock = threading.Lock()
        self._breaker = Breaker()
        self.rates = rates  # this account's request budgets (budget.RateBudgets), shared by its views
        self.requests: Counter[tuple[str, str]] = Counter()  # (service, operation) -> reads sent
        self._requests_lock = threading.Lock()
        self._account_id: str | None = None
        self._home: str | None = None  # set on a region-scoped view: global reads stay in the parent's home
        # Where configurations may come from in bulk (``--source config``); None reads every one from the API.
        self.source = source

    def scoped(self, region: str) -> Reader:
        """A view of this reader on one of its regions that shares clients, memo and request counts.

        The runner gives one to each per-region run of a regional check, so regions are evaluated
        concurrently while global reads (IAM, the S3 bucket list) still happen once, in the home region.
        """
        if region not in self.regions:
            raise ValueError(f"{region} is not one of the audited regions {list(self.regions)}")
        view = copy.copy(self)
        view.regions = (region,)
        view._home = self.home_region
        return view

    def _count(self, service: str, operation: str) -> None:
        with self._requests_lock:
            self.requests[(service, operation)] += 1

    # -- clients -------------------------------------------------------------------------

    @property
    def home_region(self) -> str:
        """The region global services (IAM, S3 listing, ...) are read in."""
        return self._home or self.regions[0]

    def region_for(self, service: str, region: str | None) -> str:
        if region is not None:
            return region
        return self.home_region

    def client(self, service: str, region: str | None = None) -> Any:
        region = self.region_for(service, region)
        key = (service, region)
        with self._clients_lock:
            client = self._clients.get(key)
            if client is None:
                client = make_client(
                    self.session,
                    service,
                    region,
                    endpoint_url=self.endpoint_url,
                    budget=self.budget,
                    max_pool_connections=self._max_pool_connections,
                    timed_out=functools.partial(self._breaker.timed_out, service, region),
                    pace=self.rates.bucket(service, region).acquire if self.rates else None,
                )
                self._clients[key] = client
            return client

    def _operation_model(self, client: Any, operation: str) -> Any:
        return client.meta.service_model.operation_model(client.meta.method_to_api_mapping[operation])

    # -- memoised reads ------------------------------------------------------------------

    def _once(self, key: tuple[Any, ...], load: Callable[[], Any]) -> Any:
        with self._cache_lock:
            future = self._cache.get(key)
            owner = future is None
            if owner:
                future = Future()
                self._cache[key] = future
        if owner:
            try:
                future.set_result(load())
            except BaseException as exc:
                future.set_exception(exc)
        return future.result()

    def memo(self, key: tuple[Any, ...], load: Callable[[], Any]) -> Any:
        """``load()`` once per run for ``key`` (a source's bulk reads), shared like every read."""
        return self._once(("memo", *key), load)

    def _failure(self, error: BaseException, service: str, operation: str, region: str) -> ReadError:
        return classify(error, f"{service}:{operation}", region)

    def _refuse_if_unresponsive(self, service: str, operation: str, region: str) -> None:
        reason = self._breaker.reason(service, region)
        if reason is not None:
            raise ReadError(ReadError.TIMED_OUT, f"{service}:{operation}", f"not asked: {reason} twice", region)

    def call(
        self,
        service: str,
        operation: str,
        *,
        region: str | None = None,
        missing: Iterable[str] = (),
        expect: Sequence[str] = (),
        **params: Any,
    ) -> dict[str, Any] | None:
        """One API read (``operation`` is the boto3 method name), memoised.

        Returns None when the error code is one of ``missing`` (the resource simply has no such
        configuration); raises ReadError when the read is not possible, and when the answer lacks a
        member its output shape requires or one of ``expect`` (the members the caller's verdict
        rests on, so that an answer without them is not read as "not configured").
        """
        region = self.region_for(service, region)
        missing = frozenset(missing)
        key = ("call", service, region, operation, _freeze(params))

        def load() -> Any:
            if self.source is not None:
                answer = self.source.answer(self, service, operation, region, params)
                if answer is not LIVE:
                    return answer
            self._refuse_if_unresponsive(service, operation, region)
            self._count(service, operation)
            try:
                client = self.client(service, region)
                with self._slots:
                    return getattr(client, operation)(**params)
            except botocore.exceptions.ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in missing:
                    return None
                raise self._failure(exc, service, operation, region) from exc
            except Exception as exc:
                raise self._failure(exc, service, operation, region) from exc

        response = self._once(key, load)
        if response is not None:
            # Checked on every call, not only the first: callers sharing a read may rely on other members.
            try:
                answers.check_members(self._operation_model(self.client(service, region), operation), response, expect)
            except answers.MalformedAnswer as exc:
                raise classify(exc, f"{service}:{operation}", region) from exc
        return response

    def paginate(
        self,
        service: str,
        operation: str,
        result_key: str,
        *,
        region: str | None = None,
        missing: Iterable[str] = (),
        **params: Any,
    ) -> list[Any]:
        """Every item of ``result_key`` over all pages of a paginated operation, memoised.

        Returns [] when the error code is one of ``missing``. Every page must carry ``result_key``
        (unless AWS documents leaving it out of an empty answer) and the pagination must end;
        otherwise the read fails rather than return a partial list.
        """
        region = self.region_for(service, region)
        missing = frozenset(missing)
        key = ("paginate", service, region, operation, result_key, _freeze(params))

        def load() -> list[Any]:
            self._refuse_if_unresponsive(service, operation, region)
            items: list[Any] = []
            try:
                client = self.client(service, region)
                model = self._operation_model(client, operation)
                pages = answers.Pages(
                    model,
                    _pagination_config(service, model.name),
                    result_key,
                    may_omit=(service, operation) in answers.OMITS_EMPTY_RESULT,
                )
                with self._slots:  # one slot for the whole listing: its pages come one after another
                    for page in client.get_paginator(operation).paginate(**params):
                        self._count(service, operation)
                        items.extend(pages.check(page))
            except botocore.exceptions.ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in missing:
                    return []
                raise self._failure(exc, service, operation, region) from exc
            except Exception as exc:
                raise self._failure(exc, service, operation, region) from exc
            return items

        return self._once(key, load)

    # -- account -------------------------------------------------------------------------

    @property
    def account_id(self) -> str:
        if self._account_id is None:
            identity = self.call("sts", "get_caller_identity", expect=("Account",))
            self._account_id = str((identity or {})["Account"])
        return self._account_id

    def account_id_or_unknown(self) -> str:
        try:
            return self.account_id
        except ReadError:
            return "unknown"

    def partition(self) -> str:
        region = self.home_region
        if region.startswith("cn-"):
            return "aws-cn"
        if region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"


def enabled_regions(
    session: boto3.Session, endpoint_url: str | None = None, home: str = "us-east-1", budget: Budget | None = None
) -> list[str]:
    """Every region enabled for the account (what ``--region all`` audits)."""
    try:
        client = make_client(session, "ec2", home, endpoint_url=endpoint_url, budget=budget)
        response = client.describe_regions(AllRegions=False)
        answers.check_members(client.meta.service_model.operation_model("DescribeRegions"), response, ("Regions",))
    except Exception as exc:
        raise classify(exc, "ec2:describe_regions", home) from exc
    return sorted(r["RegionName"] for r in response["Regions"])


# -- sessions ----------------------------------------------------------------------------


def aws_session(profile: str | None = None, region: str | None = None) -> boto3.Session:
    """A session from the standard AWS environment (AWS_PROFILE, AWS_REGION/AWS_DEFAULT_REGION,
    credentials chain); ``profile`` and ``region`` override it. AWS_ENDPOINT_URL is honoured by
    boto3 itself when clients are made."""
    try:
        return boto3.Session(profile_name=profile, region_name=region)
    except botocore.exceptions.ProfileNotFound as exc:
        raise ReadError(ReadError.ACCESS_DENIED, "session", f"AWS profile not found: {exc}") from exc


def has_credentials(session: boto3.Session) -> bool:
    try:
        return session.get_credentials() is not None
    except botocore.exceptions.BotoCoreError:
        return False


def assume_role_session(
    base: boto3.Session,
    role_arn: str,
    *,
    external_id: str | None = None,
    region: str | None = None,
    session_name: str = "leadping-audit",
    duration_seconds: int | None = None,
    endpoint_url: str | None = None,
) -> boto3.Session:
    """A session in the audited account, from sts:AssumeRole with the base session's credentials."""
    region = region or base.region_name or "us-east-1"
    params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": session_name}
    if external_id:
        params["ExternalId"] = external_id
    if duration_seconds is not None:
        params["DurationSeconds"] = duration_seconds
    try:
        credentials = make_client(base, "sts", region, endpoint_url=endpoint_url).assume_role(**params)["Credentials"]
    except Exception as exc:
        raise classify(exc, "sts:assume_role", region) from exc
    botocore_session = botocore.session.get_session()
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
        botocore_session=botocore_session,
    )
    _share_models(base, botocore_session)
    return session


def _share_models(base: boto3.Session, target: botocore.session.Session) -> None:
    """``target`` (a member account's session) uses what ``base`` has already built from botocore's data:
    the service models (the loader and its cache), the endpoint rules and the exception classes. An
    organization audit makes a session per account, and each would otherwise build them again for
    every client (3x the cost of a client). Shared after boto3.Session has set up ``target``: boto3
    adds its own data path to the loader of every session it wraps, and the base's loader has it."""
    source = base._session
    target.register_component("data_loader", source.get_component("data_loader"))
    for name in ("endpoint_resolver", "exceptions_factory"):
        target._register_internal_component(name, source._get_internal_component(name))
