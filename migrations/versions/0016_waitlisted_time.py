"""registration: a wait-listed row has its waitlisted_at, no other row keeps one (CHECK)

Revision ID: 0016_waitlisted_time
Revises: 0015_user_locale
Create Date: 2026-12-07 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_waitlisted_time'
down_revision = '0015_user_locale'
branch_labels = None
depends_on = None


def upgrade():
    # Every code path already keeps this; rows that do not (none are known) are mended first so the check can hold.
    op.execute("UPDATE registration SET waitlisted_at = NULL WHERE status != 'waitlisted'")
    op.execute("UPDATE registration SET waitlisted_at = created_at WHERE status = 'waitlisted' "
               "AND waitlisted_at IS NULL")
    with op.batch_alter_table('registration') as batch_op:
        batch_op.create_check_constraint(op.f('ck_registration_waitlisted_has_time'),
                                         "(status = 'waitlisted') = (waitlisted_at IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('registration') as batch_op:
        batch_op.drop_constraint(op.f('ck_registration_waitlisted_has_time'), type_='check')
