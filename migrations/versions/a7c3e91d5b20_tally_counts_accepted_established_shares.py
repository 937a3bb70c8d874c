"""tally counts accepted shares of established accounts; tally version

Revision ID: a7c3e91d5b20
Revises: e5b2c3d4f506
Create Date: 2026-12-01 15:30:00.000000

The tally becomes one row per share (named by a keyed hash of its id) with whether it counts.
Old rows cannot be tied to their shares without the share key, so they are dropped: until
``flask --app journal retally`` is run, every context is shown fully generalised (the
safe direction).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91d5b20'
down_revision = 'e5b2c3d4f506'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(sa.text("DELETE FROM context_sharers"))
    with op.batch_alter_table('context_sharers', schema=None) as batch_op:
        batch_op.drop_constraint('uq_context_sharers_combination', type_='unique')
        batch_op.add_column(sa.Column('share_ref', sa.String(length=64), nullable=False))
        batch_op.add_column(sa.Column('accepted', sa.Boolean(), nullable=False))
        batch_op.add_column(sa.Column('established', sa.Boolean(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_context_sharers_share_ref'),
                                          ['share_ref'])
    op.create_table('tally_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tally_versions'))
    )
    # The one row exists from the start, so two first changes at once cannot both insert it.
    op.execute(sa.text("INSERT INTO tally_versions (id, token) VALUES (1, 'upgraded')"))


def downgrade():
    op.drop_table('tally_versions')
    op.execute(sa.text("DELETE FROM context_sharers"))
    with op.batch_alter_table('context_sharers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_context_sharers_share_ref'), type_='unique')
        batch_op.drop_column('established')
        batch_op.drop_column('accepted')
        batch_op.drop_column('share_ref')
        batch_op.create_unique_constraint('uq_context_sharers_combination',
                                          ['sharer', 'role', 'field', 'region', 'registered',
                                           'international'])
