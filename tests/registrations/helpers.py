"""Small builders for sign-up data in tests."""

from sto_events.registrations.models import ParticipantRole
from sto_events.registrations.services import SignUp


def signup_data(meeting, email: str, picks: list[int] | None = None, **overrides) -> SignUp:
    """Sign-up data choosing, per round, the workshop at index picks[i] (default the first)."""
    picks = picks or [0] * len(meeting.rounds)
    return SignUp(
        name=overrides.pop("name", "Test Deelnemer"),
        email=email,
        organisation=overrides.pop("organisation", "Testschool"),
        role=overrides.pop("role", ParticipantRole.VMBO),
        workshops={r.id: r.workshops[i].id for r, i in zip(meeting.rounds, picks, strict=True)},
        **overrides,
    )
