"""Rendering a program in its own Python environment (infra/render_host.py).

The slow test builds a real second environment with uv (an older pulumi-aws 6 and pulumi-random
from the package registry; cached under pytest's cache directory) and renders the corpus program
pinned to it, as ``pulumi up`` would run it.
"""

from __future__ import annotations

import ast
import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra.render import PROJECT_ROOT, RenderError, render
from infra.render_host import RENDER_MODULES, is_this_environment, locate, program_interpreter, run_in_interpreter

PINNED = PROJECT_ROOT / "tests" / "policies" / "programs" / "older_aws_venv"
BASE_PYTHON = Path(sys.base_prefix) / "bin" / "python3"  # the interpreter this venv was made from


def line_of(text: str) -> str:
    lines = (PINNED / "__main__.py").read_text().splitlines()
    return f"__main__.py:{next(i for i, line in enumerate(lines, 1) if text in line)}"


def fake_venv(directory: Path) -> Path:
    """A directory shaped like a virtualenv (bin/python); nothing is run from it."""
    python = directory / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    return python


@pytest.mark.parametrize(
    ("runtime", "venv", "expected"),
    [
        ("python", None, None),
        ({"name": "python", "options": {"toolchain": "pip"}}, None, None),
        ({"name": "python", "options": {"virtualenv": "venv"}}, "venv", "venv/bin/python"),
        ({"name": "python", "options": {"toolchain": "uv"}}, ".venv", ".venv/bin/python"),
        ({"name": "python", "options": {"toolchain": "uv", "virtualenv": "env"}}, "env", "env/bin/python"),
    ],
)
def test_the_interpreter_is_the_one_pulumi_yaml_names(tmp_path: Path, runtime, venv, expected):
    if venv:
        fake_venv(tmp_path / venv)
    found = program_interpreter(tmp_path, runtime)
    assert found == (tmp_path / expected if expected else None)


def test_a_named_environment_that_does_not_exist_is_refused_naming_it(tmp_path: Path):
    with pytest.raises(RenderError, match=r"venv/bin/python, which does not exist: create the program's environment"):
        program_interpreter(tmp_path, {"name": "python", "options": {"virtualenv": "venv"}})


def test_an_unknown_toolchain_is_refused(tmp_path: Path):
    with pytest.raises(RenderError, match="unknown Python toolchain 'conda'"):
        program_interpreter(tmp_path, {"name": "python", "options": {"toolchain": "conda"}})


def test_an_interpreter_is_found_by_path_or_by_name_on_the_path(tmp_path: Path, monkeypatch):
    python = fake_venv(tmp_path / "env")
    python.chmod(0o755)
    monkeypatch.setenv("PATH", str(python.parent))
    assert locate(Path("python")) == python
    assert locate(python) == python
    assert locate(Path("python-nowhere")) == Path("python-nowhere")


def test_this_processs_environment_renders_in_process():
    assert is_this_environment(Path(sys.executable))
    assert not is_this_environment(Path(sys.base_prefix) / "bin" / "python3")


def test_an_interpreter_that_does_not_exist_is_a_render_error(tmp_path: Path):
    with pytest.raises(RenderError, match="no Python interpreter at"):
        run_in_interpreter(tmp_path / "nope" / "python", {}, cwd=tmp_path)


def test_an_interpreter_without_pulumi_is_named(tmp_path: Path):
    """Given the base interpreter (no pulumi installed in it), then the render says so in one line."""
    base = BASE_PYTHON
    probe = subprocess.run([str(base), "-c", "import pulumi"], capture_output=True, check=False, timeout=60)
    assert probe.returncode != 0, "the base interpreter has pulumi: this test needs one without"
    with pytest.raises(RenderError) as failed:
        render("dev", project_dir=PINNED, python=base, preview=True)
    assert str(failed.value) == f"{base} has no pulumi package: install the program's requirements in it"


# Functions of the injected modules that run only in the gate's own process, where the project is
# importable: they read the stack's files strictly (compliance_checks.strict_yaml, infra.settings)
# before a program's interpreter is asked to render.
PARENT_ONLY = {"render.py": {"load_stack_config", "_read_yaml"}}


