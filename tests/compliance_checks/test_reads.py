"""A check's IAM permissions are derived from the reads it makes (compliance_checks/services/reads.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from compliance_checks import registry
from compliance_checks.core import DerivedPermissions
from compliance_checks.services.reads import ReadDeclarationError, module_actions, read_action

CHECKS_DIR = Path(registry.__file__).resolve().parent / "checks"


def test_no_check_writes_its_permissions_by_hand():
    for path in CHECKS_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword):
                assert node.arg != "permissions", f"{path.name} declares permissions by hand"


def test_every_check_derives_its_permissions_from_its_reads():
    for check_id, check in registry.all_checks().items():
        assert isinstance(check.metadata.permissions, DerivedPermissions), check_id
        assert len(check.metadata.permissions) > 0, f"{check_id} makes no read"


def test_a_read_names_its_action_through_the_helpers_it_calls():
    # logs.log_groups -> reader.paginate("logs", "describe_log_groups")
    assert module_actions("compliance_checks.checks.logs.logs_log_group_retention") == ("logs:DescribeLogGroups",)
    # s3.policy forwards its operation to s3._read; ListBuckets is IAM's ListAllMyBuckets
    assert set(module_actions("compliance_checks.checks.s3.s3_bucket_policy_tls_only")) == {
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation",
        "s3:GetBucketPolicy",
    }
    # the load balancers are read only when a group opens port 80, through a method of the check
    assert "elasticloadbalancing:DescribeLoadBalancers" in module_actions(
        "compliance_checks.checks.ec2.ec2_security_group_public_ingress_restricted"
    )


def test_api_gateway_reads_are_authorised_by_http_method():
    assert read_action("apigateway", "get_rest_apis") == "apigateway:GET"


def test_an_operation_the_service_does_not_have_is_refused():
    with pytest.raises(ReadDeclarationError, match="logs has no operation describe_log_grups"):
        read_action("logs", "describe_log_grups")
