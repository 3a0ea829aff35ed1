"""The tables behind movie lists: a user's named lists (ranked or not, private or shared by an
unguessable token) and their items in order. Registered on `Base.metadata` by
`reelmatch.store.models`, which imports this module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reelmatch.store.models import Base
from reelmatch.store.types import utcnow


class MovieListRow(Base):
    """One list. `share_token` is random (not derived from the id), so a public list is found
    only by whoever was given its link."""

    __tablename__ = "lists"
    __table_args__ = (Index(None, "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    ranked: Mapped[bool] = mapped_column(default=False)
    public: Mapped[bool] = mapped_column(default=False)
    share_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ListItemRow(Base):
    """One movie on a list; `position` runs 1..n without gaps (the service renumbers)."""

    __tablename__ = "list_items"
    __table_args__ = (Index(None, "movie_id"),)

    list_id: Mapped[int] = mapped_column(
        ForeignKey("lists.id", ondelete="CASCADE"), primary_key=True
    )
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id"), primary_key=True)
    position: Mapped[int]
    note: Mapped[str | None] = mapped_column(Text)
