"""Mail and calendar identities: outbox_message.message_key (a random Message-ID, stable across retries) and
.locale (attachment names); meeting.sequence, .updated_at and .calendar_uid (SEQUENCE, LAST-MODIFIED and UID of
the published files); registration.calendar_uid (the invitation's UID, fixed when first mailed).

Invitations and meetings that exist already keep the UID they were sent or published with (`…@sto-events`), so
their updates and cancellations still replace the event in people's calendars.

Revision ID: 0008_mail
Revises: 0007_browser_and_claim
Create Date: 2026-12-03 18:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

import sto_events.core.types

# revision identifiers, used by Alembic.
revision = '0008_mail'
down_revision = '0007_browser_and_claim'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=5), server_default='nl', nullable=False))
    outbox = sa.table('outbox_message', sa.column('id', sa.Integer), sa.column('message_key', sa.String))
    connection = op.get_bind()
    for (message_id,) in connection.execute(sa.select(outbox.c.id)).all():
        connection.execute(outbox.update().where(outbox.c.id == message_id).values(message_key=secrets.token_hex(16)))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('message_key', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_message_message_key'), ['message_key'])

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sto_events.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('calendar_uid', sa.String(length=255), nullable=True))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_uid', sa.String(length=255), nullable=True))
    op.execute("UPDATE meeting SET calendar_uid = 'meeting-' || id || '@sto-events' WHERE status != 'draft'")
    op.execute(
        "UPDATE registration SET calendar_uid = "
        "'meeting-' || meeting_id || '-registration-' || public_id || '@sto-events'"
    )


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('calendar_uid')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('calendar_uid')
        batch_op.drop_column('sequence')
        batch_op.drop_column('updated_at')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_message_message_key'), type_='unique')
        batch_op.drop_column('locale')
        batch_op.drop_column('message_key')
