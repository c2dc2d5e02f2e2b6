"""Serve a deployed stack from a moto server on 127.0.0.1, for the AWS CLI, the audit or any tool.

``serving()`` starts ``moto.server.ThreadedMotoServer`` in this process, clears moto's state, deploys
the stack into it over HTTP (the same deploy as the in-process sandbox, pointed at the endpoint),
and stops the server on exit within about a second, whatever connections clients keep open. Only
loopback is ever bound.
"""

from __future__ import annotations

import errno
import json
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock
from xml.sax.saxutils import escape

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.server import ThreadedMotoServer
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.serving import make_server

from sandbox.api import (
    MOTO_CONFIG,
    KnownGap,
    SandboxError,
    claim_process,
    deploy_stack,
    isolated_environment,
    known_gaps,
    sandbox_environment,
    sandbox_session,
    stack_config,
)
from sandbox.deploy import Deployment
from sandbox.moto_compat import fixes

HOST = "127.0.0.1"
DEFAULT_PORT = 5000


class PortInUseError(SandboxError):
    def __init__(self, port: int, detail: str) -> None:
        self.port = port
        super().__init__(f"port {port} on {HOST} is in use ({detail}); choose another with --port")


def _not_implemented(environ: dict[str, Any], start_response: Any, message: str) -> list[bytes]:
    """A 501 error naming what moto lacks, in the shape the caller's protocol parses."""
    content_type = environ.get("CONTENT_TYPE") or ""
    text = escape(message)
    if "json" in content_type or environ.get("HTTP_X_AMZ_TARGET"):
        body, kind = json.dumps({"__type": "NotImplemented", "message": message}), "application/x-amz-json-1.1"
    elif "x-www-form-urlencoded" in content_type:  # query and EC2 protocols
        error = f"<Error><Code>NotImplemented</Code><Message>{text}</Message></Error>"
        body, kind = f"<Response><Errors>{error}</Errors></Response>", "text/xml"
    else:  # REST-XML (S3, Route 53); REST-JSON readers keep the text as the message
        body, kind = f"<Error><Code>NotImplemented</Code><Message>{text}</Message></Error>", "application/xml"
    encoded = body.encode()
    start_response(
        "501 Not Implemented",
        [("Content-Type", kind), ("x-amzn-ErrorType", "NotImplemented"), ("Content-Length", str(len(encoded)))],
    )
    return [encoded]


class _Dispatcher(DomainDispatcherApplication):
    """moto's dispatcher, except that an action moto lacks answers 501 with an AWS-style error.

    In-process, an action moto does not implement raises NotImplementedError into boto3 and the
    deploy records a known gap. Over HTTP, werkzeug would answer an HTML 500 (the exception) or
    404 (an operation no route matches) that botocore retries or cannot read, and the deploy would
    fail instead of recording the gap.
    """

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        backend_app = self.get_application(environ)
        try:
            backend_app.url_map.bind_to_environ(environ).match()
        except NotFound:
            operation = environ.get("HTTP_X_AMZ_TARGET") or f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
            return _not_implemented(environ, start_response, f"{operation} has not been implemented in moto")
        except HTTPException:
            pass  # e.g. a method the route does not take: moto answers it
        try:
            return backend_app(environ, start_response)
        except NotImplementedError as error:
            return _not_implemented(environ, start_response, str(error))


class _Server(ThreadedMotoServer):
    """ThreadedMotoServer that reports a failed bind instead of waiting for it forever, answers
    unimplemented actions as errors (``_Dispatcher``) and releases its port on stop."""

    error: BaseException | None = None

    def _server_entry(self) -> None:
        try:
            app = _Dispatcher(create_backend_app)
            self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
        except BaseException as exc:  # the bind failed: wake start() up with the reason
            self.error = exc
            self._server_ready_event.set()
            return
        self._server_ready_event.set()
        self._server.serve_forever()

    def stop(self) -> None:
        super().stop()
        if self._server is not None:
            self._server.server_close()


@dataclass
class ServedSandbox:
    endpoint: str
    port: int
    region: str
    deployment: Deployment
    known_gaps: list[KnownGap]

    @property
    def environment(self) -> dict[str, str]:
        """What to export so that a tool talks to this server, and only to it."""
        return {"AWS_ENDPOINT_URL": self.endpoint, **sandbox_environment(self.region)}

    def client(self, service: str, region: str | None = None) -> Any:
        return sandbox_session(self.region).client(
            service, region_name=region or self.region, endpoint_url=self.endpoint
        )


def _start(port: int) -> _Server:
    server = _Server(HOST, port, verbose=False)
    server.start()
    if server.error is not None:
        error = server.error
        if isinstance(error, SystemExit) and isinstance(error.__context__, OSError):
            # werkzeug prints the bind failure and exits instead of raising it.
            error = error.__context__
        if isinstance(error, OSError) and error.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortInUseError(port, error.strerror or str(error))
        raise SandboxError(f"the moto server could not start on {HOST}:{port}: {error}")
    return server


def _reset(endpoint: str) -> None:
    """Clears every moto backend through the server's own API (a clean account)."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")  # noqa: S310 - loopback only
    with urllib.request.urlopen(request, timeout=30):  # noqa: S310
        pass


@contextmanager
def serving(
    stack: str = "prod",
    *,
    port: int = DEFAULT_PORT,
    project_dir: Path | None = None,
    config: Mapping[str, str] | None = None,
    program_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Iterator[ServedSandbox]:
    """Starts a moto server on 127.0.0.1:``port`` (0 picks a free one) with ``stack`` deployed.

    Raises PortInUseError before deploying anything if the port is taken, SandboxError if the
    deploy fails (the server is stopped first).
    """
    from infra.render import PROJECT_ROOT

    project_dir = Path(project_dir or PROJECT_ROOT)
    config = stack_config(stack, project_dir, config)
    region = config.get("aws:region") or "us-east-1"
    from moto.core.config import default_user_config

    with claim_process(), isolated_environment(region):
        server = _start(port)
        host, bound = server.get_host_and_port()
        endpoint = f"http://{host}:{bound}"
        try:
            # The server runs in this process: moto's settings and the fidelity fixes apply to it.
            settings = {**default_user_config, **MOTO_CONFIG}
            with mock.patch.dict(default_user_config, settings), fixes():
                _reset(endpoint)
                if progress:
                    progress(f"moto server listening on {endpoint}")
                started = time.perf_counter()
                deployment = deploy_stack(
                    stack,
                    sandbox_session(region),
                    endpoint_url=endpoint,
                    project_dir=project_dir,
                    config=config,
                    program_dir=program_dir,
                    progress=progress,
                )
                if progress:
                    progress(f"ready in {time.perf_counter() - started:.1f}s")
                yield ServedSandbox(endpoint, bound, region, deployment, known_gaps(deployment.gaps))
        finally:
            # Only the server is stopped: clearing moto's state here would re-initialise every backend
            # the deploy and the audits created (seconds to tens of seconds for a deployed stack, the
            # bulk of a slow stop) just before the process ends. The next sandbox starts clean anyway:
            # serving() resets on entry, and mock_aws resets when it starts.
            server.stop()
