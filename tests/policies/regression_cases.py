"""Changes to the prod stack the gate must stop, each with exactly the checks it must fail.

Each regression edits the rendered prod program the way a change to infra/ would (an input set or
removed, a resource removed) and is exported and scanned like the real stack, in the session's
Checkov batch. ``expected`` lists every (check, Pulumi resource) failure the change causes: the
control the issue names (a Leadping check or a built-in one) and any other check that the same
mistake rightly fails too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from infra.render import Rendering
from policies import gate
from tests.policies.batch import Plans, Sources, exported
from tests.policies.rendering_edits import find, with_inputs, with_policy, without

KEY = "aws:kms/key:Key"
LISTENER = "aws:lb/listener:Listener"
POLICY = "aws:iam/policy:Policy"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
TABLE = "aws:dynamodb/table:Table"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


@dataclass(frozen=True)
class Regression:
    name: str
    mutate: Callable[[Rendering], Rendering]
    expected: frozenset[tuple[str, str]]  # (check id, Pulumi logical name)


def _forward_plain_http(prod: Rendering) -> Rendering:
    https = find(prod, LISTENER, "ingress-https")
    target_group = https.inputs["defaultActions"][0]["targetGroupArn"]
    return with_inputs(
        prod,
        LISTENER,
        "ingress-http-redirect",
        {"defaultActions": [{"type": "forward", "targetGroupArn": target_group}]},
    )


def _add_statement(statement: dict) -> Callable[[dict], dict]:
    def edit(document: dict) -> dict:
        return {**document, "Statement": [*document["Statement"], statement]}

    return edit


def _bucket_policy_without_tls(prod: Rendering) -> Rendering:
    arn = find(prod, "aws:s3/bucket:Bucket", "data-call-recordings-bucket").outputs["arn"]

    def edit(document: dict) -> dict:
        kept = [s for s in document["Statement"] if s.get("Sid") != "DenyInsecureTransport"]
        kept.append(
            {
                "Sid": "DenyUnencryptedUploads",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"{arn}/*",
                "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
            }
        )
        return {**document, "Statement": kept}

    return with_policy(prod, BUCKET_POLICY, "data-call-recordings-policy", edit)


REGRESSIONS = (
    Regression(
        "key_rotation_off",
        lambda prod: with_inputs(
            prod, KEY, "data-keys-leads", {"enableKeyRotation": False}, remove=["rotationPeriodInDays"]
        ),
        frozenset({("CKV_AWS_7", "data-keys-leads")}),
    ),
    Regression(
        "http_listener_forwards",
        _forward_plain_http,
        frozenset(
            {
                ("LP_ELB_HTTP_LISTENER_REDIRECTS", "ingress-http-redirect"),
                ("CKV_AWS_2", "ingress-http-redirect"),  # the listener serves plain HTTP
                ("CKV_AWS_103", "ingress-http-redirect"),  # ... so no TLS 1.2 on it either
                ("CKV2_AWS_20", "ingress-alb"),  # the load balancer no longer redirects HTTP to HTTPS
            }
        ),
    ),
    Regression(
        "listener_on_2016_08_policy",
        lambda prod: with_inputs(prod, LISTENER, "ingress-https", {"sslPolicy": "ELBSecurityPolicy-2016-08"}),
        frozenset(
            {
                ("LP_ELB_LISTENER_TLS_POLICY", "ingress-https"),
                ("CKV_AWS_103", "ingress-https"),  # the 2016-08 policy admits TLS 1.0 and 1.1
                ("CKV2_AWS_74", "ingress-https"),  # ... and weak ciphers
            }
        ),
    ),
    Regression(
        "workload_role_s3_star_on_everything",
        lambda prod: with_policy(
            prod,
            POLICY,
            "access-api-policy",
            _add_statement({"Sid": "EverythingInS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
        ),
        frozenset(
            {
                ("LP_IAM_WORKLOAD_DATA_WILDCARD", "access-api-policy"),
                # s3:* on * also reaches every business's objects, outside businesses/<business_id>/
                ("LP_IAM_TENANT_SCOPED_ACCESS", "access-api-policy"),
                ("CKV_AWS_288", "access-api-policy"),  # data exfiltration
                ("CKV_AWS_289", "access-api-policy"),  # permissions management without constraints
                ("CKV_AWS_290", "access-api-policy"),  # write access without constraints
                ("CKV_AWS_355", "access-api-policy"),  # "*" as the resource of restrictable actions
            }
        ),
    ),
    Regression(
        "bucket_policy_without_tls_statement",
        _bucket_policy_without_tls,
        frozenset({("LP_S3_BUCKET_POLICY_TLS_ONLY", "data-call-recordings-policy")}),
    ),
    Regression(
        "bucket_without_policy",
        lambda prod: without(prod, BUCKET_POLICY, "data-call-recordings-policy"),
        frozenset({("LP_S3_BUCKET_HAS_POLICY", "data-call-recordings-bucket")}),
    ),
    Regression(
        "table_without_point_in_time_recovery",
        lambda prod: with_inputs(prod, TABLE, "data-leads-table", {"pointInTimeRecovery": {"enabled": False}}),
        frozenset({("CKV_AWS_28", "data-leads-table")}),
    ),
    Regression(
        "log_group_without_kms_key",
        lambda prod: with_inputs(prod, LOG_GROUP, "data-db-postgresql-logs", remove=["kmsKeyId"]),
        frozenset({("CKV_AWS_158", "data-db-postgresql-logs")}),
    ),
)


def plans(sources: Sources) -> Plans:
    found = {"prod_unchanged": exported(gate.export_rendering(sources.prod))}
    for regression in REGRESSIONS:
        found[regression.name] = exported(gate.export_rendering(regression.mutate(sources.prod)))
    return found
