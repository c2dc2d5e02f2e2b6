"""benchmarks/waivers_scale.py measures what it says: its findings are waived as its file intends."""

from __future__ import annotations

from benchmarks import waivers_scale


def test_a_small_run_waives_the_resource_and_pattern_findings_and_no_other(capsys):
    assert waivers_scale.main(["--entries", "200", "--findings", "40", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    # Half the FAIL findings are a resource waiver's bucket, a quarter a pattern's: 30 of 40.
    assert out.splitlines()[0] == "200 waivers (0.0 MB), 80 findings (30 waived)"
    assert "total: median" in out
