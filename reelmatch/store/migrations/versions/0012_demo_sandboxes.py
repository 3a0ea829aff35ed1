"""demo sandboxes: a private demo account per visitor

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 12:50:00

`users.sandbox_expires_at`: set only on a sandbox account made by "Try the demo", the time
after which the prune job deletes it with every row it owns; each use moves it forward and
"Keep this account" clears it (decision 89).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import reelmatch.store.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "sandbox_expires_at",
                reelmatch.store.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.create_index(
            batch_op.f("ix_users_sandbox_expires_at"), ["sandbox_expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_sandbox_expires_at"))
        batch_op.drop_column("sandbox_expires_at")
