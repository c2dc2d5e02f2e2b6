"""The formats written a finding at a time (sarif, junit, oscal, markdown) write exactly the text their
whole-document renderers wrote (kept under data/streaming/, see streaming_cases.py), for every shape
of report, from a list or from a FindingStore; and so do the gate's JUnit and SARIF on the shared
builders."""

from __future__ import annotations

import io
import json

import pytest

from compliance_checks.reports import FORMATS, junit_builder, sarif_builder
from tests.compliance_checks.reports import streaming_cases
from tests.compliance_checks.reports.streaming_cases import CASES, GATE_CASES, as_store, golden

KEPT = [(case, name) for case in CASES for name in streaming_cases.FORMATS]


def written(name: str, report) -> str:
    """What ``Format.write`` puts in a file (opened with ``newline=""``, as outputs.py opens it)."""
    out = io.StringIO(newline="")
    FORMATS[name].write(report, out)
    return out.getvalue()


@pytest.mark.parametrize(("case", "name"), KEPT)
def test_the_written_text_is_the_kept_text(case, name):
    expected = golden(case, streaming_cases.FORMATS[name])
    assert written(name, CASES[case]()) == expected
    assert FORMATS[name].render(CASES[case]()) == expected


@pytest.mark.parametrize(("case", "name"), KEPT)
def test_a_report_whose_findings_are_a_store_writes_the_same_text(case, name):
    report = as_store(CASES[case]())
    assert written(name, report) == golden(case, streaming_cases.FORMATS[name], store=True)


@pytest.mark.parametrize("case", GATE_CASES)
def test_the_gates_junit_and_sarif_on_the_shared_builders_are_the_kept_texts(case):
    assert junit_builder.render(GATE_CASES[case]()) == golden(case, "junit.xml")
    document = sarif_builder.document(GATE_CASES[case]())
    assert json.dumps(document, indent=1) + "\n" == golden(case, "sarif")
