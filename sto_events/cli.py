"""Command-line jobs: the mail sender and the demo data."""

from __future__ import annotations

import click
import sqlalchemy as sa

from .extensions import db


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

    @app.cli.command("purge-personal-data")
    @click.option("--months", type=int, default=None, help="Override RETENTION_MONTHS.")
    def purge_personal_data(months: int | None):
        """Anonymise registrations of meetings that ended more than the retention period ago."""
        from .registrations.services import anonymise_past

        months = months if months is not None else app.config["RETENTION_MONTHS"]
        click.echo(f"{anonymise_past(db.session, months)} registration(s) anonymised")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only when there are no meetings yet.")
    def seed_demo(if_empty: bool):
        """Fill in clearly marked example meetings from the STO texts, dated in the coming months."""
        from .meetings.demo import seed
        from .meetings.models import Meeting

        if if_empty and db.session.scalar(sa.select(sa.func.count(Meeting.id))):
            click.echo("meetings exist; demo data not added")
            return
        created = seed(db.session)
        click.echo(f"{len(created)} demo meetings added")
