"""Sign-in with an OpenID Connect provider: accounts linked by issuer and subject.

The first sign-in of an identity creates an account (username from the provider's preferred
username or e-mail, made unique) and links it; later sign-ins find it by (issuer, subject),
never by e-mail alone: an e-mail address can be re-used or unverified. A password user can
link an identity from Settings. Admins come from an allow-list of e-mail addresses or a group
claim; a match promotes, it never demotes.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reelmatch.domain import User
from reelmatch.errors import InvalidInput
from reelmatch.services.users import RESERVED_USERNAMES, UserService
from reelmatch.store.mapping import user_from_row
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

_NOT_NAME = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class AdminRule:
    emails: frozenset[str] = frozenset()
    group: str | None = None  # a value of the `groups` claim
    claim: str = "groups"

    def matches(self, claims: Mapping[str, Any]) -> bool:
        email = str(claims.get("email") or "").lower()
        if email and email in self.emails and claims.get("email_verified", True):
            return True
        groups = claims.get(self.claim) or []
        values = groups if isinstance(groups, list) else [groups]
        return self.group is not None and self.group in values


@dataclass(frozen=True, slots=True)
class LinkedIdentity:
    issuer: str
    subject: str
    email: str | None


class IdentityService:
    def __init__(self, unit_of_work: UowFactory, *, users: UserService, admins: AdminRule) -> None:
        self._unit_of_work = unit_of_work
        self._users = users
        self._admins = admins

    def sign_in(self, claims: Mapping[str, Any]) -> User:
        """The account for a provider's verified claims: found, or created and linked."""
        issuer, subject = _key(claims)
        with self._unit_of_work() as uow:
            found = uow.identities.find(issuer=issuer, subject=subject)
            row = uow.users.by_id(found.user_id) if found is not None else None
            if row is not None:
                if self._admins.matches(claims) and row.role != "admin":  # promote, never demote
                    uow.users.set_role(user_id=row.id, role="admin")
                    uow.commit()
                    row = uow.users.by_id(row.id)
                assert row is not None
                return user_from_row(row)
        # Created outside that unit of work: `create_user` opens its own, and on SQLite a
        # second writer would wait for the first, which waits for it.
        return self._create(claims)

    def link(self, user: User, claims: Mapping[str, Any]) -> None:
        """Link an identity to `user` (Settings); one identity belongs to one account."""
        issuer, subject = _key(claims)
        with self._unit_of_work() as uow:
            found = uow.identities.find(issuer=issuer, subject=subject)
            if found is not None and found.user_id != user.id:
                raise InvalidInput("That sign-in already belongs to another account.")
            if found is None:
                uow.identities.link(
                    user_id=user.id, issuer=issuer, subject=subject,
                    email=_email(claims), at=utcnow(),
                )  # fmt: skip
                uow.commit()

    def identities(self, user: User) -> Sequence[LinkedIdentity]:
        with self._unit_of_work(read_only=True) as uow:
            return [
                LinkedIdentity(row.issuer, row.subject, row.email)
                for row in uow.identities.of_user(user_id=user.id)
            ]

    def _create(self, claims: Mapping[str, Any]) -> User:
        user = self._users.create_user(
            username=self._free_username(claims),
            password=secrets.token_urlsafe(32)[:40],  # never told to anyone: sign-in only
            email=_email(claims),
            display_name=str(claims.get("name") or "") or None,
            role="admin" if self._admins.matches(claims) else "user",
        )
        self.link(user, claims)
        return user

    def _free_username(self, claims: Mapping[str, Any]) -> str:
        wanted = str(claims.get("preferred_username") or _email(claims) or "").split("@")[0]
        base = (_NOT_NAME.sub("-", wanted.lower()).strip("-._") or "member")[:24]
        base = base if len(base) >= 3 else f"{base}-user"
        taken = {user.username for user in self._users.list_users()} | RESERVED_USERNAMES
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}-{number}"
        return candidate


def _key(claims: Mapping[str, Any]) -> tuple[str, str]:
    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    if not issuer or not subject:
        raise InvalidInput("The sign-in provider did not say who you are (no issuer or subject).")
    return issuer, subject


def _email(claims: Mapping[str, Any]) -> str | None:
    email = str(claims.get("email") or "").strip()
    return email or None
