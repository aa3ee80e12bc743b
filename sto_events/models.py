"""Imports every domain's tables, so Alembic and the app see the whole schema from one place."""

from .accounts.models import AccountToken, Role, User  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .meetings.models import Meeting, MeetingStatus, Theme, Workshop, WorkshopRound  # noqa: F401
from .notifications.models import OutboxMessage, OutboxStatus  # noqa: F401
from .organisations.models import (  # noqa: F401
    Organisation,
    OrganisationContact,
    OrganisationLeerweg,
    OrganisationOfferKind,
    OrganisationProfile,
)
from .places.models import Place  # noqa: F401
from .ratelimits.models import LimitEvent  # noqa: F401
from .regions.models import Region, RegionCoordinator, RegionMember, RegionProvince  # noqa: F401
from .registrations.models import (  # noqa: F401
    Mailing,
    ParticipantRole,
    Registration,
    RegistrationStatus,
    WorkshopChoice,
)
