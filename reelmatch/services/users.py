"""Accounts: create, list, delete, passwords, profile and preferences."""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from typing import Any

from sqlalchemy.exc import IntegrityError

from reelmatch.domain import ROLES, Preferences, User
from reelmatch.errors import InvalidInput, NotAllowed, NotFound
from reelmatch.services.passwords import hash_password, verify_password
from reelmatch.services.throttle import AttemptThrottle, Scope
from reelmatch.store.mapping import preference_values, preferences_from_row, user_from_row
from reelmatch.store.uow import UowFactory

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]{3,32}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: The account behind "Try the demo", which signs in without a password: nobody may register
#: it (or any other reserved name) as their own.
DEMO_USERNAME = "demo"
#: The demo's movie-night companion, so a demo can try movie night with two people.
DEMO_FRIEND_USERNAME = "demo-friend"
RESERVED_USERNAMES = frozenset({DEMO_USERNAME, DEMO_FRIEND_USERNAME})
#: Demo sandboxes are called `demo-<random>`: nobody may register a name that starts so.
SANDBOX_PREFIX = "demo-"


def is_reserved(name: str) -> bool:
    """A normalised username only the app itself may create (the demo accounts)."""
    return name in RESERVED_USERNAMES or name.startswith(SANDBOX_PREFIX)


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive: stored and compared lower-cased."""
    cleaned = username.strip()
    if not USERNAME_PATTERN.fullmatch(cleaned):
        raise InvalidInput(
            "A username has 3–32 characters: letters, digits, dot, underscore or hyphen."
        )
    return cleaned.lower()


def _clean_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    email = email.strip()
    if len(email) > 254 or not EMAIL_PATTERN.fullmatch(email):
        raise InvalidInput(f"{email!r} is not an email address.")
    return email


class UserService:
    def __init__(
        self,
        unit_of_work: UowFactory,
        *,
        bcrypt_rounds: int = 12,
        throttle: AttemptThrottle | None = None,
    ) -> None:
        """`throttle` limits failed logins and sign-ups (the app and the CLI pass one; a
        service without it, in a test or a script, never waits)."""
        self._unit_of_work = unit_of_work
        self._rounds = bcrypt_rounds
        self._throttle = throttle
        self._decoy: str | None = None

    def create_user(
        self,
        *,
        username: str,
        password: str,
        email: str | None = None,
        display_name: str | None = None,
        role: str = "user",
        reserved: bool = False,
    ) -> User:
        """A new account. `reserved=True` lets the app itself create a reserved name (the
        demo account); sign-up and `users add` cannot."""
        name = normalise_username(username)
        if is_reserved(name) and not reserved:
            raise InvalidInput(f"The username {name!r} is reserved; please pick another.")
        if role not in ROLES:
            raise InvalidInput(f"A role is one of {', '.join(ROLES)}; {role!r} is not.")
        password_hash = hash_password(password, rounds=self._rounds)
        shown = (display_name or username).strip()[:100] or name
        with self._unit_of_work() as uow:
            if uow.users.by_username(name) is not None:
                raise InvalidInput(f"The username {name!r} is taken.")
            try:
                row = uow.users.add(
                    username=name,
                    display_name=shown,
                    email=_clean_email(email),
                    password_hash=password_hash,
                    role=role,
                )
                uow.commit()
            except IntegrityError:
                raise InvalidInput(f"The username {name!r} is taken.") from None
            return user_from_row(row)

    def list_users(self) -> list[User]:
        with self._unit_of_work(read_only=True) as uow:
            return [user_from_row(row) for row in uow.users.all()]

    def get_user(self, username: str) -> User:
        with self._unit_of_work(read_only=True) as uow:
            row = uow.users.by_username(username.strip())
            if row is None:
                raise NotFound(f"There is no user called {username.strip()!r}.")
            return user_from_row(row)

    def authenticate(self, username: str, password: str, *, client: str = "") -> User | None:
        """The user if the password matches, else None. An unknown username costs the same
        bcrypt check and counts as the same failure, so neither the time taken nor a lock
        tells whether it exists. Raises `RateLimited` while the username (or `client`)
        must wait after too many failures, before any check."""
        subject = username.strip().lower()
        self._check_throttle(("user", subject), ("client", client))
        with self._unit_of_work(read_only=True) as uow:
            row = uow.users.by_username(subject)
            user = user_from_row(row) if row is not None else None
            known = row.password_hash if row is not None else self._decoy_hash()
        if not verify_password(password, known) or user is None:
            self._record_failure(("user", subject), ("client", client))
            return None
        if self._throttle is not None:
            self._throttle.forget("user", subject)
        return user

    def register(self, *, client: str = "", **account: Any) -> User:
        """Sign-up: `create_user` for visitors, a few per client per hour."""
        self._check_throttle(("signup", client))
        user = self.create_user(**account)
        self._record_failure(("signup", client))  # counted like a failure: it uses the quota
        return user

    def keep_sandbox(
        self,
        user: User,
        *,
        username: str,
        password: str,
        display_name: str | None = None,
        client: str = "",
    ) -> User:
        """ "Keep this account": a demo sandbox becomes a real account with this name and
        password, keeping its rows. Checked and throttled like sign-up (the same per-client
        quota); raises `NotAllowed` for an account that is not a sandbox."""
        self._check_throttle(("signup", client))
        name = normalise_username(username)
        if is_reserved(name):
            raise InvalidInput(f"The username {name!r} is reserved; please pick another.")
        password_hash = hash_password(password, rounds=self._rounds)
        shown = (display_name or username).strip()[:100] or name
        with self._unit_of_work() as uow:
            row = uow.users.by_id(user.id)
            if row is None:
                raise NotFound("This demo account no longer exists.")
            if row.sandbox_expires_at is None:
                raise NotAllowed("Only a demo account can be kept this way.")
            if uow.users.by_username(name) is not None:
                raise InvalidInput(f"The username {name!r} is taken.")
            try:
                kept = uow.sandboxes.keep(
                    user_id=user.id, username=name, display_name=shown, password_hash=password_hash
                )
                uow.commit()
            except IntegrityError:
                raise InvalidInput(f"The username {name!r} is taken.") from None
        if not kept:
            raise NotFound("This demo account no longer exists.")
        self._record_failure(("signup", client))  # counted like a sign-up: it uses the quota
        return replace(user, username=name, display_name=shown, sandbox_expires_at=None)

    def unlock(self, username: str) -> None:
        """Forget a username's failed logins (`users unlock`): it may try again at once."""
        if self._throttle is not None:
            self._throttle.forget("user", username.strip().lower())

    def change_password(
        self, user: User, *, current: str, new: str, keep_session: str | None = None
    ) -> None:
        """Set a new password and, in the same transaction, end every login session of the
        user but `keep_session` (the one changing it)."""
        password_hash = hash_password(new, rounds=self._rounds)
        with self._unit_of_work() as uow:
            row = uow.users.by_id(user.id)
            if row is None:
                raise NotFound("This account no longer exists.")
            if not verify_password(current, row.password_hash):
                raise InvalidInput("The current password is not right.")
            uow.users.set_password_hash(user_id=user.id, password_hash=password_hash)
            uow.sessions.revoke_all(user_id=user.id, keep=keep_session)
            uow.commit()

    def _decoy_hash(self) -> str:
        """A hash nobody's password matches, with the cost real ones have."""
        if self._decoy is None:
            self._decoy = hash_password(secrets.token_urlsafe(24), rounds=self._rounds)
        return self._decoy

    def _check_throttle(self, *subjects: tuple[Scope, str]) -> None:
        if self._throttle is not None:
            for scope, subject in subjects:
                if subject:
                    self._throttle.check(scope, subject)

    def _record_failure(self, *subjects: tuple[Scope, str]) -> None:
        if self._throttle is not None:
            for scope, subject in subjects:
                if subject:
                    self._throttle.failed(scope, subject)

    def update_profile(self, user: User, *, display_name: str, email: str | None) -> User:
        shown = display_name.strip()[:100]
        if not shown:
            raise InvalidInput("A display name cannot be empty.")
        with self._unit_of_work() as uow:
            uow.users.set_profile(user_id=user.id, display_name=shown, email=_clean_email(email))
            uow.commit()
            row = uow.users.by_id(user.id)
            if row is None:
                raise NotFound("This account no longer exists.")
            return user_from_row(row)

    def delete_user(self, user: User) -> None:
        """Delete the account and everything that belongs to it, in one transaction."""
        with self._unit_of_work() as uow:
            if uow.users.by_id(user.id) is None:
                raise NotFound(f"There is no user called {user.username!r}.")
            uow.users.delete(user_id=user.id)
            uow.commit()

    def preferences(self, user: User) -> Preferences:
        with self._unit_of_work(read_only=True) as uow:
            return preferences_from_row(uow.preferences.get(user_id=user.id))

    def save_preferences(self, user: User, preferences: Preferences) -> None:
        with self._unit_of_work() as uow:
            uow.preferences.save(user_id=user.id, values=preference_values(preferences))
            uow.commit()
