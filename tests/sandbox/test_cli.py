"""``python -m sandbox serve``, run the way a person runs it: a subprocess, talked to over loopback.

The tiny program (tests/sandbox/programs/tiny) serves in seconds; one test serves the real dev
stack end to end. Every server is started on port 0 (a free port), read from what it prints.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from sandbox.api import DUMMY_ACCESS_KEY_ID

ROOT = Path(__file__).resolve().parents[2]
TINY = Path(__file__).resolve().parent / "programs" / "tiny"
READY = "Press Ctrl-C to stop."
_EXPORT = re.compile(r"^export (AWS_[A-Z_]+)=(\S+)$")


@dataclass
class Served:
    process: subprocess.Popen[str]
    lines: list[str]  # what it printed so far (a thread keeps reading)
    reader: threading.Thread

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    @property
    def environment(self) -> dict[str, str]:
        """The ``export X=...`` lines it printed."""
        return dict(m.groups() for m in map(_EXPORT.match, self.lines) if m)

    @property
    def endpoint(self) -> str:
        return self.environment["AWS_ENDPOINT_URL"]

    @property
    def port(self) -> int:
        return int(self.endpoint.rsplit(":", 1)[1])

    def client(self, service: str):
        environment = self.environment
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=environment["AWS_REGION"],
            aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
        )

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str]:
        """Sends ``sig``; returns the exit code and what the process printed after READY."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=60)
        self.reader.join(timeout=10)
        return code, "\n".join(self.lines[self.lines.index(READY) + 1 :])


def _base_environment() -> dict[str, str]:
    """The caller's environment without anything AWS: the printed exports must be enough."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}


def serve(*args: str, timeout: float = 240) -> Served:
    command = [sys.executable, "-m", "sandbox", "serve", "--port", "0", "--quiet", *args]
    process = subprocess.Popen(
        command, cwd=ROOT, env=_base_environment(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    lines: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if lines[-1] == READY:
                ready.set()
        ready.set()  # the process ended

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    if not ready.wait(timeout) or READY not in lines:
        process.kill()
        pytest.fail(f"serve did not get ready (exit {process.poll()}): {lines}")
    return Served(process, lines, reader)


def audit(served: Served, *args: str) -> tuple[int, dict]:
    """The real audit command line, pointed at the server by the printed exports only."""
    result = subprocess.run(
        [sys.executable, "-m", "compliance_checks", "audit", "--format", "json", "--quiet", *args],
        cwd=ROOT,
        env={**_base_environment(), **served.environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, json.loads(result.stdout)


def port_is_free(port: int) -> bool:
    """Nothing listens on the port (connections the server closed may linger in TIME_WAIT, which
    SO_REUSEADDR lets a new server bind over, as werkzeug's does)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture(scope="module")
def tiny() -> Iterator[Served]:
    served = serve("--stack", "dev", "--program", str(TINY))
    yield served
    served.stop()


def test_serve_prints_the_endpoint_and_the_environment_to_export(tiny: Served):
    assert re.match(r"^http://127\.0\.0\.1:\d+$", tiny.endpoint)
    assert tiny.port != 0
    assert tiny.environment["AWS_ACCESS_KEY_ID"] == DUMMY_ACCESS_KEY_ID
    assert tiny.environment["AWS_REGION"] == tiny.environment["AWS_DEFAULT_REGION"] == "us-east-1"
    assert tiny.environment["AWS_CONFIG_FILE"] == tiny.environment["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull
    assert "aws s3 ls" in tiny.output
    assert "python -m compliance_checks audit --stack dev --region us-east-1" in tiny.output
    # What only a person can do in a real account is named, with its reason and the evidence to attach.
    assert "iam_root_mfa_enabled (arn:aws:iam::123456789012:root): a person signed in as the root user" in tiny.output
    assert "attach the real account's IAM credential report" in tiny.output


def test_boto3_sees_the_deployed_program_through_the_endpoint(tiny: Served):
    assert [b["Name"] for b in tiny.client("s3").list_buckets()["Buckets"]] == ["tiny-served-data"]
    keys = tiny.client("kms").list_keys()["Keys"]
    assert len(keys) == 2


def test_the_audit_command_line_judges_the_served_account(tiny: Served):
    checks = ("kms_key_rotation_enabled", "s3_bucket_default_encryption_kms")
    code, report = audit(tiny, "--stack", "dev", "--region", "us-east-1", "--checks", *checks)
    assert code == 1  # a FAIL finding
    assert report["metadata"]["target"] == f"aws (endpoint {tiny.endpoint})"
    verdicts = {(f["check_id"], f["status"]) for f in report["findings"]}
    assert verdicts == {
        ("kms_key_rotation_enabled", "PASS"),  # the rotating key
        ("kms_key_rotation_enabled", "FAIL"),  # the static one
        ("s3_bucket_default_encryption_kms", "PASS"),
    }
    (failed,) = [f for f in report["findings"] if f["status"] == "FAIL"]
    static = [k for k in tiny.client("kms").list_keys()["Keys"] if not _rotates(tiny, k["KeyId"])]
    assert failed["resource_id"] == static[0]["KeyArn"]


def _rotates(served: Served, key_id: str) -> bool:
    return served.client("kms").get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]


def test_a_port_in_use_exits_2_with_a_message():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "sandbox", "serve", "--stack", "dev", "--port", str(port)],
            cwd=ROOT,
            env=_base_environment(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert "choose another with --port" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stack", "qa"], "unknown stack 'qa' (stacks: dev, prod)"),
        (["--port", "70000"], "70000 is not a port"),
        (["--program", "/nonexistent"], "--program /nonexistent: no __main__.py there"),
    ],
)
def test_usage_mistakes_exit_2_without_a_traceback(args: list[str], message: str):
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "serve", *args],
        cwd=ROOT,
        env=_base_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_help_describes_serve():
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "serve", "--help"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "--stack" in result.stdout
    assert "--port" in result.stdout
    assert "exit codes:" in result.stdout


