"""A fault-injecting HTTP proxy on 127.0.0.1 in front of a moto server.

Every request is identified as AWS sees it (service and region from the SigV4 credential scope,
operation from the protocol: ``X-Amz-Target``, the query ``Action``, the rpc-v2-cbor path, or the
REST method and path matched against botocore's model). A ``Fault`` matching the request replaces
the answer: throttling (400 ThrottlingException, S3's 503 SlowDown), a 500, a dropped connection,
a truncated, empty or garbled 200 body, or no answer at all (the connection is held open).
Everything else is forwarded unchanged. The proxy records what it faulted, so that a test can
prove its faults fired.
"""

from __future__ import annotations

import functools
import http.client
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import botocore.session

THROTTLE, SERVER_ERROR, DROP, TRUNCATE, EMPTY, GARBAGE, HANG = (
    "throttle",
    "500",
    "drop",
    "truncate",
    "empty",
    "garbage",
    "hang",
)
KINDS = (THROTTLE, SERVER_ERROR, DROP, TRUNCATE, EMPTY, GARBAGE, HANG)

# The services the audit reads (plus STS), by botocore name: what the proxy can identify.
SERVICES = (
    "apigateway",
    "apigatewayv2",
    "backup",
    "cloudtrail",
    "cloudwatch",
    "dynamodb",
    "ec2",
    "ecs",
    "elb",
    "elbv2",
    "events",
    "firehose",
    "guardduty",
    "iam",
    "kinesis",
    "kms",
    "lambda",
    "logs",
    "organizations",
    "rds",
    "s3",
    "s3control",
    "secretsmanager",
    "securityhub",
    "sns",
    "sqs",
    "ssm",
    "sts",
    "wafv2",
)
# Neither JSON, XML nor a CBOR map, whatever the protocol; fixed so that a failure reproduces.
GARBLED = b"\x1f\x8b\x08\x00 garbled answer \xff\xfe\x00" * 4
_CREDENTIAL = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


@dataclass(frozen=True)
class Request:
    """What the proxy knows of one request."""

    service: str  # botocore name, "" when unknown
    region: str
    operation: str  # botocore operation name (DescribeLogGroups), "" when unknown
    target: str  # path, query and body, for matching a resource name


@dataclass(frozen=True)
class Fault:
    """Answer matching requests with ``kind``. ``operation="*"`` matches every operation of the service,
    ``service="*"`` every service (of ``region``); ``resource`` (a bucket or queue name, a key id)
    narrows it to requests naming that resource."""

    kind: str
    service: str
    region: str | None = None
    operation: str = "*"
    resource: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {KINDS}")

    def matches(self, request: Request) -> bool:
        return (
            self.service in ("*", request.service)
            and (self.region is None or request.region == self.region)
            and self.operation in ("*", request.operation)
            and (self.resource is None or self.resource in request.target)
        )


# -- identifying requests ----------------------------------------------------------------------


@functools.cache
def _models() -> dict[str, list[Any]]:
    """botocore service models by signing name (apigateway v1 and v2 share one, and so on)."""
    session = botocore.session.get_session()
    by_signing: dict[str, list[Any]] = {}
    for name in SERVICES:
        model = session.get_service_model(name)
        by_signing.setdefault(model.signing_name, []).append(model)
    return by_signing


@functools.cache
def _rest_routes(service: str) -> list[tuple[str, re.Pattern[str], frozenset[str], int, str]]:
    """(method, path pattern, query keys required, specificity, operation) of a REST service's operations."""
    model = botocore.session.get_session().get_service_model(service)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        path, _, query = http["requestUri"].partition("?")
        pattern = re.sub(
            r"\\\{([^}]+)\\\}",
            lambda m: "(.+)" if m.group(1).endswith("+") else "([^/]+)",
            re.escape(path.rstrip("/") or "/"),
        )
        keys = frozenset(part.split("=", 1)[0] for part in query.split("&") if part)
        literal = len(re.sub(r"\{[^}]+\}", "", path)) + 10 * len(keys)
        routes.append((http["method"], re.compile(f"^{pattern}/?$"), keys, literal, name))
    return routes


def _rest_operation(service: str, method: str, path: str, query: dict[str, list[str]]) -> tuple[int, str]:
    best = (-1, "")
    for verb, pattern, keys, literal, name in _rest_routes(service):
        if verb == method and pattern.match(path) and keys <= set(query) and literal > best[0]:
            best = (literal, name)
    return best


