"""The floor for any boto3 tool: the same reads as our audit, with nothing around them.

    python -m benchmarks.boto3_floor --scope "two checks" --threads 32

Lists the buckets (``ListBuckets``, regions included) and sends, per bucket, the reads our audit's
S3 checks send (``OPERATIONS``), from ``threads`` threads sharing one client and its connection
pool, as many as our audit keeps in flight for one account (``core.ACCOUNT_READS_IN_FLIGHT``). It
judges nothing and writes no report: what is left of a run's wall time is botocore's own work per
request (signing, endpoint rules, HTTP, parsing), the server's and the latency. Run through the
latency proxy beside our audit (``benchmarks.prowler_comparison --with-boto3-floor``), it tells how
much of our wall time is the audit's and how much any botocore client would spend here too.

Prints one JSON line: the buckets read and the reads that failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor

# Per bucket, by scope: the S3 reads our audit's checks send (see the README's requests-per-check table).
OPERATIONS = {
    "two checks": ("get_bucket_encryption", "get_bucket_policy"),
    "all S3": ("get_bucket_encryption", "get_bucket_policy", "get_public_access_block", "get_bucket_tagging"),
}
# S3 answers "this bucket has no such configuration" (NoSuchBucketPolicy, NoSuchTagSet, ...) with a
# 404, which our audit reads as an answer; any other error is a failed read.
NOT_CONFIGURED_STATUS = 404


def read_all(scope: str, threads: int) -> dict[str, int]:
    import boto3
    import botocore.config
    import botocore.exceptions

    client = boto3.client("s3", config=botocore.config.Config(max_pool_connections=threads))
    names = [bucket["Name"] for bucket in client.list_buckets(MaxBuckets=10000).get("Buckets", [])]
    operations = [getattr(client, name) for name in OPERATIONS[scope]]

    def one(name: str) -> int:
        failed = 0
        for operation in operations:
            try:
                operation(Bucket=name)
            except botocore.exceptions.ClientError as error:
                failed += error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != NOT_CONFIGURED_STATUS
        return failed

    with ThreadPoolExecutor(max_workers=threads) as pool:
        failed = sum(pool.map(one, names))
    return {"buckets": len(names), "failed_reads": failed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scope", choices=sorted(OPERATIONS), default="two checks")
    parser.add_argument("--threads", type=int, required=True, help="reads in flight (our audit's per account)")
    args = parser.parse_args(argv)
    if not 1 <= args.threads <= 256:
        print("boto3_floor: --threads must be 1 to 256", file=sys.stderr)
        return 2
    print(json.dumps(read_all(args.scope, args.threads)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
