"""A Pulumi program small enough to serve in a second: what the serve tests audit.

One customer key that rotates, one that does not, and a bucket encrypted with the first, so that
an audit of kms_key_rotation_enabled and s3_bucket_default_encryption_kms has a PASS and a FAIL.
"""

import pulumi_aws as aws

rotating = aws.kms.Key("rotating", description="tiny: rotates", enable_key_rotation=True, deletion_window_in_days=7)
aws.kms.Key("static", description="tiny: never rotates", enable_key_rotation=False, deletion_window_in_days=7)
bucket = aws.s3.Bucket("data", bucket="tiny-served-data")
aws.s3.BucketServerSideEncryptionConfiguration(
    "data-encryption",
    bucket=bucket.id,
    rules=[
        {
            "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": rotating.arn},
            "bucket_key_enabled": True,
        }
    ],
)
