"""post-mortems and action items

Revision ID: 0007
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa
import storage.types

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "postmortems",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("owner", sa.String(length=32), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("due_explicit", sa.Boolean(), nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("assigned_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assigned_by", sa.String(length=32), nullable=True),
        sa.Column("draft_uploaded_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_reminder_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("completed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(length=32), nullable=True),
        sa.Column("link", sa.String(length=2000), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_postmortems_incident_id_incidents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_postmortems")),
    )
    with op.batch_alter_table("postmortems", schema=None) as batch_op:
        batch_op.create_index("ix_postmortems_reminder_due", ["state", "next_reminder_at"], unique=False)

    op.create_table(
        "postmortem_action_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("next_reminder_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("done_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_postmortem_action_items_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postmortem_action_items")),
    )
    with op.batch_alter_table("postmortem_action_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_postmortem_action_items_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            "ix_postmortem_action_items_reminder_due", ["state", "next_reminder_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("postmortem_action_items", schema=None) as batch_op:
        batch_op.drop_index("ix_postmortem_action_items_reminder_due")
        batch_op.drop_index(batch_op.f("ix_postmortem_action_items_incident_id"))
    op.drop_table("postmortem_action_items")
    with op.batch_alter_table("postmortems", schema=None) as batch_op:
        batch_op.drop_index("ix_postmortems_reminder_due")
    op.drop_table("postmortems")
