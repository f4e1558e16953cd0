"""Bearer tokens and API keys → principals; the 401s the API answers otherwise."""

from __future__ import annotations

import base64
import hmac
import json
import secrets
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from pymongo import MongoClient
from typer.testing import CliRunner

from api.authentication import (
    AuthenticationError,
    Authenticator,
    development_secret,
    issue_token,
)
from api.cli.main import cli
from api.settings import Settings
from documents.access.api_keys import create_api_key, revoke_api_key
from documents.access.principals import ANONYMOUS, IntegratorScope, Operation, PrincipalKind
from documents.catalogue.procedures import OfficerRole
from documents.dossiers.dossier import ApplicantKind
from tests.conftest import running_app

AGENCY = "000.00.15.H26"
PROCEDURES = "{ procedures { code } }"


@pytest.fixture
def auth_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"data_dir": tmp_path / "var"})


@pytest.fixture
async def auth_http(auth_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async for _, client in running_app(auth_settings):
        yield client


def _claims(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": "u-1",
        "role": "officer:reception",
        "agency": AGENCY,
        "exp": now + timedelta(hours=1),
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _dev_token(settings: Settings, **overrides: Any) -> str:
    return jwt.encode(_claims(**overrides), development_secret(settings.jwt_secret_file), "HS256")


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _b64(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


def _handmade_token(alg: str, key: bytes = b"", kid: str | None = None) -> str:
    """Tokens PyJWT refuses to produce: unsigned, or HMAC-signed with a public key."""
    header = {"alg": alg, "typ": "JWT", **({"kid": kid} if kid else {})}
    claims = {"sub": "u-1", "role": "system_admin", "exp": 4_000_000_000}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.digest(key, signing_input.encode(), "sha256") if key else b""
    return f"{signing_input}.{_b64(signature)}"


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        (
            {"role": "applicant", "id_number": "001090000001", "agency": None},
            {
                "kind": PrincipalKind.APPLICANT,
                "id_number": "001090000001",
                "applicant_kind": ApplicantKind.CITIZEN,
            },
        ),
        (
            {"role": "applicant", "id_number": "0101234567", "applicant_kind": "BUSINESS"},
            {"kind": PrincipalKind.APPLICANT, "applicant_kind": ApplicantKind.BUSINESS},
        ),
        (
            {"role": "officer:reception"},
            {"kind": PrincipalKind.OFFICER, "role": OfficerRole.RECEPTION, "agency_code": AGENCY},
        ),
        (
            {"role": "officer:specialist"},
            {"kind": PrincipalKind.OFFICER, "role": OfficerRole.SPECIALIST},
        ),
        ({"role": "officer:leader"}, {"kind": PrincipalKind.OFFICER, "role": OfficerRole.LEADER}),
        (
            {"role": "agency_admin"},
            {"kind": PrincipalKind.AGENCY_ADMIN, "agency_code": AGENCY, "role": None},
        ),
        (
            {"role": "system_admin", "agency": None},
            {"kind": PrincipalKind.SYSTEM_ADMIN, "agency_code": None},
        ),
    ],
)
async def test_authenticate_maps_each_role_to_its_principal(
    auth_settings: Settings, claims: dict[str, Any], expected: dict[str, Any]
) -> None:
    token = _dev_token(auth_settings, **claims)
    principal = await Authenticator(auth_settings).authenticate(_bearer(token))
    assert principal.subject == "u-1"
    for name, value in expected.items():
        assert getattr(principal, name) == value, name


async def test_authenticate_without_credentials_is_anonymous(auth_settings: Settings) -> None:
    assert await Authenticator(auth_settings).authenticate({}) is ANONYMOUS


def test_development_secret_is_generated_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "jwt-secret"
    secret = development_secret(path)
    assert len(secret) == 64
    int(secret, 16)
    assert path.stat().st_mode & 0o777 == 0o600
    assert development_secret(path) == secret
    assert [p.name for p in path.parent.iterdir()] == ["jwt-secret"]


def test_issue_token_refuses_unknown_roles_and_missing_claims(auth_settings: Settings) -> None:
    with pytest.raises(ValueError, match="not recognised"):
        issue_token(auth_settings, "mayor", sub="x")
    with pytest.raises(ValueError, match="missing claim 'agency'"):
        issue_token(auth_settings, "officer:leader", sub="x")
    with pytest.raises(ValueError, match="missing claim 'id_number'"):
        issue_token(auth_settings, "applicant", sub="x")


async def test_authenticate_checks_issuer_and_audience_when_configured(
    auth_settings: Settings,
) -> None:
    settings = auth_settings.model_copy(
        update={"jwt_issuer": "https://id.example", "jwt_audience": "motcua"}
    )
    authenticator = Authenticator(settings)
    issued = issue_token(settings, "system_admin", sub="root")
    assert (await authenticator.authenticate(_bearer(issued))).kind == PrincipalKind.SYSTEM_ADMIN
    cases = {
        "token issuer is not accepted": {"iss": "https://evil.example", "aud": "motcua"},
        "token audience is not accepted": {"iss": "https://id.example", "aud": "other"},
        "token is missing claim 'aud'": {"iss": "https://id.example"},
    }
    for message, claims in cases.items():
        with pytest.raises(AuthenticationError) as raised:
            await authenticator.authenticate(_bearer(_dev_token(settings, **claims)))
        assert str(raised.value) == message


async def test_auth_middleware_lets_valid_tokens_and_anonymous_requests_through(
    auth_http: httpx.AsyncClient, auth_settings: Settings
) -> None:
    officer = _bearer(_dev_token(auth_settings))
    for headers in (officer, {}):
        response = await auth_http.post("/graphql", json={"query": PROCEDURES}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["data"] == {"procedures": []}


def _assert_unauthenticated(response: httpx.Response) -> str:
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert "Traceback" not in response.text
    body = response.json()
    assert list(body) == ["errors"]
    [error] = body["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    message: str = error["message"]
    assert "\n" not in message
    challenge = response.headers["www-authenticate"]
    assert challenge == f'Bearer error="invalid_token", error_description="{message}"'
    return message


async def test_auth_middleware_answers_401_with_a_distinct_reason(
    auth_http: httpx.AsyncClient, auth_settings: Settings
) -> None:
    past = datetime.now(UTC) - timedelta(hours=1)
    forged = jwt.encode(_claims(), secrets.token_hex(32), "HS256")
    cases = {
        "token expired": _dev_token(auth_settings, exp=past),
        "malformed token": "not-a-jwt",
        "token signature is invalid": forged,
        "token algorithm 'none' is not accepted": _handmade_token("none"),
        "token role 'mayor' is not recognised": _dev_token(auth_settings, role="mayor"),
        "token is missing claim 'agency'": _dev_token(auth_settings, agency=None),
        "token is missing claim 'exp'": _dev_token(auth_settings, exp=None),
    }
    for expected, token in cases.items():
        response = await auth_http.post(
            "/graphql", json={"query": PROCEDURES}, headers=_bearer(token)
        )
        assert _assert_unauthenticated(response) == expected


async def test_auth_middleware_guards_receipts_and_refuses_other_schemes(
    auth_http: httpx.AsyncClient,
) -> None:
    basic = {"authorization": "Basic dXNlcjpwYXNz"}
    response = await auth_http.get("/dossiers/HS-1/receipt", headers=basic)
    assert _assert_unauthenticated(response) == "Authorization header must use the Bearer scheme"
    response = await auth_http.get("/dossiers/HS-1/receipt", headers=_bearer("x.y"))
    assert _assert_unauthenticated(response) == "malformed token"
    outside = await auth_http.get("/elsewhere", headers=basic)
    assert outside.status_code == 404  # not the API surface: not authenticated here


async def test_authenticate_accepts_api_keys_until_revoked(
    auth_http: httpx.AsyncClient, auth_settings: Settings
) -> None:
    key, presented = await create_api_key(
        "Cổng dịch vụ công",
        [Operation.READ_DOSSIERS, Operation.SUBSCRIBE],
        agencies=[AGENCY],
    )
    authenticator = Authenticator(auth_settings)
    principal = await authenticator.authenticate({"x-api-key": presented})
    assert principal.kind == PrincipalKind.INTEGRATOR
    assert principal.subject == key.key_id
    assert principal.scope == IntegratorScope(
        agencies=frozenset({AGENCY}),
        operations=frozenset({Operation.READ_DOSSIERS, Operation.SUBSCRIBE}),
    )
    response = await auth_http.post(
        "/graphql", json={"query": PROCEDURES}, headers={"x-api-key": presented}
    )
    assert response.status_code == 200

    await revoke_api_key(key)
    for attempt in (presented, "mck_garbage", "not even close"):
        response = await auth_http.post(
            "/graphql", json={"query": PROCEDURES}, headers={"x-api-key": attempt}
        )
        assert _assert_unauthenticated(response) == "unknown or revoked API key"


async def test_authenticate_refuses_a_token_and_a_key_together(auth_settings: Settings) -> None:
    headers = {**_bearer(_dev_token(auth_settings)), "x-api-key": "mck_a_b"}
    with pytest.raises(AuthenticationError, match="not both"):
        await Authenticator(auth_settings).authenticate(headers)


class Jwks:
    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        keys = [
            {**RSAAlgorithm.to_jwk(self.rsa.public_key(), as_dict=True), "kid": "rsa-1"},
            {**ECAlgorithm.to_jwk(self.ec.public_key(), as_dict=True), "kid": "ec-1"},
        ]
        self.body = json.dumps({"keys": keys}).encode()
        self.url = ""


@pytest.fixture
def jwks() -> Iterator[Jwks]:
    served = Jwks()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(served.body)))
            self.end_headers()
            self.wfile.write(served.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll interval: shutting the server down waits for one.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    served.url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    yield served
    server.shutdown()
    server.server_close()
    thread.join()


async def test_authenticate_verifies_rs256_and_es256_against_the_jwks(
    auth_settings: Settings, jwks: Jwks
) -> None:
    authenticator = Authenticator(auth_settings.model_copy(update={"jwks_url": jwks.url}))
    rs256 = jwt.encode(_claims(), jwks.rsa, "RS256", headers={"kid": "rsa-1"})
    es256 = jwt.encode(_claims(role="system_admin"), jwks.ec, "ES256", headers={"kid": "ec-1"})
    assert (await authenticator.authenticate(_bearer(rs256))).agency_code == AGENCY
    assert (await authenticator.authenticate(_bearer(es256))).kind == PrincipalKind.SYSTEM_ADMIN

    forged_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = jwks.rsa.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    cases = {
        # The classic confusion: HMAC keyed with the published public key.
        "token algorithm 'HS256' is not accepted": _handmade_token("HS256", public_pem, "rsa-1"),
        "token signing key is unknown": jwt.encode(
            _claims(), jwks.rsa, "RS256", headers={"kid": "rsa-2"}
        ),
        "token signature is invalid": jwt.encode(
            _claims(), forged_rsa, "RS256", headers={"kid": "rsa-1"}
        ),
        "token algorithm does not match its signing key": jwt.encode(
            _claims(), jwks.rsa, "RS256", headers={"kid": "ec-1"}
        ),
    }
    for message, token in cases.items():
        with pytest.raises(AuthenticationError) as raised:
            await authenticator.authenticate(_bearer(token))
        assert str(raised.value) == message


async def test_auth_middleware_accepts_a_jwks_token(auth_settings: Settings, jwks: Jwks) -> None:
    settings = auth_settings.model_copy(update={"jwks_url": jwks.url})
    token = jwt.encode(_claims(), jwks.ec, "ES256", headers={"kid": "ec-1"})
    dev_token = issue_token(auth_settings, "system_admin", sub="root")
    async for _, client in running_app(settings):
        ok = await client.post("/graphql", json={"query": PROCEDURES}, headers=_bearer(token))
        assert ok.status_code == 200, ok.text
        refused = await client.post(
            "/graphql", json={"query": PROCEDURES}, headers=_bearer(dev_token)
        )
        assert _assert_unauthenticated(refused) == "token algorithm 'HS256' is not accepted"


@pytest.fixture
def dev_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("MONGODB_URI", "MOTCUA_MONGODB_URI", "MOTCUA_DEV_MODE", "MOTCUA_JWKS_URL"):
        monkeypatch.delenv(name, raising=False)
    data_dir = tmp_path / "var"
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(data_dir))
    return data_dir


async def test_token_command_prints_a_token_the_api_accepts(
    dev_environment: Path, mongodb_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command looks the agency up (tests/api/test_cli.py has the refusals).
    database = f"token_{secrets.token_hex(5)}"
    monkeypatch.setenv("MOTCUA_MONGODB_URI", mongodb_uri)
    monkeypatch.setenv("MOTCUA_DATABASE", database)
    monkeypatch.setenv("MOTCUA_DEV_MODE", "true")
    with MongoClient(mongodb_uri) as client:
        client[database].agencies.insert_one({"code": AGENCY})
        result = CliRunner().invoke(
            cli, ["token", "--role", "officer:reception", "--agency", AGENCY, "--ttl", "30m"]
        )
        client.drop_database(database)
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert "\n" not in token
    principal = await Authenticator(Settings()).authenticate(_bearer(token))
    assert principal.kind == PrincipalKind.OFFICER
    assert principal.role == OfficerRole.RECEPTION
    assert principal.agency_code == AGENCY
    assert principal.subject == "dev-officer-reception"
    lifetime = jwt.decode(token, options={"verify_signature": False})
    assert lifetime["exp"] - lifetime["iat"] == 30 * 60


def test_token_command_refuses_outside_development_mode(
    dev_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTCUA_DEV_MODE", "0")
    result = CliRunner().invoke(cli, ["token", "--role", "system_admin"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "motcua: tokens can only be printed in development mode\n"
    assert not dev_environment.exists()


def test_token_command_reports_a_missing_agency(dev_environment: Path) -> None:
    result = CliRunner().invoke(cli, ["token", "--role", "officer:leader"])
    assert result.exit_code == 2
    assert result.stderr == "motcua: --agency is required for role officer:leader\n"
