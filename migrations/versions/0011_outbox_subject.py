"""outbox knows no domain: outbox_message.registration_id becomes a generic subject (subject_kind, subject_id) and
the person's key (their normalised e-mail address), so erasure finds every mail about a person in any domain.

Existing rows become kind "registration" with their registration's id and e-mail address.

Revision ID: 0011_outbox_subject
Revises: 0010_memberships
Create Date: 2026-12-04 04:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_outbox_subject'
down_revision = '0010_memberships'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_kind', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('person_key', sa.String(length=254), nullable=True))
    op.execute(
        "UPDATE outbox_message SET subject_kind = 'registration', subject_id = registration_id, "
        "person_key = (SELECT lower(trim(registration.email)) FROM registration "
        "WHERE registration.id = outbox_message.registration_id) "
        "WHERE registration_id IS NOT NULL"
    )
    op.execute("UPDATE outbox_message SET person_key = NULL WHERE person_key = ''")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_registration_id'))
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_registration_id_registration'), type_='foreignkey')
        batch_op.drop_column('registration_id')
        batch_op.create_index('ix_outbox_subject', ['subject_kind', 'subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_person_key'), ['person_key'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE outbox_message SET registration_id = subject_id WHERE subject_kind = 'registration' "
        "AND subject_id IN (SELECT id FROM registration)"
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_person_key'))
        batch_op.drop_index('ix_outbox_subject')
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_registration_id_registration'), 'registration',
                                    ['registration_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_outbox_message_registration_id'), ['registration_id'], unique=False)
        batch_op.drop_column('person_key')
        batch_op.drop_column('subject_id')
        batch_op.drop_column('subject_kind')
