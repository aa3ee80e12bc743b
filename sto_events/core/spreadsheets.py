"""Spreadsheets every domain writes and reads: CSV for Excel in a Dutch locale and XLSX, formulas never run."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

#: A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets (OWASP "CSV
#: injection"); the full-width forms are included because some spreadsheet programs fold them to the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
DATETIME_FORMAT = "%Y-%m-%d %H:%M"


def looks_like_formula(value: object) -> bool:
    """Also when invisible characters (a zero-width space, a direction mark) or spaces come first."""
    if not isinstance(value, str):
        return False
    visible = value.lstrip(" \u00a0")
    while visible and unicodedata.category(visible[0]) == "Cf":
        visible = visible[1:].lstrip(" \u00a0")
    return value.startswith(FORMULA_STARTS) or visible.startswith(FORMULA_STARTS)


def neutralise(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe, so it shows as the text it is."""
    return f"'{value}" if looks_like_formula(value) else value


def _header(rows: list[dict], columns: list[str] | None) -> list[str]:
    if columns is not None:
        return columns
    return list(rows[0]) if rows else []


def _csv_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    return neutralise(value)


def to_csv(rows: list[dict], columns: list[str] | None = None) -> str:
    """Semicolon-separated with a byte-order mark, so Excel in a Dutch locale splits the columns and keeps
    accents; every formula-like text is neutralised."""
    header = _header(rows, columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([neutralise(name) for name in header])
    for row in rows:
        writer.writerow([_csv_value(row.get(name, "")) for name in header])
    return "\ufeff" + buffer.getvalue()


def _write_cell(sheet, row: int, column: int, value: object):
    if isinstance(value, datetime):
        # Excel has no time zones: write the Amsterdam wall-clock time.
        value = value.replace(tzinfo=None)
    elif isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif looks_like_formula(value):
        # openpyxl stores text starting with "=" as a formula; force plain text, and keep it text when edited.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def to_xlsx(rows: list[dict], columns: list[str] | None = None, title: str = "Export") -> bytes:
    """A workbook with one sheet: a bold, frozen header and one row per dict; formulas never run."""
    header = _header(rows, columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    bold = Font(bold=True)
    widths = [len(str(name)) for name in header]
    for index, name in enumerate(header, start=1):
        _write_cell(sheet, 1, index, name).font = bold
    for row_number, row in enumerate(rows, start=2):
        for index, name in enumerate(header, start=1):
            value = row.get(name, "")
            _write_cell(sheet, row_number, index, value)
            widths[index - 1] = max(widths[index - 1], 16 if isinstance(value, datetime) else len(str(value)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
