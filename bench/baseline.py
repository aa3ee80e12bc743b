"""The baseline for `make bench`: a bare Flask route rendering a Jinja template with a 50-row table.

It reads the same database as the app (DATABASE_URL, SQLAlchemy Core, no ORM, no extensions) and is served by
gunicorn with the same settings, so the app's pages can be expressed as a fraction of what Flask itself does.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))
engine = sa.create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)

MEETINGS = sa.text(
    "SELECT slug, title, city, venue, starts_at, capacity, taken FROM meeting ORDER BY starts_at, id LIMIT 50"
)


@app.get("/")
def meetings():
    with engine.connect() as connection:
        rows = connection.execute(MEETINGS).all()
    return render_template("baseline.html", rows=rows)
