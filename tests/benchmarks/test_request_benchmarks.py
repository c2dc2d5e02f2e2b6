"""The request benchmarks measure what they say: the latency proxy counts every request it passes
and how many were in flight; requests_per_check finds what grows per resource; the Prowler
comparison's own half (our audit through the proxy) judges every bucket."""

from __future__ import annotations

import threading
from collections import Counter

import boto3
import pytest

from benchmarks import prowler_comparison, requests_per_check
from benchmarks.audit_requests import REGION, _environment, moto_server
from benchmarks.latency_proxy import LatencyProxy, Traffic, kind
from tests.compliance_checks.conftest import refusal


def test_the_latency_proxy_forwards_and_counts_every_request_and_the_peak_in_flight():
    with moto_server() as endpoint, _environment(endpoint), LatencyProxy(endpoint, 0.05) as proxy:
        s3 = boto3.client("s3", region_name=REGION, endpoint_url=proxy.url)
        s3.create_bucket(Bucket="proxied-bucket")
        proxy.start_counting()
        threads = [threading.Thread(target=s3.list_buckets) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        s3.head_bucket(Bucket="proxied-bucket")
        traffic = proxy.stop_counting()
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["proxied-bucket"]  # forwarded, not counted
    assert traffic.requests == 5
    assert traffic.by_kind == {"GET /": 4, "HEAD /<name>": 1}
    assert 2 <= traffic.peak_in_flight <= 4


def test_request_kinds_name_the_api_not_the_resource():
    assert kind("GET", "/bucket-7?encryption") == "GET /<name>?encryption"
    assert kind("GET", "/?max-buckets=10000") == "GET /?max-buckets"
    assert kind("POST", "/") == "POST /"


def test_requests_per_check_finds_one_encryption_read_per_bucket():
    [cost] = requests_per_check.measure(1, ("s3_bucket_default_encryption_kms",))
    assert cost.per_resource == 1
    assert dict(cost.growing) == {"s3:get_bucket_encryption": 1}
    assert "| `s3_bucket_default_encryption_kms` |" in requests_per_check.markdown([cost])


def test_the_comparison_judges_every_bucket_through_the_proxy_and_reports_a_prowler_less_run(capsys):
    argv = ["--buckets", "5", "--latency-ms", "1", "--scope", "two", "--without-prowler", "--repeat", "2"]
    assert prowler_comparison.main(argv) == 0
    out = capsys.readouterr().out
    assert "| 5 | two checks | ours |" in out
    assert out.count("judged 5/5") == 2  # each of the two runs
    assert "(median of 2:" in out
    assert "incomplete" not in out


def test_the_comparison_refuses_bad_counts_in_one_line(capsys):
    assert prowler_comparison.main(["--buckets", "0"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "bucket counts must be at least 1" in line
    assert prowler_comparison.main(["--buckets", "5", "--repeat", "0"]) == 2
    assert capsys.readouterr().err.strip() == "prowler_comparison: --repeat must be 1 to 25"


def _run(tool: str, seconds: float, cpu: float, judged: int = 10, exit_code: int = 0, requests: int = 20):
    traffic = Traffic(requests, Counter({"GET /<name>?policy": requests}), 4, seconds, seconds)
    return prowler_comparison.Run(tool, "two checks", 10, seconds, exit_code, traffic, judged, cpu)


def test_repeated_runs_are_compared_by_their_medians_and_a_missed_bucket_in_any_run_shows():
    ours = [_run("ours", 8.5, 6.4), _run("ours", 5.6, 4.3, requests=21), _run("ours", 6.5, 4.9)]
    prowler = [_run("prowler", 126.0, 66.0), _run("prowler", 135.0, 76.0), _run("prowler", 130.0, 72.0)]
    summary = prowler_comparison.median(ours)
    assert (summary.seconds, summary.cpu_seconds, summary.repeats, summary.spread) == (6.5, 4.9, 3, (5.6, 8.5))
    assert summary.traffic.requests == 20  # the median run's traffic, not the fastest's
    text = prowler_comparison.table([ours[0], prowler[0], ours[1], prowler[1], ours[2], prowler[2]], 30)
    assert "| 10 | two checks | ours | 6.5 s (median of 3: 5.6-8.5 s) | 20.0x | 4.9 s | 14.7x |" in text
    assert "| 10 | two checks | Prowler 5.46.0 | 130.0 s (median of 3: 126.0-135.0 s) | 1.0x |" in text
    # One run of three that judged 9 of 10 buckets, or failed, makes the row incomplete and unrated.
    partial = prowler_comparison.median([*ours[:2], _run("ours", 6.0, 4.0, judged=9, exit_code=1)])
    assert (partial.judged, partial.exit_code, partial.complete) == (9, 1, False)
    assert "| ours | incomplete (9/10 judged) | - |" in prowler_comparison.table([partial, *prowler], 30)
    with pytest.raises(ValueError, match="one tool"):
        prowler_comparison.median([ours[0], prowler[0]])


def test_an_account_holds_only_its_own_buckets_whatever_ran_before_it():
    """moto keeps its backends in the process: each benchmark account starts from a reset server."""
    for buckets in (3, 1):
        with prowler_comparison.account(buckets, 0.0) as proxy:
            s3 = boto3.client("s3", region_name=REGION, endpoint_url=proxy.url)
            assert len(s3.list_buckets()["Buckets"]) == buckets


def test_the_latency_proxy_answers_without_waiting_for_nagle():
    # A client's request head and body may come as two writes: with Nagle's algorithm on, a socket
    # waits for the peer's delayed acknowledgement (~40 ms), more latency than the benchmark says it adds.
    import asyncio
    import socket

    from benchmarks.latency_proxy import _InProcessProxy

    proxy = _InProcessProxy("http://127.0.0.1:9", 0.0)
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname()[:2])
    accepted, _ = listener.accept()

    class Writer:
        def get_extra_info(self, name: str) -> socket.socket | None:
            return accepted if name == "socket" else None

        def close(self) -> None:
            accepted.close()

    async def serve() -> None:
        reader = asyncio.StreamReader()
        reader.feed_eof()  # the client sends nothing and goes
        await proxy._serve_client(reader, Writer())  # type: ignore[arg-type]

    try:
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        asyncio.run(serve())
        assert accepted.fileno() == -1  # closed when the client was done
    finally:
        client.close()
        listener.close()
        proxy._socket.close()


def test_the_latency_proxy_relays_every_framing_and_method(tmp_path):
    """Bodies by Content-Length, chunked and to the end of the connection; HEAD keeps its length;
    a request body with Expect: 100-continue; keep-alive on both sides; a closed upstream reopened."""
    import http.client
    import http.server
    import threading as threads

    from benchmarks.latency_proxy import _InProcessProxy

    seen: list[tuple[str, str, bytes]] = []

    class Upstream(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            pass

        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append((self.command, self.path, body))
            if self.path == "/chunked":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            elif self.path == "/to-the-end":
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"until closed")
                self.close_connection = True
            elif self.path == "/empty":
                self.send_response(204)
                self.end_headers()
            else:
                answer = b"echo:" + body
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.send_header("X-Kept", "yes")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer)

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _answer

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threads.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with _InProcessProxy(f"http://127.0.0.1:{server.server_address[1]}", 0.001) as proxy:
            proxy.start_counting()
            connection = http.client.HTTPConnection("127.0.0.1", int(proxy.url.rsplit(":", 1)[1]), timeout=10)
            for method, path, body, expect in [
                ("PUT", "/object", b"payload", {"Expect": "100-continue"}),
                ("GET", "/chunked", b"", {}),
                ("HEAD", "/object", b"", {}),
                ("DELETE", "/empty", b"", {}),
                ("GET", "/to-the-end", b"", {}),
                ("POST", "/after-close", b"x" * 70_000, {}),
            ]:
                connection.request(method, path, body=body or None, headers=expect)
                answer = connection.getresponse()
                data = answer.read()
                if path == "/object" and method == "PUT":
                    assert (answer.status, data, answer.getheader("X-Kept")) == (200, b"echo:payload", "yes")
                elif path == "/chunked":
                    assert data == b"hello world"
                elif method == "HEAD":
                    assert (data, answer.getheader("Content-Length")) == (b"", "5")
                elif path == "/empty":
                    assert (answer.status, data) == (204, b"")
                elif path == "/to-the-end":
                    assert data == b"until closed"
                else:
                    assert data == b"echo:" + b"x" * 70_000
            traffic = proxy.stop_counting()
            connection.close()
    finally:
        server.shutdown()
        server.server_close()
    assert [(m, p, len(b)) for m, p, b in seen] == [
        ("PUT", "/object", 7),
        ("GET", "/chunked", 0),
        ("HEAD", "/object", 0),
        ("DELETE", "/empty", 0),
        ("GET", "/to-the-end", 0),
        ("POST", "/after-close", 70_000),
    ]
    assert traffic.requests == 6
    assert traffic.by_kind["PUT /<name>"] == 1


def test_the_boto3_floor_reads_every_bucket_and_sits_beside_our_audit_in_the_table(capsys):
    argv = ["--buckets", "4", "--latency-ms", "1", "--scope", "two", "--without-prowler", "--with-boto3-floor"]
    argv += ["--repeat", "1"]
    assert prowler_comparison.main(argv) == 0
    out = capsys.readouterr().out
    assert "| 4 | two checks | boto3 alone |" in out
    floor_line = next(line for line in out.splitlines() if "boto3 alone" in line and "judged" in line)
    assert "judged 4/4" in floor_line
    assert "8 requests" in floor_line or "9 requests" in floor_line  # 2 per bucket + ListBuckets


def test_the_boto3_floor_counts_a_failed_read_and_refuses_bad_threads(capsys):
    from benchmarks import boto3_floor

    with prowler_comparison.account(2, 0.0) as proxy, _environment(proxy.url):
        assert boto3_floor.read_all("two checks", 2) == {"buckets": 2, "failed_reads": 0}
    with moto_server() as endpoint, _environment(endpoint):
        boto3.client("s3", region_name=REGION).create_bucket(Bucket="floor-gone")
        real = boto3.client

        def failing_client(*args, **kwargs):
            client = real(*args, **kwargs)
            client.meta.events.register("before-call.s3.GetBucketPolicy", refusal("s3", "GetBucketPolicy"))
            return client

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(boto3, "client", failing_client)
            assert boto3_floor.read_all("two checks", 1) == {"buckets": 1, "failed_reads": 1}
    assert boto3_floor.main(["--threads", "0"]) == 2
    assert capsys.readouterr().err.strip() == "boto3_floor: --threads must be 1 to 256"
