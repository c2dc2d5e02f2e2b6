"""Unit tests of the policy reading helpers (pure functions, no AWS)."""

from __future__ import annotations

import json

import pytest

from compliance_checks import policy_eval as pe

ROLE = "arn:aws:iam::111122223333:role/api"
OTHER = "arn:aws:iam::111122223333:role/workers"
ACCOUNT = "111122223333"
SECRET = "arn:aws:secretsmanager:us-east-1:111122223333:secret:twilio-AbCdEf"


def stmt(**raw) -> pe.Statement:
    return pe.statements({"Statement": [raw]})[0]


def doc(*raw) -> dict:
    return {"Version": "2012-10-17", "Statement": list(raw)}


# -- existing helpers ----------------------------------------------------------------------


def test_parse_document_reads_url_encoded_json():
    encoded = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%7D%5D%7D"
    assert pe.parse_document(encoded) == {"Statement": [{"Effect": "Allow"}]}
    assert pe.parse_document("not json") == {}


def test_action_matching_is_case_insensitive_and_resource_matching_is_not():
    assert pe.action_matches("S3:get*", "s3:GetObject")
    assert not pe.resource_matches("arn:aws:s3:::Leads/*", "arn:aws:s3:::leads/x")


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("arn:aws:s3:::bucket", "arn:aws:s3:::bucket", True),
        ("arn:aws:s3:::bucket", "arn:aws:s3:::bucket2", False),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/", True),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", False),
        ("arn:aws:s3:::*", "arn:aws:s3:::anything/at/all", True),
        ("*", "", True),
        ("a*b*c", "abc", True),
        ("a*b*c", "axxbyyc", True),
        ("a*b*c", "acb", False),
        ("a*bc*bc", "abcbc", True),  # the middle part must leave room for the end
        ("a*ab", "ab", False),  # start and end may not overlap
        ("arn:aws:s3:::b?cket", "arn:aws:s3:::bucket", True),
        ("arn:aws:s3:::b?cket", "arn:aws:s3:::bcket", False),
        ("*?", "", False),
        # IAM has no character classes: brackets are literal, unlike a shell glob.
        ("arn:aws:s3:::bucket[1]", "arn:aws:s3:::bucket1", False),
        ("arn:aws:s3:::bucket[1]", "arn:aws:s3:::bucket[1]", True),
        ("arn:aws:s3:::bucket[1]*", "arn:aws:s3:::bucket[1]/x", True),
        ("arn:aws:s3:::a.c", "arn:aws:s3:::abc", False),  # a dot is a dot
    ],
)
def test_wildcards_match_as_iam_matches_them(pattern, text, expected):
    assert pe.wildcard_matches(pattern, text) is expected


# -- wildcards on data services ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "service", "expected"),
    [
        ("*", "s3", "*"),
        ("s3:*", "s3", "s3:*"),
        ("S3:*", "s3", "S3:*"),
        ("s3:Get*", "s3", None),
        ("dynamodb:*", "s3", None),
    ],
)
def test_grants_whole_service(action, service, expected):
    assert pe.grants_whole_service(stmt(Effect="Allow", Action=action, Resource="*"), service) == expected


def test_not_action_grants_a_service_unless_it_excludes_it():
    leaves_s3_in = stmt(Effect="Allow", NotAction=["iam:*"], Resource="*")
    excludes_s3 = stmt(Effect="Allow", NotAction=["s3:*"], Resource="*")
    assert pe.grants_whole_service(leaves_s3_in, "s3")
    assert pe.grants_whole_service(excludes_s3, "s3") is None


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        (["s3:GetEncryptionConfiguration", "s3:ListAllMyBuckets"], []),
        (["s3:GetObject"], ["s3:GetObject"]),
        (["s3:Get*"], ["s3:Get*"]),  # covers GetObject
        (["s3:List*"], ["s3:List*"]),  # covers ListBucket (object keys)
        (["s3:PutBucketPolicy"], ["s3:PutBucketPolicy"]),  # changes who reaches the data
        (["sqs:SendMessage"], []),
    ],
)
def test_data_actions_granted_on_s3(actions, expected):
    assert pe.data_actions_granted(stmt(Effect="Allow", Action=actions, Resource="*"), "s3") == expected


