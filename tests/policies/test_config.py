"""The gate's checked-in configuration (policies/config.py): the skip list and the control map.

A skip without a written reason, or for an id Checkov does not have, a malformed control map or
accepted secrets finding: each stops the gate with a message naming the file and the entry.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from policies import config as gate_config
from policies.config import ConfigError, Skip, load_controls, load_skips, validate_skips

REASON = "a reason of at least five words that an auditor reads"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


# -- the checked-in files ------------------------------------------------------------------------


def test_the_checked_in_skip_list_loads_and_every_skip_has_a_reason():
    skips = load_skips()
    assert skips.checks
    for skip in skips.checks:
        assert len(skip.reason.split()) >= gate_config.MIN_REASON_WORDS, skip.id


def test_the_checked_in_skip_list_names_only_checks_checkov_has(gate_batch):
    assert validate_skips(load_skips(), set(gate_batch.catalog)) == []


def test_the_skip_list_stays_short():
    """The issue asks to keep it short and to report its length (the gate's summary line does)."""
    skips = load_skips()
    assert len(skips.global_ids) <= 10
    # 16 since the API became a REST API stage (LP-MON-1): four more skips, each limited to the one
    # ingress resource it accepts (the public GET /health method, the stage and its settings).
    assert len(skips.checks) <= 16


def test_every_custom_check_enforces_a_control():
    controls = load_controls()
    for check_id in gate_config.custom_check_ids():
        assert gate_config.CONTROL_ID.match(controls.control_for(check_id)), check_id


def test_a_built_in_check_gets_the_control_of_its_category():
    controls = load_controls()
    assert controls.control_for("CKV_AWS_7", ["ENCRYPTION"]) == "LP-DR-1"
    assert controls.control_for("CKV_AWS_999", []) == "unmapped"


# -- skips ---------------------------------------------------------------------------------------


def test_a_skip_without_a_reason_is_refused(tmp_path):
    path = write(tmp_path, "skips.yaml", "checks:\n  - id: CKV_AWS_7\n")
    with pytest.raises(ConfigError, match=r"skips\.yaml checks: CKV_AWS_7 has no written reason"):
        load_skips(path)


def test_a_skip_with_a_token_reason_is_refused(tmp_path):
    path = write(tmp_path, "skips.yaml", "checks:\n  - id: CKV_AWS_7\n    reason: not needed\n")
    with pytest.raises(ConfigError, match=r"CKV_AWS_7 has no written reason \(at least 5 words\)"):
        load_skips(path)


def test_a_skip_without_an_id_is_refused(tmp_path):
    path = write(tmp_path, "skips.yaml", f"checks:\n  - reason: {REASON}\n")
    with pytest.raises(ConfigError, match="each entry needs a 'id'"):
        load_skips(path)


def test_a_check_skipped_twice_is_refused(tmp_path):
    entry = f"  - id: CKV_AWS_7\n    reason: {REASON}\n"
    path = write(tmp_path, "skips.yaml", "checks:\n" + entry + entry)
    with pytest.raises(ConfigError, match="checks listed twice: CKV_AWS_7"):
        load_skips(path)


def test_a_skip_for_an_id_checkov_does_not_have_is_reported(gate_batch, tmp_path):
    path = write(
        tmp_path,
        "skips.yaml",
        f"checks:\n  - id: CKV_AWS_7\n    reason: {REASON}\n  - id: CKV_AWS_99999\n    reason: {REASON}\n",
    )
    problems = validate_skips(load_skips(path), set(gate_batch.catalog))
    assert problems == ["skips.yaml skips CKV_AWS_99999, which Checkov 3.3.30 does not have"]


def test_limits_must_be_lists_of_names(tmp_path):
    path = write(tmp_path, "skips.yaml", f"checks:\n  - id: CKV_AWS_7\n    reason: {REASON}\n    environments: dev\n")
    with pytest.raises(ConfigError, match="CKV_AWS_7: 'environments' must be a list of environment names"):
        load_skips(path)


def test_a_limited_skip_accepts_only_what_it_names():
    by_environment = Skip("CKV_AWS_157", REASON, environments=("dev",))
    assert by_environment.accepts("CKV_AWS_157", "dev", "any-database")
    assert not by_environment.accepts("CKV_AWS_157", "prod", "any-database")
    assert not by_environment.accepts("CKV_AWS_16", "dev", "any-database")

    by_resource = Skip("CKV_AWS_274", REASON, resources=("access-break-glass-administrator",))
    assert by_resource.accepts("CKV_AWS_274", "prod", "access-break-glass-administrator")
    assert not by_resource.accepts("CKV_AWS_274", "prod", "access-api-attachment")
    assert not by_resource.accepts("CKV_AWS_274", "prod", None)

    both = Skip("CKV_AWS_1", REASON, environments=("dev",), resources=("a",))
    assert both.accepts("CKV_AWS_1", "dev", "a")
    assert not both.accepts("CKV_AWS_1", "prod", "a")
    assert not both.accepts("CKV_AWS_1", "dev", "b")

    everywhere = Skip("CKV_AWS_2", REASON)
    assert not everywhere.limited
    assert not everywhere.accepts("CKV_AWS_2", "dev", "a"), "an unlimited skip goes to --skip-check instead"


def test_limited_skips_run_and_unlimited_ones_are_skipped(tmp_path):
    path = write(
        tmp_path,
        "skips.yaml",
        f"""\
        checks:
          - id: CKV_AWS_1
            reason: {REASON}
          - id: CKV_AWS_2
            reason: {REASON}
            resources: [web]
        """,
    )
    skips = load_skips(path)
    assert skips.global_ids == ["CKV_AWS_1"]
    assert skips.accepting("CKV_AWS_2", "prod", "web") is skips.checks[1]
    assert skips.accepting("CKV_AWS_2", "prod", "api") is None


def test_the_break_glass_skip_accepts_only_the_break_glass_attachment_in_prod(gate_batch):
    """CKV_AWS_274 runs on the whole prod stack; its one failure is the resource the skip names."""
    results = gate_batch["regressions.prod_unchanged"]
    names = results.names
    failed = [names[a] for a in results.failed("CKV_AWS_274")]
    assert failed == ["access-break-glass-administrator"]
    assert len(results.passed("CKV_AWS_274")) > 5


def test_an_unreadable_skip_list_is_refused(tmp_path):
    path = write(tmp_path, "skips.yaml", "checks: [unclosed\n")
    with pytest.raises(ConfigError, match="cannot read the skip list"):
        load_skips(path)


# -- secrets scan entries ------------------------------------------------------------------------


def test_an_accepted_secret_names_its_detector(tmp_path):
    path = write(tmp_path, "skips.yaml", f"secrets_accepted_findings:\n  - path: a/b.py\n    reason: {REASON}\n")
    with pytest.raises(ConfigError, match=r"accepted finding a/b\.py needs its detector id \(CKV_SECRET_n\)"):
        load_skips(path)


def test_an_accepted_secret_needs_a_reason(tmp_path):
    path = write(tmp_path, "skips.yaml", "secrets_accepted_findings:\n  - path: a/b.py\n    check: CKV_SECRET_6\n")
    with pytest.raises(ConfigError, match=r"secrets_accepted_findings: a/b\.py has no written reason"):
        load_skips(path)


ACCEPTED_HASH = "0123456789abcdef0123456789abcdef01234567"
OTHER_HASH = "fedcba9876543210fedcba9876543210fedcba98"


def test_an_accepted_secret_names_the_values_it_accepts(tmp_path):
    for secrets in ("", "    secrets: []\n", "    secrets: [not-a-sha1]\n", "    secrets: 0123\n"):
        path = write(
            tmp_path,
            "skips.yaml",
            f"secrets_accepted_findings:\n  - path: a/b.py\n    check: CKV_SECRET_6\n{secrets}    reason: {REASON}\n",
        )
        with pytest.raises(ConfigError, match=r"a/b\.py \(CKV_SECRET_6\) needs 'secrets': the SHA-1 of each"):
            load_skips(path)


def test_an_accepted_secret_matches_its_file_detector_and_value_only(tmp_path):
    path = write(
        tmp_path,
        "skips.yaml",
        "secrets_accepted_findings:\n  - path: a/b.py\n    check: CKV_SECRET_6\n"
        f"    secrets: [{ACCEPTED_HASH}]\n    reason: {REASON}\n",
    )
    skips = load_skips(path)
    assert skips.secret_accepted("a/b.py", "CKV_SECRET_6", ACCEPTED_HASH) is not None
    assert skips.secret_accepted("/a/b.py", "CKV_SECRET_6", ACCEPTED_HASH) is not None
    assert skips.secret_accepted("a/b.py", "CKV_SECRET_6", OTHER_HASH) is None, "another value in the same file"
    assert skips.secret_accepted("a/b.py", "CKV_SECRET_2", ACCEPTED_HASH) is None
    assert skips.secret_accepted("a/c.py", "CKV_SECRET_6", ACCEPTED_HASH) is None


def test_a_skip_path_must_be_a_regular_expression(tmp_path):
    path = write(
        tmp_path, "skips.yaml", f"secrets_scan_skip_paths:\n  - path: 'tests/[unclosed'\n    reason: {REASON}\n"
    )
    with pytest.raises(ConfigError, match="is not a valid regular expression"):
        load_skips(path)


# -- controls ------------------------------------------------------------------------------------


CONTROL = "  - {{id: {id}, title: t, statement: s, {extra}}}\n"


def catalog_file(tmp_path: Path, *entries: tuple[str, str]) -> Path:
    """A catalog of the given (control id, extra keys) entries."""
    text = "controls:\n" + "".join(CONTROL.format(id=i, extra=extra) for i, extra in entries)
    return write(tmp_path, "catalog.yaml", text)


def test_the_control_map_is_the_catalogs_policies_and_gate_categories(tmp_path):
    path = catalog_file(tmp_path, ("LP-TX-1", "policies: [LP_X], gate_categories: [networking]"))
    controls = load_controls(path)
    assert controls.by_check == {"LP_X": "LP-TX-1"}
    assert controls.control_for("CKV_AWS_1", ["NETWORKING"]) == "LP-TX-1"


def test_a_control_map_key_must_be_a_control_id(tmp_path):
    path = catalog_file(tmp_path, ("TX-1", "policies: [LP_X]"))
    with pytest.raises(ConfigError, match=r"catalog\.yaml: 'TX-1' is not a control id \(LP-XX-n\)"):
        load_controls(path)


def test_a_check_mapped_to_two_controls_is_refused(tmp_path):
    path = catalog_file(tmp_path, ("LP-TX-1", "policies: [LP_X]"), ("LP-TX-2", "policies: [LP_X]"))
    with pytest.raises(ConfigError, match="LP_X is mapped to LP-TX-1 and LP-TX-2"):
        load_controls(path)


def test_a_category_mapped_to_two_controls_is_refused(tmp_path):
    path = catalog_file(tmp_path, ("LP-TX-1", "gate_categories: [IAM]"), ("LP-TX-2", "gate_categories: [iam]"))
    with pytest.raises(ConfigError, match="iam is mapped to LP-TX-1 and LP-TX-2"):
        load_controls(path)


def test_an_unreadable_control_map_is_refused(tmp_path):
    path = write(tmp_path, "catalog.yaml", "controls: [{id: LP-TX-1, [\n")
    with pytest.raises(ConfigError, match="cannot read"):
        load_controls(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- LP_X\n", "the catalog must be a mapping with a 'controls' list"),
        ("controls:\n  - {id: LP-TX-1, title: t, statement: s, policies: LP_X}\n", "expected a list"),
        ("controls:\n  - {id: LP-TX-1, title: t, statement: s, gate_categories: {a: b}}\n", "expected a list"),
    ],
)
def test_a_malformed_control_map_is_refused_with_its_shape(tmp_path, text, message):
    with pytest.raises(ConfigError) as caught:
        load_controls(write(tmp_path, "catalog.yaml", text))
    assert str(caught.value).startswith("cannot read the control map: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- CKV_AWS_7\n", "skips.yaml: expected a map of sections, found list"),
        ("checks: {CKV_AWS_7: why}\n", "skips.yaml: 'checks' must be a list, found dict"),
        ("secrets_accepted_findings: a/b.py\n", "skips.yaml: 'secrets_accepted_findings' must be a list, found str"),
    ],
)
def test_a_malformed_skip_list_is_refused_with_its_shape(tmp_path, text, message):
    with pytest.raises(ConfigError) as caught:
        load_skips(write(tmp_path, "skips.yaml", text))
    assert str(caught.value) == message


