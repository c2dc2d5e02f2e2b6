"""RDS: DB instances and clusters (encryption, backups, deletion protection), parameter groups
(rds.force_ssl), subnet groups."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, tag_list

_FORCE_SSL_CHECK = ("rds_force_ssl",)


@handles("aws:rds/subnetGroup:SubnetGroup")
def subnet_group(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    tags = ctx.tags(inputs)
    name = ctx.physical_name(inputs.get("name"), inputs.get("namePrefix"), max_length=255, lower=True)
    created = ctx.client("rds").create_db_subnet_group(
        **drop_none(
            {
                "DBSubnetGroupName": name,
                "DBSubnetGroupDescription": inputs.get("description") or "Managed by Pulumi",
                "SubnetIds": inputs["subnetIds"],
                "Tags": tag_list(tags) or None,
            }
        )
    )["DBSubnetGroup"]
    return name, {"arn": created["DBSubnetGroupArn"], "name": name, "vpcId": created.get("VpcId"), "tagsAll": tags}


def _parameter_group(inputs: Inputs, ctx: Context, cluster: bool) -> tuple[str, Outputs]:
    rds = ctx.client("rds")
    tags = ctx.tags(inputs)
    name = ctx.physical_name(inputs.get("name"), inputs.get("namePrefix"), max_length=255, lower=True)
    kind = "DBClusterParameterGroup" if cluster else "DBParameterGroup"
    create = rds.create_db_cluster_parameter_group if cluster else rds.create_db_parameter_group
    created = create(
        **drop_none(
            {
                f"{kind}Name": name,
                "DBParameterGroupFamily": inputs["family"],
                "Description": inputs.get("description") or "Managed by Pulumi",
                "Tags": tag_list(tags) or None,
            }
        )
    )[kind]
    arn = created[f"{kind}Arn"]
    parameters = [
        {
            "ParameterName": p["name"],
            "ParameterValue": str(p["value"]),
            "ApplyMethod": p.get("applyMethod") or "immediate",
        }
        for p in inputs.get("parameters") or []
    ]
    if parameters:
        modify = rds.modify_db_cluster_parameter_group if cluster else rds.modify_db_parameter_group
        modify(**{f"{kind}Name": name, "Parameters": parameters})
        describe = rds.describe_db_cluster_parameters if cluster else rds.describe_db_parameters
        stored = {p["ParameterName"]: p.get("ParameterValue") for p in describe(**{f"{kind}Name": name})["Parameters"]}
        for parameter in parameters:
            if (
                parameter["ParameterName"] == "rds.force_ssl"
                and stored.get("rds.force_ssl") != parameter["ParameterValue"]
            ):
                ctx.gap(
                    f"rds:Modify{kind}",
                    "moto did not store rds.force_ssl",
                    checks=_FORCE_SSL_CHECK,
                    resource_id=arn,
                )
    return name, {"arn": arn, "name": name, "tagsAll": tags}


@handles("aws:rds/parameterGroup:ParameterGroup")
def parameter_group(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    return _parameter_group(inputs, ctx, cluster=False)


@handles("aws:rds/clusterParameterGroup:ClusterParameterGroup")
def cluster_parameter_group(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    return _parameter_group(inputs, ctx, cluster=True)


# Instance inputs that map one to one onto CreateDBInstance parameters.
_INSTANCE_PARAMETERS = {
    "engine": "Engine",
    "engineVersion": "EngineVersion",
    "instanceClass": "DBInstanceClass",
    "allocatedStorage": "AllocatedStorage",
    "maxAllocatedStorage": "MaxAllocatedStorage",
    "storageType": "StorageType",
    "iops": "Iops",
    "storageThroughput": "StorageThroughput",
    "storageEncrypted": "StorageEncrypted",
    "kmsKeyId": "KmsKeyId",
    "dbName": "DBName",
    "username": "MasterUsername",
    "manageMasterUserPassword": "ManageMasterUserPassword",
    "masterUserSecretKmsKeyId": "MasterUserSecretKmsKeyId",
    "port": "Port",
    "dbSubnetGroupName": "DBSubnetGroupName",
    "vpcSecurityGroupIds": "VpcSecurityGroupIds",
    "parameterGroupName": "DBParameterGroupName",
    "optionGroupName": "OptionGroupName",
    "availabilityZone": "AvailabilityZone",
    "multiAz": "MultiAZ",
    "publiclyAccessible": "PubliclyAccessible",
    "backupRetentionPeriod": "BackupRetentionPeriod",
    "backupWindow": "PreferredBackupWindow",
    "maintenanceWindow": "PreferredMaintenanceWindow",
    "deletionProtection": "DeletionProtection",
    "copyTagsToSnapshot": "CopyTagsToSnapshot",
    "autoMinorVersionUpgrade": "AutoMinorVersionUpgrade",
    "iamDatabaseAuthenticationEnabled": "EnableIAMDatabaseAuthentication",
    "enabledCloudwatchLogsExports": "EnableCloudwatchLogsExports",
    "performanceInsightsEnabled": "EnablePerformanceInsights",
    "performanceInsightsKmsKeyId": "PerformanceInsightsKMSKeyId",
    "performanceInsightsRetentionPeriod": "PerformanceInsightsRetentionPeriod",
    "monitoringInterval": "MonitoringInterval",
    "monitoringRoleArn": "MonitoringRoleArn",
    "caCertIdentifier": "CACertificateIdentifier",
    "networkType": "NetworkType",
    "licenseModel": "LicenseModel",
    "characterSetName": "CharacterSetName",
    "timezone": "Timezone",
    "databaseInsightsMode": "DatabaseInsightsMode",
    "dedicatedLogVolume": "DedicatedLogVolume",
    "engineLifecycleSupport": "EngineLifecycleSupport",
}
_NOT_SIMULATED = (
    "replicateSourceDb",
    "snapshotIdentifier",
    "restoreToPointInTime",
    "s3Import",
    "blueGreenUpdate",
    "domain",
)


@handles("aws:rds/instance:Instance")
def instance(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    for key in _NOT_SIMULATED:
        if inputs.get(key):
            raise ValueError(f"{key} is not simulated")
    rds = ctx.client("rds")
    tags = ctx.tags(inputs)
    identifier = ctx.physical_name(inputs.get("identifier"), inputs.get("identifierPrefix"), max_length=63, lower=True)
    params: dict[str, Any] = {"DBInstanceIdentifier": identifier}
    for key, api_key in _INSTANCE_PARAMETERS.items():
        if inputs.get(key) is not None:
            params[api_key] = inputs[key]
    password = inputs.get("password") or inputs.get("passwordWo")
    inputs.ignore("passwordWoVersion", "allowMajorVersionUpgrade", "upgradeStorageConfig")
    if password:
        params["MasterUserPassword"] = password
    if tags:
        params["Tags"] = tag_list(tags)
    created = rds.create_db_instance(**params)["DBInstance"]
    arn = created["DBInstanceArn"]
    described = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    endpoint = described.get("Endpoint") or {}
    for key, check in (
        ("StorageEncrypted", "rds_storage_encrypted_cmk"),
        ("DeletionProtection", "rds_deletion_protection"),
    ):
        if params.get(key) and not described.get(key):
            ctx.gap("rds:CreateDBInstance", f"moto did not store {key}", checks=(check,), resource_id=arn)
    # RDS turns on the rotation of the master-user secret it manages (sandbox/moto_compat/rds.py).
    secret = described.get("MasterUserSecret") or {}
    return described["DbiResourceId"], {
        "arn": arn,
        "identifier": identifier,
        "resourceId": described["DbiResourceId"],
        "address": endpoint.get("Address"),
        "port": endpoint.get("Port"),
        "endpoint": f"{endpoint.get('Address')}:{endpoint.get('Port')}",
        "hostedZoneId": endpoint.get("HostedZoneId"),
        "masterUserSecrets": [
            {
                "secretArn": secret.get("SecretArn"),
                "kmsKeyId": secret.get("KmsKeyId"),
                "secretStatus": secret.get("SecretStatus"),
            }
        ]
        if secret
        else [],
        "status": described.get("DBInstanceStatus"),
        "tagsAll": tags,
    }
