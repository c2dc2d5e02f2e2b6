"""The runner: read once, concurrency, laziness, and how results become findings."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from compliance_checks import registry
from compliance_checks.catalog import Catalog, Control, load_catalog
from compliance_checks.core import (
    ACCOUNT_READS_IN_FLIGHT,
    Check,
    CheckContext,
    CheckMetadata,
    ReadError,
    Severity,
    Status,
    errored,
    execute,
    failed,
    judge_each,
    judge_resource,
    passed,
)
from compliance_checks.reader import Reader
from compliance_checks.runner import AuditOptions, SelectionError, run_audit, select
from compliance_checks.services import s3
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, deny_operation

MODEL = "s3_bucket_default_encryption_kms"


def _metadata(title: str = "fake check", permissions: tuple[str, ...] = ("s3:ListAllMyBuckets",)) -> CheckMetadata:
    return CheckMetadata(
        title=title,
        severity=Severity.MEDIUM,
        resource_type="AWS::S3::Bucket",
        rationale="test",
        remediation="test",
        permissions=permissions,
    )


class BucketEncryptionReader(Check):
    """Reads what the model check reads, to show that two checks share one read per bucket."""

    metadata = _metadata(permissions=("s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetEncryptionConfiguration"))

    def evaluate(self, ctx):
        for bucket in s3.buckets(ctx.reader):
            config = s3.encryption(ctx.reader, bucket)
            yield passed(bucket.arn, "read", region=bucket.region, rules=len((config or {}).get("Rules", [])))


class NothingInScope(Check):
    """Judges nothing."""

    metadata = _metadata()

    def evaluate(self, ctx):
        return []


class Denied(Check):
    """Raises a ReadError for the whole check."""

    metadata = _metadata()

    def evaluate(self, ctx):
        raise ReadError(ReadError.ACCESS_DENIED, "s3:list_buckets", "AccessDenied: no", REGION)


class TwoResources(Check):
    metadata = _metadata()

    def evaluate(self, ctx):
        yield passed("arn:aws:s3:::good", "fine", region=REGION)
        yield failed("arn:aws:s3:::bad", "not fine", region=REGION, detail="x")


def _catalog(*controls: Control) -> Catalog:
    return Catalog(tuple(controls))


def _control(control_id: str, *checks: str, manual: str | None = None) -> Control:
    return Control(control_id, f"title {control_id}", "statement", tuple(checks), manual_evidence=manual)


def _bucket(name: str, region: str = REGION, algorithm: str = "AES256") -> None:
    client = boto3.client("s3", region_name=region)
    kwargs = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    client.create_bucket(Bucket=name, **kwargs)
    client.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": algorithm}}]
        },
    )


def test_each_api_is_read_once_per_resource_however_many_checks_read_it(reader):
    for i in range(5):
        _bucket(f"bucket-{i}")
    catalog = _catalog(_control("LP-T-1", MODEL, "shared_reader"), _control("LP-T-2", "shared_reader"))
    selection = select(catalog, {MODEL: registry.get(MODEL), "shared_reader": BucketEncryptionReader})
    report = run_audit([reader], selection)
    assert reader.requests[("s3", "list_buckets")] == 1
    assert reader.requests[("s3", "get_bucket_encryption")] == 5
    assert reader.requests[("s3", "get_bucket_location")] == 5
    assert reader.requests[("sts", "get_caller_identity")] == 1
    # shared_reader asserts two controls: one finding per control and bucket.
    shared = [f for f in report.findings if f.check_id == "shared_reader"]
    assert sorted({f.control_id for f in shared}) == ["LP-T-1", "LP-T-2"]
    assert len(shared) == 10
    assert report.metadata["requests"] == sum(reader.requests.values())


def test_a_run_of_one_check_reads_only_what_that_check_needs(reader):
    _bucket("only-bucket")
    boto3.client("iam", region_name=REGION).create_role(RoleName="unrelated", AssumeRolePolicyDocument="{}")
    catalog = load_catalog()
    selection = select(catalog, registry.all_checks(), check_ids=[MODEL])
    assert list(selection.checks) == [MODEL]
    run_audit([reader], selection)
    assert set(reader.requests) == {
        ("sts", "get_caller_identity"),
        ("s3", "list_buckets"),
        ("s3", "get_bucket_location"),
        ("s3", "get_bucket_encryption"),
    }


def _blocking_check(name: str, barrier: threading.Barrier, active: list[int], peak: list[int], lock):
    class Blocking(Check):
        metadata = _metadata(title=name)

        def evaluate(self, ctx):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            try:
                barrier.wait(timeout=5)  # only returns when enough checks run at the same time
            finally:
                with lock:
                    active[0] -= 1
            yield passed(f"arn:aws:s3:::{name}", "ran concurrently", region=REGION)

    return Blocking


def test_checks_run_concurrently(reader):
    barrier = threading.Barrier(3)
    active, peak, lock = [0], [0], threading.Lock()
    checks = {f"block_{i}": _blocking_check(f"block-{i}", barrier, active, peak, lock) for i in range(3)}
    selection = select(_catalog(_control("LP-T-1", *checks)), checks)
    report = run_audit([reader], selection, AuditOptions(workers=3))
    assert [f.status for f in report.findings] == [Status.PASS] * 3
    assert peak[0] == 3


def test_concurrency_is_bounded_by_workers(reader):
    active, peak, lock = [0], [0], threading.Lock()

    def slow(name):
        class Slow(Check):
            metadata = _metadata(title=name)

            def evaluate(self, ctx):
                with lock:
                    active[0] += 1
                    peak[0] = max(peak[0], active[0])
                time.sleep(0.05)
                with lock:
                    active[0] -= 1
                yield passed(f"arn:aws:s3:::{name}", "ok", region=REGION)

        return Slow

    checks = {f"slow_{i}": slow(f"slow-{i}") for i in range(6)}
    selection = select(_catalog(_control("LP-T-1", *checks)), checks)
    report = run_audit([reader], selection, AuditOptions(workers=2))
    assert len(report.findings) == 6
    assert peak[0] == 2


def test_a_regional_check_runs_once_per_region_concurrently_and_global_reads_stay_single(session):
    reader = Reader(session, [REGION, "eu-west-1"])
    _bucket("east-bucket")
    _bucket("west-bucket", region="eu-west-1")
    barrier = threading.Barrier(2)
    seen_regions = []

    class Regional(Check):
        metadata = _metadata()
        regional = True

        def evaluate(self, ctx):
            seen_regions.append(ctx.reader.regions)
            barrier.wait(timeout=5)  # both regions at once
            for bucket in s3.buckets(ctx.reader):
                yield passed(bucket.arn, f"seen in {ctx.reader.regions[0]}", region=bucket.region)

    selection = select(_catalog(_control("LP-T-1", "regional")), {"regional": Regional})
    report = run_audit([reader], selection, AuditOptions(workers=4))
    assert sorted(seen_regions) == [("eu-west-1",), (REGION,)]
    assert sorted((f.resource_id, f.region) for f in report.findings) == [
        ("arn:aws:s3:::east-bucket", REGION),
        ("arn:aws:s3:::west-bucket", "eu-west-1"),
    ]
    assert reader.requests[("s3", "list_buckets")] == 1
    assert report.metadata["regions"] == [REGION, "eu-west-1"]


def test_a_check_with_nothing_in_scope_yields_one_account_pass(reader):
    selection = select(_catalog(_control("LP-T-1", "empty")), {"empty": NothingInScope})
    report = run_audit([reader], selection)
    [finding] = report.findings
    assert finding.status is Status.PASS
    assert finding.resource_id == f"arn:aws:::account/{ACCOUNT_ID}"
    assert finding.evidence == {"resources_evaluated": 0}
    assert "no AWS::S3::Bucket in scope" in finding.message


def test_a_read_error_is_an_error_finding_and_the_run_goes_on(reader):
    catalog = _catalog(_control("LP-T-1", "denied"), _control("LP-T-2", "two"))
    report = run_audit([reader], select(catalog, {"denied": Denied, "two": TwoResources}))
    statuses = {(f.check_id, f.resource_id): f.status for f in report.findings}
    assert statuses[("denied", f"arn:aws:::account/{ACCOUNT_ID}")] is Status.ERROR
    assert statuses[("two", "arn:aws:s3:::bad")] is Status.FAIL
    assert statuses[("two", "arn:aws:s3:::good")] is Status.PASS
    denied = next(f for f in report.findings if f.check_id == "denied")
    assert "AccessDenied" in denied.message
    assert denied.resource_type == "AWS::::Account"
    assert report.exit_code() == 1


def test_a_denied_api_reports_error_with_the_reason(reader, deny):
    _bucket("denied-bucket")
    deny("s3", "GetBucketEncryption")
    selection = select(load_catalog(), registry.all_checks(), check_ids=[MODEL])
    report = run_audit([reader], selection)
    [finding] = report.findings
    assert finding.status is Status.ERROR
    assert finding.evidence["error_kind"] == "access-denied"
    assert report.exit_code() == 3


@dataclass(frozen=True)
class Gap:
    check_id: str
    resource_id: str | None
    reason: str


def test_known_gaps_never_replace_a_pass_or_a_fail(reader):
    """A known gap explains only what the check could not judge (compliance_checks.known_gaps;
    its semantics are tested in test_known_gaps_apply.py)."""
    catalog = _catalog(_control("LP-T-1", "two", "empty"))
    gaps = [
        Gap("two", "arn:aws:s3:::good", "the simulator does not model this"),
        Gap("two", None, "the simulator does not model this either"),
        Gap("empty", None, "moto has no such API"),
    ]
    report = run_audit(
        [reader], select(catalog, {"two": TwoResources, "empty": NothingInScope}), AuditOptions(known_gaps=gaps)
    )
    by_resource = {(f.check_id, f.resource_id): f for f in report.findings}
    assert by_resource[("two", "arn:aws:s3:::good")].status is Status.PASS
    assert by_resource[("two", "arn:aws:s3:::bad")].status is Status.FAIL
    assert "known_gap" not in by_resource[("two", "arn:aws:s3:::bad")].evidence
    assert by_resource[("empty", f"arn:aws:::account/{ACCOUNT_ID}")].status is Status.PASS


def test_manual_controls_yield_a_manual_finding_with_the_evidence_to_attach(reader):
    catalog = _catalog(_control("LP-T-1", "two"), _control("LP-T-9", manual="the triage records"))
    report = run_audit([reader], select(catalog, {"two": TwoResources}))
    [manual] = [f for f in report.findings if f.control_id == "LP-T-9"]
    assert manual.status is Status.MANUAL
    assert manual.check_id is None
    assert manual.evidence == {"evidence_to_attach": "the triage records"}
    assert {s.control.id: s.status for s in report.control_summaries()}["LP-T-9"] is Status.MANUAL


def test_a_planned_check_that_does_not_exist_is_an_error_not_a_pass(reader):
    catalog = _catalog(_control("LP-T-1", "two", "not_written_yet"))
    report = run_audit([reader], select(catalog, {"two": TwoResources}))
    missing = [f for f in report.findings if f.check_id == "not_written_yet"]
    assert [f.status for f in missing] == [Status.ERROR]
    assert missing[0].evidence["error_kind"] == "not-implemented"


def test_selection_by_control_check_and_unknown_ids():
    catalog = _catalog(_control("LP-T-1", "two", "empty"), _control("LP-T-2", "two"), _control("LP-T-3", manual="x"))
    available = {"two": TwoResources, "empty": NothingInScope}
    by_control = select(catalog, available, control_ids=["LP-T-2"])
    assert [c.id for c in by_control.controls] == ["LP-T-2"]
    assert list(by_control.checks) == ["two"]
    by_check = select(catalog, available, check_ids=["empty"])
    assert [c.id for c in by_check.controls] == ["LP-T-1"]
    assert not by_check.include_manual
    with pytest.raises(SelectionError, match="unknown check id"):
        select(catalog, available, check_ids=["nope"])
    with pytest.raises(SelectionError, match="unknown control id"):
        select(catalog, available, control_ids=["LP-NOPE-1"])
    with pytest.raises(SelectionError, match="assert none of the selected controls"):
        select(catalog, available, control_ids=["LP-T-2"], check_ids=["empty"])


def test_a_bug_in_a_check_is_an_error_finding(reader):
    class Buggy(Check):
        metadata = _metadata()

        def evaluate(self, ctx):
            yield errored("arn:aws:s3:::x", "partial", region=REGION)
            raise KeyError("boom")

    report = run_audit([reader], select(_catalog(_control("LP-T-1", "buggy")), {"buggy": Buggy}))
    # What the check gave before the bug is kept (issue 10: results yielded before a failure stand).
    assert [(f.resource_id, f.status) for f in report.findings] == [
        ("arn:aws:s3:::x", Status.ERROR),
        (f"arn:aws:::account/{ACCOUNT_ID}", Status.ERROR),
    ]
    assert "KeyError" in report.findings[1].message


def _answer(reader: Reader, operation_name: str, status: int, code: str) -> None:
    """Makes every call of ``operation_name`` answer ``status``/``code`` (as a throttled or old endpoint would)."""

    def respond(**_):
        response = AWSResponse("https://s3.amazonaws.com/", status, {}, None)
        return response, {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}

    reader.client("s3", REGION).meta.events.register(f"before-call.s3.{operation_name}", respond)


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, "ThrottlingException", "throttled"),
        (501, "NotImplemented", "unsupported"),
        (403, "AccessDenied", "access-denied"),
    ],
)
def test_throttling_unsupported_and_denied_reads_are_errors_with_the_reason(reader, status, code, kind):
    _bucket("throttled-bucket")
    _bucket("second-bucket")
    _answer(reader, "GetBucketEncryption", status, code)
    selection = select(load_catalog(), registry.all_checks(), check_ids=[MODEL])
    report = run_audit([reader], selection)
    assert [f.status for f in report.findings] == [Status.ERROR, Status.ERROR]  # each bucket, and the run went on
    assert {f.evidence["error_kind"] for f in report.findings} == {kind}
    assert all(code in f.message for f in report.findings)


# -- failures stay where they happened -------------------------------------------------------------


class FailsAfterTwo(Check):
    """Judges two buckets, then a read fails."""

    metadata = _metadata()

    def evaluate(self, ctx):
        yield passed("arn:aws:s3:::first", "fine", region=REGION)
        yield failed("arn:aws:s3:::second", "not fine", region=REGION)
        raise ReadError(ReadError.FAILED, "s3:get_bucket_policy", "InternalError", REGION)


def test_given_a_read_fails_after_two_verdicts_then_both_verdicts_stand_and_the_rest_is_one_error(reader):
    report = run_audit([reader], select(_catalog(_control("LP-T-1", "late")), {"late": FailsAfterTwo}))
    assert [(f.resource_id, f.status) for f in report.findings] == [
        ("arn:aws:s3:::first", Status.PASS),
        ("arn:aws:s3:::second", Status.FAIL),
        (f"arn:aws:::account/{ACCOUNT_ID}", Status.ERROR),
    ]
    assert report.findings[2].evidence["operation"] == "s3:get_bucket_policy"


class RegionalBuckets(Check):
    """Judges each region's buckets; the second region's listing fails."""

    metadata = _metadata()
    regional = True

    def evaluate(self, ctx):
        [region] = ctx.reader.regions
        if region == "eu-west-1":
            raise ReadError(ReadError.FAILED, "s3:list_objects", "InternalError (500)", region)
        for bucket in s3.buckets(ctx.reader):
            yield failed(bucket.arn, "judged", region=bucket.region)


def test_given_one_region_fails_then_the_other_regions_findings_stand(session):
    _bucket("east-bucket")
    reader = Reader(session, [REGION, "eu-west-1"])
    report = run_audit([reader], select(_catalog(_control("LP-T-1", "per_region")), {"per_region": RegionalBuckets}))
    assert sorted((f.resource_id, f.region, f.status) for f in report.findings) == [
        (f"arn:aws:::account/{ACCOUNT_ID}", "eu-west-1", Status.ERROR),
        ("arn:aws:s3:::east-bucket", REGION, Status.FAIL),
    ]


def test_given_a_regional_check_run_on_two_regions_without_the_runner_then_each_region_is_isolated(session):
    _bucket("east-bucket")
    results = execute(RegionalBuckets(), CheckContext(reader=Reader(session, [REGION, "eu-west-1"])))
    assert [(r.resource_id, r.status) for r in results] == [
        ("arn:aws:s3:::east-bucket", Status.FAIL),
        (f"arn:aws:::account/{ACCOUNT_ID}", Status.ERROR),
    ]


def test_given_a_global_read_fails_in_every_regions_unit_then_it_is_one_error(session):
    reader = Reader(session, [REGION, "eu-west-1"])
    deny_operation(reader, "s3", "ListBuckets")
    report = run_audit([reader], select(_catalog(_control("LP-T-1", "per_region")), {"per_region": Regional2}))
    assert [(f.status, f.evidence["operation"]) for f in report.findings] == [(Status.ERROR, "s3:list_buckets")]


class Regional2(Check):
    """Lists buckets (a global read) in each region's unit."""

    metadata = _metadata()
    regional = True

    def evaluate(self, ctx):
        for bucket in s3.buckets(ctx.reader):
            yield passed(bucket.arn, "listed", region=bucket.region)


