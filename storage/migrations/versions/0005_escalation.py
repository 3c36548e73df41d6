"""escalation and alert intake

Revision ID: 0005
Revises: 0004
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import storage.types  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shadowing", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint("uq_pages_step", ["incident_id", "level", "loop", "slack_user_id"])


def downgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_constraint("uq_pages_step", type_="unique")
        batch_op.drop_column("shadowing")
