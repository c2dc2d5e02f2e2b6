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

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

RUNBOOKS_DIR = Path(__file__).resolve().parent
REPO_ROOT = RUNBOOKS_DIR.parent
CONTROL_ID = re.compile(r"^LP-[A-Z]+-\d+$")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
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


def commands_in(path: Path) -> list[str]:
    """Every ``python -m runbooks ...`` command in the file's fenced code blocks, continuations joined."""
    commands = []
    for block in _FENCE.findall(path.read_text(encoding="utf-8")):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            stripped = line.strip().removeprefix("$ ")
            if stripped.startswith(COMMAND_PREFIX):
                commands.append(stripped)
    return commands


def control_ids(controls_md: Path) -> set[str]:
    """The control ids defined (as ``### LP-XX-N`` headings) in CONTROLS.md."""
    return set(_CONTROL_HEADING.findall(controls_md.read_text(encoding="utf-8")))


def default_controls_file() -> Path:
    """``shared/CONTROLS.md`` beside the repository (the spec lives outside the repo)."""
    return REPO_ROOT.parent / "shared" / "CONTROLS.md"