def test_resourceless_actions_do_not_count():
    create = stmt(Effect="Allow", Action=["kms:CreateKey", "kms:GenerateRandom"], Resource="*")
    assert pe.data_actions_granted(create, "kms") == []
    create_star = stmt(Effect="Allow", Action="kms:Create*", Resource="*")  # also CreateGrant
    assert pe.data_actions_granted(create_star, "kms") == ["kms:Create*"]


def test_data_actions_granted_on_kms_and_secrets():
    assert pe.data_actions_granted(stmt(Effect="Allow", Action="kms:DescribeKey", Resource="*"), "kms") == []
    assert pe.data_actions_granted(stmt(Effect="Allow", Action="kms:Decrypt", Resource="*"), "kms") == ["kms:Decrypt"]
    secret_value = stmt(Effect="Allow", Action="secretsmanager:GetSecretValue", Resource="*")
    assert pe.data_actions_granted(secret_value, "secretsmanager") == ["secretsmanager:GetSecretValue"]


@pytest.mark.parametrize(
    ("pattern", "wildcard"),
    [
        ("*", True),
        ("arn:aws:s3:::*", True),
        ("arn:aws:s3:::*/*", True),
        ("arn:aws:s3:::leads-*", False),
        ("arn:aws:s3:::leads/*", False),
        ("arn:aws:dynamodb:*:*:table/*", True),
        ("arn:aws:dynamodb:us-east-1:111122223333:table/leads", False),
        ("arn:aws:kms:us-east-1:111122223333:key/*", True),
        ("arn:aws:secretsmanager:us-east-1:111122223333:secret:*", True),
        ("arn:aws:secretsmanager:us-east-1:111122223333:secret:twilio-*", False),
        ("arn:aws:iam::111122223333:role/*", True),
        ("arn:aws:iam::111122223333:role/service-role/*", False),
        ("arn:aws:*:*:*:*", True),
    ],
)
def test_is_wildcard_resource(pattern, wildcard):
    assert pe.is_wildcard_resource(pattern) is wildcard


def test_not_resource_counts_as_wildcard():
    assert pe.wildcard_resources(stmt(Effect="Allow", Action="s3:GetObject", NotResource="arn:aws:s3:::x/*"))


# -- conditions -------------------------------------------------------------------------------


def test_condition_holds_with_known_keys():
    only_api = stmt(Effect="Deny", Condition={"StringNotEquals": {"aws:PrincipalArn": ROLE}})
    assert pe.condition_holds(only_api, {"aws:principalarn": (OTHER,)}) is True
    assert pe.condition_holds(only_api, {"aws:principalarn": (ROLE,)}) is False


def test_condition_with_an_unknown_key_is_undecided():
    vpc = stmt(Effect="Allow", Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}})
    assert pe.condition_holds(vpc, {"aws:principalarn": (ROLE,)}) is None


def test_condition_semantics_on_a_missing_key():
    known = {"aws:resourcetag/system": None}
    assert pe.condition_holds(stmt(Condition={"StringEquals": {"aws:ResourceTag/system": "x"}}), known) is False
    assert pe.condition_holds(stmt(Condition={"StringNotEquals": {"aws:ResourceTag/system": "x"}}), known) is True
    assert pe.condition_holds(stmt(Condition={"StringEqualsIfExists": {"aws:ResourceTag/system": "x"}}), known)
    assert pe.condition_holds(stmt(Condition={"ForAllValues:StringEquals": {"aws:ResourceTag/system": "x"}}), known)
    assert pe.condition_holds(stmt(Condition={"Null": {"aws:ResourceTag/system": "true"}}), known) is True


