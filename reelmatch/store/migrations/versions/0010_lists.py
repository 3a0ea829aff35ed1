"""movie lists and their items

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-05 10:25:00

Named lists per user (ranked or not, private or public by a random share token) and their
items in order.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import reelmatch.store.types

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("ranked", sa.Boolean(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("share_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", reelmatch.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", reelmatch.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_lists_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lists")),
        sa.UniqueConstraint("share_token", name=op.f("uq_lists_share_token")),
    )
    with op.batch_alter_table("lists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lists_user_id"), ["user_id"], unique=False)

    op.create_table(
        "list_items",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("movie_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["list_id"], ["lists.id"], name=op.f("fk_list_items_list_id_lists"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["movie_id"], ["movies.id"], name=op.f("fk_list_items_movie_id_movies")
        ),
        sa.PrimaryKeyConstraint("list_id", "movie_id", name=op.f("pk_list_items")),
    )
    with op.batch_alter_table("list_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_list_items_movie_id"), ["movie_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("list_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_list_items_movie_id"))
    op.drop_table("list_items")
    with op.batch_alter_table("lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lists_user_id"))
    op.drop_table("lists")
