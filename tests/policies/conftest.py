"""Fixtures for the gate's tests: the session's one Checkov batch, and renders shared per process."""

from __future__ import annotations

import pytest

from tests.policies.batch import Batch, shared_batch, shared_directory


@pytest.fixture(scope="session")
def gate_batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """Checkov's results for every plan of the batch (tests/policies/batch.py): one run per session."""
    return shared_batch(shared_directory(tmp_path_factory.getbasetemp()))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that read the batch run Checkov and render whole stacks, whatever module they are in."""
    for item in items:
        if "gate_batch" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.checkov)
            item.add_marker(pytest.mark.slow)
