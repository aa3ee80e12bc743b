"""user locale: the language an account reads its mails in (nl or en)

Revision ID: 0015_user_locale
Revises: 0014_registration_region
Create Date: 2026-12-07 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_user_locale'
down_revision = '0014_registration_region'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts read Dutch, the programme's language, until they choose otherwise.
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=5), server_default='nl', nullable=False))
        batch_op.create_check_constraint(op.f('ck_user_account_known_locale'), "locale IN ('nl', 'en')")


def downgrade():
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_constraint(op.f('ck_user_account_known_locale'), type_='check')
        batch_op.drop_column('locale')
