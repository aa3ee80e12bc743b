"""`flask create-organiser` asks for the name that invitations show."""

import sqlalchemy as sa

from sto_events.accounts.models import Role, User
from sto_events.accounts.services import invite
from sto_events.core.extensions import db
from sto_events.notifications.models import OutboxMessage
from tests.conftest import PASSWORD


def test_create_organiser_asks_for_a_name_and_invitations_carry_it(app, runner):
    prompted = runner.invoke(args=["create-organiser", "olga@stotest.nl"],
                             input=f"Olga de Vries\n{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output
    assert "Name" in prompted.output and "organiser Olga de Vries <olga@stotest.nl> created" in prompted.output
    named = runner.invoke(args=["create-organiser", "you@stotest.nl", "--name", "Yusuf Kaya", "--password", PASSWORD])
    assert named.exit_code == 0, named.output
    blank = runner.invoke(args=["create-organiser", "b@stotest.nl", "--name", "  ", "--password", PASSWORD])
    assert blank.exit_code != 0 and "name" in blank.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.name).where(User.email == "you@stotest.nl")) == "Yusuf Kaya"
        assert db.session.scalar(sa.select(User.id).where(User.email == "b@stotest.nl")) is None
    with app.test_request_context():
        inviter = db.session.scalar(sa.select(User).where(User.email == "you@stotest.nl"))
        invite(db.session, "nieuw@stotest.nl", "Nieuw", Role.ORGANISER, inviter)
        db.session.commit()
        text = db.session.scalar(sa.select(OutboxMessage.body_text)
                                 .where(OutboxMessage.recipient == "nieuw@stotest.nl"))
    assert "Yusuf Kaya nodigt u uit" in text
