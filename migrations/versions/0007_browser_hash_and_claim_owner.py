"""registration.browser_hash (the same browser sending the form again is the same person) and
outbox_message.claim_id (a sender whose claim ran out neither sends nor records)

Revision ID: 0007_browser_and_claim
Revises: 75f41ce2f89d
Create Date: 2026-11-23 13:42:45.447315

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_browser_and_claim'
down_revision = '75f41ce2f89d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('browser_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_id', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('claim_id')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('browser_hash')
