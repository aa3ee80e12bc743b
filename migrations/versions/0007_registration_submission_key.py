"""registration submission key: the sign-up form's random key, so the same form sent twice is one person

Revision ID: 0007_submission_key
Revises: 75f41ce2f89d
Create Date: 2026-11-23 13:42:45.447315

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_submission_key'
down_revision = '75f41ce2f89d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('submission_key')