class OneBucketAtATime(Check):
    """Judges every bucket with judge_resource: a bucket whose read fails is that bucket's ERROR."""

    metadata = _metadata()

    def evaluate(self, ctx):
        for bucket in s3.buckets(ctx.reader):
            yield from judge_resource(bucket.arn, bucket.region, self._judge, ctx, bucket)

    @staticmethod
    def _judge(ctx, bucket):
        s3.policy(ctx.reader, bucket)
        return passed(bucket.arn, "policy read", region=bucket.region)


def test_given_a_read_of_one_resource_fails_then_only_that_resource_is_an_error(reader):
    _bucket("readable")
    _bucket("unreadable")

    def refuse(params, **_):
        if "unreadable" in params["url"]:
            response = AWSResponse("https://s3.amazonaws.com/", 500, {}, None)
            return response, {"Error": {"Code": "InternalError", "Message": "boom"}, "ResponseMetadata": {}}
        return None

    reader.client("s3", REGION).meta.events.register("before-call.s3.GetBucketPolicy", refuse)
    results = {r.resource_id: r for r in execute(OneBucketAtATime(), CheckContext(reader=reader))}
    assert results["arn:aws:s3:::readable"].status is Status.PASS
    assert results["arn:aws:s3:::unreadable"].status is Status.ERROR
    assert results["arn:aws:s3:::unreadable"].evidence["operation"] == "s3:get_bucket_policy"


