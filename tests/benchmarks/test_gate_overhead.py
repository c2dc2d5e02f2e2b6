"""benchmarks/gate_overhead.py compares like with like: its bare Checkov run judges what the gate's does."""

from __future__ import annotations

from pathlib import Path

from benchmarks import gate_overhead
from policies import config as gate_config
from policies import gate


def _options(arguments: list[str], target_flags: tuple[str, ...]) -> dict[str, str]:
    """Checkov's options as {flag: value}, without the scanned target (a file here, a directory there)
    and the report directory (each run writes its own)."""
    pairs = dict(zip(arguments[::2], arguments[1::2], strict=False))
    for flag in (*target_flags, "--output-file-path"):
        pairs.pop(flag, None)
    return pairs


def test_the_bare_scan_runs_the_gate_scan_options(tmp_path):
    python = gate.checkov_python()
    skips = gate_config.load_skips().global_ids
    driver = gate.plan_scan_command(python, tmp_path / "plans", tmp_path / "out", skips, wait=True)
    gate_arguments = driver[driver.index("--") + 1 :]
    bare = gate_overhead.bare_command(tmp_path / "plans" / "prod.tfplan.json", tmp_path / "bare")
    assert Path(bare[0]) == python.parent / "checkov"
    bare_arguments = [a for a in bare[1:] if a not in ("--skip-download", "--compact")]
    gate_arguments = [a for a in gate_arguments if a not in ("--skip-download", "--compact")]
    assert "--skip-download" in bare
    assert "--compact" in bare
    assert _options(bare_arguments, ("-f",)) == _options(gate_arguments, ("--directory",))
