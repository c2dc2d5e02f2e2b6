"""Lambda: functions (code archives, environment, KMS, VPC) and resource-based permissions."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pulumi

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles


def _add(archive: zipfile.ZipFile, name: str, item: Any) -> None:
    if isinstance(item, pulumi.StringAsset):
        archive.writestr(name, item.text)
    elif isinstance(item, pulumi.FileAsset):
        archive.write(item.path, name)
    elif isinstance(item, pulumi.FileArchive):
        _add_archive_file(archive, Path(item.path), prefix=f"{name}/")
    elif isinstance(item, pulumi.AssetArchive):
        for child, value in item.assets.items():
            _add(archive, f"{name}/{child}", value)
    else:
        raise ValueError(f"code asset {type(item).__name__} ({name}) is not simulated")


def _add_archive_file(archive: zipfile.ZipFile, path: Path, prefix: str = "") -> None:
    if path.is_dir():
        for root, _, files in os.walk(path):
            for file in sorted(files):
                full = Path(root) / file
                archive.write(full, prefix + str(full.relative_to(path)))
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as source:
            for info in source.infolist():
                archive.writestr(prefix + info.filename, source.read(info))
    else:
        raise ValueError(f"code archive {path} is neither a directory nor a zip file")


def zip_code(code: Any) -> bytes:
    """The deployment package a Pulumi archive stands for, zipped as Lambda wants it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if isinstance(code, pulumi.AssetArchive):
            for name, item in code.assets.items():
                _add(archive, name, item)
        elif isinstance(code, pulumi.FileArchive):
            _add_archive_file(archive, Path(code.path))
        else:
            raise ValueError(f"code {type(code).__name__} is not simulated (AssetArchive and FileArchive are)")
    return buffer.getvalue()


_NOT_SIMULATED = (
    "capacityProviderConfig",
    "durableConfig",
    "fileSystemConfig",
    "imageConfig",
    "snapStart",
    "tenancyConfig",
    "codeSigningConfigArn",
    "publishTo",
    "replacementSecurityGroupIds",
)


@handles("aws:lambda/function:Function")
def function(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    for key in _NOT_SIMULATED:
        if inputs.get(key):
            raise ValueError(f"{key} is not simulated")
    awslambda = ctx.client("lambda")
    tags = ctx.tags(inputs)
    name = ctx.physical_name(inputs.get("name"), max_length=64)
    if inputs.get("code") is not None:
        code: dict[str, Any] = {"ZipFile": zip_code(inputs["code"])}
    elif inputs.get("imageUri"):
        code = {"ImageUri": inputs["imageUri"]}
    else:
        code = drop_none(
            {"S3Bucket": inputs["s3Bucket"], "S3Key": inputs["s3Key"], "S3ObjectVersion": inputs.get("s3ObjectVersion")}
        )
    environment = inputs.get("environment")
    vpc = inputs.get("vpcConfig")
    logging = inputs.get("loggingConfig")
    params = drop_none(
        {
            "FunctionName": name,
            "Role": inputs["role"],
            "Runtime": inputs.get("runtime"),
            "Handler": inputs.get("handler"),
            "Code": code,
            "Description": inputs.get("description"),
            "Timeout": inputs.get("timeout"),
            "MemorySize": inputs.get("memorySize"),
            "Publish": inputs.get("publish"),
            "PackageType": inputs.get("packageType"),
            "Architectures": inputs.get("architectures"),
            "Layers": inputs.get("layers"),
            "KMSKeyArn": inputs.get("kmsKeyArn"),
            "SourceKMSKeyArn": inputs.get("sourceKmsKeyArn"),
            "Environment": {"Variables": environment.get("variables") or {}} if environment else None,
            "VpcConfig": drop_none(
                {
                    "SubnetIds": vpc.get("subnetIds"),
                    "SecurityGroupIds": vpc.get("securityGroupIds"),
                    "Ipv6AllowedForDualStack": vpc.get("ipv6AllowedForDualStack"),
                }
            )
            if vpc
            else None,
            "TracingConfig": {"Mode": inputs["tracingConfig"]["mode"]} if inputs.get("tracingConfig") else None,
            "DeadLetterConfig": {"TargetArn": inputs["deadLetterConfig"]["targetArn"]}
            if inputs.get("deadLetterConfig")
            else None,
            "EphemeralStorage": {"Size": inputs["ephemeralStorage"]["size"]}
            if inputs.get("ephemeralStorage")
            else None,
            "LoggingConfig": drop_none(
                {
                    "LogFormat": logging.get("logFormat"),
                    "ApplicationLogLevel": logging.get("applicationLogLevel"),
                    "SystemLogLevel": logging.get("systemLogLevel"),
                    "LogGroup": logging.get("logGroup"),
                }
            )
            if logging
            else None,
            "Tags": tags or None,
        }
    )
    inputs.ignore("codeSha256", "replaceSecurityGroupsOnDestroy", "useResourceTimeoutForPropagation")
    created = awslambda.create_function(**params)
    if inputs.get("reservedConcurrentExecutions") is not None and inputs["reservedConcurrentExecutions"] >= 0:
        awslambda.put_function_concurrency(
            FunctionName=name, ReservedConcurrentExecutions=inputs["reservedConcurrentExecutions"]
        )
    arn = created["FunctionArn"]
    return name, {
        "arn": arn,
        "name": name,
        "invokeArn": f"arn:aws:apigateway:{ctx.region}:lambda:path/2015-03-31/functions/{arn}/invocations",
        "qualifiedArn": f"{arn}:{created.get('Version', '$LATEST')}",
        "qualifiedInvokeArn": f"arn:aws:apigateway:{ctx.region}:lambda:path/2015-03-31/functions/"
        f"{arn}:{created.get('Version', '$LATEST')}/invocations",
        "version": created.get("Version", "$LATEST"),
        "sourceCodeHash": created.get("CodeSha256"),
        "codeSha256": created.get("CodeSha256"),
        "lastModified": created.get("LastModified"),
        "tagsAll": tags,
    }


@handles("aws:lambda/permission:Permission")
def permission(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    statement = inputs.get("statementId") or ctx.physical_name(None, inputs.get("statementIdPrefix"), max_length=100)
    params = drop_none(
        {
            "FunctionName": inputs["function"],
            "StatementId": statement,
            "Action": inputs["action"],
            "Principal": inputs["principal"],
            "SourceArn": inputs.get("sourceArn"),
            "SourceAccount": inputs.get("sourceAccount"),
            "EventSourceToken": inputs.get("eventSourceToken"),
            "Qualifier": inputs.get("qualifier"),
            "PrincipalOrgID": inputs.get("principalOrgId"),
            "FunctionUrlAuthType": inputs.get("functionUrlAuthType"),
            "InvokedViaFunctionUrl": inputs.get("invokedViaFunctionUrl"),
        }
    )
    ctx.client("lambda").add_permission(**params)
    return statement, {"statementId": statement}
