"""The pieces of the offline render that talk to Pulumi's runtime while a program runs.

- ``make_monitor``: a resource monitor (Pulumi's ``MockMonitor``) that records every registration:
  inputs split into what is known and the paths of what is not (a preview's unknowns), remote
  components, and the answers of the handler; provider functions it cannot answer become unknown
  (preview) or stop the render (deployment); a StackReference reads the outputs it was given.
- ``SourceCapture``: the line of the program that constructed each resource (``ProgramFiles``
  tells the program's files from installed packages and the render's own modules).
- ``apply_failures_located``: the line of the program where an ``.apply`` callback failed.
- ``plain_invokes_marked``: which provider function calls the program made in their plain form.

It needs only the standard library and the program's own ``pulumi``: the same module renders a
program in its own Python environment (``infra/render_host.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import os
import re
import sys
import traceback
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from .fake_functions import Unanswerable

STACK_REFERENCE = "pulumi:pulumi:StackReference"
# How long one render may take, in this process or in the program's interpreter: a program that
# never finishes (waiting on something the offline render cannot give) is stopped with an error.
RENDER_TIMEOUT_SECONDS = 900
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PATH_PART = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')
# The render's own modules (all it imports of this project, and what is injected into a program's
# interpreter): never "the program", even where they lie inside the program's directory (infra/).
RENDER_MODULES = ("render.py", "render_runtime.py", "render_host.py", "fake_cloud.py", "fake_functions.py")
_RENDER_FILES = frozenset(str(Path(__file__).resolve().parent / name) for name in RENDER_MODULES)

# Set while the program makes a plain (not ``*_output``) provider function call: an unknown
# result would crash the SDK's result class there, so such a call gets an empty result instead.
_PLAIN_INVOKE: contextvars.ContextVar[bool] = contextvars.ContextVar("leadping_plain_invoke", default=False)


class RenderError(RuntimeError):
    """The program could not be rendered (bad settings, a failing program, an unknown call).

    ``traceback`` holds the program's traceback text when there is one (a CLI prints it under
    ``--verbose``); the message itself is one line.
    """

    def __init__(self, message: str, traceback_text: str = "") -> None:
        super().__init__(message)
        self.traceback = traceback_text


# -- unknown values ------------------------------------------------------------------------------


def format_path(parts: tuple[str | int, ...]) -> str:
    """``("rules", 0, "cidrBlocks")`` -> ``rules[0].cidrBlocks``; odd keys as ``tags["a.b"]``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text


def parse_path(text: str) -> tuple[str | int, ...]:
    """The inverse of ``format_path``."""
    parts: list[str | int] = []
    position = 0
    while position < len(text):
        match = _PATH_PART.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"not an input path: {text!r}")
        name, index, quoted = match.groups()
        parts.append(name if name is not None else int(index) if index is not None else json.loads(quoted))
        position = match.end()
    return tuple(parts)


def _is_unknown(value: Any) -> bool:
    from pulumi.output import Unknown
    from pulumi.runtime import rpc

    # A secret whose value is not known yet is unknown (its secretness does not matter then).
    return isinstance(rpc.unwrap_rpc_secret(value), Unknown)


def _is_special(value: Any) -> bool:
    """Pulumi's wire objects (a secret, an asset) are values, not maps to look into."""
    from pulumi.runtime import rpc

    return rpc._special_sig_key in value


def split_unknowns(value: Any, path: tuple[str | int, ...] = ()) -> tuple[Any, list[tuple[str | int, ...]]]:
    """(the value without its unknown parts, the paths of those parts).

    An unknown map entry is left out; an unknown list element becomes None (the positions of the
    others are kept).
    """
    if isinstance(value, dict) and not _is_special(value):
        known: dict[str, Any] = {}
        unknown: list[tuple[str | int, ...]] = []
        for key, item in value.items():
            if _is_unknown(item):
                unknown.append((*path, key))
                continue
            known[key], found = split_unknowns(item, (*path, key))
            unknown += found
        return known, unknown
    if isinstance(value, list):
        items, unknown = [], []
        for index, item in enumerate(value):
            if _is_unknown(item):
                items.append(None)
                unknown.append((*path, index))
                continue
            known_item, found = split_unknowns(item, (*path, index))
            items.append(known_item)
            unknown += found
        return items, unknown
    return value, []


