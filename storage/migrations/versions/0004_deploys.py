"""deploys and freezes

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa
import storage.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "freezes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("environment", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("start_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("until", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=32), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_freezes_incident_id_incidents"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_freezes")),
    )
    with op.batch_alter_table("freezes", schema=None) as batch_op:
        batch_op.create_index("ix_freezes_active", ["ended_at", "service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_freezes_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "deploys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("environment", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("commit", sa.String(length=64), nullable=True),
        sa.Column("commit_url", sa.Text(), nullable=True),
        sa.Column("ref", sa.String(length=255), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("during_freeze_id", sa.Integer(), nullable=True),
        sa.Column("suspected_incident_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["during_freeze_id"], ["freezes.id"], name=op.f("fk_deploys_during_freeze_id_freezes"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["suspected_incident_id"],
            ["incidents.id"],
            name=op.f("fk_deploys_suspected_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deploys")),
        sa.UniqueConstraint("source", "external_id", name="uq_deploys_source_external_id"),
    )
    with op.batch_alter_table("deploys", schema=None) as batch_op:
        batch_op.create_index("ix_deploys_service_created", ["service_id", "created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_deploys_suspected_incident_id"), ["suspected_incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deploys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deploys_suspected_incident_id"))
        batch_op.drop_index("ix_deploys_service_created")
    op.drop_table("deploys")
    with op.batch_alter_table("freezes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_freezes_incident_id"))
        batch_op.drop_index("ix_freezes_active")
    op.drop_table("freezes")