def test_arn_like_and_string_like_conditions():
    like = stmt(Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/a*"}})
    assert pe.condition_holds(like, {"aws:principalarn": (ROLE,)}) is True
    assert pe.condition_holds(like, {"aws:principalarn": (OTHER,)}) is False


# -- evaluate_access --------------------------------------------------------------------------


def _access(identity=(), resource_policy=None, boundary=None, role=ROLE, tags=None):
    known = {"aws:principalarn": (role,), **{f"aws:resourcetag/{k}".lower(): (v,) for k, v in (tags or {}).items()}}
    return pe.evaluate_access(
        identity=identity,
        action="secretsmanager:GetSecretValue",
        resource=SECRET,
        role_arn=role,
        account_id=ACCOUNT,
        known=known,
        boundary=boundary,
        resource_policy=json.dumps(resource_policy) if resource_policy else None,
    )


READ_ALL = doc({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"})


def test_identity_allow_grants_access():
    assert _access([READ_ALL]).allowed
    assert not _access([]).allowed


def test_resource_policy_deny_for_everyone_but_one_role():
    policy = doc(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalArn": ROLE}},
        }
    )
    assert _access([READ_ALL], policy, role=ROLE).allowed
    assert not _access([READ_ALL], policy, role=OTHER).allowed


def test_not_principal_deny_spares_only_the_named_role():
    policy = doc({"Effect": "Deny", "NotPrincipal": {"AWS": ROLE}, "Action": "secretsmanager:*", "Resource": "*"})
    assert _access([READ_ALL], policy, role=ROLE).allowed
    assert not _access([READ_ALL], policy, role=OTHER).allowed


def test_resource_policy_allow_naming_the_role_grants_without_identity_policy():
    policy = doc(
        {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
    )
    assert _access([], policy, role=ROLE).allowed
    assert not _access([], policy, role=OTHER).allowed


def test_account_principal_in_a_resource_policy_only_delegates():
    policy = doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "*", "Resource": "*"}
    )
    assert not _access([], policy).allowed


def test_permissions_boundary_limits_identity_access():
    boundary = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    assert not _access([READ_ALL], boundary=boundary).allowed


def test_an_undecidable_condition_counts_as_allowed():
    conditional = doc(
        {
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        }
    )
    access = _access([conditional])
    assert access.allowed
    assert access.conditional


def test_resource_tag_conditions_are_evaluated():
    by_tag = doc(
        {
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/system": "twilio"}},
        }
    )
    assert _access([by_tag], tags={"system": "twilio"}).allowed
    assert not _access([by_tag], tags={"system": "stripe"}).allowed


# -- tenant scoping ---------------------------------------------------------------------------

TENANT = "${aws:PrincipalTag/business_id}"
BUCKET = "arn:aws:s3:::recordings"


def test_leading_keys_condition():
    scoped = stmt(
        Effect="Allow",
        Action="dynamodb:GetItem",
        Resource="*",
        Condition={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [TENANT]}},
    )
    assert pe.leading_keys_problem(scoped) is None
    plain = stmt(
        Effect="Allow",
        Action="dynamodb:GetItem",
        Resource="*",
        Condition={"StringEquals": {"dynamodb:LeadingKeys": TENANT}},
    )
    assert pe.leading_keys_problem(plain) is None
    assert pe.leading_keys_problem(stmt(Effect="Allow", Action="dynamodb:GetItem", Resource="*"))


@pytest.mark.parametrize(
    ("resource", "reaches", "scoped"),
    [
        (f"{BUCKET}/businesses/{TENANT}/*", True, True),
        (f"{BUCKET}/businesses/{TENANT}/calls/*", True, True),
        (f"{BUCKET}/*", True, False),
        (f"{BUCKET}/businesses/*", True, False),
        (f"{BUCKET}/businesses/{TENANT}*", True, False),
        ("*", True, False),
        ("arn:aws:s3:::*", True, False),
        ("arn:aws:s3:::other-bucket/*", False, True),
    ],
)
def test_object_scope(resource, reaches, scoped):
    found, problem = pe.object_scope(stmt(Effect="Allow", Action="s3:GetObject", Resource=resource), BUCKET)
    assert found is reaches
    assert (problem is None) is scoped
