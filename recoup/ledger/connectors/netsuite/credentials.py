"""NetSuite's OAuth 2.0 client credentials (machine-to-machine) flow.

The app proves itself with a JWT it signs (PS256) with the private key of the
certificate mapped to the integration: header ``kid`` = the certificate id;
claims ``iss`` = the client id, ``scope``, ``aud`` = the token endpoint, ``iat``
and ``exp`` (at most an hour apart). The token endpoint answers an access
token valid for 60 minutes and no refresh token: a new one is asked for with a
new assertion. The private key is read from its file at each request and
never logged or stored.
"""

from __future__ import annotations

import base64
import json
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from recoup.ledger.connectors.sync.grants import GrantRevoked, NotConnected, Tokens

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = timedelta(minutes=5)
REFUSED = {"invalid_grant", "invalid_client", "unauthorized_client", "invalid_request"}


def account_host(account_id: str) -> str:
    """The account id as NetSuite's host names spell it (``123456_SB1`` → ``123456-sb1``)."""
    return account_id.strip().lower().replace("_", "-")


def token_url(account_id: str) -> str:
    host = account_host(account_id)
    return f"https://{host}.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token"


@dataclass(frozen=True)
class ClientCredentials:
    account_id: str
    client_id: str
    certificate_id: str
    private_key_file: Path
    scopes: str = "rest_webservices"

    def dump(self) -> dict[str, str]:
        """What is kept (sealed) with the grant: the key's path, never the key."""
        return {
            "account_id": self.account_id,
            "client_id": self.client_id,
            "certificate_id": self.certificate_id,
            "private_key_file": str(self.private_key_file),
            "scopes": self.scopes,
        }

    @classmethod
    def load(cls, data: dict[str, Any]) -> ClientCredentials:
        return cls(
            str(data["account_id"]),
            str(data["client_id"]),
            str(data["certificate_id"]),
            Path(str(data["private_key_file"])),
            str(data.get("scopes") or "rest_webservices"),
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _private_key(path: Path) -> rsa.RSAPrivateKey:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        pem = path.read_bytes()
    except OSError as exc:
        raise NotConnected(f"cannot read the NetSuite private key file {path}: {exc}") from exc
    if mode & 0o077:
        raise NotConnected(
            f"the NetSuite private key file {path} can be read by others (mode {mode:o}); "
            "chmod 600 it"
        )
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise NotConnected(f"{path} is not an unencrypted PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise NotConnected(f"{path} is not an RSA key (PS256 needs one)")
    return key


def client_assertion(credentials: ClientCredentials, *, now: datetime) -> str:
    header = {"typ": "JWT", "alg": "PS256", "kid": credentials.certificate_id}
    issued = int(now.timestamp())
    claims = {
        "iss": credentials.client_id,
        "scope": credentials.scopes,
        "aud": token_url(credentials.account_id),
        "iat": issued,
        "exp": issued + int(ASSERTION_LIFETIME.total_seconds()),
    }
    signing_input = ".".join(
        _b64(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    signature = _private_key(credentials.private_key_file).sign(
        signing_input.encode(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=hashes.SHA256.digest_size),
        hashes.SHA256(),
    )
    return f"{signing_input}.{_b64(signature)}"


async def request_token(
    client: httpx.AsyncClient, credentials: ClientCredentials, *, now: datetime
) -> Tokens:
    response = await client.post(
        token_url(credentials.account_id),
        headers={"Accept": "application/json"},
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": client_assertion(credentials, now=now),
        },
    )
    if response.status_code in (400, 401, 403):
        error = _error(response)
        if error in REFUSED or response.status_code != 400:
            raise GrantRevoked(
                f"NetSuite refused the client credentials ({error or response.status_code}); "
                "check the certificate mapping and connect again"
            )
    response.raise_for_status()
    data = response.json()
    return Tokens(
        access_token=str(data["access_token"]),
        access_expires_at=now + timedelta(seconds=int(data.get("expires_in") or 3600)),
        extra=credentials.dump(),
    )


def _error(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", ""))
    except ValueError:
        return ""
