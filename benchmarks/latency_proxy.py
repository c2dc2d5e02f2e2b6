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

import asyncio
import multiprocessing
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
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
    """The proxy itself: one asyncio loop on a thread of its own, relaying HTTP/1.1 with keep-alive.

    A request waits ``latency`` and is then sent upstream on a kept-alive connection; the answer is
    passed back whole, its body framed by Content-Length. Waiting costs no processor time here, as a
    network's latency costs none on the machine that waits for it: the proxy spends ~0.3 ms of
    processor time per request (the thread-per-connection http.server it replaced spent ~1 ms,
    taken from the same cores as the tool measured and the simulated service).
    """

    def __init__(self, upstream: str, latency_seconds: float = 0.030) -> None:
        parts = urlsplit(upstream)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.latency = latency_seconds
        self._lock = threading.Lock()
        self._counting_since: float | None = None
        self._in_flight = 0
        self._reset()
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._socket = socket.create_server(("127.0.0.1", 0), backlog=1024)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True, name="latency-proxy")
        self._started = threading.Event()

    @property
    def url(self) -> str:
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._serve_client, sock=self._socket))
        self._started.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            for _, writer in self._idle:
                writer.close()
            # Connections still open (a client that keeps its connection alive) end here, in the loop,
            # not when the collector finds their coroutines after the loop is closed.
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

    def __enter__(self) -> _InProcessProxy:
        self._thread.start()
        if not self._started.wait(30):
            raise RuntimeError("the latency proxy's loop did not start")
        return self

    def __exit__(self, *_: object) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._socket.close()

    def _reset(self) -> None:
        self._kinds: Counter[str] = Counter()
        self._peak = self._in_flight
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

    # -- relaying ---------------------------------------------------------------------------

    async def _serve_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = writer.get_extra_info("socket")
        if connection is not None:
            # The answer's head and body are one write here, but a client's request may not be: no
            # waiting for delayed acknowledgements on either side (see test_request_benchmarks).
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while await self._relay_one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass  # the client went away, or sent what is not HTTP: its connection is closed
        finally:
            writer.close()

    async def _relay_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """One request and its answer; False when the client's connection is done."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False  # closed between requests
        request = _Head.parse(head)
        headers = request.by_name
        method, target, _ = request.first.split(" ", 2)
        if headers.get("expect", "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # the body is sent upstream with the request
        body = await _read_body(reader, headers, method=None)
        started = time.monotonic()
        with self._lock:
            counting = self._counting_since is not None
            self._in_flight += 1
            if counting:
                self._peak = max(self._peak, self._in_flight)
        try:
            await asyncio.sleep(self.latency)
            answer_head, answer = await self._forward(method, target, request, body)
        finally:
            with self._lock:
                self._in_flight -= 1
                if counting and self._counting_since is not None:
                    self._kinds[kind(method, target)] += 1
                    self._busy += time.monotonic() - started
        lines = [answer_head.first]
        lines += [f"{name}: {value}" for name, value in answer_head.items if name.lower() not in _FRAMING]
        if method != "HEAD":
            lines.append(f"Content-Length: {len(answer)}")
        elif "content-length" in answer_head.by_name:  # a HEAD's answer keeps the length of what it describes
            lines.append(f"Content-Length: {answer_head.by_name['content-length']}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + answer)
        await writer.drain()
        return headers.get("connection", "").lower() != "close"

    async def _forward(self, method: str, target: str, head: _Head, body: bytes) -> tuple[_Head, bytes]:
        """The request sent upstream on a kept-alive connection (a new one if the kept one had closed):
        the answer's head and body."""
        lines = [f"{method} {target} HTTP/1.1"]
        lines += [f"{name}: {value}" for name, value in head.items if name.lower() not in _FRAMING]
        if body or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body)}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        for attempt in (1, 2):
            reused = bool(self._idle)
            upstream = self._idle.pop() if reused else await asyncio.open_connection(*self._upstream)
            try:
                upstream[1].write(request)
                await upstream[1].drain()
                answer_head = _Head.parse(await upstream[0].readuntil(b"\r\n\r\n"))
                answer = await _read_body(upstream[0], answer_head.by_name, method=method, status=answer_head.first)
            except (ConnectionError, asyncio.IncompleteReadError):
                upstream[1].close()
                if reused and attempt == 1:
                    continue  # the server had closed a kept-alive connection: once more on a new one
                raise
            if answer_head.by_name.get("connection", "").lower() == "close" or _reads_to_end(answer_head.by_name):
                upstream[1].close()
            else:
                self._idle.append(upstream)
            return answer_head, answer
        raise AssertionError("unreachable")


# Framing and hop-by-hop headers: each side of the proxy frames its own messages.
_FRAMING = _HOP_BY_HOP | {"content-length", "expect"}


@dataclass(frozen=True)
class _Head:
    """A message's head: its first line, its headers in order, and the same by lower-case name."""

    first: str
    items: list[tuple[str, str]]
    by_name: dict[str, str]

    @classmethod
    def parse(cls, head: bytes) -> _Head:
        first, *lines = head.decode("latin-1").split("\r\n")
        items = []
        for line in lines:
            if line:
                name, _, value = line.partition(":")
                items.append((name.strip(), value.strip()))
        return cls(first, items, {name.lower(): value for name, value in items})


def _reads_to_end(headers: dict[str, str]) -> bool:
    """An answer framed by the end of its connection (neither Content-Length nor chunked)."""
    return "content-length" not in headers and "chunked" not in headers.get("transfer-encoding", "").lower()


async def _read_body(
    reader: asyncio.StreamReader, headers: dict[str, str], *, method: str | None, status: str = ""
) -> bytes:
    """A message's body: by Content-Length, chunked, or (an answer without either) to the end.
    ``method`` is the request's for an answer (a HEAD's answer has no body), None for a request."""
    if method is not None:
        code = int(status.split(" ", 2)[1])
        if method == "HEAD" or code in (204, 304) or 100 <= code < 200:
            return b""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
    if "content-length" in headers:
        return await reader.readexactly(int(headers["content-length"]))
    return b"" if method is None else await reader.read()
