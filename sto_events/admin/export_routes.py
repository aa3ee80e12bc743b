"""Back office: attendee lists of a meeting as CSV or Excel, and a printable presence list."""

from __future__ import annotations

import io

from flask import render_template, request, send_file
from flask_babel import gettext as _

from ..core import spreadsheets
from ..core.errors import render_error
from ..core.extensions import db
from ..meetings.models import Meeting
from ..registrations import exports
from .routes import bp

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"



def _filter_message(error: exports.ExportError) -> str:
    if error.code == "status":
        return _("Onbekende status. Kies confirmed, waitlisted of cancelled.")
    return _("Onbekende workshop. Kies een workshop van deze bijeenkomst.")


def _download(data: bytes, mimetype: str, filename: str):
    # Personal data: no copy in a browser or proxy cache.
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename,
                         etag=False, last_modified=None, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def _export(meeting_id: int, extension: str):
    """Parse the filters, build the rows, and send them in the asked format; a bad filter is a 400."""
    meeting = db.get_or_404(Meeting, meeting_id)
    try:
        status, workshop_id = exports.parse_filters(request.args.get("status"), request.args.get("workshop"))
        rows = exports.attendee_rows(db.session, meeting.id, status=status, workshop_id=workshop_id)
    except exports.ExportError as error:
        return render_error(400, _filter_message(error))
    columns = exports.attendee_columns(meeting)
    filename = f"{meeting.slug}-deelnemers.{extension}"
    if extension == "csv":
        return _download(spreadsheets.to_csv(rows, columns).encode("utf-8"), "text/csv", filename)
    return _download(spreadsheets.to_xlsx(rows, columns, _("Deelnemers")), XLSX_TYPE, filename)


@bp.get("/bijeenkomsten/<int:meeting_id>/export.csv")
def export_csv(meeting_id: int):
    """The meeting's registrations as CSV (semicolons, UTF-8 with BOM), optionally filtered."""
    return _export(meeting_id, "csv")


@bp.get("/bijeenkomsten/<int:meeting_id>/export.xlsx")
def export_xlsx(meeting_id: int):
    """The meeting's registrations as an Excel workbook, optionally filtered."""
    return _export(meeting_id, "xlsx")


@bp.get("/bijeenkomsten/<int:meeting_id>/presentielijst")
def presence_list(meeting_id: int):
    """A printable list of confirmed participants by name, with a column to sign."""
    meeting = db.get_or_404(Meeting, meeting_id)
    rows = exports.presence_list(db.session, meeting.id)
    response = render_template("admin/presence_list.html", meeting=meeting, rows=rows)
    return response, 200, {"Cache-Control": "no-store"}
