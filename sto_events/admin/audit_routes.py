"""Back office: the audit log."""

from flask import render_template

from ..audit import services as audit
from ..extensions import db
from .routes import bp


@bp.get("/logboek")
def audit_log():
    """The latest organiser actions: who changed what, and when."""
    return render_template("admin/audit_log.html", entries=audit.latest(db.session))