# -- where in the program ------------------------------------------------------------------------


class ProgramFiles:
    """Decides which source files are the program's (its directory, minus installed packages)."""

    def __init__(self, program_dir: Path, project_dir: Path) -> None:
        self.program_dir = str(Path(program_dir).resolve())
        self.project_dir = Path(project_dir).resolve()
        prefixes = {sys.prefix, sys.exec_prefix, sys.base_prefix}
        self._excluded = tuple(str(Path(p).resolve()) + os.sep for p in prefixes)
        self._cache: dict[str, str | None] = {}

    def relative(self, filename: str) -> str | None:
        """The file's path relative to the project directory when it is the program's, else None."""
        if filename in self._cache:
            return self._cache[filename]
        found = None
        if filename.startswith("<"):  # frozen or generated code (<frozen runpy>, <string>): not a file
            self._cache[filename] = None
            return None
        path = os.path.abspath(filename)
        inside = path.startswith(self.program_dir + os.sep)
        installed = "site-packages" in path or "dist-packages" in path or path.startswith(self._excluded)
        if inside and not installed and path not in _RENDER_FILES:
            try:
                found = Path(path).relative_to(self.project_dir).as_posix()
            except ValueError:
                found = Path(path).relative_to(self.program_dir).as_posix()
        self._cache[filename] = found
        return found

    def constructed_at(self, resource: Any) -> str | None:
        """``file:line`` of the program statement constructing ``resource``: the innermost frame
        of the current stack that is the program's and not a constructor of that very resource
        (a component class of the program calls ``super().__init__``; its caller constructed it)."""
        frame = sys._getframe(1)
        while frame is not None:
            code = frame.f_code
            own_constructor = code.co_argcount > 0 and frame.f_locals.get(code.co_varnames[0]) is resource
            relative = None if own_constructor else self.relative(code.co_filename)
            if relative is not None:
                return f"{relative}:{frame.f_lineno}"
            frame = frame.f_back
        return None

    def location(self, tb: TracebackType | None) -> str | None:
        """``file:line`` of the innermost frame of a traceback that is the program's."""
        found = None
        for frame, line in traceback.walk_tb(tb):
            relative = self.relative(frame.f_code.co_filename)
            if relative is not None:
                found = f"{relative}:{line}"
        return found


class SourceCapture:
    """Records, for each resource the program constructs, the program line that constructed it.

    ``pulumi.Resource.__init__`` is wrapped while the program runs (every resource class goes
    through it, whatever the SDK's version); the resource's URN is read once the render is done.
    """

    def __init__(self, files: ProgramFiles) -> None:
        self.files = files
        self._constructed: list[tuple[Any, str]] = []

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        import pulumi.resource

        original = pulumi.resource.Resource.__init__
        capture = self

        def __init__(resource: Any, *args: Any, **kwargs: Any) -> None:
            source = capture.files.constructed_at(resource)
            original(resource, *args, **kwargs)
            if source is not None and "urn" in resource.__dict__:
                capture._constructed.append((resource, source))

        pulumi.resource.Resource.__init__ = __init__  # type: ignore[method-assign]
        try:
            yield
        finally:
            pulumi.resource.Resource.__init__ = original  # type: ignore[method-assign]

    def by_urn(self, loop: asyncio.AbstractEventLoop) -> dict[str, str]:
        """URN -> ``file:line``; run on the render's loop once the program has finished."""

        async def urns() -> list[Any]:
            return await asyncio.gather(*(r.urn.future() for r, _ in self._constructed), return_exceptions=True)

        found: dict[str, str] = {}
        for (_resource, source), urn in zip(self._constructed, loop.run_until_complete(urns()), strict=True):
            if isinstance(urn, str) and urn not in found:
                found[urn] = source
        return found


_LOCATION = "_leadping_program_location"


