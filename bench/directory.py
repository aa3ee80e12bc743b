"""Figures for the directory (issue 10), each against a baseline measured in the same run.

1. The region list: SQL statements for 3 regions with 10 organisations and for 78 regions with 2 000 (must stay
   flat and within 8).
2. Importing 2 000 organisations from XLSX (dry run + import), against reading the same file with openpyxl alone;
   then the same file again: how many rows it changed (must be 0) and how long it took.

Runs on a fresh SQLite database in a temporary folder (or on DATABASE_URL's PostgreSQL with --postgres URL);
prints a table and writes bench/results/directory.json. Nothing else is left behind.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path

import flask_migrate
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sto_events import create_app  # noqa: E402
from sto_events.core import spreadsheets  # noqa: E402
from sto_events.core.extensions import db  # noqa: E402
from sto_events.organisations import importing  # noqa: E402
from sto_events.places.models import Place  # noqa: E402
from sto_events.regions.models import Region, RegionProvince  # noqa: E402

KINDS = ["vmbo-school", "mbo-instelling", "bedrijf", "bedrijf", "netwerk"]
PROFILE_SETS = ["BWI, PIE", "PIE, MT, MVI", "MaT", "DP, MVI", "BWI, MT, DP"]


def make_app(database_url: str, instance: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "TESTING": True,
                      "MAIL_SERVER": "", "MAIL_FILE_DIR": instance, "PAGE_CACHE_SECONDS": 0})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        flask_migrate.upgrade()
    return app


def add_regions(app, count: int) -> list[str]:
    with app.app_context():
        db.session.execute(sa.delete(Region))
        db.session.execute(sa.insert(Region), [{"slug": f"regio-{i}", "name": f"Regio {i:02d}",
                                                "plan_status": "ingediend"} for i in range(count)])
        ids = db.session.scalars(sa.select(Region.id)).all()
        db.session.execute(sa.insert(RegionProvince), [{"region_id": r, "province": "Overijssel"} for r in ids])
        db.session.commit()
        return [f"Regio {i:02d}" for i in range(count)]


def organisation_workbook(app, count: int, regions: list[str]) -> bytes:
    """An XLSX as an organiser would bring it: `count` organisations in real places, each in one region."""
    with app.app_context():
        places = db.session.scalars(sa.select(Place.label).order_by(Place.population.desc()).limit(300)).all()
    rows = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        rows.append({
            "sleutel": f"ORG-{i:05d}", "soort": kind, "naam": f"Organisatie {i}", "plaats": places[i % len(places)],
            "profielen": PROFILE_SETS[i % len(PROFILE_SETS)] if kind == "vmbo-school" else "",
            "leerwegen": "basis, kader" if kind == "vmbo-school" else "",
            "netwerk": "PPS" if kind == "netwerk" else "", "website": f"https://org{i}.example",
            "regio's": regions[i % len(regions)],
        })
    return spreadsheets.to_xlsx(rows, list(rows[0]), "Organisaties")


def import_file(app, data: bytes) -> tuple[float, dict]:
    with app.app_context():
        started = time.perf_counter()
        plan = importing.plan(db.session, importing.read_table("organisaties.xlsx", data))
        counts = importing.apply(db.session, plan)
        db.session.commit()
        return time.perf_counter() - started, counts


def statements_for(app, url: str) -> int:
    seen = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = app.test_client().get(url)
        assert response.status_code == 200, (url, response.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(seen)


def row_snapshot(app) -> dict:
    with app.app_context():
        return {table.name: db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
                for table in db.metadata.sorted_tables if table.name in (
                    "organisation", "organisation_profile", "organisation_leerweg", "region_member")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="a PostgreSQL URL to use instead of a temporary SQLite file")
    parser.add_argument("--organisations", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite:///{tmp}/small.sqlite"
        app = make_app(url, tmp)
        figures = {"database": url.split(":")[0].split("+")[0]}
        regions = add_regions(app, 3)
        small = organisation_workbook(app, 10, regions)
        import_file(app, small)
        figures["statements_small"] = statements_for(app, "/regios")
        figures["statements_small_filtered"] = statements_for(app, "/regios?provincie=Overijssel&profiel=PIE")

        with app.app_context():
            db.engine.dispose()
        url = args.postgres or f"sqlite:///{tmp}/large.sqlite"
        app = make_app(url, tmp)
        regions = add_regions(app, 78)
        data = organisation_workbook(app, args.organisations, regions)
        started = time.perf_counter()
        rows = list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))
        baseline = time.perf_counter() - started
        first, counts = import_file(app, data)
        before = row_snapshot(app)
        second, again = import_file(app, data)
        figures.update({
            "organisations": args.organisations, "rows_read": len(rows) - 1, "xlsx_kb": round(len(data) / 1024),
            "baseline_read_xlsx_s": round(baseline, 2), "import_s": round(first, 2),
            "import_ratio_to_read": round(first / baseline, 1), "first_counts": counts,
            "second_import_s": round(second, 2), "second_counts": again,
            "second_import_changed_rows": sum(1 for name in before if before[name] != row_snapshot(app)[name]),
            "statements_large": statements_for(app, "/regios"),
            "statements_large_filtered": statements_for(app, "/regios?provincie=Overijssel&profiel=PIE"),
        })
        with app.app_context():
            db.engine.dispose()
    out = ROOT / "bench" / "results" / "directory.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print("| figure | value |\n|---|---|")
    for name, value in figures.items():
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
