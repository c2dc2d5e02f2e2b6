"""Finds credentials in configuration values (Lambda and ECS environment, SSM String parameters).

High-signal rules only, so that a hit is worth a FAIL:
- provider formats that are credentials by construction (AWS access key ids, private key blocks,
  Slack, GitHub, Stripe, Twilio, SendGrid and Google tokens, JWTs);
- credentials embedded in a URL (``scheme://user:password@host``);
- ``password=...`` / ``"api_key": "..."`` assignments inside a value (connection strings, JSON);
- a literal in a variable whose name ends like a password;
- a long, random-looking value (Shannon entropy) in a variable whose name ends like a secret
  (``..._SECRET``, ``..._TOKEN``, ``..._API_KEY``).

What is not a credential never hits: references (ARNs, ``/ssm/paths``, ``{{resolve:...}}``,
``${VAR}`` placeholders), URLs without a password, UUIDs, booleans, numbers and short values.

A finding names the variable and the rule, never the value or any part of it: callers put
findings in reports, and the value is exactly what must not leave.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# SSM parameter types whose value is stored in plaintext, so scanned (a SecureString is encrypted).
# The gate (LP_CONFIG_NO_PLAINTEXT_SECRETS) and the audit (ssm_parameter_no_plaintext_secrets) read it here.
PLAINTEXT_PARAMETER_TYPES = ("String", "StringList")


@dataclass(frozen=True)
class Finding:
    variable: str
    rule: str
    description: str

    def __str__(self) -> str:
        return f"{self.variable} ({self.rule})"


@dataclass(frozen=True)
class _Pattern:
    rule: str
    description: str
    regex: re.Pattern[str]


# Provider formats: each is a credential whatever variable holds it.
PATTERNS: tuple[_Pattern, ...] = (
    _Pattern("aws-access-key-id", "AWS access key id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b")),
    _Pattern(
        "private-key",
        "PEM/OpenSSH/PGP private key",
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    ),
    _Pattern("slack-token", "Slack token", re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,}")),
    _Pattern(
        "slack-webhook",
        "Slack incoming webhook URL",
        re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}"),
    ),
    _Pattern(
        "github-token",
        "GitHub token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b"),
    ),
    _Pattern(
        "stripe-secret-key", "Stripe secret or restricted key", re.compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b")
    ),
    _Pattern("stripe-webhook-secret", "Stripe webhook signing secret", re.compile(r"\bwhsec_[A-Za-z0-9+/=]{24,}")),
    _Pattern("twilio-api-key", "Twilio API key", re.compile(r"\bSK[0-9a-fA-F]{32}\b")),
    _Pattern("sendgrid-api-key", "SendGrid API key", re.compile(r"\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{32,64}\b")),
    _Pattern("google-api-key", "Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    _Pattern("jwt", "JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
)

# scheme://user:password@host (the password part must not be a placeholder; checked apart).
_URL_CREDENTIALS = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]*:(?P<secret>[^\s/@]+)@[^\s/@]")
# password=..., "api_key": "...", Password: ... inside a value.
_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?<![a-z0-9_:/-])
    ["']?(?P<key>(?:[a-z0-9]+[_-])*(?:
        password|passwd|pwd|passphrase|secret|api[_-]?key|apikey|access[_-]?key|token|private[_-]?key
    ))["']?
    \s*[:=]\s*
    ["']?(?P<secret>[^\s"',;&}]+)
    """
)
# The AWS secret access key has no prefix: 40 base64 characters next to an AWS-flavoured name.
_AWS_SECRET_VALUE = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_AWS_SECRET_NAME = re.compile(r"(?i)aws.*secret|secret.*access.*key")

# Variable names whose last word says "this is a password" / "this is a secret".
_NAME_WORDS = re.compile(r"[A-Z0-9]+(?![a-z])|[A-Z]?[a-z0-9]+")
_PASSWORD_WORDS = {"password", "passwd", "pwd", "passphrase", "pass"}
_SECRET_WORDS = {
    "secret",
    "token",
    "key",
    "apikey",
    "credential",
    "credentials",
    "auth",
    "signature",
    "salt",
    *_PASSWORD_WORDS,
}
# ..._KEY_ID, ..._TOKEN_URL, ..._SECRET_ARN: the last word names something that is not the secret.
_REFERENCE_WORDS = {"id", "arn", "name", "url", "uri", "path", "param", "parameter", "file", "ttl", "length"}