# Generous: a stop takes about a second (benchmarks/serve_stop.py); it took 10 to 50 before the
# server stopped re-initialising moto and the process skipped the final collection walk.
STOP_WITHIN_S = 10


def stop_with_clients_connected(served: Served, sig: int) -> tuple[int, str, float]:
    """Audits through the server and keeps a connection open (keep-alive, as an SDK session does),
    then sends ``sig``; returns the exit code, what it printed after READY and the seconds it took."""
    audit(served, "--stack", "dev", "--region", "us-east-1", "--checks", "kms_key_rotation_enabled")
    served.client("s3").list_buckets()
    started = time.monotonic()
    code, rest = served.stop(sig)
    return code, rest, time.monotonic() - started


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_stops_the_server_promptly_and_releases_the_port_with_clients_connected(sig: int):
    served = serve("--stack", "dev", "--program", str(TINY))
    assert not port_is_free(served.port)
    code, rest, seconds = stop_with_clients_connected(served, sig)
    assert code == 0
    assert "Sandbox stopped." in rest
    assert seconds < STOP_WITHIN_S
    assert port_is_free(served.port)


@pytest.mark.slow
def test_the_dev_stack_served_end_to_end():
    served = serve("--stack", "dev")
    try:
        buckets = {b["Name"] for b in served.client("s3").list_buckets()["Buckets"]}
        assert {"leadping-dev-log-archive-123456789012", "leadping-dev-access-logs-123456789012"} <= buckets
        code, report = audit(
            served,
            "--stack",
            "dev",
            "--region",
            "us-east-1",
            "--checks",
            "s3_bucket_policy_tls_only",
            "cloudtrail_multi_region_logging",
            "iam_root_mfa_enabled",
        )
        statuses = {(f["check_id"], f["status"]) for f in report["findings"]}
        assert ("s3_bucket_policy_tls_only", "FAIL") not in statuses
        assert ("s3_bucket_policy_tls_only", "PASS") in statuses
        assert ("cloudtrail_multi_region_logging", "PASS") in statuses
        # Audited as any other tool sees it, the root's missing MFA is reported as it is...
        assert ("iam_root_mfa_enabled", "FAIL") in statuses
        assert code == 1
        # ...and with the known-gaps file serve printed in its example, as the in-process sandbox reports it.
        (example,) = [line for line in served.lines if line.startswith("python -m compliance_checks audit")]
        gaps_file = example.split("--known-gaps ", 1)[1]
        assert json.loads(Path(gaps_file).read_text())["known_gaps"]
        code, report = audit(served, "--stack", "dev", "--region", "us-east-1", "--known-gaps", gaps_file,
                             "--checks", "iam_root_mfa_enabled", "s3_bucket_policy_tls_only")  # fmt: skip
        by_check = {(f["check_id"], f["status"]): f for f in report["findings"]}
        assert ("iam_root_mfa_enabled", "FAIL") not in by_check
        mfa = by_check[("iam_root_mfa_enabled", "MANUAL")]
        assert mfa["evidence"]["status_without_gap"] == "FAIL"
        assert "credential report" in mfa["evidence"]["evidence_to_attach"]
        assert ("s3_bucket_policy_tls_only", "PASS") in by_check
        assert report["metadata"]["known_gaps_file"] == gaps_file
        assert code == 0
    finally:
        code, _, seconds = stop_with_clients_connected(served, signal.SIGTERM)
    assert code == 0
    assert seconds < STOP_WITHIN_S
    assert port_is_free(served.port)


@pytest.mark.slow
def test_the_prod_stack_served_audits_like_in_process_no_fail_no_error():
    """The fidelity fixes hold over HTTP too: the printed audit command, every check, both regions."""
    served = serve("--stack", "prod")
    try:
        (example,) = [line for line in served.lines if line.startswith("python -m compliance_checks audit")]
        code, report = audit(served, *example.split()[4:])
        statuses = {f["status"] for f in report["findings"]}
        assert statuses == {"PASS", "MANUAL"}, [f for f in report["findings"] if f["status"] in ("FAIL", "ERROR")]
        manual = {f["check_id"] for f in report["findings"] if f["status"] == "MANUAL" and f["check_id"]}
        assert manual == {"iam_root_mfa_enabled", "sns_alarm_topic_encrypted_subscribed"}
        assert code == 0
    finally:
        served.stop(signal.SIGTERM)
