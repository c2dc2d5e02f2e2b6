"""Rendering a program in its own Python environment, as Pulumi's language host runs it.

A program brings its own dependencies: its pulumi and pulumi-aws versions, pulumi-random,
pulumi-command, its own libraries. Pulumi runs it with the interpreter its ``Pulumi.yaml`` names
(``runtime.options.virtualenv``, or the ``toolchain``'s environment: uv's ``.venv``, poetry's);
so does the offline render. The render modules (``RENDER_MODULES``: the standard library, PyYAML
if present, and the program's own pulumi are all they need) are copied into a directory that a
small bootstrap puts first on ``sys.path`` of that interpreter; it renders there and answers with
the rendering as JSON. The gate's own environment never needs the program's packages.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import render_runtime
from .render_runtime import RENDER_MODULES, RenderError

HERE = Path(__file__).resolve().parent
# The injected package's name: one no program uses.
PACKAGE = "leadping_render"
# The interpreter's process as a whole may take this much longer than the render in it, which stops
# itself first (render_runtime.RENDER_TIMEOUT_SECONDS, with the stack's name in its error); this bound
# is for an interpreter that hangs outside the render (its start-up, the program's imports of C code).
PROCESS_MARGIN_SECONDS = 60
# `python -c` puts the working directory (the program's) first on sys.path; the render's directory
# takes its place, and runpy then adds the program's directory, as Pulumi's language host does.
BOOTSTRAP = """\
import sys
sys.path[0] = {host!r}
from {package}.render import serve_request
sys.exit(serve_request(sys.argv[1]))
"""


def _interpreter_in(venv: Path) -> Path:
    for candidate in (venv / "bin" / "python", venv / "Scripts" / "python.exe"):
        if candidate.exists():
            return candidate
    return venv / "bin" / "python"


def _poetry_environment(project_dir: Path) -> Path:
    poetry = shutil.which("poetry")
    if poetry is None:
        in_project = project_dir / ".venv"
        if in_project.exists():
            return _interpreter_in(in_project)
        raise RenderError(
            f"{project_dir / 'Pulumi.yaml'} uses the poetry toolchain, but poetry is not installed and there is "
            "no .venv beside it: name the program's interpreter with --python"
        )
    try:
        found = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [poetry, "env", "info", "--executable"],
            cwd=project_dir,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        raise RenderError(f"poetry could not name the program's environment ({exc}): use --python") from None
    return Path(found)


def program_interpreter(project_dir: Path, runtime: Any) -> Path | None:
    """The interpreter a ``Pulumi.yaml`` ``runtime`` names; None for "whatever python is on the PATH".

    ``runtime: python`` or ``toolchain: pip`` without a ``virtualenv`` names none (this process's
    interpreter renders it); ``toolchain: uv`` defaults to uv's project environment ``.venv``.
    """
    options = (runtime.get("options") if isinstance(runtime, Mapping) else None) or {}
    if not isinstance(options, Mapping):
        raise RenderError(f"{project_dir / 'Pulumi.yaml'}: runtime.options must be a map")
    toolchain = str(options.get("toolchain") or "pip")
    virtualenv = options.get("virtualenv")
    if toolchain not in ("pip", "uv", "poetry"):
        raise RenderError(f"{project_dir / 'Pulumi.yaml'}: unknown Python toolchain {toolchain!r} (pip, uv, poetry)")
    if toolchain == "poetry" and not virtualenv:
        python = _poetry_environment(project_dir)
    elif toolchain == "uv" and not virtualenv:
        python = _interpreter_in(project_dir / ".venv")
    elif virtualenv:
        python = _interpreter_in(project_dir / str(virtualenv))
    else:
        return None
    if not python.exists():
        raise RenderError(
            f"{project_dir / 'Pulumi.yaml'} runs the program with {python}, which does not exist: create the "
            "program's environment (`pulumi install`) or name an interpreter with --python"
        )
    return python


def locate(python: Path) -> Path:
    """An interpreter named as on a command line: a path, or a name on the PATH (``python3.12``)."""
    if os.sep in str(python) or Path(python).exists():
        return Path(python)
    found = shutil.which(str(python))
    return Path(found) if found else Path(python)


def is_this_environment(python: Path) -> bool:
    """Whether ``python`` is this process's interpreter (the same virtual environment)."""
    path = Path(os.path.abspath(python))
    if path == Path(os.path.abspath(sys.executable)):
        return True
    return path.parent.parent.resolve() == Path(sys.prefix).resolve()


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_in_interpreter(python: Path, request: dict[str, Any], *, cwd: Path) -> dict[str, Any]:
    """Renders in ``python``'s process; returns the rendering's JSON or raises RenderError."""
    if not Path(python).exists():
        raise RenderError(f"no Python interpreter at {python}")
    with tempfile.TemporaryDirectory(prefix="leadping-render-") as work:
        host = Path(work) / "host"
        package = host / PACKAGE
        package.mkdir(parents=True)
        (package / "__init__.py").write_text('"""The offline render, injected into a program\'s interpreter."""\n')
        for name in RENDER_MODULES:
            shutil.copyfile(HERE / name, package / name)
        answer_file = Path(work) / "answer.json"
        request_file = Path(work) / "request.json"
        request_file.write_text(json.dumps({**request, "answer_file": str(answer_file)}))
        # The program's interpreter, not ours: no environment variable of this process may redirect it.
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH")}
        command = [str(python), "-c", BOOTSTRAP.format(host=str(host), package=PACKAGE), str(request_file)]
        try:
            process = subprocess.run(  # noqa: S603 - the interpreter the user named, no shell
                command,
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=render_runtime.RENDER_TIMEOUT_SECONDS + PROCESS_MARGIN_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            seconds = render_runtime.RENDER_TIMEOUT_SECONDS + PROCESS_MARGIN_SECONDS
            raise RenderError(f"the program did not finish rendering within {seconds}s in {python}") from None
        except OSError as exc:
            raise RenderError(f"cannot run the program's interpreter {python}: {exc}") from None
        if not answer_file.exists():
            output = _tail(process.stderr or process.stdout or "")
            last = output.splitlines()[-1] if output else f"exit code {process.returncode}"
            raise RenderError(f"the renderer could not run in {python}: {last}", output)
        answer = json.loads(answer_file.read_text())
    if "error" in answer:
        raise RenderError(answer["error"], answer.get("traceback") or "")
    return answer["rendering"]
