"""Builders of RDS state in moto, shared by the RDS (and backup) check tests."""

from __future__ import annotations

import boto3
from moto.kms.models import kms_backends

from tests.compliance_checks.conftest import ACCOUNT_ID, REGION

PASSWORD = "test-only-not-a-secret"


def client():
    return boto3.client("rds", region_name=REGION)


def instance(name: str, engine: str = "postgres", **kwargs) -> str:
    """ARN of a new DB instance; kwargs go to CreateDBInstance (Tags as a dict)."""
    tags = kwargs.pop("Tags", {})
    return client().create_db_instance(
        DBInstanceIdentifier=name,
        Engine=engine,
        DBInstanceClass="db.t4g.micro",
        AllocatedStorage=20,
        MasterUsername="leadping",
        MasterUserPassword=PASSWORD,
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
        **kwargs,
    )["DBInstance"]["DBInstanceArn"]


def cluster(name: str, engine: str = "aurora-postgresql", **kwargs) -> str:
    tags = kwargs.pop("Tags", {})
    return client().create_db_cluster(
        DBClusterIdentifier=name,
        Engine=engine,
        MasterUsername="leadping",
        MasterUserPassword=PASSWORD,
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
        **kwargs,
    )["DBCluster"]["DBClusterArn"]


def parameter_group(name: str, family: str, parameters: dict[str, str], cluster_group: bool = False) -> str:
    values = [{"ParameterName": k, "ParameterValue": v, "ApplyMethod": "immediate"} for k, v in parameters.items()]
    if cluster_group:
        client().create_db_cluster_parameter_group(
            DBClusterParameterGroupName=name, DBParameterGroupFamily=family, Description="leadping"
        )
        client().modify_db_cluster_parameter_group(DBClusterParameterGroupName=name, Parameters=values)
    else:
        client().create_db_parameter_group(
            DBParameterGroupName=name, DBParameterGroupFamily=family, Description="leadping"
        )
        client().modify_db_parameter_group(DBParameterGroupName=name, Parameters=values)
    return name


def customer_key() -> str:
    return boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]


def aws_managed_key() -> str:
    """A key standing in for aws/rds: moto has no AWS-managed keys, so its KeyManager is set to AWS."""
    arn = customer_key()
    backend = kms_backends[ACCOUNT_ID][REGION]
    backend.keys[arn.rsplit("/", 1)[1]].key_manager = "AWS"
    return arn
