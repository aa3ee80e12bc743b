"""the four STO themes as reference data

Revision ID: 0005_themes
Revises: 965739bde902
Create Date: 2026-11-23 11:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0005_themes"
down_revision = "965739bde902"
branch_labels = None
depends_on = None

THEMES = [
    ("beeldvorming", "De beeldvorming van techniekonderwijs", "The image of technical education"),
    (
        "anders-organiseren",
        "Het anders organiseren van techniekonderwijs (o.a. over omgaan met docententekort)",
        "Organising technical education differently (including dealing with teacher shortages)",
    ),
    ("dekkend-aanbod", "Duurzaam en dekkend techniekaanbod", "A lasting technical offer that covers the region"),
    ("andere-profielen", "Het technologisch vormgeven van andere profielen", "Bringing technology into other vmbo profiles"),
]


def upgrade():
    theme = sa.table("theme", sa.column("slug"), sa.column("name_nl"), sa.column("name_en"))
    connection = op.get_bind()
    existing = {row[0] for row in connection.execute(sa.text("SELECT slug FROM theme"))}
    rows = [{"slug": s, "name_nl": nl, "name_en": en} for s, nl, en in THEMES if s not in existing]
    if rows:
        op.bulk_insert(theme, rows)


def downgrade():
    op.execute(sa.text("DELETE FROM theme WHERE slug IN ('beeldvorming', 'anders-organiseren', 'dekkend-aanbod', "
                       "'andere-profielen')"))