def failure_location(error: BaseException) -> str | None:
    """Where in the program an ``.apply`` callback raised ``error`` (see apply_failures_located)."""
    return getattr(error, _LOCATION, None)


@contextlib.contextmanager
def apply_failures_located(files: ProgramFiles) -> Iterator[None]:
    """Notes on an exception raised in an ``.apply`` callback the program line that raised it.

    The SDK re-raises such an exception at the end of the program from its own task, with a
    traceback that no longer reaches the callback; the note keeps the line.
    """
    from pulumi.output import Output

    original = Output.apply

    def apply(output: Any, func: Any, *args: Any, **kwargs: Any) -> Any:
        def located(value: Any) -> Any:
            try:
                return func(value)
            except Exception as error:
                if failure_location(error) is None:
                    with contextlib.suppress(AttributeError):  # an exception type that takes no attributes
                        setattr(error, _LOCATION, files.location(error.__traceback__))
                raise

        return original(output, located, *args, **kwargs)

    Output.apply = apply  # type: ignore[method-assign]
    try:
        yield
    finally:
        Output.apply = original  # type: ignore[method-assign]


# What a preview render hands the program for a top-level encrypted setting ({secure: ...}) it cannot
# decrypt (infra.settings.read_stack_file(encrypted=True)); its uses through Config's secret getters
# are unknown secret values (encrypted_settings_unknown).
ENCRYPTED_VALUE = "[encrypted setting: not decrypted offline]"
_SECRET_GETTERS = (
    "get_secret",
    "get_secret_bool",
    "get_secret_int",
    "get_secret_float",
    "get_secret_object",
    "require_secret",
    "require_secret_bool",
    "require_secret_int",
    "require_secret_float",
    "require_secret_object",
)


def encrypted_keys(config: Mapping[str, str]) -> list[str]:
    return sorted(key for key, value in config.items() if value == ENCRYPTED_VALUE)


def _unknown_secret() -> Any:
    from pulumi.output import Output

    loop = asyncio.get_event_loop()

    def resolved(value: Any) -> asyncio.Future:
        future = loop.create_future()
        future.set_result(value)
        return future

    return Output(set(), resolved(None), resolved(False), resolved(True))


@contextlib.contextmanager
def encrypted_settings_unknown(keys: Collection[str]) -> Iterator[None]:
    """A preview's view of settings it cannot decrypt: ``config.require_secret("dbPassword")`` and the
    other secret getters give an unknown secret value (its ``.apply`` code does not run, the inputs it
    reaches are unknown), as a value the render cannot know. Plain getters see ``ENCRYPTED_VALUE``."""
    from pulumi.config import Config

    wanted = frozenset(keys)
    originals = {name: getattr(Config, name) for name in _SECRET_GETTERS if hasattr(Config, name)}

    def unknown_when_encrypted(original: Any) -> Any:
        def getter(self: Any, key: str, *args: Any, **kwargs: Any) -> Any:
            if self.full_key(key) in wanted:
                return _unknown_secret()
            return original(self, key, *args, **kwargs)

        return getter

    for name, original in originals.items():
        setattr(Config, name, unknown_when_encrypted(original))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(Config, name, original)


@contextlib.contextmanager
def plain_invokes_marked() -> Iterator[None]:
    """Marks the provider function calls made through ``pulumi.runtime.invoke`` (the plain form)."""
    import pulumi.runtime

    module = sys.modules["pulumi.runtime.invoke"]
    original = module.invoke

    def invoke(*args: Any, **kwargs: Any) -> Any:
        token = _PLAIN_INVOKE.set(True)
        try:
            return original(*args, **kwargs)
        finally:
            _PLAIN_INVOKE.reset(token)

    module.invoke = invoke
    pulumi.runtime.invoke = invoke
    try:
        yield
    finally:
        module.invoke = original
        pulumi.runtime.invoke = original


# -- the monitor ---------------------------------------------------------------------------------


