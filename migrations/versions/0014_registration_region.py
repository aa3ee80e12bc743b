"""registration region: a sign-up names its region from the directory; typed names are matched where unambiguous

Revision ID: 0014_registration_region
Revises: 0013_region_description
Create Date: 2026-12-07 12:44:01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_registration_region'
down_revision = '0013_region_description'
branch_labels = None
depends_on = None


def _key(text):
    """A name as compared: case and whitespace (around and inside) do not count."""
    return " ".join((text or "").split()).casefold()


def _link_typed_regions(connection):
    """Link each registration whose typed region names exactly one directory region; the text stays as it was."""
    regions = sa.table('region', sa.column('id', sa.Integer), sa.column('name', sa.String))
    registration = sa.table('registration', sa.column('id', sa.Integer), sa.column('region', sa.String),
                            sa.column('region_id', sa.Integer))
    by_key = {}
    for region_id, name in connection.execute(sa.select(regions.c.id, regions.c.name)):
        by_key.setdefault(_key(name), []).append(region_id)
    typed = connection.execute(
        sa.select(registration.c.region).where(registration.c.region_id.is_(None), registration.c.region != '')
        .distinct()).scalars().all()
    for text in typed:
        found = by_key.get(_key(text), [])
        if len(found) == 1:  # two regions whose names differ only in case or spaces: leave it to a person
            connection.execute(sa.update(registration)
                               .where(registration.c.region == text, registration.c.region_id.is_(None))
                               .values(region_id=found[0]))


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_registration_region_id'), ['region_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_registration_region_id_region'), 'region', ['region_id'], ['id'],
                                    ondelete='SET NULL')
    _link_typed_regions(op.get_bind())


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registration_region_id_region'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_registration_region_id'))
        batch_op.drop_column('region_id')
