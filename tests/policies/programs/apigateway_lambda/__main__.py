"""A Lambda function behind an API Gateway REST API, as the serverless examples build it.

The function's code is the ``hello_lambda`` folder next to the program; the API is described by a
Swagger body that embeds the function's ARN; the permission for API Gateway to call the function
is scoped to the stage's execution ARN, which exists only once the stage does (unknown in a
preview: the ``.apply`` does not run).
"""

import iam
import pulumi
import pulumi_aws as aws

region = aws.config.region
stage_name = "example"

function = aws.lambda_.Function(
    "hello",
    role=iam.lambda_role.arn,
    runtime="python3.12",
    handler="hello.handler",
    code=pulumi.AssetArchive({".": pulumi.FileArchive("./hello_lambda")}),
)


def swagger_route(function_arn):
    return {
        "x-amazon-apigateway-any-method": {
            "x-amazon-apigateway-integration": {
                "uri": pulumi.Output.format(
                    "arn:aws:apigateway:{0}:lambda:path/2015-03-31/functions/{1}/invocations", region, function_arn
                ),
                "passthroughBehavior": "when_no_match",
                "httpMethod": "POST",
                "type": "aws_proxy",
            }
        }
    }


rest_api = aws.apigateway.RestApi(
    "api",
    body=pulumi.Output.json_dumps(
        {
            "swagger": "2.0",
            "info": {"title": "api", "version": "1.0"},
            "paths": {"/{proxy+}": swagger_route(function.arn)},
        }
    ),
)

deployment = aws.apigateway.Deployment("api-deployment", rest_api=rest_api.id)

stage = aws.apigateway.Stage("api-stage", rest_api=rest_api.id, deployment=deployment.id, stage_name=stage_name)

permission = aws.lambda_.Permission(
    "api-invoke",
    action="lambda:InvokeFunction",
    function=function.name,
    principal="apigateway.amazonaws.com",
    source_arn=stage.execution_arn.apply(lambda arn: arn + "/*/*"),
)

pulumi.export("url", stage.invoke_url)
