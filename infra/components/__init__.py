"""One ComponentResource per capability; each is secure by default.

pulumi_aws warns about each deprecated class of a submodule (``s3.BucketV2``, ...) as soon as the
submodule is imported, whether the program uses the class or not. Importing the submodules the
components use here, with those import-time notices muted, keeps the render's warning list about
what the program does: a deprecated resource or property that a component actually uses still
warns when it is constructed (outside this block), and the render test fails on it.
"""

import importlib
import warnings

_AWS_SUBMODULES = (
    "acm", "apigatewayv2", "backup", "cloudtrail", "cloudwatch", "cognito", "dynamodb", "ebs", "ec2", "guardduty",
    "iam", "kinesis", "kms", "lambda_", "lb", "rds", "route53", "s3", "secretsmanager", "securityhub", "sns", "sqs",
    "vpc", "wafv2",
)  # fmt: skip

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"pulumi_aws\.")
    for _submodule in _AWS_SUBMODULES:
        # pulumi_aws imports its submodules lazily; reading a (non-introspection) attribute loads one.
        getattr(importlib.import_module(f"pulumi_aws.{_submodule}"), "_utilities", None)
