"""Where the audit's reports go: checked before the audit runs, written whole or not at all.

A destination that cannot take the reports (a file where the folder should be, a read-only
folder, a folder named like a report) is found before the first AWS call, not after a long
audit. Each report is written to a temporary file beside it and renamed over the old one, so a
failure while writing (a full disk) leaves the previous report or none, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO


class DestinationError(Exception):
    """The reports cannot be written there; the message names the path and why."""


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_output_dir(output_dir: Path, filenames: Iterable[str]) -> None:
    """Raises DestinationError unless every ``output_dir / name`` can be written (the folder may not exist yet)."""
    try:
        if output_dir.exists() and not output_dir.is_dir():
            raise DestinationError(f"--output-dir {output_dir} is not a folder")
        existing = _nearest_existing(output_dir)
        if not existing.is_dir():
            raise DestinationError(f"--output-dir {output_dir}: {existing} is not a folder")
        # os.access also reports a read-only filesystem (EROFS), which a mode check would miss.
        if not os.access(existing, os.W_OK | os.X_OK):
            raise DestinationError(f"--output-dir {output_dir}: {existing} is not writable")
        for name in filenames:
            target = output_dir / name
            if (target.exists() or target.is_symlink()) and not (target.is_file() or target.is_symlink()):
                raise DestinationError(f"cannot write the report {target}: a folder or special file is in the way")
    except OSError as error:
        raise DestinationError(f"--output-dir {output_dir}: {error.strerror or error}") from None


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")


def _write_temporary(temporary: Path, write: Callable[[TextIO], None]) -> None:
    # 0o666 before the umask: the mode a plain write would give, not mkstemp's owner-only one.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())


def write_atomically(path: Path, text: str) -> None:
    """``path`` holds ``text`` in full, or keeps what it held before (the error is raised as OSError)."""
    write_all_or_none({path: lambda out: out.write(text)})


def write_all_or_none(writers: Mapping[Path, Callable[[TextIO], Any]]) -> None:
    """Each path gets what its writer writes (a stream, written as it comes): every file is written to a
    temporary file beside it first, and only when all are complete are they renamed over the old ones,
    so a failure (a full disk, a writer's error) leaves the previous files, never a half-new set."""
    written: dict[Path, Path] = {}
    path = None
    try:
        for path, write in writers.items():
            temporary = _temporary(path)
            written[path] = temporary
            _write_temporary(temporary, write)
        for path, temporary in written.items():
            os.replace(temporary, path)
    except BaseException as error:
        if isinstance(error, OSError) and path is not None:
            error.filename = str(path)  # the report that could not be written, not its temporary name
        for temporary in written.values():
            with contextlib.suppress(OSError):
                temporary.unlink()
        raise


def write_reports(output_dir: Path, writers: Mapping[str, Callable[[TextIO], Any]]) -> None:
    """Writes ``{file name: writer}`` under ``output_dir`` (created if needed), all or none;
    DestinationError names the folder and why."""
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DestinationError(f"cannot create --output-dir {output_dir}: {error.strerror or error}") from None
    try:
        write_all_or_none({output_dir / name: write for name, write in writers.items()})
    except OSError as error:
        raise DestinationError(f"cannot write the report {error.filename}: {error.strerror or error}") from None
