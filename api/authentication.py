"""Authentication: bearer JWTs and integrators' API keys → a Principal, and development tokens.

Development verifies HS256 tokens signed with a secret generated into the data
directory (`motcua token` prints one); production verifies RS256/ES256 tokens
against the identity provider's JWKS.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from jwt.exceptions import InvalidSubjectError

from api.private_files import private_directory
from api.settings import Settings
from documents.access.api_keys import principal_for_key
from documents.access.principals import ANONYMOUS, Principal, PrincipalKind
from documents.catalogue.procedures import OfficerRole
from documents.dossiers.dossier import ApplicantKind
from documents.papers.consents import ConsentClaim

DEV_ALGORITHMS = ("HS256",)
JWKS_ALGORITHMS = ("RS256", "ES256")
ROLES = (
    "applicant",
    "officer:reception",
    "officer:specialist",
    "officer:leader",
    "agency_admin",
    "system_admin",
)
# Tolerated clock difference between the identity provider and this server.
CLOCK_SKEW = timedelta(seconds=30)
# A personal identification number (12 digits) or a tax code, as on `Applicant`.
_ID_NUMBER = re.compile(r"\d{12}|\d{10}(-\d{3})?")
# What an applicant token's `id_number` is, by its `applicant_kind`: a citizen's
# identification number, or a business's tax code (10 digits, "-" and 3 for a branch).
_APPLICANT_NUMBERS = {
    ApplicantKind.CITIZEN: re.compile(r"\d{12}"),
    ApplicantKind.BUSINESS: re.compile(r"\d{10}(-\d{3})?"),
}
# The identity-assurance levels an identity provider vouches for (VNeID: 1 or 2).
IDENTITY_LEVELS = {1: 1, 2: 2, "1": 1, "2": 2}
DEFAULT_LEVEL_CLAIM = "identity_level"


class AuthenticationError(Exception):
    """The presented credentials are unusable; the message says why, in one line."""


def principal_from_claims(
    claims: Mapping[str, Any], level_claim: str = DEFAULT_LEVEL_CLAIM
) -> Principal:
    """The principal a verified token's claims describe; an applicant's identity level
    is read from the claim `level_claim` (the setting `identity_level_claim`)."""
    subject = _claim(claims, "sub")
    role = _claim(claims, "role")
    if role == "applicant":
        kind = claims.get("applicant_kind", ApplicantKind.CITIZEN.value)
        if kind not in {k.value for k in ApplicantKind}:
            raise AuthenticationError("token claim 'applicant_kind' must be CITIZEN or BUSINESS")
        id_number = _claim(claims, "id_number")
        if not _APPLICANT_NUMBERS[ApplicantKind(kind)].fullmatch(id_number):
            # The value is personal data: it is not repeated back.
            raise AuthenticationError(
                "token claim 'id_number' must be a citizen's 12-digit number or, with "
                "applicant_kind BUSINESS, a tax code"
            )
        return Principal(
            kind=PrincipalKind.APPLICANT,
            subject=subject,
            id_number=id_number,
            applicant_kind=ApplicantKind(kind),
            identity_level=_identity_level(claims, level_claim),
        )
    if role in ("officer:reception", "officer:specialist", "officer:leader"):
        return Principal(
            kind=PrincipalKind.OFFICER,
            subject=subject,
            role=OfficerRole(role.removeprefix("officer:").upper()),
            agency_code=_claim(claims, "agency"),
            reuse_consent=_reuse_consent(claims),
        )
    if role == "agency_admin":
        return Principal(
            kind=PrincipalKind.AGENCY_ADMIN, subject=subject, agency_code=_claim(claims, "agency")
        )
    if role == "system_admin":
        return Principal(kind=PrincipalKind.SYSTEM_ADMIN, subject=subject)
    raise AuthenticationError(f"token role {role[:40]!r} is not recognised")


def _identity_level(claims: Mapping[str, Any], name: str) -> int | None:
    """The identity-assurance level, 1 or 2 (or "1", "2"); None when absent."""
    value = claims.get(name)
    if value is None:
        return None
    level = IDENTITY_LEVELS.get(value) if isinstance(value, int | str) else None
    if level is None or isinstance(value, bool):
        raise AuthenticationError(f"token claim {name[:40]!r} must be identity level 1 or 2")
    return level


def _reuse_consent(claims: Mapping[str, Any]) -> ConsentClaim | None:
    """The `reuse_consent` claim, `{"id_number", "procedure", "jti"}`: the applicant
    agreed that the bearer reuse their repository for one dossier of that procedure.
    It lapses with the token, and its `jti` serves once (documents/papers/consents.py)."""
    value = claims.get("reuse_consent")
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise AuthenticationError("token claim 'reuse_consent' must be an object")
    id_number, procedure, jti = (value.get(k) for k in ("id_number", "procedure", "jti"))
    if not isinstance(id_number, str) or not _ID_NUMBER.fullmatch(id_number):
        raise AuthenticationError("token claim 'reuse_consent' needs the applicant's id_number")
    if not isinstance(procedure, str) or not 0 < len(procedure) <= 64:
        raise AuthenticationError("token claim 'reuse_consent' needs a procedure code")
    if not isinstance(jti, str) or not 16 <= len(jti) <= 128:
        raise AuthenticationError("token claim 'reuse_consent' needs a jti of 16-128 characters")
    expiry = claims.get("exp")
    if isinstance(expiry, datetime):
        expires_at = expiry
    elif isinstance(expiry, int | float) and not isinstance(expiry, bool):
        expires_at = datetime.fromtimestamp(expiry, UTC)
    else:
        raise AuthenticationError("token claim 'reuse_consent' needs the token's 'exp'")
    return ConsentClaim(id_number, procedure, jti, expires_at)


def _claim(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    if value is None or value == "":
        raise AuthenticationError(f"token is missing claim {name!r}")
    if not isinstance(value, str):
        raise AuthenticationError(f"token claim {name!r} must be a string")
    return value


def development_secret(path: Path) -> str:
    """The HS256 secret in `path`, generated (64 hex characters, mode 0600) if missing."""
    if not path.exists():
        private_directory(path.parent)
        # Written aside and hard-linked into place: the link fails if another process
        # won the race, and nobody ever reads a half-written secret.
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".jwt-secret-")
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_hex(32))
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise RuntimeError(f"{path} holds no usable secret; delete it to generate a new one")
    return secret


def issue_token(
    settings: Settings,
    role: str,
    *,
    sub: str,
    agency: str | None = None,
    id_number: str | None = None,
    ttl: timedelta = timedelta(hours=8),
    reuse_consent: Mapping[str, str] | None = None,
    identity_level: int | None = None,
    applicant_kind: ApplicantKind | None = None,
) -> str:
    """A development token (HS256, the data directory's secret) for `role`; an
    applicant's carries `identity_level` in the claim the settings name, and a
    business's `applicant_kind` BUSINESS with its tax code as `id_number`."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"sub": sub, "role": role, "iat": now, "exp": now + ttl}
    if identity_level is not None:
        claims[settings.identity_level_claim] = identity_level
    if applicant_kind is not None:
        claims["applicant_kind"] = applicant_kind.value
    if reuse_consent is not None:
        claims["reuse_consent"] = dict(reuse_consent)
    if agency is not None:
        claims["agency"] = agency
    if id_number is not None:
        claims["id_number"] = id_number
    if settings.jwt_issuer is not None:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience is not None:
        claims["aud"] = settings.jwt_audience
    try:
        principal_from_claims(claims, settings.identity_level_claim)
    except AuthenticationError as error:
        raise ValueError(str(error)) from None
    return jwt.encode(claims, development_secret(settings.jwt_secret_file), algorithm="HS256")


class Authenticator:
    """Turns a request's headers into the Principal making it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._secret: str | None = None
        # The key set is cached for five minutes, so a key the provider withdraws
        # stops working then (per-key caching would keep it forever).
        self._jwks = jwt.PyJWKClient(settings.jwks_url) if settings.jwks_url else None

    async def authenticate(self, headers: Mapping[str, str]) -> Principal:
        authorization = headers.get("authorization")
        api_key = headers.get("x-api-key")
        if authorization is not None and api_key is not None:
            raise AuthenticationError("send either a bearer token or an API key, not both")
        if authorization is not None:
            scheme, _, token = authorization.strip().partition(" ")
            if scheme.lower() != "bearer":
                raise AuthenticationError("Authorization header must use the Bearer scheme")
            claims = await self.verify(token.strip())
            return principal_from_claims(claims, self.settings.identity_level_claim)
        if api_key is not None:
            principal = await principal_for_key(api_key.strip())
            if principal is None:
                raise AuthenticationError("unknown or revoked API key")
            return principal
        return ANONYMOUS

    async def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token whose signature, expiry, issuer and audience hold."""
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError:
            raise AuthenticationError("malformed token") from None
        allowed = JWKS_ALGORITHMS if self._jwks else DEV_ALGORITHMS
        if algorithm not in allowed:
            raise AuthenticationError(f"token algorithm {str(algorithm)[:20]!r} is not accepted")
        key = await self._key(token)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=list(allowed),
                issuer=self.settings.jwt_issuer,
                audience=self.settings.jwt_audience,
                leeway=CLOCK_SKEW,
                options={
                    "require": ["exp", "sub"],
                    "verify_aud": self.settings.jwt_audience is not None,
                },
            )
        except jwt.PyJWTError as error:
            raise AuthenticationError(_describe(error)) from None
        return claims

    async def _key(self, token: str) -> jwt.PyJWK | str:
        if self._jwks is None:
            if self._secret is None:
                path = self.settings.jwt_secret_file
                self._secret = await asyncio.to_thread(development_secret, path)
            return self._secret
        try:
            return await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
        except (jwt.PyJWKClientConnectionError, jwt.PyJWKSetError):
            raise AuthenticationError("the identity provider's keys are unavailable") from None
        except jwt.PyJWKClientError:
            raise AuthenticationError("token signing key is unknown") from None
        except jwt.PyJWTError:
            raise AuthenticationError("malformed token") from None


# The first matching class gives the reason; subclasses come before their bases.
_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "token expired"),
    (jwt.InvalidSignatureError, "token signature is invalid"),
    (InvalidSubjectError, "token claim 'sub' must be a string"),
    (jwt.InvalidIssuerError, "token issuer is not accepted"),
    (jwt.InvalidAudienceError, "token audience is not accepted"),
    (jwt.ImmatureSignatureError, "token is not yet valid"),
    (jwt.InvalidIssuedAtError, "token issue time is invalid"),
    (jwt.InvalidAlgorithmError, "token algorithm does not match its signing key"),
    (jwt.DecodeError, "malformed token"),
)


def _describe(error: jwt.PyJWTError) -> str:
    """A one-line reason that reveals nothing the client did not send."""
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"token is missing claim {error.claim!r}"
    return next(
        (reason for kind, reason in _REASONS if isinstance(error, kind)), "token is invalid"
    )
