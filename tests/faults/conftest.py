"""The fault suite's world: a moto server on 127.0.0.1 with a small planted account, the fault proxy
in front of it, and an audit of every check through the proxy."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer

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


@contextlib.contextmanager
def served_moto() -> Iterator[str]:
    """A moto server on 127.0.0.1 for the duration of the block: its URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


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
