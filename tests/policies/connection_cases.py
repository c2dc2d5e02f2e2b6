"""A secure bucket (the data-call-recordings SecureBucket of prod) and its connected resources.

Checkov's connection checks judge a bucket by the resources that reference it: its encryption
configuration, public access block, policy, logging, versioning and lifecycle configuration.
The exporter writes those references into the plan's configuration; these variants show that the
checks connect them (all pass), that each connected resource is what makes its check pass (remove
it and exactly that check fails), and that the link is the configuration's reference (drop the
references, keep every resource and its literal bucket name, and every connection check fails).
"""

from __future__ import annotations

import copy
from typing import Any

from policies import gate
from tests.policies.batch import Plans, Sources, exported
from tests.policies.rendering_edits import find, subset, without

COMPONENT = "data-call-recordings"
BUCKET_NAME = f"{COMPONENT}-bucket"
# connection check -> the connected resource (type token, logical name) that satisfies it
CONNECTIONS: dict[str, tuple[str, str]] = {
    "CKV2_AWS_6": ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{COMPONENT}-public-access"),
    "CKV_AWS_145": (
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        f"{COMPONENT}-encryption",
    ),
    "CKV_AWS_18": ("aws:s3/bucketLogging:BucketLogging", f"{COMPONENT}-access-logging"),
    "CKV_AWS_21": ("aws:s3/bucketVersioning:BucketVersioning", f"{COMPONENT}-versioning"),
    "CKV2_AWS_61": ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", f"{COMPONENT}-lifecycle"),
    "LP_S3_BUCKET_HAS_POLICY": ("aws:s3/bucketPolicy:BucketPolicy", f"{COMPONENT}-policy"),
}


def _unlinked(plan: dict[str, Any], bucket_address: str, bucket_name: str) -> dict[str, Any]:
    """The plan with no references: every resource names the bucket by its literal name instead."""
    plan = copy.deepcopy(plan)
    referencing = set()
    for resource in plan["configuration"]["root_module"]["resources"]:
        if any(bucket_address in str(e) for e in resource["expressions"].values()):
            referencing.add(resource["address"])
        resource["expressions"] = {}
    for resource in plan["planned_values"]["root_module"]["resources"]:
        if resource["address"] in referencing:
            resource["values"].setdefault("bucket", bucket_name)
    return plan


def plans(sources: Sources) -> Plans:
    component = find(sources.prod, "leadping:storage:SecureBucket", COMPONENT)
    bucket = subset(sources.prod, component.urn)
    complete = gate.export_rendering(bucket)
    found = {"complete": exported(complete)}
    for check_id, (type_token, name) in CONNECTIONS.items():
        found[f"without_{check_id}"] = exported(gate.export_rendering(without(bucket, type_token, name)))
    address = next(a for a, r in complete.resources.items() if r.name == BUCKET_NAME)
    bucket_name = find(bucket, "aws:s3/bucket:Bucket", BUCKET_NAME).outputs["bucket"]
    found["unlinked"] = (_unlinked(complete.plan, address, bucket_name), exported(complete)[1])
    return found
