"""How many AWS requests an audit sends: the S3 checks against a moto server with many buckets.

    .venv/bin/python -m benchmarks.audit_requests [--buckets 200]

Starts moto's ThreadedMotoServer on 127.0.0.1 (a free port) with the sandbox's fixes (so that it
answers ListBuckets as AWS does: each bucket's region, pages of MaxBuckets), creates the buckets (SSE-KMS with one
customer key, a TLS-only policy), then runs ``audit --checks s3_bucket_default_encryption_kms
s3_bucket_policy_tls_only`` through the real command line with AWS_ENDPOINT_URL pointing at the
server, and counts the requests the server received (werkzeug's request log) during the audit
only. The budget is 2 requests per bucket (its encryption, its policy) plus a small fixed number;
``benchmarks.prowler_comparison`` measures Prowler on the same kind of server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import sys
import tempfile
import threading
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHECKS = ("s3_bucket_default_encryption_kms", "s3_bucket_policy_tls_only")
PER_BUCKET_BUDGET = 2
FIXED_BUDGET = 10
REGION = "us-east-1"
_REQUEST_LINE = re.compile(r'"(GET|POST|PUT|DELETE|HEAD|PATCH) (\S+) HTTP/[\d.]+"')


class _RequestLog(logging.Handler):
    """Counts the request lines werkzeug logs for the moto server."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self.counting = False

    def emit(self, record: logging.LogRecord) -> None:
        match = _REQUEST_LINE.search(record.getMessage())
        if match and self.counting:
            with self._lock:
                self.lines.append(f"{match.group(1)} {match.group(2)}")


@dataclass
class Measurement:
    buckets: int
    checks: tuple[str, ...]
    requests: int
    exit_code: int
    by_kind: Counter[str] = field(default_factory=Counter)
    client_reads: int = 0

    @property
    def per_bucket(self) -> float:
        return self.requests / self.buckets if self.buckets else float(self.requests)

    @property
    def budget(self) -> int:
        return PER_BUCKET_BUDGET * self.buckets + FIXED_BUDGET


def _kind(line: str) -> str:
    """'GET /bucket-7?encryption' -> 'GET /<bucket>?encryption' (one row per API in the summary)."""
    method, _, target = line.partition(" ")
    path, _, query = target.partition("?")
    keys = sorted(part.split("=", 1)[0] for part in query.split("&") if part) if query else []
    shape = "/" if path in ("", "/") else "/<bucket>"
    return f"{method} {shape}{'?' + '&'.join(keys) if keys else ''}"


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 that answers as AWS does where the sandbox fixes moto."""
    from moto.server import ThreadedMotoServer

    from sandbox.moto_compat import fixes

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    with fixes():
        server.start()
        try:
            host, port = server.get_host_and_port()
            # moto keeps its backends in the process: without a reset, a server started after another
            # would hold the earlier one's resources (a 200-bucket account after a 1,000-bucket one).
            reset = urllib.request.Request(f"http://{host}:{port}/moto-api/reset", method="POST")
            with urllib.request.urlopen(reset, timeout=60) as answer:  # noqa: S310 - our loopback server
                answer.read()
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@contextlib.contextmanager
def _environment(endpoint: str) -> Iterator[None]:
    # Benchmark credentials for the local moto server only; AWS_ENDPOINT_URL keeps every call local.
    values = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "benchmark",
        "AWS_SECRET_ACCESS_KEY": "benchmark",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _populate(buckets: int) -> None:
    import boto3

    key = boto3.client("kms", region_name=REGION).create_key(Description="benchmark")["KeyMetadata"]["Arn"]
    s3 = boto3.client("s3", region_name=REGION)
    for i in range(buckets):
        name = f"leadping-bench-{i:04d}"
        s3.create_bucket(Bucket=name)
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
                        "BucketKeyEnabled": True,
                    }
                ]
            },
        )
        statement = {
            "Sid": "TlsOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))


def available_checks() -> tuple[str, ...]:
    from compliance_checks import registry

    return tuple(c for c in CHECKS if c in registry.all_checks())


def measure(buckets: int = 200, checks: tuple[str, ...] | None = None) -> Measurement:
    """Runs the audit against a fresh moto server with ``buckets`` buckets; counts server requests."""
    from compliance_checks import cli

    checks = checks or available_checks()
    log = _RequestLog()
    werkzeug = logging.getLogger("werkzeug")
    previous_level, previous_propagate = werkzeug.level, werkzeug.propagate
    werkzeug.addHandler(log)
    werkzeug.setLevel(logging.INFO)
    werkzeug.propagate = False
    try:
        with moto_server() as endpoint, _environment(endpoint), tempfile.TemporaryDirectory() as out:
            _populate(buckets)
            log.counting = True
            code = cli.main(["audit", "--quiet", "--checks", *checks, "--format", "json", "--output-dir", out])
            log.counting = False
            report = json.loads((Path(out) / "audit.json").read_text()) if code in (0, 1, 3) else {}
    finally:
        werkzeug.removeHandler(log)
        werkzeug.setLevel(previous_level)
        werkzeug.propagate = previous_propagate
    return Measurement(
        buckets=buckets,
        checks=tuple(checks),
        requests=len(log.lines),
        exit_code=code,
        by_kind=Counter(_kind(line) for line in log.lines),
        client_reads=int(report.get("metadata", {}).get("requests", 0)),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buckets", type=int, default=200)
    args = parser.parse_args(argv)
    result = measure(args.buckets)
    missing = sorted(set(CHECKS) - set(result.checks))
    print(f"checks: {' '.join(result.checks)}" + (f" (not written yet: {', '.join(missing)})" if missing else ""))
    print(f"audit exit code: {result.exit_code}")
    for kind, count in result.by_kind.most_common():
        print(f"  {count:6d}  {kind}")
    print(f"requests received by the server during the audit: {result.requests}")
    print(f"reads the audit counted (client side): {result.client_reads}")
    print(f"per bucket: {result.per_bucket:.2f} ({result.buckets} buckets)")
    print(
        f"budget: {PER_BUCKET_BUDGET} per bucket + {FIXED_BUDGET} = {result.budget}: "
        + ("within" if result.requests <= result.budget else "OVER")
    )
    return 0 if result.requests <= result.budget else 1


if __name__ == "__main__":
    sys.exit(main())
