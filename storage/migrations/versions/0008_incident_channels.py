"""incident channels, roles and timeline

Revision ID: 0008
Revises: 0007
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import storage.types  # noqa: F401

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_channel_requests",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("due_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("requested_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_channel_requests_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_incident_channel_requests")),
    )
    with op.batch_alter_table("incident_channel_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_channel_requests_due_at"), ["due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incident_channel_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_channel_requests_due_at"))
    op.drop_table("incident_channel_requests")
