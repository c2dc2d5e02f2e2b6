"""benchmarks/gate_corpus.py tells judged from refused from crashed by what the gate printed and returned."""

from __future__ import annotations

from pathlib import Path

from benchmarks import gate_corpus

VERDICT = "Leadping gate: stacks dev (profile generic, nothing skipped)\n  dev: 12 resources exported\n" + (
    "gate FAILED: 8 failed checks, 0 secrets, 0 errors; 0 resources not judged; profile generic, nothing skipped\n"
)


def test_a_verdict_with_exit_0_or_1_is_judged(tmp_path):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "dev.tfplan.json").write_text("{}")
    outcome = gate_corpus.classify("site", 1, VERDICT, "", 3.0, tmp_path)
    assert (outcome.kind, outcome.detail) == ("judged", "failed: 12 resources, 8 failed checks")
    assert outcome.plans == [tmp_path / "plans" / "dev.tfplan.json"]


def test_exit_2_with_one_error_line_is_refused_with_its_kind():
    err = "error: dev: remote components the offline render cannot see into: awsx:ec2:Vpc (vpc); ...\n"
    outcome = gate_corpus.classify("eks", 2, "", err, 3.0, Path("/nowhere"))
    assert outcome.kind == "refused"
    assert outcome.detail.startswith("remote component: dev: remote components")


def test_a_traceback_another_exit_code_a_missing_verdict_or_a_timeout_is_a_crash():
    traceback = "Traceback (most recent call last):\n  File \"x\", line 1\nKeyError: 'x'\n"
    cases = [(1, "", traceback), (3, "", "killed"), (0, "no verdict here", ""), (None, "", "")]
    for code, out, err in cases:
        assert gate_corpus.classify("p", code, out, err, 1.0, Path("/nowhere")).kind == "crashed", (code, out, err)


def test_only_python_programs_matching_the_pattern_are_taken(tmp_path):
    for name, runtime in (("aws-py-a", "python"), ("aws-ts-b", "nodejs"), ("aws-py-c", "{name: python}")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Pulumi.yaml").write_text(f"name: {name}\nruntime: {runtime}\n")
    (tmp_path / "aws-py-d" / "inner").mkdir(parents=True)
    (tmp_path / "aws-py-d" / "inner" / "Pulumi.yaml").write_text("name: d\nruntime: python\n")
    found = [p.relative_to(tmp_path).as_posix() for p in gate_corpus.programs(tmp_path, "aws-py-*")]
    assert found == ["aws-py-a", "aws-py-c", "aws-py-d/inner"]


def test_the_report_counts_each_outcome_and_passes_the_programs_settings(tmp_path, monkeypatch, capsys):
    for name in ("aws-py-a", "aws-py-b"):
        (tmp_path / "programs" / name).mkdir(parents=True)
        (tmp_path / "programs" / name / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (tmp_path / "settings").mkdir()
    (tmp_path / "settings" / "aws-py-b.yaml").write_text("config: {}\n")
    commands = []

    def run_gate(command, _timeout):
        commands.append(command)
        if "--stack-config" in command:
            return 2, "", "error: dev: nothing to judge: the program exports no AWS resource\n", 1.0
        return 0, VERDICT.replace("FAILED: 8", "PASSED: 0"), "", 1.0

    monkeypatch.setattr(gate_corpus, "run_gate", run_gate)
    argv = ["--programs", str(tmp_path / "programs"), "--settings", str(tmp_path / "settings"), "--runs", "0"]
    assert gate_corpus.main(argv) == 0
    out = capsys.readouterr().out
    assert "2 programs: judged 1 (50 %), refused 1 (50 %), crashed 0 (0 %)" in out
    assert "refused, by reason: nothing to judge 1" in out
    assert [c[c.index("--stack") + 1] for c in commands] == ["dev", "dev"], "no Pulumi.<stack>.yaml: a stack named"
    assert commands[1][commands[1].index("--stack-config") + 1] == str(tmp_path / "settings" / "aws-py-b.yaml")
