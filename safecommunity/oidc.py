"""Bearer JWTs from the district's OpenID Connect provider, checked with PyJWT."""
import time

import jwt

from .auth import AccessUnavailable, Unauthorized, token_caller
from .scopes import known
from .tokenstore import token_hash


class OidcVerifier:
    """Bearer JWTs from the district's identity provider (Keycloak and the like), via PyJWT.

    OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URL say whose tokens count; OIDC_SCOPE_CLAIM (a dotted
    path; a space-separated string or a list) says where the scopes are, OIDC_SOURCES_CLAIM where a
    department's sources are, OIDC_SUBJECT_CLAIM who it is.

    A JWT cannot be revoked before it expires (that is the provider's short lifetime), so one
    checked is kept by its hash until then, at most KEEP_SECONDS, as long as the provider's keys are."""

    ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
    KEEP_SECONDS, MOST = 300, 10_000

    def __init__(self, config):
        self.issuer, self.audience = config["OIDC_ISSUER"], config["OIDC_AUDIENCE"]
        self.claims = {name: config[f"OIDC_{name.upper()}_CLAIM"] for name in ("scope", "sources", "subject")}
        self.keys = jwt.PyJWKClient(config["OIDC_JWKS_URL"], cache_keys=True, lifespan=self.KEEP_SECONDS, timeout=5)
        self._checked = {}  # token hash -> (caller, valid until: epoch seconds)

    def caller(self, token):
        digest = token_hash(token)
        caller, until = self._checked.get(digest, (None, 0.0))
        if caller is not None and time.time() < until:
            return caller
        caller, expires = self._check(token)
        if len(self._checked) >= self.MOST:
            self._checked.clear()
        self._checked[digest] = (caller, min(expires, time.time() + self.KEEP_SECONDS))
        return caller

    def _check(self, token):
        """(caller, its expiry in epoch seconds) of a token the provider signed for us; 401 otherwise."""
        try:
            key = self.keys.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            raise AccessUnavailable(f"the identity provider's keys cannot be fetched: {exc}") from None
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"token refused: {exc}") from None
        try:
            claims = jwt.decode(token, key.key, algorithms=self.ALGORITHMS, audience=self.audience,
                                issuer=self.issuer, leeway=30, options={"require": ["exp", "iss", "aud"]})
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"token refused: {exc}") from None
        subject = _claim(claims, self.claims["subject"]) or claims.get("sub")
        if not subject:
            raise Unauthorized("token refused: it names no subject")
        scopes = [scope for scope in _listed(_claim(claims, self.claims["scope"])) if known(scope)]
        caller = token_caller(str(subject)[:120], scopes, _listed(_claim(claims, self.claims["sources"])), "person")
        return caller, float(claims["exp"])


def _claim(claims, path):
    value = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _listed(value):
    if isinstance(value, str):
        return value.split()
    return [str(item) for item in value] if isinstance(value, list) else []
