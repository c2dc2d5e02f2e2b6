"""Whatever a user hands the tools as a file, the answer is a result or one line: never a traceback,
a hang or a blow-up.

Property-based (hypothesis) over every reader of the YAML and JSON inputs: the strict loader
(compliance_checks/strict_yaml.py) with both parsers, stack files and the settings model, waivers
(and their index, against the plain "try every waiver" rule), known gaps, the gate's skip list and
control map, the catalog, and the audit CLI in process. Then every CLI that reads these files
(render, gate, serve, audit) runs as a subprocess under CPU and memory limits on planted files
(an alias bomb, deep nesting, bytes that are not UTF-8, a 33 MB file, a folder): exit 2 (serve: its
documented 1, "the stack could not be deployed") with one line on stderr naming the file.

Example counts are modest (the suite runs on 2 cores); each loader call is also held to a memory
bound (tracemalloc) and a deadline, so an input that makes work grow out of proportion fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import json
import resource
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from compliance_checks import cli, strict_yaml
from compliance_checks.catalog import Catalog, CatalogError, load_catalog
from compliance_checks.core import Status
from compliance_checks.known_gaps import KnownGapsError, load_known_gaps
from compliance_checks.reports.model import Finding
from compliance_checks.strict_yaml import MAX_DEPTH, InputError, load_json_text, load_yaml_file, load_yaml_text
from compliance_checks.waivers import Waiver, WaiverError, apply_waivers, load_waivers, parse_waivers
from infra.settings import SETTING_KEYS, Settings, SettingsError, read_stack_file, settings_from_config
from policies.config import ConfigError, load_controls, load_skips

ROOT = Path(__file__).resolve().parents[1]
PARSERS = [strict_yaml._Parser, strict_yaml.PythonParser]
CONTROLS = ("LP-DR-1", "LP-TX-1")
CHECKS = ("s3_bucket_default_encryption_kms", "iam_root_mfa_enabled")
MEMORY_BOUND = 64 * 1024 * 1024  # bytes a loader may allocate for an input of a few kilobytes

PROPERTY = settings(
    max_examples=60,
    deadline=dt.timedelta(seconds=10),
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Pieces that YAML gives meaning to, and values the readers must tell apart: random sequences of
# them reach far more of the parser than random characters do.
YAML_PIECES = [
    "\n", "  ", "    ", "- ", ": ", "? ", ",", "[", "]", "{", "}", "'", '"', "#", "|\n", ">-\n",
    "&a ", "*a", "&b ", "*b", "!!binary ", "!!set ", "!!omap ", "!!python/object/apply:os.system ", "!x ",
    "!!str ", "!!int ", "---\n", "...\n", "%YAML 1.1\n", "<<: ", "~", "null", "yes", "true", "365",
    "3_65", "0x1F", "1e9", "12:30", "2026-02-30", "2026-09-30", "\\", "\t", "\x00", "\x1b", "\x85",
    "\u2028", "é", "\u0663", "a", "key", "config:", "waivers:", "known_gaps", "leadping:environment: ",
    "aws:region: ", "expires: ", "check: ", "resource: ", "justification: ", "controls:", "checks:",
]  # fmt: skip

yamlish = st.lists(st.sampled_from(YAML_PIECES), max_size=60).map("".join)
any_text = st.one_of(yamlish, st.text(max_size=200))
any_bytes = st.one_of(any_text.map(lambda text: text.encode("utf-8")), st.binary(max_size=300))

# Text JSON and libyaml both carry: the BMP without surrogates (libyaml refuses a \u escape of one).
bmp_text = st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=12)
plain_data = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | bmp_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(bmp_text, children, max_size=4),
    max_leaves=16,
)

_names = itertools.count()


def one_line(message: str) -> None:
    assert message
    assert "\n" not in message
    assert "\r" not in message
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in message), message
    assert "Traceback" not in message
    assert len(message) <= 1000


def bounded(call: Callable[[], Any], *errors: type[Exception]) -> Any:
    """``call()``'s result, or None after one of ``errors`` (checked to be one line); memory bounded."""
    tracemalloc.start()
    try:
        return call()
    except errors as exc:
        one_line(str(exc))
        return None
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < MEMORY_BOUND, f"{peak} bytes allocated"


