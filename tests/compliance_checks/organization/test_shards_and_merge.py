"""--shard I/N and merge: a stable slice per account, and a merge that refuses what is not one whole run."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from compliance_checks import cli, merge, shards
from compliance_checks.reports import FORMATS

ACCOUNTS = [f"{100000000000 + i * 7919:012d}" for i in range(40)]


def test_every_account_is_in_exactly_one_shard_and_it_does_not_depend_on_order() -> None:
    slices = {i: [a for a in ACCOUNTS if shards.Shard(i, 4).holds(a)] for i in range(1, 5)}
    assert sorted(a for s in slices.values() for a in s) == sorted(ACCOUNTS)
    assert all(slices.values())  # 40 accounts over 4 shards: none empty
    assert {a: shards.shard_of(a, 4) for a in reversed(ACCOUNTS)} == {a: shards.shard_of(a, 4) for a in ACCOUNTS}
    # Fixed by the hash of the id, so a machine today and another tomorrow agree.
    assert shards.shard_of("123456789012", 4) == shards.shard_of("123456789012", 4)


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "a/b", "1/4/2", "2", "1/1001", " "])
def test_given_a_malformed_shard_then_it_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="shard"):
        shards.parse_shard(text)


def test_given_a_valid_shard_then_it_parses() -> None:
    assert shards.parse_shard("3/8") == shards.Shard(3, 8)


_KMS = "s3_bucket_default_encryption_kms"


def _finding(account: str, status: str = "PASS", check: str | None = "s3_bucket_default_encryption_kms") -> dict:
    return {
        "control_id": "LP-DR-1",
        "check_id": check,
        "resource_id": f"arn:aws:::account/{account}" if check else "evidence:LP-DR-1",
        "resource_type": "AWS::::Account",
        "region": "global",
        "account_id": account if check else "unknown",
        "status": status,
        "severity": "high",
        "title": "t",
        "message": "m",
        "evidence": {},
        "waiver": None,
    }


def _shard(index: int, count: int, accounts: list[str], run_id: str = "run-1") -> dict:
    return {
        "metadata": {
            "accounts": accounts,
            "regions": ["us-east-1"],
            "controls": ["LP-DR-1"],
            "requests": 3,
            "started": "2026-01-01T00:00:00+00:00",
            "finished": "2026-01-01T00:01:00+00:00",
            "run": shards.run_identity(run_id, shards.Shard(index, count), {"accounts": [], "checks": ["x"]}),
        },
        "checks": {
            "s3_bucket_default_encryption_kms": {
                "title": "t",
                "severity": "high",
                "resource_type": "AWS::S3::Bucket",
                "rationale": None,
                "remediation": "r",
                "controls": ["LP-DR-1"],
            }
        },
        "findings": [_finding(a, "FAIL" if a == ACCOUNTS[0] else "PASS") for a in accounts]
        + [_finding("unknown", "MANUAL", check=None)],
    }


def _shards(count: int = 3) -> list[tuple[Path, dict]]:
    return [
        (Path(f"shard{i}"), _shard(i, count, [a for a in ACCOUNTS if shards.shard_of(a, count) == i]))
        for i in range(1, count + 1)
    ]


def test_given_every_shard_of_one_run_then_merge_is_their_union() -> None:
    report = merge.merge_documents(_shards())
    assert sorted(report.metadata["accounts"]) == sorted(ACCOUNTS)
    assert len(report.findings) == len(ACCOUNTS) + 1  # the manual control's finding once, not once per shard
    assert report.metadata["requests"] == 9
    assert report.exit_code() == 1


def test_given_a_missing_shard_then_merge_refuses() -> None:
    with pytest.raises(merge.MergeError, match=r"missing shard.*2/3"):
        merge.merge_documents([s for s in _shards() if s[0].name != "shard2"])


def test_given_a_shard_twice_then_merge_refuses() -> None:
    documents = _shards()
    with pytest.raises(merge.MergeError, match="given twice"):
        merge.merge_documents([*documents, documents[0]])


def test_given_an_account_in_two_shards_then_merge_refuses() -> None:
    documents = copy.deepcopy(_shards())
    stray = documents[0][1]["metadata"]["accounts"][0]
    documents[1][1]["metadata"]["accounts"].append(stray)
    with pytest.raises(merge.MergeError, match=f"account {stray} is in two shards"):
        merge.merge_documents(documents)


def test_given_an_account_in_the_wrong_shard_then_merge_refuses() -> None:
    documents = copy.deepcopy(_shards())
    moved = documents[0][1]["metadata"]["accounts"].pop()
    documents[1][1]["metadata"]["accounts"].append(moved)
    with pytest.raises(merge.MergeError, match="belongs to shard 1"):
        merge.merge_documents(documents)


@pytest.mark.parametrize("key", ["id", "selection", "catalog"])
def test_given_shards_of_different_runs_then_merge_refuses(key: str) -> None:
    documents = copy.deepcopy(_shards())
    documents[2][1]["metadata"]["run"][key] = "another"
    with pytest.raises(merge.MergeError, match=rf"another run.*{key} differs"):
        merge.merge_documents(documents)


def test_given_a_different_shard_count_then_merge_refuses() -> None:
    documents = _shards(3)
    other = _shard(2, 4, [a for a in ACCOUNTS if shards.shard_of(a, 4) == 2])
    with pytest.raises(merge.MergeError, match="one of 3"):
        merge.merge_documents([documents[0], (Path("x"), other)])


def test_given_a_report_that_is_not_a_shard_then_merge_refuses(tmp_path: Path) -> None:
    (tmp_path / "audit.json").write_text(json.dumps({"metadata": {}, "findings": []}))
    with pytest.raises(merge.MergeError, match="not the report of a shard"):
        merge.load_shard(tmp_path)
    with pytest.raises(merge.MergeError, match="does not exist"):
        merge.load_shard(tmp_path / "nothing")
    (tmp_path / "audit.json").write_text("{truncated")
    with pytest.raises(merge.MergeError, match="not a readable report"):
        merge.load_shard(tmp_path)


def test_merge_on_the_command_line_refuses_in_one_line_with_exit_2(tmp_path: Path, capsys) -> None:
    for path, document in _shards()[:2]:
        (tmp_path / path).mkdir()
        (tmp_path / path / "audit.json").write_text(json.dumps(document))
    code = cli.main(["merge", str(tmp_path / "shard1"), str(tmp_path / "shard2"), "--output-dir", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "missing shard(s) 3/3" in err
    assert not (tmp_path / "o").exists()


def test_merge_on_the_command_line_writes_every_format_asked_for(tmp_path: Path) -> None:
    for path, document in _shards():
        (tmp_path / path).mkdir()
        (tmp_path / path / "audit.json").write_text(json.dumps(document))
    dirs = [str(tmp_path / f"shard{i}") for i in (1, 2, 3)]
    every = list(FORMATS)
    code = cli.main(["merge", *dirs, "--output-dir", str(tmp_path / "o"), "--format", ",".join(every)])
    assert code == 1
    merged = json.loads((tmp_path / "o" / "audit.json").read_text())
    assert merged["metadata"]["run"]["merged_shards"] == 3
    assert merged["checks"] == _shards()[0][1]["checks"]
    sarif = json.loads((tmp_path / "o" / "audit.sarif").read_text())
    [rule] = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert (rule["id"], rule["properties"]["controls"]) == (_KMS, ["LP-DR-1"])
    assert sorted(path.name for path in (tmp_path / "o").iterdir()) == sorted(FORMATS[name].filename for name in every)


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda d: d["findings"].append({"control_id": "LP-DR-1"}), "is not a finding (it has no check_id)"),
        (
            lambda d: d["findings"].__setitem__(0, {**d["findings"][0], "status": "GREEN"}),
            "its status 'GREEN' is not one",
        ),
        (lambda d: d["findings"].__setitem__(0, "a string"), "finding 0 is not a finding (it is a JSON text, not an"),
        (lambda d: d.__setitem__("findings", {"not": "a list"}), "has no list of findings"),
        (
            lambda d: d["findings"][0].__setitem__("severity", 7),
            "finding 0 is not a finding (its severity 7 is not one",
        ),
        (lambda d: d["findings"][0].__setitem__("waiver", "x"), "(its waiver is a JSON text, not an object)"),
        (lambda d: d["findings"][0].__setitem__("check_id", {}), "its check_id is a JSON object, neither a text"),
        (lambda d: d["metadata"]["run"]["shard"].__setitem__("index", "1"), "not a shard I/N"),
        (lambda d: d["metadata"].__setitem__("accounts", "123456789012"), "metadata.accounts is not a list"),
        (lambda d: d["metadata"].__setitem__("controls", 7), "metadata.controls is not a list"),
        (lambda d: d["metadata"].__setitem__("check_seconds", []), "metadata.check_seconds is not an object"),
        (lambda d: d.__setitem__("checks", ["s3_bucket_default_encryption_kms"]), "checks is not an object"),
        (lambda d: d["metadata"].__setitem__("requests", "many"), "metadata.requests is not a count of requests"),
        (lambda d: d["metadata"].__setitem__("notes", 7), "metadata.notes is not a list of texts"),
        (lambda d: d["metadata"].pop("finished"), "metadata.finished is not a timestamp with its time zone"),
        (lambda d: d["metadata"].__setitem__("started", "2026-01-01T00:00:00"), "metadata.started is not a timestamp"),
        (lambda d: d["metadata"].__setitem__("check_seconds", {"x": "1"}), "check_seconds.x is not a number"),
        (lambda d: d["metadata"].__setitem__("organization", {"members": "3"}), "members is not a count"),
        (lambda d: d["checks"].__setitem__("s3_bucket_default_encryption_kms", "t"), "is not a check description"),
        (lambda d: d["checks"][_KMS].pop("controls"), f"checks.{_KMS}.controls is not a list of control ids"),
        (lambda d: d["checks"][_KMS].__setitem__("severity", "urgent"), f"checks.{_KMS}.severity is not one of"),
        (lambda d: d["checks"][_KMS].__setitem__("title", 7), f"checks.{_KMS}.title is not a text"),
        (lambda d: d["checks"][_KMS].__setitem__("remediation", ["r"]), f"checks.{_KMS}.remediation is not a text"),
    ],
)
def test_given_a_shard_spoiled_inside_then_merge_refuses_in_one_line(tmp_path: Path, capsys, spoil, message) -> None:
    for number, (path, document) in enumerate(_shards(), start=1):
        if number == 2:
            spoil(document)
        (tmp_path / path).mkdir()
        (tmp_path / path / "audit.json").write_text(json.dumps(document))
    dirs = [str(tmp_path / f"shard{i}") for i in (1, 2, 3)]
    code = cli.main(["merge", *dirs, "--output-dir", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1
    assert message in err
    assert not (tmp_path / "o").exists()


_JSON_KINDS = (None, "x", 7, 1.5, True, [], ["a"], {}, {"a": 1})


@pytest.mark.parametrize(
    "where",
    [
        *(("findings", 0, member) for member in _finding("123456789012")),
        *(("metadata", key) for key in ("requests", "started", "finished", "notes", "check_seconds", "organization")),
        ("checks", _KMS, "severity"),
        ("checks", _KMS, "controls"),
    ],
    ids=lambda where: ".".join(map(str, where)),
)
def test_a_shard_with_any_member_of_any_kind_is_merged_or_refused_in_one_line(tmp_path: Path, capsys, where) -> None:
    """Each member a report writer reads, set to every JSON kind in turn: the merge writes every format
    or exits 2 with one line; never a traceback from half-way through a writer."""
    for value in _JSON_KINDS:
        documents = _shards()
        node: Any = documents[1][1]
        for key in where[:-1]:
            node = node[key]
        node[where[-1]] = value
        root = tmp_path / str(_JSON_KINDS.index(value))
        for path, document in documents:
            (root / path).mkdir(parents=True)
            (root / path / "audit.json").write_text(json.dumps(document))
        code = cli.main(
            [
                "merge",
                *(str(root / f"shard{i}") for i in (1, 2, 3)),
                "--output-dir",
                str(root / "o"),
                "--format",
                "json,sarif,asff,ocsf,html,junit",
            ]
        )
        err = capsys.readouterr().err
        assert code in (1, 2), (value, err)
        assert code == 1 or (err.count("\n") == 1 and not (root / "o").exists()), (value, err)
