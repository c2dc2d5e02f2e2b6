"""The fault suite's world: a moto server on 127.0.0.1 with a small planted account, the fault proxy
in front of it, and an audit of every check through the proxy."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest

from compliance_checks import registry
from compliance_checks.budget import Budget
from compliance_checks.catalog import load_catalog
from compliance_checks.reader import Reader
from compliance_checks.reports.model import Report
from compliance_checks.runner import AuditOptions, run_audit, select
from tests.faults import account
from tests.faults.proxy import FaultProxy, Request
from tests.faults.trace import Tracer, tracing

# Room for one retry of a read that timed out (a loaded CI machine may stall a healthy answer once,
# and a healthy read that failed would change a verdict the suite compares); a hanging endpoint is
# then given up after two unanswered attempts, and throttling after three attempts.
BUDGET = Budget(connect_timeout=2.0, read_timeout=4.0, call_seconds=5.0, max_attempts=3)


@dataclass
class World:
    proxy: FaultProxy
    session: boto3.Session  # one for every run: botocore's model caches make its clients cheap
    clean: Report
    clean_trace: Tracer
    clean_requests: list[Request]  # what the fault-free audit sent, as the proxy identified it


def audit(
    endpoint: str, session: boto3.Session, monkeypatch: pytest.MonkeyPatch, budget: Budget = BUDGET
) -> tuple[Report, Tracer]:
    """Every check of the registry, through ``endpoint``, in both regions."""
    reader = Reader(session, account.REGIONS, endpoint_url=endpoint, budget=budget)
    selection = select(load_catalog(), registry.all_checks())
    with tracing(monkeypatch) as trace:
        report = run_audit([reader], selection, AuditOptions(workers=4))
    return report, trace


# The server runs in a process of its own: moto's backends belong to the process, and another test
# on the same pytest-xdist worker that starts and stops ``mock_aws`` resets them all, planted account
# included, between this module's fixture and its tests.
_SERVE = (
    "import logging, sys\n"
    "from moto.server import ThreadedMotoServer\n"
    "logging.getLogger('werkzeug').setLevel(logging.WARNING)\n"
    "server = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)\n"
    "server.start()\n"
    "print(server.get_host_and_port()[1], flush=True)\n"
    "sys.stdin.read()\n"  # until the test closes its end
    "server.stop()\n"
)


@contextlib.contextmanager
def served_moto() -> Iterator[str]:
    """A moto server on 127.0.0.1, in a process of its own, for the duration of the block: its URL."""
    process = subprocess.Popen([sys.executable, "-c", _SERVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = (process.stdout.readline() if process.stdout else "").strip()
        if not port.isdigit():
            raise RuntimeError(f"the moto server did not start (exit {process.poll()})")
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with served_moto() as upstream:
        session = account.session()
        account.plant(upstream, session)
        with FaultProxy(upstream) as proxy, pytest.MonkeyPatch.context() as monkeypatch:
            # moto builds each service's backend on its first request, and botocore its clients' caches
            # on first use, slowly: not in the runs that are compared.
            audit(proxy.url, session, monkeypatch, Budget())
            proxy.inject(())
            clean, trace = audit(proxy.url, session, monkeypatch)
            yield World(proxy, session, clean, trace, list(proxy.seen))
