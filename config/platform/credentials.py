"""The shapes of credentials that must never sit in plain stack config, and where each shape is documented.

The patterns follow the rules of gitleaks (the secret scanner most CI systems run), so what they flag here is
what a scanner of the published plan would flag.
"""

import re
from dataclasses import dataclass
from datetime import date

from . import Source

_READ = date(2026, 12, 1)
_GITLEAKS = "https://github.com/gitleaks/gitleaks/blob/master/cmd/generate/config/rules"


@dataclass(frozen=True)
class CredentialShape:
    kind: str
    """What the value looks like, for the message."""
    pattern: re.Pattern[str]
    secret_field: str | None
    """The typed secret key that takes this kind of value, if the stack has one."""
    source: Source


CREDENTIAL_SHAPES = (
    CredentialShape(
        "an Alibaba Cloud AccessKey ID",
        re.compile(r"(?<![A-Za-z0-9])LTAI[A-Za-z0-9]{12,30}(?![A-Za-z0-9])"),
        None,
        Source(f"{_GITLEAKS}/alibaba.go", _READ, "alibaba-access-key-id: `(LTAI)(?i)[a-z0-9]{20}`"),
    ),
    CredentialShape(
        "a Hugging Face access token",
        re.compile(r"(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,}(?![A-Za-z0-9])"),
        "hub_token",
        Source(f"{_GITLEAKS}/huggingface.go", _READ, "huggingface-access-token: `hf_(?i:[a-z]{34})`"),
    ),
    CredentialShape(
        "a bearer token",
        re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}"),
        None,
        Source("https://www.rfc-editor.org/rfc/rfc6750#section-2.1", _READ,
               "credentials = \"Bearer\" 1*SP b64token"),
    ),
    CredentialShape(
        "a PEM private key or certificate block",
        re.compile(r"-----BEGIN [A-Z0-9 ]+-----"),
        None,
        Source(f"{_GITLEAKS}/privatekey.go", _READ, "private-key: `-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY`"),
    ),
    CredentialShape(
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+"),
        None,
        Source(f"{_GITLEAKS}/jwt.go", _READ, "jwt: `ey[a-zA-Z0-9]{17,}\\.ey[a-zA-Z0-9\\/\\\\_-]{17,}\\.`..."),
    ),
    CredentialShape(
        "a URL with a user name or password in it",
        re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s?#@]+@"),
        None,
        Source("https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1", _READ,
               "Use of the format \"user:password\" in the userinfo field is deprecated. Applications should not "
               "render as clear text any data after the first colon"),
    ),
)
