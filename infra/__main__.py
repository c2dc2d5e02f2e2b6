"""The Leadping platform program: composes the components from the stack's settings.

Pulumi's language host runs this file as ``__main__`` with the program directory (infra/) on
``sys.path``; the project root is added so that ``infra`` and ``compliance_checks`` import as
packages whether or not the project is installed in the environment.
"""

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra.components.data_keys import DataKeys, DataKeysArgs
from infra.settings import load_settings

settings = load_settings()
identity = aws.get_caller_identity_output()
base_tags = {conventions.ENVIRONMENT: settings.environment, "leadping:stack": settings.stack}

keys = DataKeys(
    "data-keys",
    DataKeysArgs(
        environment=settings.environment,
        account_id=identity.account_id,
        region=settings.region,
        deletion_window_days=settings.key_deletion_window_days,
        tags=base_tags,
    ),
)

pulumi.export("environment", settings.environment)
pulumi.export("key_arns", {dc: key.arn for dc, key in keys.keys.items()})
