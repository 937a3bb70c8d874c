"""an entry remembers the key of the form that made it, so sending it again makes no second

Revision ID: d1a7c0a51003
Revises: d1a7c0a51004
Create Date: 2026-12-01 20:00:00.000000

Existing entries get no key (NULL): NULLs never collide in a unique constraint.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1a7c0a51003'
down_revision = 'd1a7c0a51004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_entries_author_submission_key',
                                          ['author_id', 'submission_key'])


def downgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_constraint('uq_entries_author_submission_key', type_='unique')
        batch_op.drop_column('submission_key')
