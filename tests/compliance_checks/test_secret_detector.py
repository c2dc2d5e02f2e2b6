"""The secret detector on its own: every rule hits what it is for, and ordinary configuration
(ARNs, URLs, UUIDs, booleans, numbers, short values, references) never hits.

Credential-shaped values are test fixtures made at run time from a seeded generator, so no
credential-looking literal is stored in the repository.
"""

from __future__ import annotations

import base64
import json
import random
import string

import pytest

from compliance_checks import secret_detector as sd

_RNG = random.Random(20240611)
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def fixture_token(alphabet: str, length: int) -> str:
    """A random test-fixture string (not a real credential)."""
    return "".join(_RNG.choice(alphabet) for _ in range(length))


def _jwt_fixture() -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': 'fixture', 'iat': 1})}.{fixture_token(ALNUM, 43)}"


def _private_key_fixture() -> str:
    marker = "PRIVATE" + " KEY"
    return f"-----BEGIN RSA {marker}-----\n{fixture_token(ALNUM, 64)}\n-----END RSA {marker}-----"


TRUE_POSITIVES = [
    ("AWS_ACCESS_KEY_ID", "AKIA" + fixture_token(string.ascii_uppercase + "234567", 16), "aws-access-key-id"),
    ("CONFIG", "id=ASIA" + fixture_token(string.ascii_uppercase + "234567", 16) + ";", "aws-access-key-id"),
    ("AWS_SECRET_ACCESS_KEY", fixture_token(ALNUM + "/+", 40), "aws-secret-access-key"),
    ("TLS_KEY", _private_key_fixture(), "private-key"),
    ("SLACK_BOT", "xoxb-" + fixture_token(string.digits, 12) + "-" + fixture_token(ALNUM, 24), "slack-token"),
    (
        "ALERTS_HOOK",
        "https://hooks.slack.com/services/T"
        + fixture_token(string.ascii_uppercase, 8)
        + "/B"
        + fixture_token(string.ascii_uppercase, 8)
        + "/"
        + fixture_token(ALNUM, 24),
        "slack-webhook",
    ),
    ("GH", "ghp_" + fixture_token(ALNUM, 36), "github-token"),
    ("GH_FINE_GRAINED", "github_pat_" + fixture_token(ALNUM + "_", 60), "github-token"),
    ("STRIPE", "sk_live_" + fixture_token(ALNUM, 24), "stripe-secret-key"),
    ("STRIPE_RESTRICTED", "rk_test_" + fixture_token(ALNUM, 24), "stripe-secret-key"),
    ("STRIPE_HOOK", "whsec_" + fixture_token(ALNUM, 32), "stripe-webhook-secret"),
    ("TWILIO", "SK" + fixture_token(HEX, 32), "twilio-api-key"),
    ("MAIL", "SG." + fixture_token(ALNUM, 22) + "." + fixture_token(ALNUM, 43), "sendgrid-api-key"),
    ("MAPS", "AIza" + fixture_token(ALNUM, 35), "google-api-key"),
    ("SESSION", _jwt_fixture(), "jwt"),
    ("DATABASE_URL", f"postgres://app:{fixture_token(ALNUM, 20)}@db.internal:5432/leads", "url-credentials"),
    ("REDIS_URL", f"redis://:{fixture_token(ALNUM, 20)}@cache:6379/0", "url-credentials"),
    ("CONNECTION", f"Server=db;User Id=app;Password={fixture_token(ALNUM, 18)};", "secret-assignment"),
    ("SETTINGS_JSON", json.dumps({"region": "us-east-1", "api_key": fixture_token(ALNUM, 24)}), "secret-assignment"),
    ("CRM_HOOK", f"https://hooks.crm.example/v1/in?api_key={fixture_token(ALNUM, 24)}", "secret-assignment"),
    ("DB_PASSWORD", "Tr0ub4dor&3x", "password-variable"),
    ("smtpPass", "correct-horse-9", "password-variable"),
    ("WEBHOOK_SECRET", fixture_token(ALNUM, 32), "high-entropy-secret"),
    ("TWILIO_AUTH_TOKEN", fixture_token(HEX, 32), "high-entropy-secret"),
    ("signingKey", fixture_token(ALNUM + "-_", 40), "high-entropy-secret"),
    ("CRM_API_KEY", fixture_token(ALNUM, 28), "high-entropy-secret"),
]


@pytest.mark.parametrize(("name", "value", "rule"), TRUE_POSITIVES, ids=[t[2] + ":" + t[0] for t in TRUE_POSITIVES])
def test_each_rule_finds_its_credential(name, value, rule):
    findings = sd.scan(name, value)
    assert rule in [f.rule for f in findings]
    assert all(f.variable == name for f in findings)


@pytest.mark.parametrize(("name", "value", "rule"), TRUE_POSITIVES, ids=[t[2] + ":" + t[0] for t in TRUE_POSITIVES])
def test_a_finding_never_carries_the_value(name, value, rule):
    for finding in sd.scan(name, value):
        text = f"{finding} {finding.description} {finding.rule} {sd.summary([finding])}"
        assert value not in text
        assert value[:12] not in text
        assert value[-8:] not in text


