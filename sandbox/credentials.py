"""Accounts and tokens of the emulators. Only hashes are stored (see sandbox.models)."""

import hashlib
import secrets
from datetime import timedelta

from sandbox import clock
from sandbox.models import Account, IssuedToken


def digest(value):
    return hashlib.sha256(value.encode()).hexdigest()


def create_account(system, key, secret, *, secret2="", signing_secret="", name="", **settings):
    """Create or replace an emulator account (idempotent on (system, key)).

    `signing_secret`: a secret the emulator must use in clear (to sign webhooks); kept encrypted.
    """
    account, _ = Account.objects.update_or_create(
        system=system, key=key,
        defaults={"secret_hash": digest(secret), "secret2_hash": digest(secret2) if secret2 else "",
                  "signing_secret": signing_secret, "settings": settings, "name": name},
    )
    return account


def find_account(system, key, secret=None):
    """The account with this key (and secret, if given), or None."""
    account = Account.objects.filter(system=system, key=key).first()
    if account is None or (secret is not None and not secrets.compare_digest(account.secret_hash, digest(secret))):
        return None
    return account


def check_secret2(account, value):
    return bool(account.secret2_hash) and secrets.compare_digest(account.secret2_hash, digest(value or ""))


def issue(account, kind, lifetime_seconds, *, prefix="", data=None):
    """Issue a token; returns the plaintext (given to the client) and stores its hash."""
    token = prefix + secrets.token_urlsafe(32)
    now = clock.now()
    IssuedToken.objects.create(
        account=account, kind=kind, token_hash=digest(token), issued_at=now,
        expires_at=now + timedelta(seconds=lifetime_seconds) if lifetime_seconds else None, data=data or {},
    )
    return token


def lookup(token, kind=IssuedToken.Kind.ACCESS, system=None):
    """The IssuedToken for a presented token, or None (unknown). Expiry is the caller's to judge."""
    if not token:
        return None
    qs = IssuedToken.objects.select_related("account").filter(token_hash=digest(token), kind=kind)
    if system:
        qs = qs.filter(account__system=system)
    return qs.first()


def valid_access(token, system):
    """The account behind a valid (known, unexpired, unrevoked) access token, else None."""
    issued = lookup(token, IssuedToken.Kind.ACCESS, system)
    if issued is None or issued.revoked or (issued.expires_at and issued.expires_at <= clock.now()):
        return None
    return issued.account


def bearer(request):
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else ""


def revoke_access(account):
    """Invalidate every access token of an account (tests use it to provoke a 401)."""
    IssuedToken.objects.filter(account=account, kind=IssuedToken.Kind.ACCESS).update(revoked=True)