def test_the_injected_renderer_needs_only_the_standard_library_pyyaml_pulumi_and_itself():
    """The modules copied into a program's interpreter import each other (relatively), the standard
    library, PyYAML (optional) and the program's own pulumi: nothing else of this project, except in
    the functions that run only in the gate's own process (PARENT_ONLY)."""
    allowed = set(sys.stdlib_module_names) | {"yaml", "pulumi", "__future__"}
    for name in RENDER_MODULES:
        tree = ast.parse((PROJECT_ROOT / "infra" / name).read_text())
        parent_only = {
            id(inner)
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef) and function.name in PARENT_ONLY.get(name, set())
            for inner in ast.walk(function)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            else:
                continue
            outside = [m for m in modules if m.split(".")[0] not in allowed]
            assert outside == [] or id(node) in parent_only, f"{name} imports {outside}"


# -- a real second environment --------------------------------------------------------------------


def _uv() -> str:
    uv = PROJECT_ROOT / ".tools" / "bin" / "uv"
    found = str(uv) if uv.exists() else shutil.which("uv")
    if found is None:
        pytest.skip("uv is not installed (make setup installs it in .tools/)")
    return found


@pytest.fixture(scope="session")
def older_aws_venv(pytestconfig: pytest.Config) -> Path:
    """A virtualenv holding the pinned program's requirements (pulumi-aws 6), built once and cached."""
    cache = Path(pytestconfig.cache.mkdir("leadping-render-venvs"))
    venv = cache / "older-aws"
    python = venv / "bin" / "python"
    with (cache / "lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            uv = _uv()
            env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
            requirements = str(PINNED / "requirements.txt")
            for command in (
                [uv, "venv", "--quiet", "--python", str(BASE_PYTHON), str(venv)],
                [uv, "pip", "install", "--quiet", "--python", str(python), "-r", requirements],
            ):
                subprocess.run(command, check=True, timeout=900, env=env)
            (venv / ".complete").touch()
    return python


@pytest.mark.slow
def test_a_program_renders_with_the_packages_of_its_own_environment(older_aws_venv: Path):
    """Given the corpus program pinned to pulumi-aws 6 and that environment's interpreter, then the
    program runs there: its pulumi-aws and pulumi-random versions, its v6-only arguments."""
    rendering = render("dev", project_dir=PINNED, python=older_aws_venv, preview=True)
    assert rendering.environment["python"] == str(older_aws_venv)
    assert rendering.environment["pulumi-aws"].startswith("6.")
    assert "pulumi-random" in rendering.environment
    assert rendering.stack_outputs["pulumi_aws_version"] == rendering.environment["pulumi-aws"]
    reports = next(r for r in rendering.resources if r.name == "reports")
    assert reports.inputs["loggings"] == [{"targetPrefix": "reports/"}]
    assert reports.unknown == ("loggings[0].targetBucket",)
    assert reports.source == line_of("reports = aws.s3.Bucket(")
    (suffix,) = rendering.of_type("random:index/randomId:RandomId")
    assert suffix.id is None


@pytest.mark.slow
def test_pulumi_yamls_virtualenv_is_the_interpreter_the_program_renders_with(older_aws_venv: Path, tmp_path: Path):
    program = tmp_path / "older_aws_venv"
    shutil.copytree(PINNED, program)
    (program / "venv").symlink_to(older_aws_venv.parent.parent)
    rendering = render("dev", project_dir=program, preview=True)
    assert rendering.environment["pulumi-aws"].startswith("6.")


def test_the_pinned_program_fails_in_this_environment_at_its_v6_only_line():
    """Given this environment (pulumi-aws 7), then the v6-only argument fails, named by file and line."""
    with pytest.raises(RenderError) as failed:
        render("dev", project_dir=PINNED, python=Path(sys.executable), preview=True)
    assert f"the program failed at {line_of('reports = aws.s3.Bucket(')}: TypeError:" in str(failed.value)
    assert "'loggings'" in str(failed.value)


@pytest.mark.slow
@pytest.mark.checkov
def test_the_gate_judges_the_pinned_program_in_its_own_environment(older_aws_venv: Path, tmp_path: Path, capsys):
    """Given `gate --program DIR --python <its venv>`, then the program is judged (generic profile) with
    the failures its expected.yaml lists, and its pulumi-random resource listed as not judged."""
    from policies import cli
    from tests.policies.corpus import program

    expected = program("older_aws_venv")
    arguments = ["--program", str(PINNED), "--python", str(older_aws_venv), "--no-secrets-scan"]
    code = cli.main(["gate", *arguments, "--output-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1, out
    failed = {line.split()[1] for line in out.splitlines() if line.startswith("FAIL ")}
    assert failed == expected.failed_ids
    for token in expected.not_judged_types:
        assert token in out
