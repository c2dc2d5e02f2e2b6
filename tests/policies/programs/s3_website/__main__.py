"""A static website served from a public S3 bucket, as the S3-folder examples build it.

The objects come from the ``www`` folder next to the program (read with a relative path: Pulumi
runs a program in its own directory). The site is public on purpose: an ACL, a bucket policy that
lets anyone read, and a public access block that blocks nothing. The website endpoint is known
only once the bucket exists, so a preview cannot run the ``.apply`` below.
"""

import mimetypes
import os

import pulumi
import pulumi_aws as aws

site_bucket = aws.s3.Bucket("site")

ownership = aws.s3.BucketOwnershipControls(
    "site-ownership",
    bucket=site_bucket.id,
    rule={"object_ownership": "BucketOwnerPreferred"},
)

public_access = aws.s3.BucketPublicAccessBlock(
    "site-public-access",
    bucket=site_bucket.id,
    block_public_acls=False,
    block_public_policy=False,
    ignore_public_acls=False,
    restrict_public_buckets=False,
)

acl = aws.s3.BucketAcl(
    "site-acl",
    bucket=site_bucket.id,
    acl="public-read",
    opts=pulumi.ResourceOptions(depends_on=[ownership, public_access]),
)

website = aws.s3.BucketWebsiteConfiguration(
    "site-website",
    bucket=site_bucket.id,
    index_document={"suffix": "index.html"},
    error_document={"key": "404.html"},
)

content_dir = "www"
for name in sorted(os.listdir(content_dir)):
    path = os.path.join(content_dir, name)
    content_type, _ = mimetypes.guess_type(path)
    aws.s3.BucketObject(
        name,
        bucket=site_bucket.id,
        key=name,
        source=pulumi.FileAsset(path),
        content_type=content_type,
        opts=pulumi.ResourceOptions(depends_on=[acl]),
    )

policy = aws.s3.BucketPolicy(
    "site-policy",
    bucket=site_bucket.id,
    policy=pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject"],
                    "Resource": [pulumi.Output.concat(site_bucket.arn, "/*")],
                }
            ],
        }
    ),
    opts=pulumi.ResourceOptions(depends_on=[public_access]),
)

pulumi.export("bucket_name", site_bucket.bucket)
pulumi.export("website_url", website.website_endpoint.apply(lambda endpoint: "http://" + endpoint))
