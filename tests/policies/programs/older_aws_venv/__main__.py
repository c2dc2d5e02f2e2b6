"""Buckets written for pulumi-aws 6, pinned in ``requirements.txt`` and run from ``venv``.

pulumi-aws 6's ``s3.Bucket`` takes its access logging as ``loggings`` (a list) and its encryption
inline; version 7 renamed and moved them, so this program runs only with the packages of its own
virtualenv (``Pulumi.yaml``: ``virtualenv: venv``), as ``pulumi up`` would run it.
"""

from importlib import metadata

import pulumi
import pulumi_aws as aws
import pulumi_random as random

suffix = random.RandomId("suffix", byte_length=4)

logs = aws.s3.Bucket("access-logs", bucket=suffix.hex.apply(lambda hex_id: f"legacy-logs-{hex_id}"))

reports = aws.s3.Bucket(
    "reports",
    acl="private",
    versioning=aws.s3.BucketVersioningArgs(enabled=True),
    loggings=[aws.s3.BucketLoggingArgs(target_bucket=logs.id, target_prefix="reports/")],
    server_side_encryption_configuration={
        "rule": {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}},
    },
)

pulumi.export("pulumi_aws_version", metadata.version("pulumi-aws"))
pulumi.export("reports_bucket", reports.bucket)
