"""A loopback HTTP proxy that adds a fixed latency to every request, as a real AWS endpoint does,
and counts what passes through it.

A moto server on 127.0.0.1 answers in about a millisecond; AWS answers in tens. Put this proxy in
front of the server (``AWS_ENDPOINT_URL`` = its URL) and a tool that sends its reads one after
another pays requests x latency, while one that overlaps them pays requests x latency / concurrency,
as against AWS. The proxy counts the requests, and the peak and the mean number in flight (the sum
of the requests' durations over the wall time): the concurrency a tool really achieved.

The proxy runs in a process of its own: AWS's latency is the network's and its servers', not work
that competes with the simulated service for one interpreter's lock. In the process that runs the
moto server it would: the server and the proxy would share one core's worth of Python, and a tool
that sends more requests at once would find the bench, not the service, slower.
"""

from __future__ import annotations

import http.client
import multiprocessing
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade", "te"})


@dataclass(frozen=True)
class Traffic:
    requests: int
    by_kind: Counter[str]
    peak_in_flight: int
    busy_seconds: float  # the sum of every request's time in the proxy, latency included
    wall_seconds: float

    @property
    def mean_in_flight(self) -> float:
        return self.busy_seconds / self.wall_seconds if self.wall_seconds else 0.0


def kind(method: str, target: str) -> str:
    """'GET /bucket-7?encryption' -> 'GET /<name>?encryption': one row per API, not per resource."""
    path, _, query = target.partition("?")
    keys = sorted(part.split("=", 1)[0] for part in query.split("&") if part) if query else []
    shape = "/" if path in ("", "/") else "/<name>" + ("/..." if path.strip("/").count("/") else "")
    return f"{method} {shape}{'?' + '&'.join(keys) if keys else ''}"


class LatencyProxy:
    """The proxy, served by a process of its own (``LatencyProxy(upstream, latency)``, a context
    manager: ``url``, ``start_counting``, ``stop_counting``)."""

    def __init__(self, upstream: str, latency_seconds: float = 0.030) -> None:
        self.latency = latency_seconds
        self._upstream = upstream
        self._url: str | None = None
        context = multiprocessing.get_context("spawn")  # no fork of a process running server threads
        self._control, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(upstream, latency_seconds, child), daemon=True)

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("the proxy is not started (use it as a context manager)")
        return self._url

    def __enter__(self) -> LatencyProxy:
        self._process.start()
        if not self._control.poll(60):
            self._process.kill()
            raise RuntimeError("the latency proxy did not start within 60 s")
        self._url = self._control.recv()
        return self

    def __exit__(self, *_: object) -> None:
        try:
            self._ask("close")
        finally:
            self._process.join(10)
            if self._process.is_alive():
                self._process.kill()

    def _ask(self, command: str) -> object:
        self._control.send(command)
        return self._control.recv()

    def start_counting(self) -> None:
        self._ask("start")

    def stop_counting(self) -> Traffic:
        traffic = self._ask("stop")
        assert isinstance(traffic, Traffic)
        return traffic


def _serve(upstream: str, latency_seconds: float, control: object) -> None:
    """The proxy process: serves until told to close (commands on ``control``, a Pipe end)."""
    with _InProcessProxy(upstream, latency_seconds) as proxy:
        control.send(proxy.url)  # type: ignore[attr-defined]
        while True:
            command = control.recv()  # type: ignore[attr-defined]
            if command == "start":
                proxy.start_counting()
                control.send(None)  # type: ignore[attr-defined]
            elif command == "stop":
                control.send(proxy.stop_counting())  # type: ignore[attr-defined]
            else:
                control.send(None)  # type: ignore[attr-defined]
                return


class _InProcessProxy:
    def __init__(self, upstream: str, latency_seconds: float = 0.030) -> None:
        parts = urlsplit(upstream)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.latency = latency_seconds
        self._lock = threading.Lock()
        self._local = threading.local()
        self._counting_since: float | None = None
        self._reset()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> _InProcessProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _reset(self) -> None:
        self._kinds: Counter[str] = Counter()
        self._in_flight = 0
        self._peak = 0
        self._busy = 0.0

    def start_counting(self) -> None:
        with self._lock:
            self._reset()
            self._counting_since = time.monotonic()

    def stop_counting(self) -> Traffic:
        with self._lock:
            wall = time.monotonic() - (self._counting_since or time.monotonic())
            self._counting_since = None
            return Traffic(sum(self._kinds.values()), Counter(self._kinds), self._peak, self._busy, wall)

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(*self._upstream, timeout=120)
            self._local.connection = connection
        return connection

    def _forward(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, list, bytes]:
        for attempt in (1, 2):
            connection = self._connection()
            try:
                connection.request(method, target, body=body or None, headers=headers)
                response = connection.getresponse()
                return response.status, response.getheaders(), response.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                self._local.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as SDK clients use against AWS
            # The answer goes out as two writes (headers, then body): with Nagle's algorithm on, the
            # body waits for the client's delayed acknowledgement of the headers, some 40 ms more per
            # request than the latency asked for (measured: 84 ms per request for 30 ms asked, 43 ms
            # with TCP_NODELAY, against 10 ms straight to the server).
            disable_nagle_algorithm = True

            def log_message(self, *_: object) -> None:
                pass

            def _handle(self) -> None:
                started = time.monotonic()
                counting = proxy._counting_since is not None
                with proxy._lock:
                    proxy._in_flight += 1
                    proxy._peak = max(proxy._peak, proxy._in_flight) if counting else proxy._peak
                try:
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                    time.sleep(proxy.latency)
                    status, answer_headers, answer = proxy._forward(self.command, self.path, headers, body)
                    self.send_response(status)
                    for name, value in answer_headers:
                        if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(answer)
                finally:
                    with proxy._lock:
                        proxy._in_flight -= 1
                        if counting and proxy._counting_since is not None:
                            proxy._kinds[kind(self.command, self.path)] += 1
                            proxy._busy += time.monotonic() - started

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = _handle

        return Handler
