"""Making, checking and revoking personal API tokens (each change audited)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.utils import timezone

from api.models import ApiToken
from poet.services.audit import record_audit

TOKEN_START = "poet_"  # so a leaked token is recognisable (and redacted) wherever it turns up
PREFIX_LENGTH = 8  # characters of the secret shown on the tokens page
DEFAULT_DAYS = 90
MAX_DAYS = 366


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(
    user, *, name: str, days: int = DEFAULT_DAYS, second_factor: bool = False
) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret, which is shown once and never stored."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"A token lasts from 1 to {MAX_DAYS} days")
    secret = secrets.token_urlsafe(32)
    raw = f"{TOKEN_START}{secret}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=secret[:PREFIX_LENGTH],
        hashed=hash_token(raw),
        expires_on=timezone.now() + datetime.timedelta(days=days),
        second_factor=second_factor,
    )
    record_audit("api_token.created", actor=user, target=str(token), days=days, token_id=token.pk)
    return token, raw


def revoke_token(token: ApiToken, *, actor) -> None:
    """Stop a token working at once (kept, so the page and the audit log still name it)."""
    if token.revoked_on is not None:
        return
    token.revoked_on = timezone.now()
    token.save(update_fields=["revoked_on"])
    record_audit("api_token.revoked", actor=actor, target=str(token), token_id=token.pk)


def authenticate_token(raw: str) -> ApiToken | None:
    """The active token with this secret, its use noted; None for an unknown, revoked or expired
    one (the caller cannot tell which, so a guess learns nothing)."""
    if not raw.startswith(TOKEN_START):
        return None
    token = ApiToken.objects.select_related("user").filter(hashed=hash_token(raw)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    # At most once a minute, so a busy script does not write on every call.
    if token.last_used_on is None or now - token.last_used_on > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_on=now)
        token.last_used_on = now
    return token
