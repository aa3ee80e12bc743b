"""Organisations in the directory, with the vmbo profiles and leerwegen a school offers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.extensions import db
from ..core.timeutil import utcnow
from ..core.types import UTCDateTime
from ..places.models import Place
from .vocabulary import LEERWEGEN, OFFER_KINDS, PROFILES, NetworkType, OrganisationKind


def _enum(cls, length=30):
    return sa.Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e],
                   validate_strings=True)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Organisation(db.Model):
    """A vmbo school, mbo institution, company, network, po school or municipality, located in one place."""

    __tablename__ = "organisation"
    __table_args__ = (
        sa.CheckConstraint("(kind = 'network') = (network_type IS NOT NULL)", name="network_has_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The stable key imports match rows by (BRIN, KvK number or an organiser's own code): importing the same file
    #: again updates the same rows instead of adding new ones.
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(_enum(OrganisationKind), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"), index=True)
    network_type: Mapped[NetworkType | None] = mapped_column(_enum(NetworkType))
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    #: When an organiser verified the organisation; until then a company is not shown to the public.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    place: Mapped[Place] = relationship(lazy="joined", innerjoin=True)
    profile_rows: Mapped[list[OrganisationProfile]] = relationship(
        cascade="all, delete-orphan", order_by="OrganisationProfile.profile")
    leerweg_rows: Mapped[list[OrganisationLeerweg]] = relationship(
        cascade="all, delete-orphan", order_by="OrganisationLeerweg.leerweg")
    offer_kind_rows: Mapped[list[OrganisationOfferKind]] = relationship(
        cascade="all, delete-orphan", order_by="OrganisationOfferKind.offer_kind")

    @property
    def profiles(self) -> list[str]:
        """Profile codes in the programme's order (technical ones first)."""
        codes = {row.profile for row in self.profile_rows}
        return [code for code in PROFILES if code in codes]

    @property
    def leerwegen(self) -> list[str]:
        codes = {row.leerweg for row in self.leerweg_rows}
        return [code for code in LEERWEGEN if code in codes]

    @property
    def offer_kinds(self) -> list[str]:
        """The kinds of offer a company expects to make, in the vocabulary's order."""
        codes = {row.offer_kind for row in self.offer_kind_rows}
        return [code for code in OFFER_KINDS if code in codes]

    @property
    def web_link(self) -> str | None:
        """The website as a link, only when it is an http(s) address (never a javascript: or data: link)."""
        return self.website if self.website.startswith(("https://", "http://")) else None

    @property
    def is_public(self) -> bool:
        """Companies are public only once verified; the other kinds are added by organisers and public at once."""
        return self.kind != OrganisationKind.COMPANY or self.verified_at is not None

    def __repr__(self) -> str:
        return f"<Organisation {self.key} {self.name}>"


class OrganisationProfile(db.Model):
    """A vmbo profile a school offers."""

    __tablename__ = "organisation_profile"
    __table_args__ = (sa.CheckConstraint(_in("profile", PROFILES), name="known_profile"),)

    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    profile: Mapped[str] = mapped_column(sa.String(10), primary_key=True, index=True)


class OrganisationLeerweg(db.Model):
    """A leerweg a vmbo school offers."""

    __tablename__ = "organisation_leerweg"
    __table_args__ = (sa.CheckConstraint(_in("leerweg", LEERWEGEN), name="known_leerweg"),)

    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    leerweg: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


class OrganisationOfferKind(db.Model):
    """A kind of offer a company expects to make to schools (named when it registers itself)."""

    __tablename__ = "organisation_offer_kind"
    __table_args__ = (sa.CheckConstraint(_in("offer_kind", OFFER_KINDS), name="known_offer_kind"),)

    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    offer_kind: Mapped[str] = mapped_column(sa.String(30), primary_key=True)


class OrganisationContact(db.Model):
    """A person who acts for an organisation: a company contact, a school contact (the kind says which).

    A person can hold several of these, and region coordinatorships beside them; the account table knows none.
    """

    __tablename__ = "organisation_contact"

    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)