# -- profiles ------------------------------------------------------------------------------------


def test_the_generic_profile_runs_checkovs_checks_with_nothing_skipped_and_nothing_of_leadpings():
    generic = gate_config.load_profile("generic")
    assert generic.skips.checks == ()
    assert generic.skips.secret_paths == ()
    assert generic.skips.accepted_secrets == ()
    assert generic.checks_dirs == ()
    assert generic.controls is None
    assert not generic.stack_context


def test_the_leadping_profile_is_the_checked_in_skip_list_checks_and_control_map():
    leadping = gate_config.load_profile("leadping")
    assert leadping.skips == load_skips()
    assert leadping.checks_dirs == (gate_config.CHECKS_DIR,)
    assert leadping.controls == load_controls()
    assert leadping.stack_context


def test_a_failure_is_named_by_leadpings_control_or_by_checkovs_category():
    assert gate_config.load_profile("leadping").control_for("CKV_AWS_7", ["ENCRYPTION"]) == "LP-DR-1"
    generic = gate_config.load_profile("generic")
    assert generic.control_for("CKV_AWS_7", ["ENCRYPTION"]) == "ENCRYPTION"
    assert generic.control_for("CKV_AWS_1", ["iam", "GENERAL_SECURITY"]) == "GENERAL_SECURITY/IAM"
    assert generic.control_for("CKV_AWS_2", []) == "uncategorised"