def identify(method: str, url: str, headers: Any, body: bytes) -> Request:
    match = _CREDENTIAL.search(headers.get("Authorization", ""))
    if not match:
        return Request("", "", "", url)
    region, signing = match.groups()
    split = urlsplit(url)
    query = parse_qs(split.query, keep_blank_values=True)
    target = f"{split.path}?{split.query} {body[:4096].decode('utf-8', 'replace')}"
    candidates = _models().get(signing, [])
    amz_target = headers.get("X-Amz-Target", "")
    form = parse_qs(body.decode("utf-8", "replace")) if b"Action=" in body[:200] else {}
    best: tuple[int, str, str] = (-1, "", "")
    for model in candidates:
        protocol = model.resolved_protocol
        if protocol == "json" and amz_target:
            operation = amz_target.rsplit(".", 1)[-1]
            if operation in model.operation_names:
                return Request(model.service_name, region, operation, target)
        elif protocol in ("query", "ec2") and form:
            if form.get("Version", [""])[0] == model.api_version:
                return Request(model.service_name, region, form.get("Action", [""])[0], target)
        elif protocol == "smithy-rpc-v2-cbor" and "/operation/" in split.path:
            return Request(model.service_name, region, split.path.rsplit("/", 1)[-1], target)
        elif protocol.startswith("rest-"):
            score, operation = _rest_operation(model.service_name, method, split.path, query)
            if score > best[0]:
                best = (score, model.service_name, operation)
    return Request(best[1], region, best[2], target)


# -- answering ----------------------------------------------------------------------------------


def _throttle(request: Request) -> tuple[int, dict[str, str], bytes]:
    protocol = _protocol(request.service)
    if request.service in ("s3", "s3control"):
        body = b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
        return 503, {"Content-Type": "application/xml"}, body
    if protocol in ("query", "ec2"):
        body = (
            b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
            b"<Message>Rate exceeded</Message></Error><RequestId>fault</RequestId></ErrorResponse>"
        )
        return 400, {"Content-Type": "text/xml"}, body
    if protocol == "smithy-rpc-v2-cbor":
        body = _cbor_map({"__type": "ThrottlingException", "message": "Rate exceeded"})
        return 400, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}, body
    body = b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'
    return 400, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": "ThrottlingException"}, body


def _cbor_map(values: dict[str, str]) -> bytes:
    """A CBOR map of short text strings (all an rpc-v2-cbor error needs)."""

    def text(value: str) -> bytes:
        data = value.encode()
        return (bytes([0x60 + len(data)]) if len(data) < 24 else bytes([0x78, len(data)])) + data

    return bytes([0xA0 + len(values)]) + b"".join(text(k) + text(v) for k, v in values.items())


def _protocol(service: str) -> str:
    return botocore.session.get_session().get_service_model(service).resolved_protocol if service else ""


class FaultProxy:
    """``with FaultProxy(upstream) as proxy:`` ... ``proxy.url``; set ``proxy.faults`` per run."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.faults: Sequence[Fault] = ()
        self.fired: list[tuple[Fault, Request]] = []
        self.seen: list[Request] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def inject(self, faults: Iterable[Fault]) -> None:
        with self._lock:
            self.faults = tuple(faults)
            self.fired = []
            self.seen = []

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()  # releases hanging answers
        self._server.shutdown()
        self._server.server_close()

    def _fault_for(self, request: Request) -> Fault | None:
        with self._lock:
            self.seen.append(request)
            fault = next((f for f in self.faults if f.matches(request)), None)
            if fault is not None:
                self.fired.append((fault, request))
            return fault

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:  # quiet: pytest shows failures, not traffic
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = identify(self.command, self.path, self.headers, body)
                fault = proxy._fault_for(request)
                if fault is not None and fault.kind == HANG:
                    proxy._stop.wait(120)
                    self.close_connection = True
                    return
                if fault is not None and fault.kind == DROP:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if fault is not None and fault.kind == THROTTLE:
                    self._answer(*_throttle(request))
                    return
                if fault is not None and fault.kind == SERVER_ERROR:
                    self._answer(500, {"Content-Type": "text/html"}, b"<html><body>Internal Server Error</body></html>")
                    return
                status, headers, answer = self._forward(body)
                if fault is not None and status < 300:
                    answer = {
                        TRUNCATE: answer[: len(answer) // 2],
                        EMPTY: b"",
                        GARBAGE: GARBLED,
                    }[fault.kind]
                self._answer(status, headers, answer)

            def _forward(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
                connection = http.client.HTTPConnection(*proxy._upstream, timeout=60)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
                    connection.request(self.command, self.path, body=body or None, headers=headers)
                    response = connection.getresponse()
                    data = response.read()
                    kept = {
                        k: v
                        for k, v in response.getheaders()
                        if k.lower() not in ("content-length", "transfer-encoding", "connection")
                    }
                    return response.status, kept, data
                finally:
                    connection.close()

            def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

        return Handler