class RenderLog:
    """What the monitor noticed that the rendering reports as warnings."""

    def __init__(self) -> None:
        self.unanswered: Counter[str] = Counter()
        self.unknown_stack_references: list[str] = []

    def warnings(self) -> list[str]:
        found = [
            f"provider function {token!r} could not be answered offline ({count} call{'s' * (count > 1)}): "
            "its result is unknown"
            for token, count in sorted(self.unanswered.items())
        ]
        found += [
            f"StackReference {name!r}: no outputs were given for that stack; its outputs are unknown"
            for name in self.unknown_stack_references
        ]
        return found


def make_monitor(
    handler: Any,
    records: list[dict[str, Any]],
    exports: dict[str, Any],
    loops: set[asyncio.AbstractEventLoop],
    *,
    preview: bool,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None,
    log: RenderLog,
) -> Any:
    from pulumi.runtime import rpc
    from pulumi.runtime.mocks import MockMonitor, MockResourceArgs, Mocks
    from pulumi.runtime.proto import resource_pb2
    from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

    class _Adapter(Mocks):
        def new_resource(self, args: MockResourceArgs):
            return handler.new_resource(args)

        def call(self, args):
            return handler.call(args)

    def ensure_loop() -> None:
        # The monitor runs on executor threads; each gets an event loop that the render closes.
        loops.add(_ensure_event_loop())

    class RecordingMonitor(MockMonitor):
        """A MockMonitor that also keeps parent, dependencies, options, unknowns and stack exports."""

        def Invoke(self, request):
            ensure_loop()
            try:
                return super().Invoke(request)
            except Unanswerable as error:
                return _unanswered(request.tok, error, preview=preview, log=log)

        def ReadResource(self, request):
            ensure_loop()
            if request.type != STACK_REFERENCE:
                return super().ReadResource(request)
            state = _stack_reference(request.id, stack_outputs, preview=preview, log=log)
            urn = self.make_urn(request.parent, request.type, request.name)
            self.resources[urn] = MockMonitor.ResourceRegistration(urn, request.id, state)
            properties = _sync_await(rpc.serialize_properties(state, {}))
            return resource_pb2.ReadResourceResponse(urn=urn, properties=properties)

        def RegisterResource(self, request):
            urn = self.make_urn(request.parent, request.type, request.name)
            if request.type == "pulumi:pulumi:Stack":
                return resource_pb2.RegisterResourceResponse(urn=urn)
            ensure_loop()
            properties = _without_resource_references(request.object)
            inputs, unknown = split_unknowns(rpc.deserialize_properties(properties, keep_unknowns=True))
            if request.custom:
                resource_id, state = self.mocks.new_resource(_custom_resource_args(request, inputs, unknown))
            else:
                # Components have no provider; a remote one is built by another language's host,
                # which the offline render does not run: its outputs stay unknown.
                resource_id, state = None, {}
            obj = _sync_await(rpc.serialize_properties(state, {}))
            self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id, state)
            records.append(_record(urn, request, inputs, unknown, resource_id, state))
            return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id or "", object=obj)

        def RegisterResourceOutputs(self, request):
            if "::pulumi:pulumi:Stack::" in request.urn:
                ensure_loop()
                known, _unknown = split_unknowns(rpc.deserialize_properties(request.outputs, keep_unknowns=True))
                exports.update(known)
            return super().RegisterResourceOutputs(request)

    return RecordingMonitor(_Adapter())