FALSE_POSITIVES = [
    ("KMS_KEY_ARN", "arn:aws:kms:us-east-1:123456789012:key/0b3c5e1d-1111-2222-3333-444455556666"),
    ("DATA_KEY", "arn:aws:kms:us-east-1:123456789012:key/0b3c5e1d-1111-2222-3333-444455556666"),
    ("SECRET", "arn:aws:secretsmanager:us-east-1:123456789012:secret:leadping/twilio-AbCdEf"),
    ("KEY_ALIAS", "alias/leadping-leads"),
    ("API_URL", "https://api.leadping.ai/v1/leads?limit=50&order=desc"),
    ("DATABASE_URL", "postgres://db.internal:5432/leads"),
    ("SERVICE_URL", "https://deploy-bot@git.internal/leadping/platform.git"),
    ("DATABASE_URL_TEMPLATE", "postgres://app:${DB_PASSWORD}@db.internal:5432/leads"),
    ("API_KEY_ID", "6f1c1d2e-8a4b-4c3d-9e8f-0a1b2c3d4e5f"),
    ("SESSION_TOKEN", "6f1c1d2e-8a4b-4c3d-9e8f-0a1b2c3d4e5f"),
    ("FEATURE_TOKEN_REFRESH", "true"),
    ("ROTATE_SECRET", "false"),
    ("PASSWORD_MIN_LENGTH", "12"),
    ("TOKEN_TTL", "3600"),
    ("API_KEY", "abc123"),
    ("DB_PASSWORD", "short"),
    ("DB_PASSWORD", "${DB_PASSWORD}"),
    ("DB_PASSWORD", "{{resolve:secretsmanager:leadping/db:SecretString:password}}"),
    ("DB_PASSWORD", "/leadping/prod/db-password"),
    ("API_TOKEN", "<your-token-here>"),
    ("CLIENT_SECRET", "changeme"),
    ("SECRET_NAME", "leadping/prod/twilio-credentials"),
    ("TOKEN_URL", "https://auth.leadping.ai/oauth2/token"),
    ("PARTITION_KEY", "business_id"),
    ("CACHE_KEY", "leads:v2:business"),
    ("PUBLIC_KEY", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFixtureKeyMaterialForTests leadping"),
    ("STRIPE_PUBLISHABLE_KEY", "pk_live_" + fixture_token(ALNUM, 24)),
    ("GIT_COMMIT", fixture_token(HEX, 40)),
    ("BUILD_ID", fixture_token(ALNUM, 32)),
    ("LOG_LEVEL", "info"),
    ("AWS_REGION", "us-east-1"),
    ("TABLE_NAME", "leadping-prod-leads"),
    ("QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/leadping-jobs"),
    ("ALLOWED_ORIGINS", "https://app.leadping.ai,https://admin.leadping.ai"),
    ("PAGE_SIZE", "2.5e3"),
    ("GREETING", "password reset emails are sent from noreply@leadping.ai"),
    ("EMPTY_SECRET", ""),
    ("NONE_SECRET", None),
]


@pytest.mark.parametrize(("name", "value"), FALSE_POSITIVES, ids=[f"{n}={v!r:.30}" for n, v in FALSE_POSITIVES])
def test_ordinary_configuration_does_not_hit(name, value):
    assert sd.scan(name, value) == []


def test_scan_all_reports_each_variable_by_name():
    variables = {"LOG_LEVEL": "info", "GH": "ghp_" + fixture_token(ALNUM, 36), "DB_PASSWORD": "Tr0ub4dor&3x"}
    findings = sd.scan_all(variables)
    assert [(f.variable, f.rule) for f in findings] == [("GH", "github-token"), ("DB_PASSWORD", "password-variable")]
    assert sd.summary(findings) == "GH (github-token), DB_PASSWORD (password-variable)"


def test_scan_all_accepts_name_value_pairs():
    assert sd.scan_all([("A", "1"), ("B", "ghp_" + fixture_token(ALNUM, 36))])[0].variable == "B"


def test_shannon_entropy():
    assert sd.shannon_entropy("") == 0.0
    assert sd.shannon_entropy("aaaa") == 0.0
    assert sd.shannon_entropy("abcd") == pytest.approx(2.0)
    assert sd.shannon_entropy(fixture_token(ALNUM, 64)) > 5.0


@pytest.mark.parametrize(
    ("value", "random_looking"),
    [
        (fixture_token(ALNUM, 32), True),
        (fixture_token(HEX, 32), True),
        ("a" * 32, False),
        ("leadping-prod-leads-table-name", False),
        (fixture_token(ALNUM, 12), False),  # too short to judge
        ("6f1c1d2e-8a4b-4c3d-9e8f-0a1b2c3d4e5f", False),  # a UUID
    ],
)
def test_looks_random(value, random_looking):
    assert sd.looks_random(value) is random_looking
