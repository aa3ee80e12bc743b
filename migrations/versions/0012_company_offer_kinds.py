"""company offer kinds: what a self-registered company expects to offer schools

Revision ID: 0012_company_offer_kinds
Revises: 0011_outbox_subject
Create Date: 2026-12-04 04:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_company_offer_kinds'
down_revision = '0011_outbox_subject'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_offer_kind',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('offer_kind', sa.String(length=30), nullable=False),
    sa.CheckConstraint("offer_kind IN ('stage', 'docentstage', 'gastles', 'bedrijfsbezoek', 'hybride_docent', 'praktijkopdracht', 'faciliteiten')", name=op.f('ck_organisation_offer_kind_known_offer_kind')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_offer_kind_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'offer_kind', name=op.f('pk_organisation_offer_kind'))
    )


def downgrade():
    op.drop_table('organisation_offer_kind')
