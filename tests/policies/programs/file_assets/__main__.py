"""A function, its layer and its seed data, each taken from files beside the program.

Every path is relative (``app``, ``layer``, ``data/seed.json``, ``function-policy.json``), as
programs usually write them: Pulumi runs a program in its own directory.
"""

import json

import pulumi
import pulumi_aws as aws

with open("function-policy.json") as policy_file:
    function_policy = json.load(policy_file)

role = aws.iam.Role(
    "function-role",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    ),
)

aws.iam.RolePolicy("function-read", role=role.id, policy=json.dumps(function_policy))

layer = aws.lambda_.LayerVersion(
    "greeting-layer",
    layer_name="greeting",
    code=pulumi.FileArchive("layer"),
    compatible_runtimes=["python3.12"],
)

function = aws.lambda_.Function(
    "greeter",
    role=role.arn,
    runtime="python3.12",
    handler="main.handler",
    code=pulumi.FileArchive("app"),
    layers=[layer.arn],
)

data_bucket = aws.s3.Bucket("seed-data")

aws.s3.BucketObject("seed", bucket=data_bucket.id, key="seed.json", source=pulumi.FileAsset("data/seed.json"))

pulumi.export("function_name", function.name)
