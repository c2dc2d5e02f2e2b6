"""Per-resource reads inside a check run concurrently: wall time tracks requests / concurrency.

    .venv/bin/python -m benchmarks.per_resource_reads [--topics 40] [--latency-ms 50] [--repeat 3]

Creates the topics in moto (in process), each encrypted with one customer key, and runs the live
check ``sns_topic_encrypted_cmk`` (one GetTopicAttributes per topic, the key read once) on a fresh
reader, with every request delayed by ``--latency-ms`` (a botocore ``before-send`` hook), once with
one read in flight at a time and once with ``core.PER_RESOURCE_WORKERS``. Prints the median wall
times and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time

import boto3
from moto import mock_aws

from compliance_checks import core, registry
from compliance_checks.core import CheckContext, Status, execute
from compliance_checks.reader import Reader

REGION = "us-east-1"


def _run(session: boto3.Session, workers: int) -> float:
    previous, core.PER_RESOURCE_WORKERS = core.PER_RESOURCE_WORKERS, workers
    try:
        reader = Reader(session, [REGION])
        started = time.perf_counter()
        results = execute(registry.get("sns_topic_encrypted_cmk")(), CheckContext(reader))
        elapsed = time.perf_counter() - started
    finally:
        core.PER_RESOURCE_WORKERS = previous
    if not results or any(r.status is not Status.PASS for r in results):
        raise SystemExit(f"the check did not pass every topic: {results[:1]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=40)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        key = session.client("kms").create_key()["KeyMetadata"]["Arn"]
        sns = session.client("sns")
        for i in range(args.topics):
            sns.create_topic(Name=f"topic-{i}", Attributes={"KmsMasterKeyId": key})
        session.events.register("before-send", lambda **_: time.sleep(args.latency_ms / 1000))
        serial = statistics.median(_run(session, 1) for _ in range(args.repeat))
        concurrent = statistics.median(_run(session, core.PER_RESOURCE_WORKERS) for _ in range(args.repeat))
    print(f"{args.topics} topics, {args.latency_ms} ms per request, median of {args.repeat}:")
    print(f"  one read at a time: {serial:.2f} s")
    print(f"  {core.PER_RESOURCE_WORKERS} in flight:        {concurrent:.2f} s  (x{serial / concurrent:.1f} faster)")


if __name__ == "__main__":
    main()
