"""app secrets: installation-wide secrets (the shared cookie signing key)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 04:10:10.899768
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import reelmatch.store.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_secrets",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", reelmatch.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_app_secrets")),
    )


def downgrade() -> None:
    op.drop_table("app_secrets")