def test_a_teams_skip_list_replaces_the_profiles_and_its_checks_run_beside_them(tmp_path):
    skips = write(tmp_path, "team-skips.yaml", f"checks:\n  - id: CKV_AWS_260\n    reason: {REASON}\n")
    checks = tmp_path / "team-checks"
    checks.mkdir()
    leadping = gate_config.load_profile("leadping", skips_file=skips, external_checks_dirs=(checks,))
    assert leadping.skips.global_ids == ["CKV_AWS_260"]
    assert leadping.skips.source_name == "team-skips.yaml"
    assert leadping.checks_dirs == (gate_config.CHECKS_DIR, checks)
    generic = gate_config.load_profile("generic", skips_file=skips, external_checks_dirs=(checks,))
    assert (generic.skips.global_ids, generic.checks_dirs) == (["CKV_AWS_260"], (checks,))


def test_a_teams_skip_list_is_validated_as_ours_is(tmp_path):
    skips = write(tmp_path, "team-skips.yaml", "checks:\n  - id: CKV_AWS_260\n    reason: port 80\n")
    with pytest.raises(ConfigError, match=r"team-skips\.yaml checks: CKV_AWS_260 has no written reason"):
        gate_config.load_profile("generic", skips_file=skips)


def test_an_unknown_profile_or_a_missing_checks_directory_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown profile 'strict'; choose from generic, leadping"):
        gate_config.load_profile("strict")
    with pytest.raises(ConfigError, match=r"the external checks directory .*/none does not exist"):
        gate_config.load_profile("generic", external_checks_dirs=(tmp_path / "none",))


