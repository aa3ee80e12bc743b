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
