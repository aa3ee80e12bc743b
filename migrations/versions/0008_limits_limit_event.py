"""limit_event: attempts counted by the rate limits in the database, shared by every worker and process

Revision ID: 0008_limits
Revises: 0008_mail
Create Date: 2026-12-03 18:00:00

"""
from alembic import op
import sqlalchemy as sa

import sto_events.core.types


# revision identifiers, used by Alembic.
revision = '0008_limits'
down_revision = '0008_mail'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'limit_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('at', sto_events.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sto_events.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_limit_event')),
    )
    with op.batch_alter_table('limit_event', schema=None) as batch_op:
        batch_op.create_index('ix_limit_event_scope_key_at', ['scope', 'key_hash', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_limit_event_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('limit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_limit_event_expires_at'))
        batch_op.drop_index('ix_limit_event_scope_key_at')
    op.drop_table('limit_event')
