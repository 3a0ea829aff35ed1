"""Password hashing with bcrypt (salted, slow on purpose)."""

from __future__ import annotations

import bcrypt

from reelmatch.errors import InvalidInput

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72  # bcrypt ignores (5.x: refuses) anything longer


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise InvalidInput(f"A password can be at most {MAX_PASSWORD_BYTES} bytes long.")
    if password != password.strip():
        # The login form strips what people type; a password that relies on edge spaces
        # could never be entered again.
        raise InvalidInput("A password cannot start or end with a space.")


def hash_password(password: str, *, rounds: int = 12) -> str:
    check_password_rules(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    encoded = password.encode()
    if len(encoded) > MAX_PASSWORD_BYTES:
        return False
    try:
        return bcrypt.checkpw(encoded, password_hash.encode())
    except ValueError:
        return False