@pytest.mark.parametrize("workers", [0, 65, 99999999999, True, 2.5])
def test_audit_options_refuse_workers_outside_1_to_64(workers):
    with pytest.raises(ValueError, match="workers"):
        AuditOptions(workers=workers)


# -- the account's reads in flight, shared by the checks running at once --------------------------


class _SlowS3:
    """A client whose GetBucketEncryption takes 50 ms; counts the reads in flight, in all and per check
    (the bucket's name up to its last hyphen)."""

    def __init__(self, real) -> None:
        self.meta = real.meta
        self.running: dict[str, int] = {}
        self.peaks: dict[str, int] = {}
        self._lock = threading.Lock()

    def _enter(self, key: str) -> None:
        self.running[key] = self.running.get(key, 0) + 1
        self.peaks[key] = max(self.peaks.get(key, 0), self.running[key])

    def get_bucket_encryption(self, Bucket: str) -> dict:
        check = Bucket.rsplit("-", 1)[0]
        with self._lock:
            self._enter("all")
            self._enter(check)
        time.sleep(0.05)
        with self._lock:
            self.running["all"] -= 1
            self.running[check] -= 1
        return {"ServerSideEncryptionConfiguration": {"Rules": []}}


def _reading_check(name: str, resources: int) -> type[Check]:
    """A check that reads one configuration of each of ``resources`` buckets through the reader."""

    class Reads(Check):
        metadata = _metadata(title=name)

        def evaluate(self, ctx):
            def judge(item):
                ctx.reader.call("s3", "get_bucket_encryption", Bucket=f"{name}-{item}")
                return passed(f"arn:aws:s3:::{name}-{item}", "ok", region=REGION)

            yield from judge_each(range(resources), lambda item: (f"arn:aws:s3:::{name}-{item}", REGION), judge)

    return Reads