_PLACEHOLDER = re.compile(
    r"""(?ix)^(
        \$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|\{\{.*\}\}|<[^>]*>|%\([^)]*\)s|\*+|x{3,}|
        changeme|change[_-]?me|example|dummy|placeholder|redacted|none|null|nil|undefined|todo
    )$"""
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$")
_BOOLEANS = {"true", "false", "yes", "no", "on", "off", "enabled", "disabled"}
_HEX = re.compile(r"^[0-9a-fA-F]+$")

MIN_PASSWORD_LENGTH = 8
MIN_RANDOM_LENGTH = 16


def shannon_entropy(text: str) -> float:
    """Bits per character of ``text``'s character distribution."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _reference(text: str) -> bool:
    """An ARN, alias, SSM/Secrets Manager reference or path: names a secret, does not hold one."""
    return text.lower().startswith(("arn:", "alias/", "ssm:", "secretsmanager:", "{{resolve:", "resolve:")) or (
        text.startswith("/") and " " not in text
    )


def is_reference_or_benign(value: str) -> bool:
    """A value that is not a credential: a reference to one, a placeholder, or a plain setting."""
    text = value.strip().strip("\"'")
    return (
        not text
        or text.lower() in _BOOLEANS
        or bool(_NUMBER.match(text))
        or bool(_UUID.match(text))
        or bool(_PLACEHOLDER.match(text))
        or _reference(text)
        or text.startswith(("pk_live_", "pk_test_"))  # Stripe publishable keys are public by design
        or ("://" in text and not _URL_CREDENTIALS.search(text))
    )


def looks_random(value: str) -> bool:
    """A long value with the character mix and entropy of generated key material."""
    text = value.strip()
    if len(text) < MIN_RANDOM_LENGTH or any(c.isspace() for c in text) or is_reference_or_benign(text):
        return False
    entropy = shannon_entropy(text)
    if _HEX.match(text):
        return len(text) >= 20 and entropy >= 3.0
    classes = sum((any(c.islower() for c in text), any(c.isupper() for c in text), any(c.isdigit() for c in text)))
    return classes >= 2 and entropy >= 3.5


def _name_words(name: str) -> list[str]:
    return [w.lower() for w in _NAME_WORDS.findall(name)]


def _name_kind(name: str) -> str | None:
    """ "password", "secret" or None, from the variable name's last word(s)."""
    words = _name_words(name)
    if not words or words[-1] in _REFERENCE_WORDS:
        return None
    last = words[-1]
    if last in _PASSWORD_WORDS:
        return "password"
    if last in _SECRET_WORDS or (len(words) > 1 and f"{words[-2]}{last}" in {"apikey", "privatekey"}):
        return "secret"
    return None


def _placeholder(secret: str) -> bool:
    return is_reference_or_benign(secret) or secret.startswith(("$", "{", "%", "<"))


def scan(name: str, value: str | None) -> list[Finding]:
    """The rules ``value`` (held by variable ``name``) breaks; [] when it holds no credential."""
    if value is None:
        return []
    text = str(value)
    findings = [Finding(name, p.rule, p.description) for p in PATTERNS if p.regex.search(text)]
    url = _URL_CREDENTIALS.search(text)
    if url and not _placeholder(url["secret"]):
        findings.append(Finding(name, "url-credentials", "password embedded in a URL"))
    for match in () if _reference(text.strip()) else _ASSIGNMENT.finditer(text):
        secret = match["secret"]
        if len(secret) >= MIN_PASSWORD_LENGTH and not _placeholder(secret) and shannon_entropy(secret) >= 2.5:
            findings.append(Finding(name, "secret-assignment", f"{match['key'].lower()}= assignment with a literal"))
            break
    if _AWS_SECRET_NAME.search(name) and _AWS_SECRET_VALUE.search(text) and looks_random(text):
        findings.append(Finding(name, "aws-secret-access-key", "AWS secret access key"))
    if not findings:
        kind = _name_kind(name)
        stripped = text.strip()
        if (
            kind == "password"
            and len(stripped) >= MIN_PASSWORD_LENGTH
            and not _placeholder(stripped)
            and " " not in stripped
        ):
            findings.append(Finding(name, "password-variable", "literal value in a password variable"))
        elif kind is not None and looks_random(stripped):
            findings.append(Finding(name, "high-entropy-secret", "random-looking value in a secret-named variable"))
    return findings


def scan_all(variables: Mapping[str, str | None] | Iterable[tuple[str, str | None]]) -> list[Finding]:
    """Findings over many variables (a mapping or name/value pairs), in order."""
    items = variables.items() if isinstance(variables, Mapping) else variables
    return [finding for name, value in items for finding in scan(name, value)]


def summary(findings: Iterable[Finding]) -> str:
    """``NAME (rule), OTHER (rule)`` - safe to print: no value appears."""
    return ", ".join(str(f) for f in findings)
