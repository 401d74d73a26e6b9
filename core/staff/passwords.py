"""Password hashing (argon2id) and random tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.staff.errors import StaffError

MIN_PASSWORD_CHARS = 10

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise StaffError(f"password must be at least {MIN_PASSWORD_CHARS} characters")
    if password.strip() != password or not password.strip():
        raise StaffError("password must not start or end with spaces")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


# Verified against when the username is unknown, so timing does not tell which usernames exist.
DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
