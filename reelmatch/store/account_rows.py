"""The tables behind trustworthy accounts: failed logins (throttling), login sessions (the
cookie names one; logging out revokes it) and linked sign-in identities (OpenID Connect).
Registered on `Base.metadata` by `reelmatch.store.models`, which imports this module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reelmatch.store.models import Base
from reelmatch.store.types import BigIntPK, utcnow


class AuthFailureRow(Base):
    """One refused attempt. `subject` is a hash of what was tried (a username, whether it
    exists or not, or a client address), so the table names nobody."""

    __tablename__ = "auth_failures"
    __table_args__ = (Index(None, "scope", "subject", "failed_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # user | client | signup
    subject: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionRow(Base):
    """A login session. The cookie carries a random token; only its hash is stored here."""

    __tablename__ = "sessions"
    __table_args__ = (Index(None, "user_id"), Index(None, "expires_at"))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    #: How the session was opened: password, oidc, signup, demo.
    method: Mapped[str] = mapped_column(String(20), default="password")


class IdentityRow(Base):
    """A sign-in identity from an OpenID Connect provider, linked to one account by issuer
    and subject (never by e-mail alone)."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"), Index(None, "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppSecretRow(Base):
    """A secret every process of one installation shares (the login cookie's signing key when
    several processes run and REELMATCH_COOKIE_KEY is not set): made once, by whichever
    process asks first."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
