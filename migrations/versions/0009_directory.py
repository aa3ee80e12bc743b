"""The directory: organisations (with vmbo profiles and leerwegen), regions, their provinces and members

Revision ID: 0009_directory
Revises: 0008_places
Create Date: 2026-12-03 17:57:23.253553

"""
from alembic import op
import sqlalchemy as sa

import sto_events.core.types


# revision identifiers, used by Alembic.
revision = '0009_directory'
down_revision = '0008_places'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('region',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('plan_status', sa.Enum('ingediend', 'goedgekeurd', 'aanvulling_gevraagd', 'in_uitvoering', name='planstatus', native_enum=False, length=30), nullable=False),
    sa.Column('lead_board', sa.String(length=200), nullable=False),
    sa.Column('is_demo', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sto_events.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region')),
    sa.UniqueConstraint('name', name=op.f('uq_region_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_region_slug'))
    )
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('vmbo_school', 'mbo_institution', 'company', 'network', 'po_school', 'municipality', name='organisationkind', native_enum=False, length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('network_type', sa.Enum('jet_net_technet', 'pps', 'toptechniek_in_bedrijf', 'fieldlab', 'oo_fonds', name='networktype', native_enum=False, length=30), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('verified_at', sto_events.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('is_demo', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sto_events.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'network') = (network_type IS NOT NULL)", name=op.f('ck_organisation_network_has_type')),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_organisation_place_id_place')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('key', name=op.f('uq_organisation_key'))
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_place_id'), ['place_id'], unique=False)

    op.create_table('region_province',
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=40), nullable=False),
    sa.CheckConstraint("province IN ('Drenthe', 'Friesland', 'Gelderland', 'Groningen', 'Limburg', 'Noord-Brabant', 'Noord-Holland', 'Utrecht', 'Zeeland', 'Zuid-Holland', 'Overijssel', 'Flevoland')", name=op.f('ck_region_province_known_province')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_region_province_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('region_id', 'province', name=op.f('pk_region_province'))
    )
    with op.batch_alter_table('region_province', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_province_province'), ['province'], unique=False)

    op.create_table('organisation_leerweg',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('leerweg', sa.String(length=20), nullable=False),
    sa.CheckConstraint("leerweg IN ('basis', 'kader', 'gemengd', 'theoretisch')", name=op.f('ck_organisation_leerweg_known_leerweg')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_leerweg_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'leerweg', name=op.f('pk_organisation_leerweg'))
    )
    op.create_table('organisation_profile',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('profile', sa.String(length=10), nullable=False),
    sa.CheckConstraint("profile IN ('BWI', 'PIE', 'MT', 'MaT', 'MVI', 'DP')", name=op.f('ck_organisation_profile_known_profile')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_profile_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'profile', name=op.f('pk_organisation_profile'))
    )
    with op.batch_alter_table('organisation_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_profile_profile'), ['profile'], unique=False)

    op.create_table('region_member',
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_region_member_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_region_member_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('region_id', 'organisation_id', name=op.f('pk_region_member'))
    )
    with op.batch_alter_table('region_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_member_organisation_id'), ['organisation_id'], unique=False)

    


def downgrade():
    
    with op.batch_alter_table('region_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_member_organisation_id'))

    op.drop_table('region_member')
    with op.batch_alter_table('organisation_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_profile_profile'))

    op.drop_table('organisation_profile')
    op.drop_table('organisation_leerweg')
    with op.batch_alter_table('region_province', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_province_province'))

    op.drop_table('region_province')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_place_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_kind'))

    op.drop_table('organisation')
    op.drop_table('region')
    
