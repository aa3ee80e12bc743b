"""region description: a few lines a region's coordinators write about their region

Revision ID: 0013_region_description
Revises: 0012_company_offer_kinds
Create Date: 2026-12-07 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_region_description'
down_revision = '0012_company_offer_kinds'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('region') as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), server_default='', nullable=False))
    # The default only fills the existing rows; new rows get theirs from the model.
    with op.batch_alter_table('region') as batch_op:
        batch_op.alter_column('description', server_default=None)


def downgrade():
    with op.batch_alter_table('region') as batch_op:
        batch_op.drop_column('description')
