"""The IAM actions a check needs, derived from the reads it makes (no hand-written permission lists).

A read names its API operation where it is defined: ``reader.call("logs", "describe_log_groups")``
or ``reader.paginate(...)`` in ``compliance_checks/services/*.py`` (and, rarely, in a check). The
IAM action follows from the operation (``compliance_checks.iam_actions``: the exceptions to
``<prefix>:<OperationName>``, API Gateway by HTTP method). A check's actions are found statically:
from the check's module, every function of the project it calls or hands on (``partial(ec2.f,
...)``, the methods of its class and of the family base it extends), followed through the service
helpers down to the reads, with literal operation names carried into a helper that forwards them
(``s3._read(..., "get_bucket_policy")``).
Referring to a function counts as calling it, so the set may be a little larger than one run's calls,
never smaller; ``tests/compliance_checks/test_least_privilege.py`` proves it against the calls an
audit really makes.
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Mapping
from functools import cache

from compliance_checks.iam_actions import iam_action

PROJECT_PACKAGE = "compliance_checks"
READ_METHODS = frozenset({"call", "paginate"})


class ReadDeclarationError(ValueError):
    """A read whose operation cannot be resolved to an AWS API operation."""


@cache
def _botocore_session():
    import botocore.session

    return botocore.session.get_session()


@cache
def _service_model(service: str):
    return _botocore_session().get_service_model(service)


@cache
def read_action(service: str, snake_operation: str) -> str:
    """The IAM action of ``reader.call(service, snake_operation)``."""
    from botocore import xform_name

    model = _service_model(service)
    for name in model.operation_names:
        if xform_name(name) == snake_operation:
            return iam_action(service, name, model.operation_model(name).http.get("method"))
    raise ReadDeclarationError(f"{service} has no operation {snake_operation}")


class _Module:
    """A module's functions (methods included, by name) and the project names it imports."""

    def __init__(self, name: str) -> None:
        module = sys.modules.get(name) or importlib.import_module(name)
        with open(module.__file__ or "", encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        self.name = name
        # Functions (methods included) and classes by name: a class counts as what its methods read,
        # so a check inherits the reads of the family base it extends.
        self.functions: dict[str, list[ast.FunctionDef | ast.ClassDef]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                self.functions.setdefault(node.name, []).append(node)
        # local name -> (module, attribute or None for the module itself)
        self.imports: dict[str, tuple[str, str | None]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if not node.module.startswith(PROJECT_PACKAGE):
                    continue
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    target = (full, None) if _is_module(full) else (node.module, alias.name)
                    self.imports[alias.asname or alias.name] = target
        self.tree = tree


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


@cache
def _module(name: str) -> _Module:
    return _Module(name)


def _text(node: ast.expr, bindings: Mapping[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return bindings.get(node.id)
    return None


_IN_PROGRESS: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()


@cache
def _function_actions(module: str, name: str, bindings: tuple[tuple[str, str], ...] = ()) -> frozenset[str]:
    """The actions of a project function's reads, through what it calls (each function walked once)."""
    key = (module, name, bindings)
    if key in _IN_PROGRESS:  # recursion: its reads are being collected further up
        return frozenset()
    _IN_PROGRESS.add(key)
    try:
        found: set[str] = set()
        for node in _module(module).functions.get(name, []):
            found |= _actions_in(module, node, dict(bindings))
        return frozenset(found)
    finally:
        _IN_PROGRESS.discard(key)


def _actions_in(module: str, node: ast.AST, bindings: Mapping[str, str]) -> set[str]:
    info = _module(module)
    found: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            found |= _read(child, bindings)
            target = _resolve(info, child.func)
            if target is not None:
                found |= _function_actions(*target, _bound(target, child, bindings))
        elif isinstance(child, ast.ClassDef):
            # A class's reads include those of the project classes it extends (a family base).
            for base in child.bases:
                target = _resolve(info, base)
                if target is not None:
                    found |= _function_actions(*target)
        elif isinstance(child, ast.Name | ast.Attribute) and not isinstance(getattr(child, "ctx", None), ast.Store):
            target = _resolve(info, child)
            if target is not None and _is_function(target):
                found |= _function_actions(*target)
    return found


def _is_function(target: tuple[str, str]) -> bool:
    """A reference to a function may be a call later (a callback); a class named in an annotation is not."""
    return any(isinstance(d, ast.FunctionDef) for d in _module(target[0]).functions.get(target[1], []))


def _read(call: ast.Call, bindings: Mapping[str, str]) -> set[str]:
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in READ_METHODS and len(call.args) >= 2):
        return set()
    service, operation = _text(call.args[0], bindings), _text(call.args[1], bindings)
    return {read_action(service, operation)} if service and operation else set()


def _origin(module: str, name: str) -> tuple[str, str | None]:
    """Where ``name``, imported from ``module``, is defined: followed through a module that imports
    it from elsewhere (``compliance_checks.kit``, a check's one import). ``(module, None)``: a module."""
    seen: set[tuple[str, str]] = set()
    while (module, name) not in seen:
        seen.add((module, name))
        info = _module(module)
        imported = info.imports.get(name)
        if name in info.functions or imported is None:
            return module, name
        if imported[1] is None:
            return imported
        module, name = imported[0], imported[1]
    return module, name


def _imported(info: _Module, local: str) -> tuple[str, str | None] | None:
    imported = info.imports.get(local)
    if imported is None or imported[1] is None:
        return imported
    return _origin(imported[0], imported[1])


def _resolve(info: _Module, func: ast.expr) -> tuple[str, str] | None:
    """(module, function) a name or attribute refers to, when it is one of the project's."""
    if isinstance(func, ast.Name):
        if func.id in info.functions:
            return info.name, func.id
        imported = _imported(info, func.id)
        if imported and imported[1] and imported[1] in _module(imported[0]).functions:
            return imported[0], imported[1]
        return None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        # ``self.method``: needs no resolving, the class it belongs to is walked whole (the check's
        # module, a family base); resolving it by name would also take other classes' methods.
        imported = _imported(info, func.value.id)
        if imported and imported[1] is None and func.attr in _module(imported[0]).functions:
            return imported[0], func.attr
    return None


def _bound(target: tuple[str, str], call: ast.Call, bindings: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The string literals a call passes, by the callee's parameter names (to follow forwarded operations)."""
    definitions = _module(target[0]).functions.get(target[1], [])
    if not definitions or not isinstance(definitions[0], ast.FunctionDef):
        return ()
    params = [a.arg for a in (*definitions[0].args.posonlyargs, *definitions[0].args.args)]
    bound = {}
    for name, arg in zip(params, call.args, strict=False):
        text = _text(arg, bindings)
        if text is not None:
            bound[name] = text
    for keyword in call.keywords:
        text = _text(keyword.value, bindings) if keyword.arg else None
        if text is not None:
            bound[str(keyword.arg)] = text
    return tuple(sorted(bound.items()))


@cache
def module_actions(module_name: str) -> tuple[str, ...]:
    """The IAM actions of every read the module's code makes, directly or through the project's helpers."""
    return tuple(sorted(_actions_in(module_name, _module(module_name).tree, {})))
