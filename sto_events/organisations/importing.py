"""Import and export of the directory's organisations, as CSV or XLSX.

A file is first planned (a dry run: every row is added, changed, the same, or rejected with its line and reasons),
then applied. Rows are matched by their key, so importing the same file again changes nothing. Domains above this
one add columns of their own (regions adds its "regio's") through `extra_columns`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy.orm import Session, selectinload

from ..core.timeutil import utcnow
from ..places import services as places
from ..places.models import Place
from .models import Organisation, OrganisationLeerweg, OrganisationProfile
from .vocabulary import LEERWEGEN, PROFILES, NetworkType, OrganisationKind

MAX_ROWS = 10_000

#: The words a file uses for each kind; the first is what exports write.
KIND_WORDS = {
    OrganisationKind.VMBO_SCHOOL: ("vmbo-school", "vmbo"),
    OrganisationKind.MBO_INSTITUTION: ("mbo-instelling", "mbo", "roc"),
    OrganisationKind.COMPANY: ("bedrijf",),
    OrganisationKind.NETWORK: ("netwerk",),
    OrganisationKind.PO_SCHOOL: ("basisschool", "po", "po-school"),
    OrganisationKind.MUNICIPALITY: ("gemeente",),
}
NETWORK_WORDS = {
    NetworkType.JET_NET: ("Jet-Net & TechNet", "jet-net", "technet"),
    NetworkType.PPS: ("PPS",),
    NetworkType.TOPTECHNIEK: ("Toptechniek in Bedrijf", "toptechniek"),
    NetworkType.FIELDLAB: ("Fieldlab",),
    NetworkType.OO_FONDS: ("O&O-fonds", "o&o", "branche"),
}
COLUMNS = ["sleutel", "soort", "naam", "plaats", "profielen", "leerwegen", "netwerk", "website"]
REQUIRED = ["sleutel", "soort", "naam", "plaats"]


class ImportFileError(ValueError):
    """The file as a whole cannot be read: not CSV or XLSX, no header, a missing column, too many rows."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Rejection:
    """Why a row was refused: a code and what it is about (worded by the page, in the reader's language)."""

    code: str
    value: str = ""


@dataclass
class ExtraColumn:
    """A column a higher domain adds. `parse(session, text, cache)` gives (value, rejections), the value None when
    the file has no such column (then nothing changes); `current(session, ids)` what the database holds per
    organisation id; `apply(session, [(organisation, value), …])` writes them in one go; `export(session)` the text
    per id."""

    name: str
    parse: Callable
    current: Callable
    apply: Callable
    export: Callable


extra_columns: list[ExtraColumn] = []


@dataclass
class RowPlan:
    line: int
    key: str
    name: str
    action: str = "reject"  # add, change, same or reject
    rejections: list[Rejection] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[RowPlan]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def rejected(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action == "reject"]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


class Formula(str):
    """The text of a formula cell whose result an XLSX file does not hold: not a value to import."""


def _show_formulas_without_values(data: bytes, values: list[tuple], table: list[list[str]]) -> None:
    """A formula in a required column whose result the file does not hold (written by a program that does not
    calculate, such as a script) reads as no value at all: put the formula there, marked, so the row is refused as a
    formula rather than as a missing value. A stored empty result ("") is a value, and stays "missing". The workbook
    is read a second time only when such a cell exists."""
    header = [name.casefold() for name in next((row for row in table if any(row)), [])]
    required = [i for i, name in enumerate(header) if name in REQUIRED]
    unknown = {(number, i) for number, row in enumerate(values) if any(table[number])
               for i in required if i >= len(row) or row[i] is None}
    if not unknown:
        return
    formulas = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    for number, row in enumerate(formulas.iter_rows(values_only=True)):
        for i, value in enumerate(row):
            if (number, i) in unknown and isinstance(value, str) and value.startswith("="):
                table[number][i] = Formula(_cell(value))


