"""The audit log in words, in the reader's language, rather than the codes it stores."""

from sto_events.accounts.models import Role
from sto_events.core.extensions import db
from tests.conftest import page_csrf


def test_the_audit_log_shows_words_not_codes(app, client, login_as, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session, rounds=((5,),))
        round_id = meeting.rounds[0].id
    login_as(Role.ORGANISER)
    token = page_csrf(client, "/beheer/")
    client.post(f"/beheer/rondes/{round_id}", data={"title": "Middagronde", "start_time": "14:00",
                                                    "end_time": "14:30", "csrf_token": token})
    log = client.get("/beheer/logboek").get_data(as_text=True)
    assert "Ronde gewijzigd" in log and f"Workshopronde nr. {round_id}" in log
    assert "round.update" not in log and "workshopround" not in log
    client.post("/taal", data={"lang": "en", "csrf_token": token})
    english = client.get("/beheer/logboek").get_data(as_text=True)
    assert "Round changed" in english and f"Workshop round no. {round_id}" in english


def test_every_action_the_sources_record_has_words(app):
    """A walk over the sources: every action code passed to audit's record() has a label in the log."""
    import re
    from pathlib import Path

    from sto_events.audit.manage import action_labels

    package = Path(__file__).resolve().parents[2] / "sto_events"
    recorded = set()
    for path in package.rglob("*.py"):
        recorded |= set(re.findall(r'record\(\s*[\w.]+,\s*[^,]+,\s*"([a-z_.]+)"', path.read_text()))
    assert {"region.update", "organisation.contact.add", "meeting.create"} <= recorded
    with app.test_request_context():
        assert sorted(recorded - set(action_labels())) == []


def test_a_coordinator_changing_their_region_reads_as_words(app, client, login_as):
    import sqlalchemy as sa

    from sto_events.accounts import services as accounts
    from sto_events.regions import demo
    from sto_events.regions.models import RegionCoordinator

    with app.app_context():
        region = demo.seed(db.session)[0]
        user = accounts.create_user(db.session, "anna@regio.nl", "Anna", Role.REGION_COORDINATOR, "x" * 20)
        db.session.add(RegionCoordinator(region_id=region.id, user_id=user.id))
        db.session.commit()
        slug, region_id = region.slug, region.id
    coordinator = app.test_client()
    coordinator.post("/inloggen", data={"email": "anna@regio.nl", "password": "x" * 20,
                                        "csrf_token": page_csrf(coordinator)})
    url = f"/regios/{slug}/beheer/"
    assert coordinator.post(url, data={"lead_board": "Nieuw bestuur", "description": "",
                                       "csrf_token": page_csrf(coordinator, url)}).status_code == 303
    login_as(Role.ORGANISER)
    log = client.get("/beheer/logboek").get_data(as_text=True)
    assert "Regio gewijzigd" in log and f"Regio nr. {region_id}" in log and "region.update" not in log
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM audit_entry WHERE action = 'region.update'")) == 1
