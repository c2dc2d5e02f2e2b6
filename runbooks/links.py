"""Links between the runbooks and the controls: each runbook's header names the controls it serves.

A runbook is a Markdown file in this folder (README.md is the index, not a runbook) that starts
with YAML front matter::

    ---
    title: Credential exposure
    controls: [LP-SEC-3, LP-SEC-4]
    actions: [rotate-secret, disable-access-key]
    ---

``controls_to_runbooks()`` turns those headers into the control -> runbooks map that the
catalog and the audit report use to point a failing control at its procedure.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import string
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

RUNBOOKS_DIR = Path(__file__).resolve().parent
REPO_ROOT = RUNBOOKS_DIR.parent
CONTROL_ID = re.compile(r"^LP-[A-Z]+-\d+$")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
# Fences may be indented (a code block inside a numbered step).
_FENCE = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", re.DOTALL | re.MULTILINE)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_CONTROL_HEADING = re.compile(r"^###\s+(LP-[A-Z]+-\d+)\b", re.MULTILINE)
COMMAND_PREFIX = "python -m runbooks "


class RunbookHeaderError(ValueError):
    """A runbook lacks the front matter, or it does not name controls the way the links need."""


@dataclass(frozen=True)
class Runbook:
    path: Path
    title: str
    controls: tuple[str, ...]
    actions: tuple[str, ...]

    @property
    def relative_path(self) -> str:
        """The path from the repository root, as the catalog and the reports cite it."""
        try:
            return self.path.relative_to(REPO_ROOT).as_posix()
        except ValueError:
            return self.path.as_posix()


def runbook_files(directory: Path = RUNBOOKS_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.md") if p.name.lower() != "readme.md")


def read_runbook(path: Path) -> Runbook:
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise RunbookHeaderError(f"{path.name}: no YAML front matter (--- ... ---) at the top")
    try:
        header = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        raise RunbookHeaderError(f"{path.name}: front matter is not YAML: {error}") from None
    if not isinstance(header, dict):
        raise RunbookHeaderError(f"{path.name}: front matter is not a mapping")
    controls = header.get("controls")
    if not isinstance(controls, list) or not controls or not all(isinstance(c, str) for c in controls):
        raise RunbookHeaderError(f"{path.name}: 'controls' must be a non-empty list of control ids")
    malformed = [c for c in controls if not CONTROL_ID.match(c)]
    if malformed:
        raise RunbookHeaderError(f"{path.name}: not control ids: {', '.join(malformed)}")
    title = header.get("title")
    if not isinstance(title, str) or not title.strip():
        raise RunbookHeaderError(f"{path.name}: 'title' is missing")
    actions = header.get("actions") or []
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        raise RunbookHeaderError(f"{path.name}: 'actions' must be a list of action names")
    return Runbook(path, title.strip(), tuple(controls), tuple(actions))


def all_runbooks(directory: Path = RUNBOOKS_DIR) -> list[Runbook]:
    return [read_runbook(path) for path in runbook_files(directory)]


def controls_to_runbooks(directory: Path = RUNBOOKS_DIR) -> dict[str, list[str]]:
    """{control id: [runbook paths from the repository root]}, ids and paths sorted."""
    mapping: dict[str, list[str]] = {}
    for runbook in all_runbooks(directory):
        for control in runbook.controls:
            mapping.setdefault(control, []).append(runbook.relative_path)
    return {control: sorted(paths) for control, paths in sorted(mapping.items())}


def _code_lines(path: Path) -> list[str]:
    """The lines of fenced code blocks, then the inline code spans of the prose (`like this`)."""
    text = path.read_text(encoding="utf-8")
    lines = []
    for block in _FENCE.findall(text):
        joined = re.sub(r"[ \t]*\\\n\s*", " ", block)
        lines.extend(line.strip().removeprefix("$ ") for line in joined.splitlines())
    prose = _FENCE.sub("", text)
    lines.extend(span.strip() for span in _INLINE_CODE.findall(prose))
    return lines


def commands_in(path: Path, prefix: str = COMMAND_PREFIX) -> list[str]:
    """Every command starting with ``prefix`` (default ``python -m runbooks``) in the file's fenced
    code blocks, continuations joined."""
    return [line for line in _code_lines(path) if line.startswith(prefix)]


def yaml_blocks(path: Path) -> list[str]:
    """The bodies of the file's fenced ```yaml code blocks (the waiver examples), dedented."""
    text = path.read_text(encoding="utf-8")
    return [
        textwrap.dedent(body)
        for body in re.findall(r"^[ \t]*```ya?ml\n(.*?)^[ \t]*```", text, re.DOTALL | re.MULTILINE)
    ]


def example_environment(path: Path) -> dict[str, str]:
    """The ``export NAME=value`` lines of a runbook's code blocks: the set-up the on-call engineer
    edits and pastes first, and the values the runbook's commands are checked with."""
    environment: dict[str, str] = {}
    for line in _code_lines(path):
        if line.startswith("export ") and "=" in line:
            (assignment,) = shlex.split(line.removeprefix("export "))
            name, value = assignment.split("=", 1)
            environment[name] = string.Template(value).safe_substitute(environment)
    return environment


def expand(command: str, environment: dict[str, str]) -> list[str]:
    """A command as the shell would pass it: variables substituted, then split into words.

    Raises KeyError naming a variable the runbook uses but never sets.
    """
    return [string.Template(word).substitute(environment) for word in shlex.split(command)]


def control_ids(controls_md: Path) -> set[str]:
    """The control ids defined (as ``### LP-XX-N`` headings) in CONTROLS.md."""
    return set(_CONTROL_HEADING.findall(controls_md.read_text(encoding="utf-8")))


def default_controls_file() -> Path:
    """``shared/CONTROLS.md`` beside the repository (the spec lives outside the repo)."""
    return REPO_ROOT.parent / "shared" / "CONTROLS.md"


def command_problems(path: Path) -> list[str]:
    """What is wrong with the ``python -m runbooks`` commands of a runbook, parsed by the CLI's own
    parser after substituting the runbook's example environment; empty when every one is valid."""
    from runbooks.cli import build_parser  # here: the CLI imports every action, links need none of that

    environment = example_environment(path)
    skip = len(COMMAND_PREFIX.split())
    problems = []
    for command in commands_in(path):
        try:
            argv = expand(command, environment)[skip:]
        except KeyError as missing:
            problems.append(f"{path.name}: `{command}` uses ${missing.args[0]}, which no export line sets")
            continue
        except ValueError as error:
            problems.append(f"{path.name}: `{command}` cannot be split into words: {error}")
            continue
        errors = io.StringIO()
        try:
            with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
                build_parser().parse_args(argv)
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                reason = (errors.getvalue().strip().splitlines() or ["rejected"])[-1]
                problems.append(f"{path.name}: `{command}`: {reason}")
    return problems