# -- read strictly (compliance_checks.strict_yaml) ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            f"checks:\n  - id: CKV_AWS_7\n    reason: {REASON}\n    reason: short\n",
            "skips.yaml:4:5: checks[0].reason: given twice (lines 3 and 4)",
        ),
        ("checks: &all []\nsecrets_scan_skip_paths: *all\n", "YAML anchors and aliases"),
        ("checks: !!python/object/apply:os.system [ls]\n", "the tag '!!python/object/apply:os.system'"),
        ("checks:\n  - {id: CKV_AWS_7, 1: x}\n", "the key 1 is not text"),
    ],
)
def test_a_skip_list_the_strict_loader_refuses_names_the_file_and_line(tmp_path, text, message):
    with pytest.raises(ConfigError, match="cannot read the skip list") as caught:
        load_skips(write(tmp_path, "skips.yaml", text))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_control_map_that_is_not_utf8_or_a_folder_is_refused(tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_bytes(b"controls:\n  - [\xfe]\n")
    with pytest.raises(ConfigError, match=r"byte 15 \(line 2\) is not UTF-8"):
        load_controls(path)
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(ConfigError, match="is a folder"):
        load_controls(folder)


def test_load_yaml_refuses_what_the_strict_loader_refuses():
    assert gate_config.load_yaml("types:\n  a: b\n") == {"types": {"a": "b"}}
    with pytest.raises(ConfigError, match=r"type_map\.yaml:2:1: types: given twice"):
        gate_config.load_yaml("types: {}\ntypes: {}\n", "type_map.yaml")
