"""The CloudWatch Logs filter-pattern evaluator the alarm check relies on (services/logs.py)."""

from __future__ import annotations

import pytest

from compliance_checks.services.logs import FilterPatternError, pattern_matches

EVENT = {
    "eventName": "ConsoleLogin",
    "eventSource": "signin.amazonaws.com",
    "errorCode": "Client.UnauthorizedOperation",
    "userIdentity": {"type": "IAMUser", "sessionContext": {"attributes": {"mfaAuthenticated": "false"}}},
    "additionalEventData": {"MFAUsed": "No"},
    "readOnly": False,
    "latency": 250,
    "resources": [{"ARN": "arn:aws:kms:us-east-1:111122223333:key/abc"}],
    "responseElements": None,
}


@pytest.mark.parametrize(
    "pattern",
    [
        '{ $.eventName = "ConsoleLogin" }',
        "{$.eventName=ConsoleLogin}",
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
        '{ $.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*" }',
        "{ $.eventSource = signin.* }",
        "{ $.userIdentity.invokedBy NOT EXISTS }",
        "{ $.responseElements IS NULL }",
        "{ $.readOnly IS FALSE }",
        "{ $.latency > 200 && $.latency <= 250 }",
        "{ $.latency = 250 }",
        '{ $.resources[0].ARN = "arn:aws:kms:*" }',
        "{ $.eventName = %Console(Login|Logout)% }",
        "{ $.userIdentity.type EXISTS }",
        "ConsoleLogin",
        '"signin.amazonaws.com"',
        "?AccessDenied ?UnauthorizedOperation",
        "ConsoleLogin -Logout",
        "",
    ],
)
def test_patterns_that_count_the_event(pattern):
    assert pattern_matches(pattern, EVENT)


@pytest.mark.parametrize(
    "pattern",
    [
        '{ $.eventName = "consolelogin" }',  # values are case-sensitive
        '{ $.additionalEventData.MFAUsed = "Yes" }',
        '{ $.eventName = "ConsoleLogin" && $.readOnly IS TRUE }',
        '{ $.missing != "x" }',  # a comparison on an absent property never matches
        "{ $.userIdentity.type NOT EXISTS }",
        "{ $.latency < 100 }",
        '{ $.errorCode = "AccessDenied*" }',
        "{ $.resources[3].ARN = * }",
        "AccessDenied",
        "?Throttling ?AccessDenied",
        "ConsoleLogin -UnauthorizedOperation",
    ],
)
def test_patterns_that_do_not_count_the_event(pattern):
    assert not pattern_matches(pattern, EVENT)


def test_and_binds_tighter_than_or():
    # CIS writes "A || B && C" unparenthesised; A alone must suffice.
    pattern = '{ $.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*" && $.eventName != "x" }'
    assert pattern_matches(pattern, EVENT)


@pytest.mark.parametrize(
    "pattern", ["{ $.eventName = }", "{ $.eventName = x", "[ip, user, ...]", "{ $.a > abc }", "{ $.a = %(% }"]
)
def test_patterns_it_cannot_read_raise(pattern):
    with pytest.raises(FilterPatternError):
        pattern_matches(pattern, EVENT)
