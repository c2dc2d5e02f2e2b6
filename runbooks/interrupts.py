"""SIGINT, SIGTERM and SIGHUP stop an action the same way, and never while the audit log is written.

Ctrl-C, a closed terminal (SIGHUP) and a job runner's stop (SIGTERM) all mean "stop now". Each is
turned into KeyboardInterrupt, which the CLI catches to record the action as interrupted, but
only while the CLI has armed the interruption (planning, and the change itself). While a record
is being written the signal is held: it is remembered, and raised when the CLI arms again, so a
record is never cut in half and never skipped. The first signal interrupts; later ones are only
remembered, so that recording the interruption is not itself interrupted.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType

SIGNAL_NAMES = ("SIGINT", "SIGTERM", "SIGHUP")


class Interruptions:
    """A context manager that installs the handlers (main thread only) and restores the previous ones."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._armed = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> Interruptions:
        # Python runs signal handlers in the main thread only, and only it may install them.
        if threading.current_thread() is threading.main_thread():
            for name in SIGNAL_NAMES:
                number = getattr(signal, name, None)
                if number is not None:
                    self._previous[number] = signal.signal(number, self._handle)
        self.arm()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._armed = False
        for number, handler in self._previous.items():
            # None: the previous handler was not installed from Python; the default is the closest.
            signal.signal(number, signal.SIG_DFL if handler is None else handler)  # type: ignore[arg-type]

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum
        if self._armed:
            self._armed = False
            raise KeyboardInterrupt

    def arm(self) -> None:
        """From now on a signal interrupts; one that arrived while held interrupts at once."""
        self._armed = True
        if self.received is not None and self._armed:
            self._armed = False
            raise KeyboardInterrupt

    def hold(self) -> None:
        """From now on a signal is only remembered (``received``)."""
        self._armed = False

    @property
    def name(self) -> str:
        return signal.Signals(self.received).name if self.received is not None else "an interrupt"
