"""Test-wide guards: no test reaches a real AWS endpoint or any non-loopback address.

Every test runs with dummy AWS credentials (named as such) and a socket guard that refuses
any connection that is not loopback or a Unix socket, so a missing moto decorator fails
loudly instead of calling AWS.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(sock: socket.socket, address: object) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not _is_loopback(host):
        raise ConnectionRefusedError(f"tests may only connect to loopback, not {address!r}")


def _guarded_connect(self: socket.socket, address: object) -> None:
    _check(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    _check(self, address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host is not None and not _is_loopback(host if isinstance(host, str) else host.decode()):
        raise socket.gaierror(f"tests may only resolve loopback names, not {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def _refuse_real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)


@pytest.fixture(autouse=True)
def _dummy_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test fixture credentials: not a secret, they only satisfy botocore's signer under moto."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


# Every run records how long the fault suite took (issue 10: "every run records a benchmark of the
# fault suite's duration"): the summed test time of tests/faults, in reports/benchmarks/. Under
# xdist the controller sees every worker's reports, and only it writes the file.
_FAULT_SUITE = "tests/faults/"
_fault_suite_seconds: list[float] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid.startswith(_FAULT_SUITE):
        _fault_suite_seconds.append(report.duration)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput") or not _fault_suite_seconds:
        return
    import datetime
    import json

    record = {
        "suite": _FAULT_SUITE,
        "test_seconds": round(sum(_fault_suite_seconds), 2),
        "phases": len(_fault_suite_seconds),
        "pytest_exit": int(exitstatus),
        "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    target = session.config.rootpath / "reports" / "benchmarks" / "fault-suite.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    session.config.stash[_fault_suite_key] = (record, target)


_fault_suite_key = pytest.StashKey[tuple[dict, object]]()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if _fault_suite_key in config.stash:
        record, target = config.stash[_fault_suite_key]
        terminalreporter.write_line(
            f"fault suite: {record['test_seconds']} s of test time, {record['phases']} phases (recorded in {target})"
        )
