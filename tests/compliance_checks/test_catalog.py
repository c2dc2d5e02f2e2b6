"""The catalog covers every control of CONTROLS.md, and every reference in it resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compliance_checks import registry
from compliance_checks.catalog import CatalogError, load_catalog, load_references, parse_catalog

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"

# Planned checks (coord/CHECKS.md) that are not written yet. It may only hold ids that do not exist,
# so it shrinks as checks land; the lead empties it at integration.
PENDING: frozenset[str] = frozenset()
MANUAL_CONTROLS = frozenset({"LP-SEC-4", "LP-IR-1"})

_HEADING = re.compile(r"^### (LP-[A-Z]+-\d+) (.+)$")


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _spec_controls() -> dict[str, dict[str, str]]:
    """CONTROLS.md parsed: id -> {title, statement} (the first blockquote under the heading)."""
    controls: dict[str, dict[str, str]] = {}
    current: str | None = None
    quote: list[str] = []
    for line in (SHARED / "CONTROLS.md").read_text(encoding="utf-8").splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = heading.group(1)
            controls[current] = {"title": heading.group(2).strip(), "statement": ""}
            quote = []
        elif current and line.startswith(">") and not controls[current]["statement"]:
            quote.append(line.lstrip("> ").strip())
        elif current and quote and not controls[current]["statement"]:
            controls[current]["statement"] = _normalise(" ".join(quote))
    return controls


@pytest.fixture(scope="module")
def spec() -> dict[str, dict[str, str]]:
    if not (SHARED / "CONTROLS.md").exists():
        pytest.fail(f"{SHARED / 'CONTROLS.md'} is missing: the catalog is checked against it")
    return _spec_controls()


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_the_catalog_has_exactly_the_controls_of_controls_md(catalog, spec):
    assert len(spec) >= 17
    assert set(catalog.control_ids) == set(spec)


def test_titles_match_controls_md(catalog, spec):
    assert {c.id: c.title for c in catalog.controls} == {i: s["title"] for i, s in spec.items()}


def test_statements_quote_controls_md(catalog, spec):
    for control in catalog.controls:
        quoted = spec[control.id]["statement"]
        if quoted.startswith("(same statement"):
            # LP-LOG-2 repeats LP-LOG-1's statement.
            assert control.statement == catalog.control("LP-LOG-1").statement
        else:
            assert control.statement == quoted, control.id


def test_every_statement_sentence_is_on_the_security_page(catalog):
    page = _normalise((SHARED / "security-page.txt").read_text(encoding="utf-8"))
    for control in catalog.controls:
        for sentence in re.split(r"(?<=\.) (?=[A-Z])", control.statement):
            assert sentence in page, f"{control.id}: {sentence!r} is not on the security page"


def test_every_control_has_a_check_or_is_manual_with_evidence(catalog):
    for control in catalog.controls:
        if control.id in MANUAL_CONTROLS:
            assert control.manual, control.id
            assert len(control.manual_evidence) > 40, control.id
            assert not control.checks, f"{control.id} is manual: evidence, not checks"
        else:
            assert not control.manual, f"{control.id} is not a manual control"
            assert control.checks, f"{control.id} has no check"


def test_every_registered_check_belongs_to_a_control(catalog):
    orphans = set(registry.all_checks()) - set(catalog.check_ids)
    assert not orphans, f"checks in no control of catalog.yaml: {sorted(orphans)}"


def test_every_catalog_check_exists_in_the_registry_unless_pending(catalog):
    missing = set(catalog.check_ids) - set(registry.all_checks()) - PENDING
    assert not missing, f"catalog.yaml names checks that do not exist: {sorted(missing)}"


def test_pending_only_holds_planned_checks_that_do_not_exist_yet(catalog):
    landed = PENDING & set(registry.all_checks())
    assert not landed, f"these checks exist now: remove them from PENDING: {sorted(landed)}"
    assert set(catalog.check_ids) >= PENDING, "PENDING names a check the catalog does not plan"


def test_every_framework_reference_resolves(catalog):
    references = load_references()
    for control in catalog.controls:
        for kind, ids in control.references.items():
            unknown = set(ids) - set(references[kind])
            assert not unknown, f"{control.id}: unknown {kind} references {sorted(unknown)}"
    assert catalog.control("LP-TX-1").references["security_hub"]
    assert "CC6.7" in catalog.control("LP-TX-1").references["soc2"]


def test_every_reference_in_the_list_has_a_title():
    for kind, entries in load_references().items():
        assert entries, kind
        assert all(len(title) > 10 for title in entries.values()), kind


def _policy_ids_in_gate() -> str:
    policies = ROOT / "policies"
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in policies.rglob("*") if p.is_file())


def test_policies_and_runbooks_resolve_once_filled(catalog):
    gate_text = _policy_ids_in_gate()
    for control in catalog.controls:
        for policy_id in control.policies:
            assert re.search(rf"\b{re.escape(policy_id)}\b", gate_text), f"{control.id}: no gate policy {policy_id}"
        for runbook in control.runbooks:
            assert (ROOT / runbook).is_file(), f"{control.id}: runbook {runbook} does not exist"


def test_every_leadping_gate_policy_enforces_a_control_the_catalog_names(catalog):
    from policies.config import custom_check_ids

    assert set(custom_check_ids()) == set(catalog.control_by_policy)


def test_the_catalog_lists_exactly_the_runbooks_whose_headers_name_each_control(catalog):
    from runbooks.links import controls_to_runbooks

    headers = controls_to_runbooks()
    for control in catalog.controls:
        assert sorted(control.runbooks) == sorted(headers.get(control.id, [])), control.id


def test_a_malformed_catalog_is_refused_with_the_entry_named():
    with pytest.raises(CatalogError, match=r"controls\[0\].*title"):
        parse_catalog({"controls": [{"id": "LP-X-1", "statement": "s"}]})
    with pytest.raises(CatalogError, match="unknown keys"):
        parse_catalog({"controls": [{"id": "LP-X-1", "title": "t", "statement": "s", "check": ["x"]}]})
    entry = {"id": "LP-X-1", "title": "t", "statement": "s"}
    with pytest.raises(CatalogError, match="twice"):
        parse_catalog({"controls": [entry, entry]})