def read_table(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line, {column: text}) for every non-empty row after the header; the header names the columns."""
    if filename.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            values = list(sheet.iter_rows(values_only=True))
            table = [[_cell(v) for v in row] for row in values]
            _show_formulas_without_values(data, values, table)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
            raise ImportFileError("unreadable") from exc
    elif filename.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError("encoding") from exc
        if "\x00" in text:
            raise ImportFileError("unreadable")
        first = text.split("\n", 1)[0]
        delimiter = max(";,\t", key=first.count)
        table = [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    else:
        raise ImportFileError("type")
    lines = [(number, row) for number, row in enumerate(table, start=1) if any(row)]
    if not lines:
        raise ImportFileError("empty")
    header = [name.casefold() for name in lines[0][1]]
    known = COLUMNS + [extra.name for extra in extra_columns]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFileError("columns", missing=", ".join(missing), known=", ".join(known))
    if len(lines) - 1 > MAX_ROWS:
        raise ImportFileError("too_many", max=MAX_ROWS)
    return [(number, {name: (row[i] if i < len(row) else "") for i, name in enumerate(header) if name in known})
            for number, row in lines[1:]]


def _word(text: str, words: dict):
    folded = text.casefold()
    for value, spellings in words.items():
        if folded in (s.casefold() for s in spellings):
            return value
    return None


def _codes(text: str, allowed, code: str, rejections: list[Rejection]) -> list[str]:
    by_folded = {a.casefold(): a for a in allowed}
    found = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        value = by_folded.get(part.casefold())
        if value is None:
            rejections.append(Rejection(code, part))
        elif value not in found:
            found.append(value)
    return [a for a in allowed if a in found]


def _parse(session: Session, line: int, raw: dict[str, str], place_cache: dict, extra_cache: dict) -> RowPlan:
    row = RowPlan(line=line, key=raw.get("sleutel", ""), name=raw.get("naam", ""))
    problems = row.rejections
    formulas = [column for column, value in raw.items() if isinstance(value, Formula)]
    if formulas:  # a formula without its result is no value: name the cell rather than judge its text
        problems.extend(Rejection("formula", column) for column in formulas)
        return row
    if not row.key:
        problems.append(Rejection("missing_key"))
    elif len(row.key) > 40:
        problems.append(Rejection("long", "sleutel"))
    if not row.name:
        problems.append(Rejection("missing_name"))
    elif len(row.name) > 200:
        problems.append(Rejection("long", "naam"))
    kind = _word(raw.get("soort", ""), KIND_WORDS)
    if kind is None:
        problems.append(Rejection("unknown_kind", raw.get("soort", "")))
    place_text = raw.get("plaats", "")
    if place_text not in place_cache:
        place_cache[place_text] = places.matches(session, place_text)
    found: list[Place] = place_cache[place_text]
    if not place_text:
        problems.append(Rejection("missing_place"))
    elif not found:
        problems.append(Rejection("unknown_place", place_text))
    elif len(found) > 1:
        problems.append(Rejection("ambiguous_place", place_text))
    profiles = _codes(raw.get("profielen", ""), PROFILES, "unknown_profile", problems)
    leerwegen = _codes(raw.get("leerwegen", ""), LEERWEGEN, "unknown_leerweg", problems)
    network = None
    if raw.get("netwerk"):
        network = _word(raw["netwerk"], NETWORK_WORDS)
        if network is None:
            problems.append(Rejection("unknown_network", raw["netwerk"]))
    if kind == OrganisationKind.NETWORK and not raw.get("netwerk"):
        problems.append(Rejection("network_needs_type"))
    elif kind not in (None, OrganisationKind.NETWORK) and network:
        problems.append(Rejection("type_only_for_networks"))
    website = raw.get("website", "")
    if website and (not website.startswith(("https://", "http://")) or len(website) > 300):
        problems.append(Rejection("bad_website", website[:80]))
    if (profiles or leerwegen) and kind not in (None, OrganisationKind.VMBO_SCHOOL):
        problems.append(Rejection("profiles_only_for_vmbo"))
    for extra in extra_columns:
        value, extra_problems = extra.parse(session, raw.get(extra.name), extra_cache.setdefault(extra.name, {}))
        row.extras[extra.name] = value
        problems.extend(extra_problems)
    row.values = {"kind": kind, "name": row.name, "place_id": found[0].id if len(found) == 1 else None,
                  "network_type": network, "website": website, "profiles": profiles, "leerwegen": leerwegen}
    return row


def _current(organisation: Organisation) -> dict:
    return {"kind": organisation.kind, "name": organisation.name, "place_id": organisation.place_id,
            "network_type": organisation.network_type, "website": organisation.website,
            "profiles": organisation.profiles, "leerwegen": organisation.leerwegen}


def _by_key(session: Session, keys: list[str]) -> dict[str, Organisation]:
    """The organisations with these keys, with their profiles and leerwegen, in two statements."""
    return {o.key: o for o in session.scalars(
        sa.select(Organisation).where(Organisation.key.in_(keys))
        .options(selectinload(Organisation.profile_rows), selectinload(Organisation.leerweg_rows)))}


def plan(session: Session, table: list[tuple[int, dict[str, str]]]) -> ImportPlan:
    """The dry run: what importing these rows would do, row by row. Writes nothing."""
    place_cache: dict[str, list[Place]] = {}
    extra_cache: dict[str, dict] = {}
    rows = [_parse(session, line, raw, place_cache, extra_cache) for line, raw in table]
    seen: dict[str, int] = {}
    for row in rows:
        if row.key and row.key.casefold() in seen:
            row.rejections.append(Rejection("duplicate_key", str(seen[row.key.casefold()])))
        elif row.key:
            seen[row.key.casefold()] = row.line
    keys = [row.key for row in rows if row.key]
    existing = _by_key(session, keys)
    current_extras = {extra.name: extra.current(session, [o.id for o in existing.values()]) for extra in extra_columns}
    for row in rows:
        if row.rejections:
            row.action = "reject"
            continue
        organisation = existing.get(row.key)
        if organisation is None:
            row.action = "add"
            continue
        now = _current(organisation)
        row.changes = [name for name, value in row.values.items() if now[name] != value]
        row.changes += [name for name, value in row.extras.items()
                        if value is not None and current_extras[name].get(organisation.id) != value]
        row.action = "change" if row.changes else "same"
    return ImportPlan(rows)


def apply(session: Session, import_plan: ImportPlan) -> dict[str, int]:
    """Write the rows the plan adds or changes (rejected rows are left out); flushes, the caller commits.

    Organisations an organiser imports count as verified: an organiser vouches for them."""
    keys = [row.key for row in import_plan.rows if row.action in ("add", "change")]
    existing = _by_key(session, keys)
    written = []
    for row in import_plan.rows:
        if row.action not in ("add", "change"):
            continue
        values = dict(row.values)
        profiles, leerwegen = values.pop("profiles"), values.pop("leerwegen")
        organisation = existing.get(row.key)
        if organisation is None:
            organisation = Organisation(key=row.key, verified_at=utcnow(), **values)
            session.add(organisation)
        else:
            for name, value in values.items():
                setattr(organisation, name, value)
        if organisation.profiles != profiles:
            organisation.profile_rows = [OrganisationProfile(profile=p) for p in profiles]
        if organisation.leerwegen != leerwegen:
            organisation.leerweg_rows = [OrganisationLeerweg(leerweg=w) for w in leerwegen]
        written.append((row, organisation))
    session.flush()
    for extra in extra_columns:
        extra.apply(session, [(organisation, row.extras[extra.name]) for row, organisation in written
                              if row.extras[extra.name] is not None])
    session.flush()
    return {action: import_plan.count(action) for action in ("add", "change", "same", "reject")}


def export_rows(session: Session) -> tuple[list[str], list[dict]]:
    """Every organisation in the import's own format, so an export can be edited and imported again."""
    organisations = list(session.scalars(
        sa.select(Organisation).order_by(Organisation.key)
        .options(selectinload(Organisation.profile_rows), selectinload(Organisation.leerweg_rows))))
    extras = {extra.name: extra.export(session) for extra in extra_columns}
    rows = [{
        "sleutel": o.key, "soort": KIND_WORDS[o.kind][0], "naam": o.name, "plaats": o.place.label,
        "profielen": ", ".join(o.profiles), "leerwegen": ", ".join(o.leerwegen),
        "netwerk": NETWORK_WORDS[o.network_type][0] if o.network_type else "", "website": o.website,
        **{name: values.get(o.id, "") for name, values in extras.items()},
    } for o in organisations]
    return COLUMNS + list(extras), rows
