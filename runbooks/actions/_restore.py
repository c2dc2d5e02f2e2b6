"""What the two restore actions share: waiting with a deadline and timing the restore."""

from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import WaiterError

from runbooks.core import ActionFailed, Verification


def wait(client: Any, waiter_name: str, *, delay: int, timeout_minutes: int, what: str, **params: Any) -> None:
    attempts = max(1, (timeout_minutes * 60) // delay)
    try:
        client.get_waiter(waiter_name).wait(**params, WaiterConfig={"Delay": delay, "MaxAttempts": attempts})
    except WaiterError as error:
        reason = error.last_response.get("Error", {}).get("Message", str(error))
        raise ActionFailed(
            f"{what} was not ready after {timeout_minutes} min ({reason}); "
            "the restore carries on in AWS: run the same command again later to verify it"
        ) from None


def timing_line(seconds: float, checks: list[Verification]) -> str:
    if all(c.ok is not False for c in checks):
        return f"restored and verified in {seconds:.2f}s"
    failed = "; ".join(f"{c.name}: {c.detail}" for c in checks if c.ok is False)
    return f"restored in {seconds:.2f}s but NOT verified: {failed}"


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started