# Pulumi's wire format: a struct whose SPECIAL_SIGNATURE_KEY member is RESOURCE_REFERENCE stands for a
# resource (its urn, and its id for a custom one). Protocol constants (sdk/python/lib/pulumi/runtime/rpc.py).
SPECIAL_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
RESOURCE_REFERENCE = "5cf8f73096256a8f31e491e813e4eb8e"
UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _without_resource_references(struct: Any) -> Any:
    """A registration's properties (a protobuf Struct) with each resource reference as its id (a
    custom resource's) or urn, as the SDK reads a reference to a resource it has no class for.

    A remote component receives the program's resources themselves (the SDK sends references to a
    multi-language component: ``aws-apigateway``'s ``RestAPI`` routes to a Lambda ``Function``).
    Deserialized as they are, each reference would be rebuilt as a new resource object of the
    program's SDK, on the monitor's thread: its outputs wait on an event loop that never runs, and the
    render waited for them for ever. The render records the reference; nothing here needs the object.
    """

    def rewrite(value: Any, change: bool) -> bool:
        """Whether ``value`` (a protobuf Value) holds a reference; with ``change``, each becomes text."""
        kind = value.WhichOneof("kind")
        if kind == "struct_value":
            members = value.struct_value.fields
            if SPECIAL_SIGNATURE_KEY in members and members[SPECIAL_SIGNATURE_KEY].string_value == RESOURCE_REFERENCE:
                if change:
                    if "id" in members:
                        value.string_value = members["id"].string_value or UNKNOWN_VALUE
                    else:
                        value.string_value = members["urn"].string_value if "urn" in members else ""
                return True
            return any([rewrite(member, change) for member in members.values()])  # every one, not the first
        if kind == "list_value":
            return any([rewrite(item, change) for item in value.list_value.values])
        return False

    if not any([rewrite(value, False) for value in struct.fields.values()]):
        return struct  # the common case: no reference, the struct as it came
    copy = type(struct)()
    copy.CopyFrom(struct)
    for value in copy.fields.values():
        rewrite(value, True)
    return copy


def _unanswered(token: str, error: Exception, *, preview: bool, log: RenderLog) -> Any:
    """An invoke no fake answers: an error in a deployment render, an unknown result in a preview."""
    from pulumi.runtime.proto import provider_pb2, resource_pb2

    if not preview:
        raise RenderError(str(error)) from None
    log.unanswered[token] += 1
    # The SDK's own invoke response (older SDKs answered an invoke with the provider's).
    invoke_response = getattr(resource_pb2, "ResourceInvokeResponse", None) or provider_pb2.InvokeResponse
    if _PLAIN_INVOKE.get() or "unknown" not in invoke_response.DESCRIPTOR.fields_by_name:
        return invoke_response()  # empty: the SDK builds a result of Nones
    return invoke_response(unknown=True)


def _stack_reference(
    name: str, stack_outputs: Mapping[str, Mapping[str, Any]] | None, *, preview: bool, log: RenderLog
) -> dict[str, Any]:
    """A StackReference's state: the outputs given for that stack, or (in a preview) unknown ones."""
    outputs = (stack_outputs or {}).get(name)
    if outputs is not None:
        return {"name": name, "outputs": dict(outputs), "secretOutputNames": []}
    if not preview:
        raise RenderError(f"StackReference {name!r}: no outputs were given for that stack")
    log.unknown_stack_references.append(name)
    return {"name": name}


def _custom_resource_args(request: Any, inputs: dict[str, Any], unknown: list[tuple[str | int, ...]]) -> Any:
    """The mocks' arguments for a custom resource: only its wholly known inputs."""
    from pulumi.runtime.mocks import MockResourceArgs

    # A property with an unknown part is unknown as a whole to the program (as in a preview).
    partly_unknown = {path[0] for path in unknown}
    args = MockResourceArgs(
        typ=request.type,
        name=request.name,
        inputs={k: v for k, v in inputs.items() if k not in partly_unknown},
        provider=request.provider,
        resource_id=request.importId,
        custom=True,
    )
    args.unknown_inputs = frozenset(partly_unknown)  # what the handler must not make up
    return args


def _record(
    urn: str,
    request: Any,
    inputs: dict[str, Any],
    unknown: list[tuple[str | int, ...]],
    resource_id: str | None,
    state: dict[str, Any],
) -> dict[str, Any]:
    """What the render keeps of one registered resource."""
    return {
        "urn": urn,
        "type": request.type,
        "name": request.name,
        "custom": bool(request.custom),
        "parent": request.parent or None,
        "dependencies": tuple(request.dependencies),
        "property_dependencies": {key: tuple(value.urns) for key, value in request.propertyDependencies.items()},
        "provider": request.provider or None,
        "protect": bool(request.protect),
        "inputs": inputs,
        "id": resource_id,
        "outputs": state,
        "remote": bool(getattr(request, "remote", False)),
        "unknown": tuple(sorted(format_path(path) for path in unknown)),
    }
