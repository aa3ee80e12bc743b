"""The language an account reads the site and its mails in: kept on the account, so that mails somebody else's
action causes (a company verified, an account added to a region) reach the person in the language they chose."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..core.transaction import commit_point
from .models import User

LANGUAGES = ("nl", "en")
#: Session key: the language in the session was chosen by hand while logged out (not left by an earlier login), so
#: the next login keeps it for the account.
CHOSEN_LOGGED_OUT = "lang_chosen"


def remember(session: Session, user: User, language: str) -> None:
    """Keep `language` as the account's language (a flush inside the caller's unit of work, else a commit)."""
    if language in LANGUAGES and user.locale != language:
        user.locale = language
        commit_point(session)
