"""The request benchmarks measure what they say: the latency proxy counts every request it passes
and how many were in flight; requests_per_check finds what grows per resource; the Prowler
comparison's own half (our audit through the proxy) judges every bucket."""

from __future__ import annotations

import threading

import boto3
import pytest

from benchmarks import prowler_comparison, requests_per_check
from benchmarks.audit_requests import REGION, _environment, moto_server
from benchmarks.latency_proxy import LatencyProxy, kind
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
    assert prowler_comparison.main(["--buckets", "5", "--latency-ms", "1", "--scope", "two", "--without-prowler"]) == 0
    out = capsys.readouterr().out
    assert "| 5 | two checks | ours |" in out
    assert "judged 5/5" in out
    assert "incomplete" not in out


def test_the_comparison_refuses_bad_counts_in_one_line(capsys):
    assert prowler_comparison.main(["--buckets", "0"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "bucket counts must be at least 1" in line


def test_an_account_holds_only_its_own_buckets_whatever_ran_before_it():
    """moto keeps its backends in the process: each benchmark account starts from a reset server."""
    for buckets in (3, 1):
        with prowler_comparison.account(buckets, 0.0) as proxy:
            s3 = boto3.client("s3", region_name=REGION, endpoint_url=proxy.url)
            assert len(s3.list_buckets()["Buckets"]) == buckets


def test_the_latency_proxy_answers_without_waiting_for_nagle():
    # Headers and body go out as two writes: with Nagle's algorithm on, every answer would also wait
    # for the client's delayed acknowledgement (~40 ms), more latency than the benchmark says it adds.
    from benchmarks.latency_proxy import _InProcessProxy

    proxy = _InProcessProxy("http://127.0.0.1:9", 0.0)
    try:
        assert proxy._handler().disable_nagle_algorithm is True
    finally:
        proxy._server.server_close()


def test_the_boto3_floor_reads_every_bucket_and_sits_beside_our_audit_in_the_table(capsys):
    argv = ["--buckets", "4", "--latency-ms", "1", "--scope", "two", "--without-prowler", "--with-boto3-floor"]
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
