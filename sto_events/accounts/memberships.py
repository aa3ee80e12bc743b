"""What every membership shares (a region's coordinators, an organisation's contacts): the refusal, and the account
to add. The membership rows themselves belong to the domain of what the person acts for."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..core.rules import RuleError
from . import services
from .models import Role, User


class MembershipError(RuleError):
    """A refused change of a membership: "already" (is a member; its domain words what of), "inactive" (the
    account is switched off)."""


def invite_member(session: Session, email: str, name: str, role: Role, by: User, about: str) -> User:
    """The account to add as a member: created and invited when new, told by mail when it exists."""
    try:
        return services.invite_to(session, email, name, role, by, about)
    except services.AccountError as error:
        raise MembershipError(error.code, **error.details) from None
