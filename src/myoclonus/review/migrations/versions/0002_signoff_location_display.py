"""Sign-off with undecided detections, recording location and detector facts, display settings;
detector events authored by the detector in the audit trail.

- ``recordings``: ``sha256`` (content hash, to recognise a moved file), ``detector_version`` and
  ``detector_params`` (JSON) of the run whose events were registered.
- ``reviews``: ``n_undecided`` and ``undecided_reason`` (signing with undecided detections needs a
  stated reason), ``display`` (JSON: filters, gains, time base, channel order).
- Data: revision 1 of a detector event copied into a review was recorded as action ``create`` by
  the reviewer who opened the review; it was the detector's event, so it becomes action
  ``detect`` by ``detector`` (nothing else in the trail changes), and events not edited since
  show ``detector`` as their last author.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("recordings") as b:
        b.add_column(sa.Column("sha256", sa.String(64)))
        b.add_column(sa.Column("detector_version", sa.String(100)))
        b.add_column(sa.Column("detector_params", sa.Text))
        b.create_index("ix_recordings_sha256", ["sha256"])
    with op.batch_alter_table("reviews") as b:
        b.add_column(sa.Column("n_undecided", sa.Integer))
        b.add_column(sa.Column("undecided_reason", sa.Text))
        b.add_column(sa.Column("display", sa.Text))
    op.execute("UPDATE event_revisions SET author = 'detector', action = 'detect' WHERE action = 'create' AND rev = 1")
    op.execute("UPDATE events SET updated_by = 'detector' WHERE version = 1 AND origin = 'detector'")


def downgrade():
    with op.batch_alter_table("reviews") as b:
        b.drop_column("display")
        b.drop_column("undecided_reason")
        b.drop_column("n_undecided")
    with op.batch_alter_table("recordings") as b:
        b.drop_index("ix_recordings_sha256")
        b.drop_column("detector_params")
        b.drop_column("detector_version")
        b.drop_column("sha256")
