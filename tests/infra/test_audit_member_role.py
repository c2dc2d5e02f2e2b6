"""The member audit role (infra/components/audit_member_role.py), rendered from its example program
and judged by the gate: read-only, generated from the checks, trusting the auditor alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance_checks import permissions, registry
from compliance_checks.iam_actions import is_read_only
from infra.components import audit_member_role
from infra.components.audit_member_role import MemberAuditRoleArgs, member_trust
from infra.render import Rendering, render
from policies import cli as gate_cli
from tests.infra.rendered import document, named

EXAMPLE = Path(__file__).resolve().parents[2] / "infra" / "examples" / "audit_member_role"
AUDITOR = "arn:aws:iam::111111111111:role/leadping-org-auditor"


@pytest.fixture(scope="module")
def example() -> Rendering:
    return render("example", project_dir=EXAMPLE)


def test_the_example_registers_the_component_with_its_role_and_policy(example: Rendering) -> None:
    assert [(r.type, r.name) for r in example.resources] == [
        ("leadping:audit:MemberAuditRole", "audit-member"),
        ("aws:iam/role:Role", "audit-member-role"),
        ("aws:iam/rolePolicy:RolePolicy", "audit-member-read"),
    ]
    role = named(example, "aws:iam/role:Role", "audit-member-role")
    assert role.inputs["name"] == audit_member_role.DEFAULT_ROLE_NAME


def test_the_role_trusts_only_the_auditor_and_only_with_the_external_id(example: Rendering) -> None:
    trust = document(named(example, "aws:iam/role:Role", "audit-member-role"), "assumeRolePolicy")
    [statement] = trust["Statement"]
    assert statement["Principal"] == {"AWS": AUDITOR}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "leadping-org-audit"}}


def test_the_policy_grants_exactly_the_checks_declared_reads(example: Rendering) -> None:
    policy = document(named(example, "aws:iam/rolePolicy:RolePolicy", "audit-member-read"))
    granted = {action for statement in policy["Statement"] for action in statement["Action"]}
    assert granted == permissions.declared_actions(registry.all_checks().values())
    assert all(is_read_only(action) for action in granted)
    assert policy == permissions.policy_document(registry.all_checks())


@pytest.mark.parametrize(
    "principal",
    ["*", "arn:aws:iam::111111111111:root", "111111111111", "arn:aws:iam::111111111111:role/*x y"],
)
def test_given_a_principal_that_is_not_one_role_or_user_then_it_is_refused(principal: str) -> None:
    with pytest.raises(ValueError, match="auditor_principal"):
        MemberAuditRoleArgs(auditor_principal=principal, external_id="leadping-org-audit")
    with pytest.raises(ValueError, match="auditor_principal"):
        member_trust(principal, "leadping-org-audit")


@pytest.mark.parametrize(
    ("field", "value"),
    [("external_id", "x"), ("role_name", "bad name"), ("max_session_seconds", 60)],
)
def test_given_invalid_args_then_they_are_refused(field: str, value: object) -> None:
    args = {"auditor_principal": AUDITOR, "external_id": "leadping-org-audit", field: value}
    with pytest.raises(ValueError, match=field):
        MemberAuditRoleArgs(**args)


def test_given_a_check_declaring_a_write_then_the_policy_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    checks = dict(registry.all_checks())
    writer = type("Writer", (), {"metadata": type("M", (), {"permissions": ("s3:PutObject",)})()})
    monkeypatch.setattr(registry, "all_checks", lambda: {**checks, "writer": writer})
    with pytest.raises(permissions.NotReadOnlyError, match="s3:PutObject"):
        audit_member_role.read_policy()


@pytest.mark.checkov
def test_the_gate_passes_the_example_with_its_two_reasoned_exceptions_only(capsys, tmp_path: Path) -> None:
    argv = ["gate", "--program", str(EXAMPLE), "--stack", "example", "--profile", "leadping"]
    code = gate_cli.main([*argv, "--output-dir", str(tmp_path / "bare")])
    bare = capsys.readouterr().out
    failed = {line.split()[1] for line in bare.splitlines() if line.startswith("FAIL ")}
    assert code == gate_cli.EXIT_FAILED
    assert failed == {"CKV_AWS_288", "CKV_AWS_355"}  # an auditor's Resource "*", and ssm:GetParameters
    skips = str(EXAMPLE / "gate-skips.yaml")
    code = gate_cli.main([*argv, "--skips", skips, "--output-dir", str(tmp_path / "skips")])
    out = capsys.readouterr().out
    assert code == gate_cli.EXIT_PASSED, out
    assert "gate PASSED: 0 failed checks, 0 secrets, 0 errors" in out
