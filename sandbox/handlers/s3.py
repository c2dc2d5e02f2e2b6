"""S3: buckets and their encryption, policy, versioning, public access block, lifecycle, logging,
Object Lock and ownership controls."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, policy_text, tag_list

# The Bucket resource's inline (deprecated in pulumi-aws v7) configuration blocks, and BucketV2's
# plural names for them. The program uses the separate resources; if one is set, the sandbox
# refuses rather than ignoring it.
_INLINE = (
    "accelerationStatus",
    "acl",
    "corsRules",
    "grants",
    "lifecycleRules",
    "logging",
    "loggings",
    "objectLockConfiguration",
    "policy",
    "replicationConfiguration",
    "replicationConfigurations",
    "requestPayer",
    "serverSideEncryptionConfiguration",
    "serverSideEncryptionConfigurations",
    "versioning",
    "versionings",
    "website",
    "websites",
)


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


@handles("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
def bucket(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    inline = [key for key in _INLINE if inputs.get(key) not in (None, [], {})]
    if inline:
        raise ValueError(
            f"inline bucket settings {inline} are deprecated in pulumi-aws v7 and not simulated; "
            f"use the separate s3 resources"
        )
    name = ctx.physical_name(inputs.get("bucket"), inputs.get("bucketPrefix"), max_length=63, lower=True)
    s3 = ctx.client("s3")
    params: dict[str, Any] = {"Bucket": name}
    if ctx.region != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
    if inputs.get("objectLockEnabled"):
        params["ObjectLockEnabledForBucket"] = True
    if inputs.get("bucketNamespace") not in (None, "global"):
        raise ValueError(f"bucket namespace {inputs.get('bucketNamespace')!r} is not simulated")
    s3.create_bucket(**params)
    tags = ctx.tags(inputs)
    if tags:
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(tags)})
    return name, {
        "bucket": name,
        "arn": bucket_arn(name),
        "bucketDomainName": f"{name}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{name}.s3.{ctx.region}.amazonaws.com",
        "region": ctx.region,
        "objectLockEnabled": bool(inputs.get("objectLockEnabled")),
        "tagsAll": tags,
    }


@handles(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
def encryption(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = inputs["bucket"]
    rules = []
    for rule in inputs["rules"]:
        default = rule.get("applyServerSideEncryptionByDefault") or {}
        converted: dict[str, Any] = {
            "ApplyServerSideEncryptionByDefault": drop_none(
                {"SSEAlgorithm": default.get("sseAlgorithm"), "KMSMasterKeyID": default.get("kmsMasterKeyId")}
            )
        }
        if rule.get("bucketKeyEnabled") is not None:
            converted["BucketKeyEnabled"] = rule["bucketKeyEnabled"]
        if rule.get("blockedEncryptionTypes"):
            raise ValueError("blockedEncryptionTypes is not simulated")
        rules.append(converted)
    s3 = ctx.client("s3")
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    stored = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    for wanted, got in zip(rules, stored, strict=False):
        if wanted.get("BucketKeyEnabled") and not got.get("BucketKeyEnabled"):
            ctx.gap(
                "s3:PutBucketEncryption",
                "moto did not store BucketKeyEnabled",
                checks=("s3_bucket_default_encryption_kms",),
                resource_id=bucket_arn(name),
            )
    return name, {}


@handles("aws:s3/bucketPolicy:BucketPolicy")
def policy(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = inputs["bucket"]
    ctx.client("s3").put_bucket_policy(Bucket=name, Policy=policy_text(inputs["policy"]))
    return name, {}


@handles("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
def versioning(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = inputs["bucket"]
    config = inputs["versioningConfiguration"]
    if inputs.get("mfa"):
        raise ValueError("MFA delete (mfa) needs the root user's MFA device; not simulated")
    params = drop_none({"Status": config.get("status"), "MFADelete": config.get("mfaDelete")})
    ctx.client("s3").put_bucket_versioning(Bucket=name, VersioningConfiguration=params)
    return name, {}


@handles("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
def public_access_block(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = inputs["bucket"]
    config = {
        "BlockPublicAcls": bool(inputs.get("blockPublicAcls")),
        "IgnorePublicAcls": bool(inputs.get("ignorePublicAcls")),
        "BlockPublicPolicy": bool(inputs.get("blockPublicPolicy")),
        "RestrictPublicBuckets": bool(inputs.get("restrictPublicBuckets")),
    }
    ctx.client("s3").put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=config)
    return name, {}


@handles("aws:s3/bucketOwnershipControls:BucketOwnershipControls")
def ownership_controls(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = inputs["bucket"]
    rule = inputs["rule"]
    ctx.client("s3").put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": rule["objectOwnership"]}]}
    )
    return name, {}


def _lifecycle_filter(rule: dict[str, Any]) -> dict[str, Any]:
    flt = rule.get("filter")
    if not flt:
        # Without a filter or prefix a rule applies to every object (provider default).
        return {"Filter": {"Prefix": rule.get("prefix") or ""}}
    converted: dict[str, Any] = {}
    if flt.get("and"):
        both = flt["and"]
        converted["And"] = drop_none(
            {
                "Prefix": both.get("prefix"),
                "Tags": tag_list(both.get("tags")) or None,
                "ObjectSizeGreaterThan": both.get("objectSizeGreaterThan"),
                "ObjectSizeLessThan": both.get("objectSizeLessThan"),
            }
        )
    elif flt.get("tag"):
        converted["Tag"] = {"Key": flt["tag"]["key"], "Value": flt["tag"]["value"]}
    elif flt.get("objectSizeGreaterThan") is not None:
        converted["ObjectSizeGreaterThan"] = int(flt["objectSizeGreaterThan"])
    elif flt.get("objectSizeLessThan") is not None:
        converted["ObjectSizeLessThan"] = int(flt["objectSizeLessThan"])
    else:
        converted["Prefix"] = flt.get("prefix") or ""
    return {"Filter": converted}


def lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """One pulumi-aws lifecycle rule as the S3 API's LifecycleRule."""
    converted: dict[str, Any] = {"ID": rule["id"], "Status": rule["status"], **_lifecycle_filter(rule)}
    expiration = rule.get("expiration")
    if expiration:
        converted["Expiration"] = drop_none(
            {
                "Days": expiration.get("days"),
                "Date": expiration.get("date"),
                "ExpiredObjectDeleteMarker": expiration.get("expiredObjectDeleteMarker"),
            }
        )
    if rule.get("transitions"):
        converted["Transitions"] = [
            drop_none({"Days": t.get("days"), "Date": t.get("date"), "StorageClass": t["storageClass"]})
            for t in rule["transitions"]
        ]
    if rule.get("noncurrentVersionTransitions"):
        converted["NoncurrentVersionTransitions"] = [
            drop_none(
                {
                    "NoncurrentDays": t.get("noncurrentDays"),
                    "StorageClass": t["storageClass"],
                    "NewerNoncurrentVersions": t.get("newerNoncurrentVersions"),
                }
            )
            for t in rule["noncurrentVersionTransitions"]
        ]
    noncurrent = rule.get("noncurrentVersionExpiration")
    if noncurrent:
        converted["NoncurrentVersionExpiration"] = drop_none(
            {
                "NoncurrentDays": noncurrent.get("noncurrentDays"),
                "NewerNoncurrentVersions": noncurrent.get("newerNoncurrentVersions"),
            }
        )
    abort = rule.get("abortIncompleteMultipartUpload")
    if abort:
        converted["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": abort["daysAfterInitiation"]}
    return converted


