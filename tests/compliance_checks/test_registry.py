"""The registry (compliance_checks/registry.py): every check by id, each imported when first needed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from compliance_checks import registry

ROOT = Path(__file__).resolve().parents[2]


def test_the_available_checks_are_all_the_checks_in_the_same_order_and_the_same_classes():
    available = registry.available()
    checks = registry.all_checks()
    assert list(available) == list(checks)
    assert len(available) == len(checks)
    assert all(available[check_id] is cls for check_id, cls in checks.items())
    assert "s3_bucket_policy_tls_only" in available
    assert "no_such_check" not in available
    with pytest.raises(KeyError):
        available["no_such_check"]


def test_an_audit_of_two_checks_imports_those_two_and_no_other():
    probe = (
        "import sys; from compliance_checks import cli; from compliance_checks.catalog import load_catalog; "
        "selection = cli._selection(load_catalog(), ['s3_bucket_policy_tls_only', 'kms_key_rotation_enabled'], None); "
        "print(sorted(selection.checks)); "
        "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.count('.') == 3 "
        "and m.startswith('compliance_checks.checks.')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    selected, imported = (json.loads(line.replace("'", '"')) for line in done.stdout.splitlines())
    assert selected == imported == ["kms_key_rotation_enabled", "s3_bucket_policy_tls_only"]


def test_a_check_looked_up_is_held_to_the_contract_with_its_id_and_service():
    cls = registry.available()["s3_bucket_policy_tls_only"]
    assert cls.id == "s3_bucket_policy_tls_only"
    assert cls.metadata.service == "s3"
    assert cls.metadata.permissions
