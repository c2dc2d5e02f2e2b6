"""Renders of the checked-in stacks, shared by the infra tests.

Each stack renders once per test process (session scope; under ``pytest -n auto`` once per
worker), which keeps the suite fast on a small machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.render import Rendering, render

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def prod() -> Rendering:
    return render("prod")


@pytest.fixture(scope="session")
def dev() -> Rendering:
    return render("dev")


@pytest.fixture(params=["dev", "prod"])
def stack(request: pytest.FixtureRequest) -> Rendering:
    """Both checked-in stacks, one test each."""
    return request.getfixturevalue(request.param)
