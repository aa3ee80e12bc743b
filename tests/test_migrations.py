"""`upgrade` on an empty database gives exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from sto_events import ROOT
from sto_events.core.extensions import db


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_app(request, app_factory):
    if request.param == "postgresql":
        return request.getfixturevalue("pg_app")
    return app_factory()


def test_models_match_migrations(migrated_app):
    with migrated_app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_upgrade_records_the_head_revision(migrated_app):
    with migrated_app.app_context(), db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    head = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    assert current == head is not None
