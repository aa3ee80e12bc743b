"""Command-line jobs: the mail sender and the demo data."""

from __future__ import annotations

import click
import sqlalchemy as sa

from .core.extensions import db


def register_cli(app) -> None:
    @app.cli.group("outbox")
    def outbox_group():
        """Deliver queued mail."""

    @outbox_group.command("run")
    @click.option("--once", is_flag=True, help="Deliver what is due now and stop.")
    @click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
    def outbox_run(once: bool, interval: float):
        """Send due mails over SMTP (or to .eml files), retrying with back-off."""
        from .notifications import outbox

        if once:
            click.echo(f"{outbox.run_once(db.session)} mail(s) attempted")
        else:
            outbox.run_forever(db.session, interval)

    @app.cli.command("create-organiser")
    @click.argument("email")
    @click.option("--name", prompt="Name (as invitations show it)",
                  help="The organiser's name, shown in invitations they send; asked at the prompt when left out.")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
                  help="At least 12 characters; asked at the prompt when left out.")
    def create_organiser(email: str, name: str, password: str):
        """Create an organiser account that can log in at once (the first one, or for scripts)."""
        from .accounts.models import Role
        from .accounts.services import AccountError, create_user

        name = " ".join(name.split())
        if not name:
            raise click.ClickException("a name is needed: invitations say who sends them")
        try:
            user = create_user(db.session, email, name, Role.ORGANISER, password)
        except AccountError as error:
            raise click.ClickException(
                "an account with this e-mail exists" if error.code == "exists" else "password needs 12+ characters"
            ) from error
        click.echo(f"organiser {user.name} <{user.email}> created")

    @app.cli.command("purge-personal-data")
    @click.option("--months", type=int, default=None, help="Override RETENTION_MONTHS.")
    def purge_personal_data(months: int | None):
        """Anonymise registrations of meetings that ended more than the retention period ago."""
        from .registrations.privacy import anonymise_past

        months = months if months is not None else app.config["RETENTION_MONTHS"]
        click.echo(f"{anonymise_past(db.session, months)} registration(s) anonymised")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only meetings when there are none yet (regions are added once).")
    def seed_demo(if_empty: bool):
        """Fill in clearly marked example meetings and regions from the STO texts, meetings dated in the coming
        months."""
        from .meetings.demo import seed
        from .meetings.models import Meeting
        from .regions.demo import seed as seed_regions

        click.echo(f"{len(seed_regions(db.session))} demo regions added")
        if app.config["ENV_NAME"] != "production":
            from .demo import DEMO_PASSWORD, seed_accounts

            logins = seed_accounts(db.session, app.config["ENV_NAME"])
            if logins:
                click.echo(f"Demo logins (development only), password {DEMO_PASSWORD!r}:")
            for login in logins:
                click.echo(f"  {login.kind:<18} {login.email:<34} {login.acts_for}")
        if if_empty and db.session.scalar(sa.select(sa.func.count(Meeting.id))):
            click.echo("meetings exist; demo meetings not added")
            return
        created = seed(db.session)
        click.echo(f"{len(created)} demo meetings added")
