"""The CI workflow (.github/workflows/ci.yml) and Dependabot config, parsed: every action pinned by a
full commit SHA with its version in a comment, upload-sarif at v4 on pull requests and on main, no
step that hides a failure, least privilege, caches keyed on the locks, reports kept."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"
PINNED = re.compile(r"^\s*(?:-\s*)?uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})\s+#\s*v\d+(\.\d+)*\s*$")


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def steps() -> list[dict]:
    return [step for job in workflow()["jobs"].values() for step in job.get("steps", [])]


def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version_in_a_comment():
    lines = [line for line in WORKFLOW.read_text().splitlines() if re.match(r"^\s*(-\s*)?uses:", line)]
    assert lines, "the workflow uses actions"
    unpinned = [line.strip() for line in lines if not PINNED.match(line)]
    assert unpinned == []


def test_the_pin_check_refuses_a_tag_a_short_sha_and_a_missing_comment():
    for line in (
        "- uses: actions/checkout@v4",
        "- uses: actions/checkout@3d3c42e # v7.0.1",
        "- uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1",
    ):
        assert not PINNED.match(line), line


def test_upload_sarif_is_v4_and_runs_on_pull_requests_and_on_main_with_a_category_per_tool():
    text = WORKFLOW.read_text()
    (upload,) = re.findall(r"github/codeql-action/upload-sarif@[0-9a-f]{40} # (v\d+)", text)
    assert upload == "v4"
    job = workflow()["jobs"]["upload-sarif"]
    assert "pull_request" in job["if"]
    assert "refs/heads/main" in job["if"]
    assert {m["category"] for m in job["strategy"]["matrix"]["include"]} == {"leadping-gate", "leadping-audit"}
    triggers = workflow()[True] if True in workflow() else workflow()["on"]  # YAML 1.1 reads "on" as true
    assert triggers["push"]["branches"] == ["main"]
    assert "pull_request" in triggers


def test_no_step_or_job_continues_on_error():
    assert "continue-on-error" not in WORKFLOW.read_text()


def test_a_missing_shared_checkout_fails_the_job():
    place = next(s for s in steps() if "shared" in s.get("name", "") and "run" in s)
    assert "test -s ../shared/CONTROLS.md" in place["run"]
    assert "exit 1" in place["run"]


def test_only_the_upload_job_writes_security_events():
    document = workflow()
    assert document["permissions"] == {"contents": "read"}
    writers = [name for name, job in document["jobs"].items() if job.get("permissions", {}).get("security-events")]
    assert writers == ["upload-sarif"]


def test_the_audits_reports_are_kept_and_its_markdown_goes_to_the_job_summary():
    kept = [s["with"]["path"] for s in steps() if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert "reports/audit/" in kept
    assert "reports/gate/" in kept
    assert any("audit.md" in s.get("run", "") and "GITHUB_STEP_SUMMARY" in s.get("run", "") for s in steps())


def test_the_environments_are_cached_keyed_on_their_locks():
    keys = [s["with"]["key"] for s in steps() if s.get("uses", "").startswith("actions/cache@")]
    assert any("uv.lock" in key for key in keys)
    assert any("requirements-checkov.txt" in key for key in keys)


def test_dependabot_updates_the_actions_and_the_locks():
    ecosystems = {u["package-ecosystem"] for u in yaml.safe_load(DEPENDABOT.read_text())["updates"]}
    assert ecosystems >= {"github-actions", "uv", "pip"}
