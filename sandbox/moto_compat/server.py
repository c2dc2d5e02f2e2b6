"""The served moto: which service a request is for, decided without listing moto's folder each time.

moto's server (``DomainDispatcherApplication.get_backend_for_host``) asks, for every request,
whether the host names one of moto's service modules, and answers by listing moto's package folder
and testing each of its ~170 entries with ``isdir`` (``moto.backends.list_of_moto_modules``): about a
third of the server's processor time per request (measured with py-spy on the 1,000-bucket account
of ``benchmarks.prowler_comparison``: 327 of 896 samples of the request handler). The folder does
not change while the process runs, so the fix lists it once. What the server answers is unchanged;
only its cost, which a benchmark against the served sandbox would otherwise charge to the tool it
measures, as AWS never does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from sandbox.moto_compat import Patch


def _listed_once(original: Callable[[], Iterable[str]]) -> Callable[[], tuple[str, ...]]:
    return functools.cache(lambda: tuple(original()))


def patches() -> list[Any]:
    from moto import backends

    return [Patch(backends, "list_of_moto_modules", _listed_once)]