@handles(
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
def lifecycle(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = inputs["bucket"]
    rules = [lifecycle_rule(rule) for rule in inputs["rules"]]
    params: dict[str, Any] = {"Bucket": name, "LifecycleConfiguration": {"Rules": rules}}
    if inputs.get("transitionDefaultMinimumObjectSize"):
        params["TransitionDefaultMinimumObjectSize"] = inputs["transitionDefaultMinimumObjectSize"]
    ctx.client("s3").put_bucket_lifecycle_configuration(**params)
    return name, {}


@handles("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
def logging(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = inputs["bucket"]
    enabled: dict[str, Any] = {"TargetBucket": inputs["targetBucket"], "TargetPrefix": inputs.get("targetPrefix") or ""}
    key_format = inputs.get("targetObjectKeyFormat")
    if key_format:
        if key_format.get("partitionedPrefix"):
            source = key_format["partitionedPrefix"].get("partitionDateSource") or "DeliveryTime"
            enabled["TargetObjectKeyFormat"] = {"PartitionedPrefix": {"PartitionDateSource": source}}
        else:
            enabled["TargetObjectKeyFormat"] = {"SimplePrefix": {}}
    if inputs.get("targetGrants"):
        raise ValueError("targetGrants are not simulated")
    s3 = ctx.client("s3")
    s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": enabled})
    stored = s3.get_bucket_logging(Bucket=name).get("LoggingEnabled") or {}
    if enabled.get("TargetObjectKeyFormat") and not stored.get("TargetObjectKeyFormat"):
        ctx.gap("s3:PutBucketLogging", "moto did not store the log object key format (TargetObjectKeyFormat)")
    return name, {}


@handles(
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
)
def object_lock(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = inputs["bucket"]
    config: dict[str, Any] = {"ObjectLockEnabled": inputs.get("objectLockEnabled") or "Enabled"}
    rule = inputs.get("rule")
    if rule and rule.get("defaultRetention"):
        retention = rule["defaultRetention"]
        config["Rule"] = {
            "DefaultRetention": drop_none(
                {"Mode": retention.get("mode"), "Days": retention.get("days"), "Years": retention.get("years")}
            )
        }
    if inputs.get("token"):
        raise ValueError("an Object Lock token is only for buckets created outside S3's API; not simulated")
    ctx.client("s3").put_object_lock_configuration(Bucket=name, ObjectLockConfiguration=config)
    return name, {}
