"""Regions, the provinces they lie in, and their member organisations."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.extensions import db
from ..core.timeutil import utcnow
from ..core.types import UTCDateTime
from ..organisations.models import Organisation
from ..places.reference import PROVINCES


class PlanStatus(enum.StrEnum):
    SUBMITTED = "ingediend"
    APPROVED = "goedgekeurd"
    SUPPLEMENT_ASKED = "aanvulling_gevraagd"
    IN_PROGRESS = "in_uitvoering"


def plan_status_labels() -> dict[PlanStatus, str]:
    return {
        PlanStatus.SUBMITTED: _l("ingediend"),
        PlanStatus.APPROVED: _l("goedgekeurd"),
        PlanStatus.SUPPLEMENT_ASKED: _l("aanvulling gevraagd"),
        PlanStatus.IN_PROGRESS: _l("in uitvoering"),
    }


class Region(db.Model):
    """An STO region: vmbo schools, mbo institutions and companies with one regional plan."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    plan_status: Mapped[PlanStatus] = mapped_column(
        sa.Enum(PlanStatus, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e],
                validate_strings=True),
        default=PlanStatus.SUBMITTED,
    )
    #: The penvoerder: the school board that submitted the plan and receives the grant.
    lead_board: Mapped[str] = mapped_column(sa.String(200), default="")
    #: What the region's coordinators say about it on the public page (plain text, a few lines).
    description: Mapped[str] = mapped_column(sa.Text(), default="")
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    province_rows: Mapped[list[RegionProvince]] = relationship(
        cascade="all, delete-orphan", order_by="RegionProvince.province")
    members: Mapped[list[Organisation]] = relationship(
        secondary="region_member", order_by=(Organisation.kind, Organisation.name))

    @property
    def provinces(self) -> list[str]:
        return [row.province for row in self.province_rows]

    def __repr__(self) -> str:
        return f"<Region {self.slug}>"


class RegionProvince(db.Model):
    """A province (part of) the region lies in."""

    __tablename__ = "region_province"
    __table_args__ = (
        sa.CheckConstraint(f"province IN ({', '.join(repr(p) for p in PROVINCES.values())})", name="known_province"),
    )

    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)
    province: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)


class RegionMember(db.Model):
    """An organisation that takes part in a region (an organisation may take part in more than one)."""

    __tablename__ = "region_member"

    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True)


class RegionCoordinator(db.Model):
    """A person who coordinates a region (a region can have several; a person can coordinate several)."""

    __tablename__ = "region_coordinator"

    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    region: Mapped[Region] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)
