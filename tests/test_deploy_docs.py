"""README's "Deploying a stack for real" works as written: the settings table names exactly the keys
infra/settings.py reads (SETTING_KEYS, plus aws:region), and the documented PATH line makes the `uv`
that setup installed the one Pulumi's uv toolchain finds."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra.settings import SETTING_KEYS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(title)
    following = re.search(r"^#{2,3} ", README[start + len(title) :], re.MULTILINE)
    return README[start : start + len(title) + following.start()] if following else README[start:]


def table_keys() -> list[str]:
    keys = []
    for line in section("### Stack settings").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells and cells[0].startswith("`"):
            keys += re.findall(r"`([^`]+)`", cells[0])
    return keys


def test_the_settings_table_names_exactly_the_keys_the_program_reads():
    keys = table_keys()
    assert len(keys) == len(set(keys)), "each key once"
    assert set(keys) == {*SETTING_KEYS, "aws:region"}
    assert "webhookCredential" in keys


def test_the_table_reader_sees_a_missing_key(monkeypatch):
    # The check can fail: the same table without one row no longer matches.
    row = next(line for line in section("### Stack settings").splitlines() if line.startswith("| `wafRateLimit`"))
    monkeypatch.setattr(sys.modules[__name__], "README", README.replace(row + "\n", ""), raising=True)
    keys = table_keys()
    assert "wafRateLimit" not in keys
    assert set(keys) != {*SETTING_KEYS, "aws:region"}


def test_the_documented_path_line_makes_setups_uv_the_one_on_path():
    deploy = section("## Deploying a stack for real")
    (line,) = [text.split("#")[0].strip() for text in deploy.splitlines() if text.startswith("export PATH=")]
    if not (ROOT / ".tools" / "bin" / "uv").exists():
        pytest.skip("make setup has not installed .tools/bin/uv here")
    bare = "/usr/bin:/bin"  # a fresh shell's PATH, without any uv of the machine's own
    environment = {"PATH": bare, "HOME": os.environ.get("HOME", "/tmp")}
    found = subprocess.run(
        ["/bin/bash", "-c", f"{line}; command -v uv"], cwd=ROOT, env=environment, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()).resolve() == (ROOT / ".tools" / "bin" / "uv").resolve()
    assert shutil.which("uv", path=bare) is None or found.stdout.strip() != shutil.which("uv", path=bare)


def test_the_readme_says_how_to_get_the_pulumi_cli():
    deploy = section("## Deploying a stack for real")
    assert "get.pulumi.com" in deploy
    assert "brew install pulumi" in deploy
