"""benchmarks/report_memory.py: one row per size and mode, from the real run path, and bad formats refused."""

from __future__ import annotations

import pytest

from benchmarks import report_memory
from compliance_checks import registry
from compliance_checks.catalog import load_catalog
from compliance_checks.runner import select


@pytest.mark.parametrize("store", [True, False])
def test_a_row_counts_every_refused_accounts_findings(store: bool) -> None:
    row = report_memory._one(3, ["json", "csv"], store)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0] == "3"
    assert cells[1] == ("store" if store else "list")
    manual = sum(1 for control in load_catalog().controls if control.manual_evidence)
    per_account = (int(cells[2]) - manual) / 3  # the manual controls' findings once, not per account
    checks = len(select(load_catalog(), registry.all_checks()).checks)
    assert per_account >= checks  # an ERROR for every check (and every planned one) of each account
    assert float(cells[4]) > 0


def test_an_unknown_format_is_refused(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        report_memory.main(["--formats", "json,pdf", "--accounts", "1"])
    assert exited.value.code == 2
    assert "unknown format(s) pdf" in capsys.readouterr().err
