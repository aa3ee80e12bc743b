"""One transaction per user action: services flush, the action commits once.

A route (or a CLI command) wraps its action in `unit_of_work()`, or decorates it with `@transactional`: the
changes, the audit entry that records them and the mails they queue in the outbox commit together, once, or
roll back together when anything raises. Units nest: an inner unit joins the outer one and commits nothing.

Services that are also called on their own (by a CLI job, a signal receiver, a test) end with `commit_point()`:
inside a unit it only flushes, so the unit's single commit holds; alone it commits, as it always did.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from .extensions import db

_DEPTH = "unit_of_work_depth"


def in_unit_of_work(session: Session | None = None) -> bool:
    return bool((session or db.session).info.get(_DEPTH))


@contextmanager
def unit_of_work(session: Session | None = None) -> Iterator[Session]:
    """Commit once when the block ends normally; roll back when it raises (and re-raise)."""
    session = session or db.session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth == 0:
            session.commit()
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


def transactional(function):
    """Run `function` (a view, a CLI command) as one unit of work on the app's session."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return function(*args, **kwargs)

    return wrapper


def commit_point(session: Session) -> None:
    """The end of a service's change: a flush inside the caller's unit of work, a commit outside one."""
    if in_unit_of_work(session):
        session.flush()
    else:
        session.commit()
