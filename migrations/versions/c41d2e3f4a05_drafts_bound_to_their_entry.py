"""drafts bound to their entry

Revision ID: c41d2e3f4a05
Revises: f2b50055ba49
Create Date: 2026-12-01 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41d2e3f4a05'
down_revision = 'f2b50055ba49'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('drafts', 'pending_drafts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('entry_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_entry_id_entries'), 'entries',
                                        ['entry_id'], ['id'], ondelete='CASCADE')
    # Bind each autosave to the entry it was made for; one whose entry is gone (or whose id now
    # belongs to another writer's entry) would otherwise pass to whichever entry gets that id.
    op.execute("UPDATE drafts SET entry_id = (SELECT entries.id FROM entries "
               "WHERE CAST(entries.id AS VARCHAR(20)) = drafts.slot "
               "AND entries.author_id = drafts.user_id) WHERE slot <> 'new'")
    op.execute("DELETE FROM drafts WHERE slot <> 'new' AND entry_id IS NULL")


def downgrade():
    for table in ('pending_drafts', 'drafts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_entry_id_entries'),
                                     type_='foreignkey')
            batch_op.drop_column('entry_id')
