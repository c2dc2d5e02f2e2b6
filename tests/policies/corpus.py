"""The corpus: programs written in the styles people write (tests/policies/programs/<name>/).

Each program directory holds a ``Pulumi.yaml``, one ``Pulumi.<stack>.yaml`` and an
``expected.yaml`` that says what the gate concludes on it (profile generic: Checkov's built-in
AWS checks, no Leadping skips, no Leadping checks):

- ``stack``: the stack whose settings file the program comes with;
- ``judged``: true when the gate judges it (exit 0 or 1); false when it refuses (exit 2) naming
  each of ``refused_types`` (remote components: nothing they build can be rendered offline);
- ``failed_ids``: the built-in checks that fail (when ``judged`` is false: once every refused
  type is accepted with ``--accept-unrendered``);
- ``not_judged_types``: other providers' resource types, listed as not judged;
- ``stack_outputs``: a file beside the program, passed as ``--stack-outputs``
  (``failed_ids_without_stack_outputs``: the verdict without it);
- ``python``: ``venv`` when the program needs its own virtualenv (from ``requirements.txt``);
- ``render``: what the render itself shows: ``unknown`` input paths per resource, ``warnings``
  (substrings), ``outputs_unknown`` (stack outputs left unknown), ``assets`` (input -> label).

``tests/policies/test_corpus_renders.py`` holds the render-level tests; the gate's own tests run
the programs through the gate and compare with ``expected.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROGRAMS_DIR = Path(__file__).resolve().parent / "programs"
# The sample programs that predate the corpus (program_cases.py), with no expected.yaml.
_NOT_CORPUS = {"catalog", "compliant_storage", "insecure_webapp"}


@dataclass(frozen=True)
class CorpusProgram:
    name: str
    directory: Path
    stack: str
    judged: bool
    failed_ids: frozenset[str]
    not_judged_types: frozenset[str] = frozenset()
    refused_types: frozenset[str] = frozenset()
    stack_outputs: Path | None = None
    failed_ids_without_stack_outputs: frozenset[str] | None = None
    needs_own_venv: bool = False
    render: dict[str, Any] = field(default_factory=dict)

    @property
    def config_file(self) -> Path:
        return self.directory / f"Pulumi.{self.stack}.yaml"

    def stack_outputs_document(self) -> dict[str, dict[str, Any]] | None:
        if self.stack_outputs is None:
            return None
        return yaml.safe_load(self.stack_outputs.read_text())


def _program(directory: Path) -> CorpusProgram:
    expected = yaml.safe_load((directory / "expected.yaml").read_text())
    outputs = expected.get("stack_outputs")
    without = expected.get("failed_ids_without_stack_outputs")
    return CorpusProgram(
        name=directory.name,
        directory=directory,
        stack=expected["stack"],
        judged=bool(expected["judged"]),
        failed_ids=frozenset(expected.get("failed_ids") or ()),
        not_judged_types=frozenset(expected.get("not_judged_types") or ()),
        refused_types=frozenset(expected.get("refused_types") or ()),
        stack_outputs=directory / outputs if outputs else None,
        failed_ids_without_stack_outputs=frozenset(without) if without is not None else None,
        needs_own_venv=expected.get("python") == "venv",
        render=dict(expected.get("render") or {}),
    )


@cache
def corpus() -> tuple[CorpusProgram, ...]:
    """Every program of the corpus, by name."""
    directories = sorted(p.parent for p in PROGRAMS_DIR.glob("*/expected.yaml"))
    return tuple(_program(d) for d in directories if d.name not in _NOT_CORPUS)


def program(name: str) -> CorpusProgram:
    found = [p for p in corpus() if p.name == name]
    if not found:
        raise LookupError(f"no corpus program {name!r} in {PROGRAMS_DIR}")
    return found[0]
