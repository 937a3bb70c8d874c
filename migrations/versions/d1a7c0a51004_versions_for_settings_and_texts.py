"""versions for sharing settings, collection details, commentary, themes and responses

Revision ID: d1a7c0a51004
Revises: a7c3e91d5b20
Create Date: 2026-12-01 20:00:00.000000

Each form that saves over text someone may have changed on another device carries the version
it was drawn from; a save from an older one is refused. Existing rows start at 1.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1a7c0a51004'
down_revision = 'a7c3e91d5b20'
branch_labels = None
depends_on = None

COLUMNS = (('writer_profiles', 'version'), ('themes', 'version'),
           ('collections', 'details_version'), ('collection_items', 'version'),
           ('responses', 'version'))


def upgrade():
    for table, column in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, sa.Integer(), server_default='1',
                                          nullable=False))


def downgrade():
    for table, column in reversed(COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
