"""The formats written a finding at a time (sarif, junit, oscal, markdown) write exactly the text their
whole-document renderers wrote (kept under data/streaming/, see streaming_cases.py), for every shape
of report, from a list or from a FindingStore; and so do the gate's JUnit and SARIF on the shared
builders. (What writing them holds: organization/test_streamed_reports.py.)"""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance_checks.reports import FORMATS, json_text, junit_builder, sarif_builder
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


# JSON values as pairs: (the plain value, the same value with some of its arrays as json_text.Items).
_LEAVES = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)).map(lambda v: (v, v))


def _arrays_and_objects(children):
    def array(pairs, streamed):
        plain, inner = [p for p, _ in pairs], [s for _, s in pairs]
        return plain, json_text.Items(iter(inner)) if streamed else inner

    arrays = st.builds(array, st.lists(children, max_size=4), st.booleans())
    objects = st.dictionaries(st.text(max_size=6), children, max_size=4).map(
        lambda pairs: ({k: p for k, (p, _) in pairs.items()}, {k: s for k, (_, s) in pairs.items()})
    )
    return arrays | objects


_DOCUMENTS = st.dictionaries(st.text(max_size=6), st.recursive(_LEAVES, _arrays_and_objects, max_leaves=30))


@settings(max_examples=150, deadline=None)
@given(_DOCUMENTS)
def test_json_text_writes_items_anywhere_as_json_dumps_indents_the_whole_document(pairs):
    plain = {key: p for key, (p, _) in pairs.items()}
    streamed = {key: s for key, (_, s) in pairs.items()}
    assert json_text.dumps(streamed) == json.dumps(plain, indent=2) + "\n"


def test_json_text_items_one_a_line_inside_an_indented_document():
    document = {"a": {"b": [json_text.Items(iter([{"x": [1, 2]}, "y"]), one_a_line=True)]}, "c": 1}
    expected = (
        '{\n  "a": {\n    "b": [\n      [\n        {"x": [1, 2]},\n        "y"\n      ]\n    ]\n  },\n  "c": 1\n}\n'
    )
    assert json_text.dumps(document) == expected


def test_every_format_but_the_terminal_table_streams():
    assert [name for name, f in FORMATS.items() if not f.streams] == ["table"]
