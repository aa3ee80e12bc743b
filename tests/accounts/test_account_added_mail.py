"""The 'you were added' mail names the support team's address (SUPPORT_EMAIL), in both parts."""

import sqlalchemy as sa

from sto_events.accounts import emails
from sto_events.accounts.models import User
from sto_events.core.extensions import db
from tests.conftest import deliver_outbox


def test_the_added_mail_names_the_support_address(app, make_user, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, SUPPORT_EMAIL="hulp@stotest.nl")
    added, inviter = make_user(email="nieuw@stotest.nl"), make_user(email="olga@stotest.nl")
    with app.test_request_context():
        users = {u.email: u for u in db.session.scalars(sa.select(User))}
        emails.added(db.session, users[added], users[inviter], "Regio Zwolle")
        db.session.commit()
    deliver_outbox(app)
    (mail,) = smtp.inbox.to("nieuw@stotest.nl")
    assert "Neem dan contact op met het ondersteuningsteam: hulp@stotest.nl." in mail.get_body(("plain",)).get_content()
    assert ('ondersteuningsteam: <a href="mailto:hulp@stotest.nl">hulp@stotest.nl</a>.'
            in mail.get_body(("html",)).get_content())
