"""held shares and account approval

Revision ID: e5b2c3d4f506
Revises: c41d2e3f4a05
Create Date: 2026-12-01 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b2c3d4f506'
down_revision = 'c41d2e3f4a05'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_on', sa.Date(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_requested_by_id_users'), 'users',
                                    ['requested_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_requested_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('requested_by_id')
    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.drop_column('held_on')