def plain(value: Any, depth: int = 0) -> bool:
    """True for what the strict loader may hand out: plain data, text keys, bounded nesting."""
    if isinstance(value, dict):
        return depth < MAX_DEPTH and all(isinstance(k, str) and plain(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return depth < MAX_DEPTH and all(plain(v, depth + 1) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("inputs")


def planted(folder: Path, data: bytes, name: str = "input.yaml") -> Path:
    """A new file for each example (the catalog's loader caches by path)."""
    path = folder / f"{next(_names)}-{name}"
    path.write_bytes(data)
    return path


# -- the strict loader ------------------------------------------------------------------------------


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@PROPERTY
@given(text=any_text)
def test_any_text_loads_as_plain_data_or_one_line(parser, text: str):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(strict_yaml, "_Parser", parser)
        document = bounded(lambda: load_yaml_text(text, "input.yaml"), InputError)
    assert plain(document)


@PROPERTY
@given(data=any_bytes)
def test_any_bytes_in_a_file_load_as_plain_data_or_one_line(scratch: Path, data: bytes):
    path = planted(scratch, data)
    assert plain(bounded(lambda: load_yaml_file(path), InputError))
    assert plain(bounded(lambda: strict_yaml.load_json_file(path), InputError))


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@PROPERTY
@given(document=plain_data)
def test_json_text_reads_back_as_the_same_data_through_both_loaders(parser, document: Any):
    # JSON is YAML 1.2: the builder must make exactly the structure the text describes.
    text = json.dumps(document).replace("\x7f", "\\u007f")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(strict_yaml, "_Parser", parser)
        assert load_yaml_text(text) == document
    assert load_json_text(text) == document


@PROPERTY
@given(keys=st.lists(bmp_text, min_size=1, max_size=5, unique=True), repeated=st.integers(0, 4))
def test_a_key_given_twice_is_always_refused(keys: list[str], repeated: int):
    again = keys[repeated % len(keys)]
    text = "".join(f"{json.dumps(key)}: 1\n" for key in [*keys, again])
    with pytest.raises(InputError, match="given twice"):
        load_yaml_text(text)


# -- stack files and the settings model ----------------------------------------------------------

DEV_CONFIG = read_stack_file(ROOT / "Pulumi.dev.yaml")
TRICKY_VALUES = [
    "", " ", "365", "3_65", "\u0663\u0666\u0665", "-1", "99999999999", "yes", "true", "null", "[]", "{}",
    "[1, 2", '["GET /health"]', '{"a": "http://x"}', "us-east-1", "us-east-\u0661", "arn:aws:iam::123456789012:role/x",
    "16", "banana", "a" * 300, "\x1b[31m", "\u2028",
]  # fmt: skip


@PROPERTY
@given(data=any_bytes)
def test_any_stack_file_is_settings_or_one_line(scratch: Path, data: bytes):
    path = planted(scratch, data, "Pulumi.x.yaml")
    config = bounded(lambda: read_stack_file(path), InputError)
    if config is not None:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in config.items())
        settings_or_error = bounded(lambda: settings_from_config("x", config), SettingsError)
        assert settings_or_error is None or isinstance(settings_or_error, Settings)


@PROPERTY
@given(
    key=st.sampled_from([*(f"leadping:{k}" for k in SETTING_KEYS), "aws:region", "leadping:colour"]),
    value=st.one_of(st.sampled_from(TRICKY_VALUES), st.text(max_size=40)),
)
def test_any_value_of_any_setting_is_settings_or_a_one_line_error(key: str, value: str):
    config = {**DEV_CONFIG, key: value}
    result = bounded(lambda: settings_from_config("dev", config), SettingsError)
    assert result is None or isinstance(result, Settings)


# -- waivers ----------------------------------------------------------------------------------------

waiver_values = st.one_of(
    st.sampled_from([*CONTROLS, *CHECKS, "2026-09-30", "2026-02-30", "20260930", "arn:aws:s3:::a*", "x", ""]),
    st.none(),
    st.integers(),
    st.lists(st.text(max_size=3), max_size=2),
    st.text(max_size=10),
)
waiver_entry = st.dictionaries(
    st.sampled_from(["control", "check", "resource", "resource_pattern", "justification", "owner", "expires", "x"]),
    waiver_values,
    max_size=7,
)


@PROPERTY
@given(data=any_bytes)
def test_any_waivers_file_is_waivers_or_one_line(scratch: Path, data: bytes):
    waivers = bounded(lambda: load_waivers(planted(scratch, data), CONTROLS, CHECKS), WaiverError)
    assert waivers is None or all(isinstance(w, Waiver) for w in waivers)


@PROPERTY
@given(entries=st.lists(waiver_entry, max_size=5))
def test_any_waiver_entries_are_valid_waivers_or_one_line_naming_the_entry(entries: list[dict[str, Any]]):
    waivers = bounded(lambda: parse_waivers({"waivers": entries}, CONTROLS, CHECKS), WaiverError)
    for waiver in waivers or []:
        assert waiver.control_id or waiver.check_id
        assert (waiver.resource is None) != (waiver.resource_pattern is None)
        assert isinstance(waiver.expires, dt.date)


ids = st.text("ab:*?[]!-", max_size=6)
waiver_objects = st.builds(
    lambda index, resource, pattern, use_pattern, check, day: Waiver(
        index=index,
        justification="j",
        expires=dt.date(2026, 6, day),
        check_id=check,
        resource=None if use_pattern else resource.translate(str.maketrans("", "", "*?[")),
        resource_pattern=pattern if use_pattern else None,
    ),
    st.integers(0, 0),
    ids,
    ids,
    st.booleans(),
    st.sampled_from([None, *CHECKS]),
    st.integers(1, 2),
)


@PROPERTY
@given(
    waivers=st.lists(waiver_objects, max_size=8),
    resources=st.lists(st.text("ab:-!", max_size=6), max_size=8),
    statuses=st.lists(st.sampled_from([Status.FAIL, Status.PASS, Status.ERROR]), min_size=8, max_size=8),
)
def test_the_waiver_index_finds_exactly_what_trying_every_waiver_finds(waivers, resources, statuses):
    waivers = [replace(waiver, index=i) for i, waiver in enumerate(waivers)]
    findings = [
        Finding("LP-DR-1", CHECKS[i % 2], resource, "AWS::S3::Bucket", "us-east-1", statuses[i], "m")
        for i, resource in enumerate(resources)
    ]
    today = dt.date(2026, 6, 1)
    out, notes = apply_waivers(findings, waivers, today)
    used = set()
    for finding, result in zip(findings, out, strict=True):
        # The rule as written: every waiver tried on every FAIL finding, in file order.
        matching = [w for w in waivers if w.matches(finding)] if finding.status is Status.FAIL else []
        active = next((w for w in matching if not w.expired(today)), None)
        if active is not None:
            used.add(active.index)
        applied = active or (matching[0] if matching else None)
        assert result.status is (Status.WAIVED if active else finding.status)
        assert (result.waiver or {}).get("index") == (applied.index if applied else None)
    assert len(notes) == sum(1 for w in waivers if w.expired(today) or w.index not in used)


# -- known gaps, the gate's files, the catalog -----------------------------------------------------


@PROPERTY
@given(data=any_bytes)
def test_any_known_gaps_file_is_gaps_or_one_line(scratch: Path, data: bytes):
    bounded(lambda: load_known_gaps(planted(scratch, data, "gaps.json"), set(CHECKS)), KnownGapsError)


@PROPERTY
@given(data=any_bytes)
def test_any_skip_list_or_control_map_is_read_or_one_line(scratch: Path, data: bytes):
    bounded(lambda: load_skips(planted(scratch, data, "skips.yaml")), ConfigError)
    bounded(lambda: load_controls(planted(scratch, data, "catalog.yaml")), ConfigError)


@PROPERTY
@given(data=any_bytes)
def test_any_catalog_file_is_a_catalog_or_one_line(scratch: Path, data: bytes):
    catalog = bounded(lambda: load_catalog(planted(scratch, data, "catalog.yaml")), CatalogError)
    assert catalog is None or isinstance(catalog, Catalog)


# -- the audit CLI, in process --------------------------------------------------------------------

AUDIT = ["audit", "--quiet", "--region", "us-east-1", "--checks", "iam_root_mfa_enabled", "--format", "json"]


def audit(*options: str) -> tuple[int, str]:
    err = io.StringIO()
    with mock_aws(), contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main([*AUDIT, *options])
    return code, err.getvalue()


@settings(PROPERTY, max_examples=25)
@given(data=any_bytes, option=st.sampled_from(["--waivers", "--known-gaps", "--stack"]))
def test_the_audit_answers_any_input_file_with_an_exit_code_and_at_most_one_line(
    scratch: Path, data: bytes, option: str
):
    if option == "--stack":
        folder = scratch / f"project-{next(_names)}"
        folder.mkdir()
        (folder / "Pulumi.x.yaml").write_bytes(data)
        code, err = audit("--stack", "x", "--project-dir", str(folder))
    else:
        code, err = audit(option, str(planted(scratch, data)))
    assert code in (0, 1, 2, 3)
    if code == 2:
        assert err.startswith(f"{cli.PROG}: error: ")
        one_line(err.removesuffix("\n"))
    assert "Traceback" not in err


# -- every CLI, as a subprocess under limits, on planted files -----------------------------------

ALIAS_BOMB = "\n".join(
    ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    + ["config: *a9"]
).encode()
PLANTED = {
    "alias bomb": ALIAS_BOMB,
    "deep nesting": b"config:" + b" [" * 100_000 + b" ]" * 100_000 + b"\n",
    "not utf-8": b"config:\n  aws:region: us-east-\xd9\n",
    "binary tag": b"config:\n  leadping:environment: !!binary cHJvZA==\n",
    "duplicate environment": (ROOT / "Pulumi.prod.yaml").read_bytes() + b"  leadping:environment: dev\n",
    "33 MB": None,  # written sparse, below
    "a folder": None,
}


def plant(folder: Path, kind: str, name: str) -> Path:
    path = folder / name
    if kind == "a folder":
        path.mkdir()
    elif kind == "33 MB":
        with path.open("wb") as handle:
            handle.truncate(33 * 1024 * 1024)
    else:
        path.write_bytes(PLANTED[kind])
    return path


def _limits() -> None:
    # A second of CPU per second of wall time at most, and 1 GiB of address space: an input that
    # makes the work or the memory grow fails here instead of hanging the suite or the machine.
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120, preexec_fn=_limits, check=False
    )


SERVE = (
    "import sys, pathlib, infra.render as r; r.PROJECT_ROOT = pathlib.Path(sys.argv[1]); "
    "from sandbox.cli import main; sys.exit(main(sys.argv[2:]))"
)

CASES = [
    *(("audit --waivers", kind) for kind in ("alias bomb", "deep nesting", "not utf-8", "33 MB")),
    *(("audit --known-gaps", kind) for kind in ("deep nesting", "not utf-8")),
    *(("audit --stack", kind) for kind in ("duplicate environment", "a folder")),
    *(("render", kind) for kind in ("alias bomb", "binary tag")),
    *(("gate", kind) for kind in ("alias bomb", "duplicate environment")),
    ("serve", "deep nesting"),
]


@pytest.mark.parametrize(("command", "kind"), CASES, ids=[f"{c}-{k}" for c, k in CASES])
def test_every_cli_answers_a_planted_file_with_one_line_and_its_exit_code(tmp_path: Path, command: str, kind: str):
    path = plant(tmp_path, kind, "Pulumi.x.yaml")
    expected = 2
    if command == "render":
        result = run("-m", "infra.render", "--stack", "x", "--stack-config", str(path))
    elif command == "gate":
        args = ["--program", "infra", "--stack", "x", "--stack-config", str(path), "--no-secrets-scan"]
        result = run("-m", "policies", "gate", *args, "--output-dir", str(tmp_path / "out"))
    elif command == "serve":
        result = run("-c", SERVE, str(tmp_path), "serve", "--stack", "x", "--port", "0", "--quiet")
        expected = 1  # serve's documented code for a stack it cannot deploy
    elif command == "audit --stack":
        result = run("-m", "compliance_checks", *AUDIT, "--stack", "x", "--project-dir", str(tmp_path))
    else:
        result = run("-m", "compliance_checks", *AUDIT, command.split()[1], str(path))
    assert result.returncode == expected, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-2000:]
    one_line(lines[0])
    assert "Pulumi.x.yaml" in lines[0]
