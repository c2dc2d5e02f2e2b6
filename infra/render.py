"""Offline render: run a Pulumi program for a stack under Pulumi's mock runtime.

This is the one shared piece that the CI gate (policies/) and the sandbox (sandbox/) build on.
It runs the program exactly as Pulumi's Python language host does
(``runpy.run_path(<program dir>, run_name="__main__")`` inside ``run_in_stack``, with the stack's
config set and the program's directory as the working directory), but against a resource monitor
that records every registration instead of talking to a Pulumi engine. What a resource "returns"
(its id and output state) comes from a ``ResourceHandler``: the default one (``FakeCloud``)
fabricates plausible ids and ARNs; the sandbox passes one that creates the resource in moto.

Two modes, as Pulumi has:

- ``preview=True`` (the gate): as ``pulumi preview``. An output the handler does not answer is
  unknown, so ``.apply`` callbacks on it do not run and an input built from it is recorded as
  unknown (``RenderedResource.unknown``); a provider function the render cannot answer returns
  an unknown (or, for a plain call, empty) result with a warning naming it.
- ``preview=False`` (the sandbox's deployment): as ``pulumi up``; everything must be answered.

``python=PATH`` (or the program's ``Pulumi.yaml`` ``runtime.options``: ``virtualenv``,
``toolchain: uv|poetry``) renders the program in its own Python environment, with its own
pulumi, pulumi-aws and other packages (``infra/render_host.py``).

Usage::

    python -m infra.render --stack prod              # JSON on stdout
    python -m infra.render --stack dev --summary     # a count per resource type
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import hashlib
import importlib.util
import inspect
import json
import logging
import os
import re
import runpy
import sys
import threading
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

from . import render_host, render_runtime
from .fake_cloud import FAKE_ACCOUNT_ID as FAKE_ACCOUNT_ID
from .fake_cloud import FakeCloud
from .render_runtime import (
    ProgramFiles,
    RenderError,
    RenderLog,
    SourceCapture,
    apply_failures_located,
    encrypted_keys,
    encrypted_settings_unknown,
    failure_location,
    make_monitor,
    plain_invokes_marked,
)

try:
    import yaml
except ImportError:  # a program's own environment may lack PyYAML; only the parent process reads YAML
    yaml = None  # type: ignore[assignment]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Parts of the runtime are process-global (warning filters, sys.path, the working directory,
# Resource.__init__ while sources are captured): one render at a time.
_RENDER_LOCK = threading.Lock()

__all__ = ["FAKE_ACCOUNT_ID", "FakeCloud", "RenderError", "RenderedResource", "Rendering", "render"]


@dataclass(frozen=True)
class RenderedResource:
    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    dependencies: tuple[str, ...]
    property_dependencies: Mapping[str, tuple[str, ...]]
    provider: str | None
    protect: bool
    inputs: Mapping[str, Any]  # the known inputs; an unknown list element is None
    id: str | None
    outputs: Mapping[str, Any]
    # "<path relative to the project dir>:<line>" of the program statement that constructed it.
    source: str | None = None
    # A remote (multi-language) component: another language host builds its children.
    remote: bool = False
    # Input paths whose value was unknown when the program ran ("policy", "rules[0].cidrBlocks").
    unknown: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["dependencies"] = list(self.dependencies)
        data["property_dependencies"] = {k: list(v) for k, v in self.property_dependencies.items()}
        data["unknown"] = list(self.unknown)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RenderedResource:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["dependencies"] = tuple(data.get("dependencies") or ())
        values["property_dependencies"] = {k: tuple(v) for k, v in (data.get("property_dependencies") or {}).items()}
        values["unknown"] = tuple(data.get("unknown") or ())
        return cls(**values)


@dataclass
class Rendering:
    project: str
    stack: str
    config: dict[str, str]
    resources: list[RenderedResource]
    stack_outputs: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # The interpreter and the Pulumi packages the program ran with ("python", "pulumi", "pulumi-aws" ...).
    environment: dict[str, str] = field(default_factory=dict)

    def of_type(self, type_token: str) -> list[RenderedResource]:
        return [r for r in self.resources if r.type == type_token]

    def of_custom(self) -> list[RenderedResource]:
        """The resources a provider manages (components left out)."""
        return [r for r in self.resources if r.custom]

    def by_urn(self) -> dict[str, RenderedResource]:
        return {r.urn: r for r in self.resources}

    def types(self) -> Counter[str]:
        return Counter(r.type for r in self.resources)

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "config": self.config,
            "resources": [r.to_json() for r in self.resources],
            "stack_outputs": self.stack_outputs,
            "warnings": self.warnings,
            "environment": self.environment,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], seconds: float = 0.0) -> Rendering:
        return cls(
            project=data["project"],
            stack=data["stack"],
            config=dict(data["config"]),
            resources=[RenderedResource.from_json(r) for r in data["resources"]],
            stack_outputs=dict(data.get("stack_outputs") or {}),
            warnings=list(data.get("warnings") or []),
            seconds=seconds,
            environment=dict(data.get("environment") or {}),
        )


class ResourceHandler(Protocol):
    """Answers resource registrations and provider function calls during a render.

    ``new_resource`` receives ``pulumi.runtime.MockResourceArgs`` and returns (id, state);
    ``call`` receives ``pulumi.runtime.MockCallArgs`` and returns the function's result, or raises
    ``infra.fake_functions.Unanswerable``. A handler that also has ``spec()`` (plain data, as
    ``FakeCloud``) can answer a program rendered in another Python environment.
    """

    def new_resource(self, args: Any) -> tuple[str | None, dict[str, Any]]: ...

    def call(self, args: Any) -> dict[str, Any]: ...


def load_stack_config(path: Path, *, encrypted: bool = False) -> dict[str, str]:
    """Reads ``Pulumi.<stack>.yaml`` into the flat string map Pulumi hands a program.

    The file is read by the settings model's strict reader (``infra.settings.read_stack_file``);
    whatever is wrong with it becomes one ``RenderError`` line naming the file and the key.
    ``encrypted=True`` (for a preview render) accepts encrypted settings, which the preview makes
    unknown secrets.
    """
    from compliance_checks.strict_yaml import InputError
    from infra.settings import read_stack_file

    try:
        return read_stack_file(path, encrypted=encrypted)
    except InputError as exc:
        raise RenderError(str(exc)) from None


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


@dataclass(frozen=True)
class _Paths:
    """Where relative asset paths start (the program's directory) and what they are shown relative to."""

    root: Path = PROJECT_ROOT
    base: Path | None = None


def _plain(value: Any, paths: _Paths) -> Any:
    """Makes recorded values JSON-friendly (resource references become their URN)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v, paths) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, paths) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the wire format carries every number as a double
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    urn = getattr(value, "urn", None)
    if urn is not None:
        return {"resource": str(getattr(urn, "value", urn))}
    label = asset_label(value, root=paths.root, base=paths.base)
    if label is not None:
        return label
    return str(value)


def _display_path(path: str, root: Path = PROJECT_ROOT, base: Path | None = None) -> str:
    """A file path relative to the project when it lies inside it: the same on every checkout."""
    full = Path(path) if base is None else Path(base) / path
    try:
        return full.resolve().relative_to(Path(root).resolve()).as_posix()
    except (OSError, ValueError):
        return path if base is None or Path(path).is_absolute() else full.as_posix()


def asset_label(value: Any, *, root: Path = PROJECT_ROOT, base: Path | None = None) -> str | None:
    """A stable description of a Pulumi asset or archive (their repr carries a memory address).

    ``AssetArchive({"handler.py": FileAsset("infra/x/handler.py")})`` ->
    ``archive(handler.py=file:infra/x/handler.py)``. A relative path is taken from ``base`` (the
    program's directory, its working directory when it ran) and shown relative to ``root``.
    None for anything else.
    """
    import pulumi

    if isinstance(value, pulumi.FileAsset | pulumi.FileArchive):
        return f"file:{_display_path(str(value.path), root, base)}"
    if isinstance(value, pulumi.RemoteAsset | pulumi.RemoteArchive):
        return str(value.uri)
    if isinstance(value, pulumi.StringAsset):
        digest = hashlib.sha256(str(value.text).encode()).hexdigest()[:12]
        return f"string:{len(str(value.text))} characters, sha256 {digest}"
    if isinstance(value, pulumi.AssetArchive):
        members = ", ".join(
            f"{name}={asset_label(item, root=root, base=base) or type(item).__name__}"
            for name, item in sorted(value.assets.items())
        )
        return f"archive({members})"
    return None


def _strip_stack_parent(parent: str | None) -> str | None:
    return None if not parent or "::pulumi:pulumi:Stack::" in parent else parent


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while a program renders.

    A render imports tens of thousands of pulumi_aws classes and keeps nearly everything it
    creates: the collector's passes over that growing heap find little garbage and cost about a
    third of a cold render (prod: 3.5 s -> 2.5 s; peak memory unchanged at about 200 MB).
    Reference counting still frees everything else.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _working_directory(directory: Path) -> Iterator[None]:
    """The program runs in its own directory, as Pulumi runs it (``FileAsset("www/index.html")``)."""
    saved = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(saved)


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in str(text).strip().splitlines() if line.strip())


def _failure(stack: str, error: BaseException, files: ProgramFiles) -> RenderError:
    """One line naming the program's file and line and the exception; the traceback kept apart."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    location = failure_location(error) or files.location(error.__traceback__)
    where = f" at {location}" if location else ""
    settings = sys.modules.get("infra.settings")
    if settings is not None and isinstance(error, getattr(settings, "SettingsError", ())):
        return RenderError(f"stack {stack!r}: invalid settings: {_one_line(str(error))}", text)
    if isinstance(error, RenderError):
        return RenderError(f"stack {stack!r}{where}: {_one_line(str(error))}", error.traceback or text)
    message = f"{type(error).__name__}: {_one_line(str(error))}"
    return RenderError(f"stack {stack!r}: the program failed{where}: {message}", text)


def _about_the_program(warning: warnings.WarningMessage) -> bool:
    """A warning of Pulumi's SDKs about what the program does (not one a provider SDK's module
    gives once, when it is first imported, about classes it defines: ``BucketV2 has been
    deprecated``; the program's use of such a class is logged by Pulumi, as ``pulumi log:``)."""
    filename = warning.filename or ""
    if not issubclass(warning.category, DeprecationWarning | FutureWarning | UserWarning) or "pulumi" not in filename:
        return False
    generated_module = re.search(r"[/\\]pulumi_[a-z0-9_]+[/\\]", filename) is not None
    return not (issubclass(warning.category, DeprecationWarning) and generated_module)


def _environment() -> dict[str, str]:
    """The interpreter and the versions of the Pulumi packages installed beside it."""
    from importlib import metadata

    found = {"python": sys.executable, "python_version": ".".join(map(str, sys.version_info[:3]))}
    for distribution in metadata.distributions():
        name = (distribution.metadata["Name"] or "").lower()
        if name == "pulumi" or name.startswith("pulumi-") or name.startswith("pulumi_"):
            found[name.replace("_", "-")] = distribution.version
    return found


def _mock_settings(**values: Any) -> Any:
    """Pulumi's MockSettings with the arguments this SDK's version accepts (they grew over time)."""
    from pulumi.runtime.mocks import MockSettings

    parameters = inspect.signature(MockSettings.__init__).parameters
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        values = {k: v for k, v in values.items() if k in parameters}
    return MockSettings(**values)


def _outstanding_outputs() -> Any:
    """An empty set of outstanding outputs, of the type this SDK's version keeps them in (a deque
    before pulumi 3.2xx, a set since)."""
    from pulumi.runtime.settings import Settings

    return type(Settings(project=None, stack=None).outputs)()


def _render_here(
    stack: str,
    *,
    project_dir: Path,
    program_dir: Path,
    project_name: str,
    config: dict[str, str],
    handler: ResourceHandler,
    preview: bool,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None,
) -> Rendering:
    """Renders the program in this process (with this interpreter's pulumi)."""
    secret_keys = encrypted_keys(config)
    _refuse_encrypted_deployment(stack, secret_keys, preview)
    files = ProgramFiles(program_dir, project_dir)
    run = _ProgramRun(
        stack=stack,
        program_dir=program_dir,
        project_dir=project_dir,
        project_name=project_name,
        config=config,
        secret_keys=secret_keys,
        handler=handler,
        preview=preview,
        stack_outputs=stack_outputs,
        capture=SourceCapture(files),
    )
    started = time.perf_counter()
    caught = _run_isolated(
        run, stack, program_dir=program_dir, files=files, capture=run.capture, secret_keys=secret_keys
    )
    seconds = time.perf_counter() - started

    if run.error is not None:
        raise _failure(stack, run.error, files) from run.error

    found_warnings = [f"{w.category.__name__}: {w.message}" for w in caught if _about_the_program(w)]
    found_warnings += [f"pulumi log: {message}" for message in run.logged]
    found_warnings += run.log.warnings()
    paths = _Paths(root=project_dir, base=program_dir)
    return Rendering(
        project=project_name,
        stack=stack,
        config=config,
        resources=_rendered_resources(run.records, run.sources, paths),
        stack_outputs=_plain(run.exports, paths),
        warnings=list(dict.fromkeys(found_warnings)),  # once each: a module warns once per class it defines
        seconds=seconds,
        environment=_environment(),
    )


@dataclass
class _ProgramRun:
    """One run of the program on a render thread: what it is given and what it leaves behind."""

    stack: str
    program_dir: Path
    project_dir: Path
    project_name: str
    config: dict[str, str]
    secret_keys: list[str]
    handler: ResourceHandler
    preview: bool
    stack_outputs: Mapping[str, Mapping[str, Any]] | None
    capture: SourceCapture
    log: RenderLog = field(default_factory=RenderLog)
    records: list[dict[str, Any]] = field(default_factory=list)
    exports: dict[str, Any] = field(default_factory=dict)
    logged: list[str] = field(default_factory=list)
    loops: set[asyncio.AbstractEventLoop] = field(default_factory=set)
    sources: dict[str, str] = field(default_factory=dict)
    error: BaseException | None = None

    def __call__(self) -> None:
        # A new thread starts with an empty contextvars context, so each render gets its own
        # Pulumi runtime state (settings, root stack, config) and nothing leaks between stacks.
        import pulumi.runtime
        from pulumi.runtime.stack import run_in_stack

        logger = logging.getLogger(f"leadping.render.{self.stack}.{id(self.records)}")
        logger.propagate = False
        logger.addHandler(_ListHandler(self.logged))
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        try:
            pulumi.runtime.set_all_config(self.config, self.secret_keys)
            monitor = make_monitor(
                self.handler,
                self.records,
                self.exports,
                self.loops,
                preview=self.preview,
                stack_outputs=self.stack_outputs,
                log=self.log,
            )
            _configure_mock_runtime(
                monitor,
                logger,
                project_name=self.project_name,
                stack=self.stack,
                preview=self.preview,
                project_dir=self.project_dir,
            )
            program = str(self.program_dir)
            loop.run_until_complete(run_in_stack(lambda: runpy.run_path(program, run_name="__main__")))
            self.sources.update(self.capture.by_urn(loop))
        except BaseException as exc:
            self.error = exc
        finally:
            loop.close()
            for other in self.loops:
                if not other.is_running() and not other.is_closed():
                    other.close()


def _refuse_encrypted_deployment(stack: str, secret_keys: list[str], preview: bool) -> None:
    """Encrypted settings render only as a preview (unknown secrets): a deployment render refuses them."""
    if secret_keys and not preview:
        raise RenderError(
            f"stack {stack!r}: {', '.join(secret_keys)} encrypted: a deployment render cannot decrypt settings "
            "(only a preview renders them, as unknown secrets)"
        )


def _configure_mock_runtime(
    monitor: Any, logger: logging.Logger, *, project_name: str, stack: str, preview: bool, project_dir: Path
) -> None:
    """Points this thread's Pulumi runtime at the mock monitor and engine."""
    from pulumi.runtime.mocks import MockEngine
    from pulumi.runtime.settings import configure

    deployment_info = getattr(monitor, "GetDeploymentInfo", None)  # older SDKs ask feature by feature
    configure(
        _mock_settings(
            monitor=monitor,
            monitor_features=set(deployment_info(None).supportedFeatures) if deployment_info else None,
            engine=MockEngine(logger),
            project=project_name,
            stack=stack,
            dry_run=preview,
            organization="organization",
            root_directory=str(project_dir),
            callbacks=None,
            # This render's own outstanding outputs: the SDK's default set is shared by every
            # thread, and a failed render would leave tasks of its closed loop in it.
            outputs=_outstanding_outputs(),
            lock=threading.Lock(),
        )
    )


def _run_isolated(
    run: Callable[[], None],
    stack: str,
    *,
    program_dir: Path,
    files: ProgramFiles,
    capture: SourceCapture,
    secret_keys: list[str],
) -> list[warnings.WarningMessage]:
    """Runs ``run`` in a thread of its own, one render at a time, in the program's directory, with
    its statements captured and its warnings recorded; returns those warnings."""
    with contextlib.ExitStack() as stack_of:
        stack_of.enter_context(_RENDER_LOCK)
        stack_of.enter_context(collector_paused())
        caught = stack_of.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("always")
        stack_of.enter_context(_working_directory(program_dir))
        stack_of.enter_context(capture.installed())
        stack_of.enter_context(plain_invokes_marked())
        stack_of.enter_context(apply_failures_located(files))
        if secret_keys:
            stack_of.enter_context(encrypted_settings_unknown(secret_keys))
        saved_path = list(sys.path)
        worker = threading.Thread(target=run, name=f"render-{stack}", daemon=True)
        worker.start()
        worker.join(render_runtime.RENDER_TIMEOUT_SECONDS)
        sys.path[:] = saved_path
        if worker.is_alive():  # left running, a daemon thread: the caller reports the error and ends
            raise RenderError(
                f"stack {stack!r}: the program did not finish rendering within "
                f"{render_runtime.RENDER_TIMEOUT_SECONDS}s (is it waiting on something the offline render cannot give?)"
            )
    return caught


def _rendered_resources(
    records: list[dict[str, Any]], sources: dict[str, str], paths: _Paths
) -> list[RenderedResource]:
    """The mock monitor's records as RenderedResources, with plain inputs and outputs."""
    return [
        RenderedResource(
            urn=r["urn"],
            type=r["type"],
            name=r["name"],
            custom=r["custom"],
            parent=_strip_stack_parent(r["parent"]),
            dependencies=r["dependencies"],
            property_dependencies=r["property_dependencies"],
            provider=r["provider"],
            protect=r["protect"],
            inputs=_plain(r["inputs"], paths),
            id=r["id"],
            outputs=_plain(r["outputs"], paths),
            source=sources.get(r["urn"]),
            remote=r["remote"],
            unknown=r["unknown"],
        )
        for r in records
    ]


def _read_yaml(path: Path) -> Any:
    """A YAML (or JSON) file through the project's strict loader (one-line errors, no duplicate keys,
    no aliases). In a program's own interpreter (render_host) the project is not importable: there
    the file was already read strictly by the gate's process, and PyYAML's safe loader reads it again."""
    try:
        from compliance_checks.strict_yaml import InputError, load_yaml_file
    except ImportError:
        try:
            return yaml.safe_load(Path(path).read_text())
        except (OSError, yaml.YAMLError) as exc:
            raise RenderError(f"{path}: {_one_line(str(exc))}") from None
    try:
        return load_yaml_file(path)
    except InputError as exc:
        raise RenderError(str(exc)) from None


def load_stack_outputs(path: Path) -> dict[str, dict[str, Any]]:
    """Reads the outputs of the stacks a program references (``StackReference``), for a preview.

    The file (JSON or YAML) maps each referenced stack's name, as the program names it
    (``org/project/stack``), to its outputs, as ``pulumi stack output --json`` prints them.
    """
    document = _read_yaml(path)
    if not isinstance(document, dict) or not all(isinstance(stack, str) for stack in document):
        raise RenderError(
            f"{path}: expected a map of referenced stack name (org/project/stack) to a map of its outputs, "
            'e.g. {"acme/network/prod": {"vpcId": "vpc-1"}}'
        )
    for stack, outputs in document.items():
        if not isinstance(outputs, dict):
            raise RenderError(f"{path}: the outputs of stack {stack!r} must be a map of output name to value")
    return {str(stack): dict(outputs) for stack, outputs in document.items()}


def _project_document(project_dir: Path) -> dict[str, Any]:
    project_file = project_dir / "Pulumi.yaml"
    if not project_file.exists():
        return {}
    document = _read_yaml(project_file) or {}
    if not isinstance(document, dict):
        raise RenderError(f"{project_file}: expected a map (name, runtime, main)")
    return document


def render(
    stack: str,
    *,
    project_dir: Path = PROJECT_ROOT,
    program_dir: Path | None = None,
    config: Mapping[str, str] | None = None,
    config_file: Path | None = None,
    handler: ResourceHandler | None = None,
    project: str | None = None,
    preview: bool = False,
    python: Path | None = None,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
) -> Rendering:
    """Runs the program for ``stack`` offline and returns everything it registered.

    ``config`` (a flat Pulumi config map) wins over ``config_file``, which defaults to
    ``Pulumi.<stack>.yaml`` in ``project_dir``. ``program_dir`` defaults to the ``main`` of
    ``Pulumi.yaml``. ``preview`` renders as ``pulumi preview`` (unknowns stay unknown) rather than
    ``pulumi up``. ``python`` (default: the program's ``Pulumi.yaml`` runtime options, else this
    interpreter) is the interpreter whose packages the program runs with. ``stack_outputs`` answers
    StackReferences: referenced stack name -> its outputs. Raises ``RenderError`` with a one-line
    message when the program fails.
    """
    project_dir = Path(project_dir).resolve()
    project_doc = _project_document(project_dir)
    project_name = project or project_doc.get("name") or "project"
    if program_dir is None:
        program_dir = project_dir / str(project_doc.get("main") or ".")
    program_dir = Path(program_dir).resolve()
    if not (program_dir / "__main__.py").exists():
        raise RenderError(f"no Pulumi Python program (__main__.py) in {program_dir}")
    if config is None:
        config = load_stack_config(config_file or project_dir / f"Pulumi.{stack}.yaml", encrypted=preview)
    config = dict(config)
    handler = handler or FakeCloud(region=config.get("aws:region", "us-east-1"))
    if python is None:
        python = render_host.program_interpreter(project_dir, project_doc.get("runtime"))
    else:
        python = render_host.locate(python)
    arguments = {
        "project_dir": project_dir,
        "program_dir": program_dir,
        "project_name": project_name,
        "config": config,
        "preview": preview,
        "stack_outputs": {k: dict(v) for k, v in (stack_outputs or {}).items()},
    }
    if python is None or render_host.is_this_environment(python):
        return _render_here(stack, handler=handler, **arguments)
    spec = getattr(handler, "spec", None)
    if not callable(spec):
        raise RenderError(f"the render's handler ({type(handler).__name__}) cannot answer a program run by {python}")
    started = time.perf_counter()
    request = {**arguments, "stack": stack, "handler": spec(), "project_dir": str(project_dir)}
    request["program_dir"] = str(program_dir)
    answer = render_host.run_in_interpreter(Path(python), request, cwd=program_dir)
    return Rendering.from_json(answer, seconds=time.perf_counter() - started)


def serve_request(request_file: str) -> int:
    """The render inside a program's own interpreter (``render_host``): request and answer as JSON."""
    request = json.loads(Path(request_file).read_text())
    try:
        if importlib.util.find_spec("pulumi") is None:
            raise RenderError(f"{sys.executable} has no pulumi package: install the program's requirements in it")
        rendering = _render_here(
            request["stack"],
            project_dir=Path(request["project_dir"]),
            program_dir=Path(request["program_dir"]),
            project_name=request["project_name"],
            config=request["config"],
            handler=FakeCloud.from_spec(request["handler"]),
            preview=request["preview"],
            stack_outputs=request["stack_outputs"],
        )
        answer: dict[str, Any] = {"rendering": rendering.to_json()}
    except RenderError as error:
        answer = {"error": str(error), "traceback": error.traceback}
    Path(request["answer_file"]).write_text(json.dumps(answer, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.render",
        description="Render a stack of the Pulumi program offline (Pulumi's mock runtime) and print "
        "what it registers: type token, logical name, inputs, parent and dependencies.",
    )
    parser.add_argument("--stack", default="prod", help="stack name; reads Pulumi.<stack>.yaml (default: prod)")
    parser.add_argument("--program", type=Path, help="program directory (default: Pulumi.yaml's main)")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_ROOT, help="directory holding Pulumi.yaml")
    parser.add_argument("--stack-config", type=Path, help="stack settings file (default: Pulumi.<stack>.yaml)")
    parser.add_argument("--preview", action="store_true", help="render as `pulumi preview` does (unknowns kept)")
    parser.add_argument("--python", type=Path, help="the interpreter whose packages the program runs with")
    parser.add_argument("--stack-outputs", type=Path, help="outputs of the stacks it references (JSON/YAML)")
    parser.add_argument("--summary", action="store_true", help="print a count per resource type instead of JSON")
    parser.add_argument("--output", type=Path, help="write the JSON to this file instead of stdout")
    parser.add_argument("--verbose", action="store_true", help="print the program's traceback when it fails")
    args = parser.parse_args(argv)
    try:
        rendering = render(
            args.stack,
            project_dir=args.project_dir,
            program_dir=args.program,
            config_file=args.stack_config,
            preview=args.preview,
            python=args.python,
            stack_outputs=load_stack_outputs(args.stack_outputs) if args.stack_outputs else None,
        )
    except RenderError as exc:
        if args.verbose and exc.traceback:
            print(exc.traceback.rstrip(), file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for warning in rendering.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.summary:
        for type_token, count in sorted(rendering.types().items()):
            print(f"{count:4d}  {type_token}")
        print(f"{len(rendering.resources):4d}  resources in stack {args.stack} ({rendering.seconds:.2f}s)")
        return 0
    text = json.dumps(rendering.to_json(), indent=2, sort_keys=True, default=str)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n")
        print(f"wrote {len(rendering.resources)} resources to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
