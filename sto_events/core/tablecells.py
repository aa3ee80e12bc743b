"""Column headers repeated on the cells of a table, so that on a phone each row can be shown stacked, every value
under its header (WCAG 1.4.10 Reflow), without each template writing the header twice."""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL | re.IGNORECASE)
_HEAD = re.compile(r"<thead\b.*?</thead>", re.DOTALL | re.IGNORECASE)
_BODY = re.compile(r"(<t(?:body|foot)\b[^>]*>)(.*?)(</t(?:body|foot)>)", re.DOTALL | re.IGNORECASE)
_HEADER_CELL = re.compile(r"<th\b([^>]*)>(.*?)</th>", re.DOTALL | re.IGNORECASE)
_ROW_OR_CELL = re.compile(r"<tr\b[^>]*>|<t([dh])\b([^>]*)>", re.IGNORECASE)
_COLSPAN = re.compile(r"""\bcolspan\s*=\s*["']?(\d+)""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def _span(attributes: str) -> int:
    found = _COLSPAN.search(attributes)
    return max(1, int(found.group(1))) if found else 1


def _label_body(labels: list[str], body: str) -> str:
    column = 0

    def label(match: re.Match) -> str:
        nonlocal column
        if match.group(1) is None:  # a new row
            column = 0
            return match.group(0)
        kind, attributes = match.group(1), match.group(2)
        index, column = column, column + _span(attributes)
        if "data-label" in attributes or index >= len(labels) or not labels[index]:
            return match.group(0)
        return f'<t{kind}{attributes} data-label="{escape(labels[index])}">'

    return _ROW_OR_CELL.sub(label, body)


def _label_table(table: str) -> str:
    head = _HEAD.search(table)
    if not head:
        return table
    labels = []
    for attributes, content in _HEADER_CELL.findall(head.group(0)):
        labels += [_text(content)] + [""] * (_span(attributes) - 1)
    return _BODY.sub(lambda m: m.group(1) + _label_body(labels, m.group(2)) + m.group(3), table)


def label_cells(markup: str) -> Markup:
    """Each body and footer cell of each table gets its column header as `data-label` (cells that have one keep it)."""
    return Markup(_TABLE.sub(lambda m: _label_table(m.group(0)), str(markup)))
