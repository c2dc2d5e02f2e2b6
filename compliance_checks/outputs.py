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
from collections.abc import Iterable, Mapping
from pathlib import Path


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


def write_atomically(path: Path, text: str) -> None:
    """``path`` holds ``text`` in full, or keeps what it held before (the error is raised as OSError)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # 0o666 before the umask: the mode a plain write would give, not mkstemp's owner-only one.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_reports(output_dir: Path, documents: Mapping[str, str]) -> None:
    """Writes ``{file name: text}`` under ``output_dir`` (created if needed); DestinationError names the file."""
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DestinationError(f"cannot create --output-dir {output_dir}: {error.strerror or error}") from None
    for name, text in documents.items():
        try:
            write_atomically(output_dir / name, text)
        except OSError as error:
            raise DestinationError(f"cannot write the report {output_dir / name}: {error.strerror or error}") from None
