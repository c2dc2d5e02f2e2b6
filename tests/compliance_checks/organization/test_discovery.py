"""Organization discovery: which accounts an organization audit covers, and entering each."""

from __future__ import annotations

import boto3
import pytest

from compliance_checks import organization
from compliance_checks.core import ReadError
from compliance_checks.reader import Reader
from tests.compliance_checks.conftest import deny_operation
from tests.compliance_checks.organization.conftest import REGION, ROLE, build_organization, refuse_assume_role


def _reader() -> Reader:
    return Reader(boto3.Session(region_name=REGION), [REGION])


def test_given_no_ids_then_every_active_account_is_chosen_sorted(aws: None) -> None:
    world = build_organization(6, plant=False)
    chosen = [m.account_id for m in organization.discover(_reader())]
    assert chosen == world.accounts


def test_given_a_closed_account_then_it_is_left_out(aws: None) -> None:
    world = build_organization(4, plant=False)
    boto3.client("organizations", region_name=REGION).close_account(AccountId=world.members[0])
    chosen = [m.account_id for m in organization.discover(_reader())]
    assert world.members[0] not in chosen
    assert len(chosen) == len(world.accounts) - 1


def test_given_an_ou_then_the_accounts_under_it_at_any_depth_are_chosen(aws: None) -> None:
    world = build_organization(8, plant=False, ous=2)
    orgs = boto3.client("organizations", region_name=REGION)
    first, second = world.ous
    nested = orgs.create_organizational_unit(ParentId=first, Name="nested")["OrganizationalUnit"]["Id"]
    deep = world.members[-1]
    root = orgs.list_roots()["Roots"][0]["Id"]
    orgs.move_account(AccountId=deep, SourceParentId=root, DestinationParentId=nested)
    chosen = {m.account_id for m in organization.discover(_reader(), include=[first])}
    assert chosen == {*world.ous[first], deep}
    excluded = {m.account_id for m in organization.discover(_reader(), exclude=[second, world.management])}
    assert excluded == set(world.accounts) - set(world.ous[second]) - {world.management}


def test_given_the_root_then_every_account_is_chosen(aws: None) -> None:
    world = build_organization(5, plant=False, ous=1)
    root = boto3.client("organizations", region_name=REGION).list_roots()["Roots"][0]["Id"]
    assert [m.account_id for m in organization.discover(_reader(), include=[root])] == world.accounts


def test_given_an_account_id_outside_the_organization_then_discovery_fails(aws: None) -> None:
    build_organization(2, plant=False)
    with pytest.raises(ReadError, match="not an active member"):
        organization.discover(_reader(), include=["000011112222"])


def test_given_an_excluded_account_id_outside_the_organization_then_it_changes_nothing(aws: None) -> None:
    world = build_organization(2, plant=False)
    chosen = [m.account_id for m in organization.discover(_reader(), exclude=["000011112222"])]
    assert chosen == world.accounts


def test_given_no_organization_then_discovery_is_an_error(aws: None) -> None:
    with pytest.raises(ReadError) as raised:
        organization.discover(_reader())
    assert raised.value.operation == "organizations:list_accounts"


def test_given_list_accounts_is_denied_then_discovery_is_an_access_denied_error(aws: None) -> None:
    build_organization(2, plant=False)
    reader = _reader()
    deny_operation(reader, "organizations", "ListAccounts")
    with pytest.raises(ReadError) as raised:
        organization.discover(reader)
    assert raised.value.kind == ReadError.ACCESS_DENIED


@pytest.mark.parametrize("bad", ["12345", "ou-x", "r-", "arn:aws:iam::123456789012:root", "1234567890123"])
def test_given_a_malformed_target_then_it_is_refused(bad: str) -> None:
    with pytest.raises(organization.TargetError):
        organization.parse_targets([bad])


def test_given_ids_comma_or_space_separated_then_each_is_kept_once() -> None:
    ids = organization.parse_targets(["123456789012,ou-ab12-abcdefgh", "r-ab12", "123456789012"])
    assert ids == ("123456789012", "ou-ab12-abcdefgh", "r-ab12")


@pytest.mark.parametrize(
    ("name", "session", "duration"),
    [("bad role!", "ok-name", 3600), (ROLE, "x", 3600), (ROLE, "ok-name", 899), (ROLE, "ok-name", 43201)],
)
def test_given_an_invalid_member_role_then_it_is_refused(name: str, session: str, duration: int) -> None:
    with pytest.raises(ValueError, match=r"not|must"):
        organization.MemberRole(name, session, None, duration)


def test_the_session_name_names_the_auditor() -> None:
    assert organization.session_name_for("arn:aws:sts::111122223333:assumed-role/Auditor/jane@example.com") == (
        "leadping-audit-jane@example.com"
    )
    assert organization.session_name_for("arn:aws:iam::111122223333:user/ops/kim") == "leadping-audit-kim"
    assert len(organization.session_name_for("arn:aws:iam::1:user/" + "x" * 100)) == 64


def test_given_the_member_role_then_the_reader_reads_the_member_account(aws: None) -> None:
    world = build_organization(3, plant=False)
    base = boto3.Session(region_name=REGION)
    access = organization.MemberAccess(base, organization.MemberRole(ROLE, "leadping-audit-t"), REGION, [REGION])
    reader = access.open(organization.Member(world.members[1]))
    assert reader.account_id == world.members[1]
    assert reader.rates is None


def test_given_a_role_that_refuses_the_auditor_then_opening_it_is_a_read_error(aws: None) -> None:
    world = build_organization(2, plant=False)
    base = boto3.Session(region_name=REGION)
    refuse_assume_role(base, world.members[0])
    access = organization.MemberAccess(base, organization.MemberRole(ROLE, "leadping-audit-t"), REGION, [REGION])
    with pytest.raises(ReadError) as raised:
        access.open(organization.Member(world.members[0]))
    assert raised.value.kind == ReadError.ACCESS_DENIED
    assert access.open(organization.Member(world.members[1])).account_id == world.members[1]


def test_given_all_regions_then_each_account_audits_its_enabled_regions_home_first(aws: None) -> None:
    world = build_organization(1, plant=False)
    base = boto3.Session(region_name=REGION)
    access = organization.MemberAccess(base, organization.MemberRole(ROLE, "leadping-audit-t"), "eu-west-1", ["all"])
    reader = access.open(organization.Member(world.members[0]))
    assert reader.regions[0] == "eu-west-1"
    assert {"us-east-1", "eu-west-1"} <= set(reader.regions)


def test_member_sessions_share_the_base_models_and_add_nothing_per_account(aws: None) -> None:
    world = build_organization(5, plant=False)
    base = boto3.Session(region_name=REGION)
    loader = base._session.get_component("data_loader")
    paths = list(loader.search_paths)
    access = organization.MemberAccess(base, organization.MemberRole(ROLE, "leadping-audit-t"), REGION, [REGION])
    for account in world.members:
        session = access.open(organization.Member(account)).session
        assert session._session.get_component("data_loader") is loader
        assert session.get_credentials().access_key != base.get_credentials().access_key
    assert loader.search_paths == paths  # boto3 adds its data path to each session's own loader, not this one