def _slow(reader: Reader, monkeypatch) -> _SlowS3:
    slow = _SlowS3(reader.client("s3"))
    real = reader.client
    monkeypatch.setattr(
        reader, "client", lambda service, region=None: slow if service == "s3" else real(service, region)
    )
    return slow


def test_the_account_never_has_more_reads_in_flight_than_its_slots_whatever_the_checks(reader, monkeypatch):
    # Eight checks of 40 resources at once: each may run 32 threads, but the account reads 32 at a time.
    slow = _slow(reader, monkeypatch)
    found = {f"many_{i}": _reading_check(f"many{i}", 40) for i in range(8)}
    report = run_audit([reader], select(_catalog(_control("LP-T-1", *found)), found), AuditOptions(workers=8))
    assert len(report.findings) == 8 * 40
    assert slow.peaks["all"] == ACCOUNT_READS_IN_FLIGHT
    assert reader.requests[("s3", "get_bucket_encryption")] == 8 * 40


def test_a_check_left_running_alone_uses_every_slot_the_others_no_longer_need(reader, monkeypatch):
    # A short check (4 buckets) beside a long one (100): the long one reads 32 at once, not half.
    slow = _slow(reader, monkeypatch)
    found = {"short": _reading_check("short", 4), "long": _reading_check("long", 100)}
    report = run_audit([reader], select(_catalog(_control("LP-T-1", *found)), found), AuditOptions(workers=8))
    assert len(report.findings) == 104
    assert slow.peaks["all"] <= ACCOUNT_READS_IN_FLIGHT
    assert slow.peaks["long"] == ACCOUNT_READS_IN_FLIGHT
    assert slow.peaks["short"] == 4


def test_given_fewer_slots_then_the_reads_wait_for_them(session, monkeypatch):
    small = Reader(session, [REGION], max_pool_connections=3)
    slow = _slow(small, monkeypatch)
    found = {"many": _reading_check("many", 12), "more": _reading_check("more", 12)}
    report = run_audit([small], select(_catalog(_control("LP-T-1", *found)), found), AuditOptions(workers=8))
    assert {f.status for f in report.findings} == {Status.PASS}
    assert slow.peaks["all"] == 3


def test_a_check_that_reads_the_account_id_shares_the_one_read_the_runner_makes(reader):
    class NamesTheAccount(Check):
        metadata = _metadata()

        def evaluate(self, ctx):
            yield passed(f"arn:aws:::account/{ctx.reader.account_id}", "named", region=REGION)

    checks = {"names_the_account": NamesTheAccount}
    report = run_audit([reader], select(_catalog(_control("LP-T-1", *checks)), checks), AuditOptions())
    assert [f.account_id for f in report.findings] == [ACCOUNT_ID]
    assert report.findings[0].resource_id == f"arn:aws:::account/{ACCOUNT_ID}"
    assert reader.requests[("sts", "get_caller_identity")] == 1
