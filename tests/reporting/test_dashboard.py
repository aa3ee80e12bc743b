"""The organisers' dashboard: the tables beside the charts show exactly the numbers in the database."""

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from sto_events.accounts.models import Role
from sto_events.core.extensions import db
from sto_events.registrations import services
from sto_events.registrations.models import ParticipantRole, Registration
from sto_events.reporting import charts, stats
from tests.registrations.helpers import signup_data


def at(day, hour, minute=0):
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


# email, role, region, workshop pick, created (UTC), cancelled (UTC)
ZWOLLE = [
    ("a1@school.nl", ParticipantRole.VMBO, "Zwolle", 0, at(10, 23, 30), None),  # 11 January in Amsterdam
    ("a2@school.nl", ParticipantRole.MBO, " zwolle ", 0, at(11, 10), None),
    ("a3@bedrijf.nl", ParticipantRole.COMPANY, "", 1, at(12, 9), None),
    ("a4@school.nl", ParticipantRole.VMBO, "Twente", 0, at(12, 12), None),  # meeting full: waiting list
]
EINDHOVEN = [
    ("b1@school.nl", ParticipantRole.VMBO, "Twente", 0, at(10, 12), None),
    ("b2@school.nl", ParticipantRole.PO, "", 0, at(12, 8), None),
    ("b3@school.nl", ParticipantRole.MBO, "Twente", 0, at(11, 8), at(13, 22, 30)),  # cancelled on 13 January
]


def sign_up_all(meeting, people):
    for email, role, region, pick, created, cancelled in people:
        registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, email, [pick], role=role,
                                                                             region=region))
        if cancelled:
            services.cancel(db.session, registration)
        db.session.execute(sa.update(Registration).where(Registration.id == registration.id)
                           .values(created_at=created, cancelled_at=cancelled))
    db.session.commit()


@pytest.fixture
def two_meetings(app, make_meeting):
    """Zwolle: 3 seats, workshops of 2 and 5 places; Eindhoven: 10 seats, one workshop of 10. Returns their ids."""
    with app.app_context():
        zwolle = make_meeting(db.session, title="Themabijeenkomst Zwolle", capacity=3, rounds=((2, 5),))
        eindhoven = make_meeting(db.session, title="Themabijeenkomst Eindhoven", city="Eindhoven", capacity=10,
                                 rounds=((10,),))
        sign_up_all(zwolle, ZWOLLE)
        sign_up_all(eindhoven, EINDHOVEN)
        return zwolle.id, eindhoven.id


class Tables(HTMLParser):
    """Every <table id=…> as a list of rows of cell texts (header cells included)."""

    def __init__(self, html):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self.current = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self.current is not None:
            self.row = []
            self.current.append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.current = self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def dashboard(client, query=""):
    response = client.get(f"/beheer/dashboard{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_tables_show_exact_numbers(client, login_as, two_meetings):
    login_as(Role.ORGANISER)
    tables = Tables(dashboard(client)).tables

    assert tables["table-over-time"] == [
        ["Datum", "Themabijeenkomst Zwolle, Zwolle", "Themabijeenkomst Eindhoven, Eindhoven"],
        ["10 januari 2026", "0", "1"],
        ["11 januari 2026", "2", "2"],
        ["12 januari 2026", "4", "3"],
        ["13 januari 2026", "4", "2"],
    ]
    assert tables["table-roles"] == [
        ["Rol", "Bevestigd", "Wachtlijst", "Totaal"],
        ["vmbo", "2", "1", "3"],
        ["mbo", "1", "0", "1"],
        ["primair onderwijs (po)", "1", "0", "1"],
        ["bedrijf", "1", "0", "1"],
        ["bestuur / plannenschrijver", "0", "0", "0"],
        ["overig", "0", "0", "0"],
        ["Totaal", "5", "1", "6"],
    ]
    assert tables["table-regions"] == [
        ["Regio", "Bevestigd", "Wachtlijst", "Totaal"],
        ["Twente", "1", "1", "2"],
        ["Zwolle", "2", "0", "2"],
        ["Onbekend", "2", "0", "2"],
        ["Totaal", "5", "1", "6"],
    ]
    assert tables["table-workshops"] == [
        ["Workshop", "Bijeenkomst", "Ronde", "Bezet", "Plaatsen", "Bezetting", "Wachtlijst"],
        ["Workshop 1A", "Themabijeenkomst Zwolle, Zwolle", "Ronde 1", "2", "2", "100%", "1"],
        ["Workshop 1B", "Themabijeenkomst Zwolle, Zwolle", "Ronde 1", "1", "5", "20%", "0"],
        ["Workshop 1A", "Themabijeenkomst Eindhoven, Eindhoven", "Ronde 1", "2", "10", "20%", "0"],
    ]


def test_every_chart_is_a_titled_image_and_the_page_keeps_the_csp(client, login_as, two_meetings):
    login_as(Role.ORGANISER)
    page = dashboard(client)
    svgs = re.findall(r'<svg class="sto-chart" role="img" aria-labelledby="([\w-]+) ([\w-]+)"', page)
    assert [title for title, _ in svgs] == ["time-title", "roles-title", "regions-title", "workshops-title"]
    for title_id, desc_id in svgs:
        assert re.search(rf'<title id="{title_id}">[^<]+</title>', page)
        assert re.search(rf'<desc id="{desc_id}">\s*\S', page)
    assert "style=" not in page and "<style" not in page
    assert "<script>" not in page.replace('<script src=', "")
    assert 'href="/beheer/dashboard" aria-current="page"' in page


def test_filter_narrows_the_time_chart_to_one_meeting(client, login_as, two_meetings):
    _, eindhoven = two_meetings
    login_as(Role.ORGANISER)
    page = dashboard(client, f"?bijeenkomst={eindhoven}")
    assert Tables(page).tables["table-over-time"] == [
        ["Datum", "Themabijeenkomst Eindhoven, Eindhoven"],
        ["10 januari 2026", "1"],
        ["11 januari 2026", "2"],
        ["12 januari 2026", "3"],
        ["13 januari 2026", "2"],
    ]
    assert f'<option value="{eindhoven}" selected>' in page
    assert page.count("<polyline") == 1
    assert Tables(dashboard(client, "?bijeenkomst=")).tables["table-over-time"][0][1:] == [
        "Themabijeenkomst Zwolle, Zwolle", "Themabijeenkomst Eindhoven, Eindhoven"]


@pytest.mark.parametrize("value, status", [("abc", 400), ("1.5", 400), ("-1", 400), ("%C2%B2", 400),
                                           ("999999", 404), ("9" * 40, 404)])
def test_bad_or_unknown_meeting_filter(client, login_as, two_meetings, value, status):
    login_as(Role.ORGANISER)
    assert client.get(f"/beheer/dashboard?bijeenkomst={value}").status_code == status


def test_empty_dashboard(client, login_as):
    login_as(Role.ORGANISER)
    page = dashboard(client)
    assert "Nog geen aanmeldingen." in page
    assert Tables(page).tables["table-roles"][-1] == ["Totaal", "0", "0", "0"]


def test_query_count_does_not_grow_with_sign_ups(app, client, login_as, two_meetings):
    login_as(Role.ORGANISER)
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        dashboard(client)
        before = len(statements)
        with app.app_context():
            from sto_events.meetings.models import Meeting

            meeting = db.session.get(Meeting, two_meetings[1])
            for i in range(5):
                services.sign_up(db.session, meeting, signup_data(meeting, f"extra{i}@school.nl", region=f"R{i}"))
        statements.clear()
        dashboard(client)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == before <= 12


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_app(request, app_factory):
    if request.param == "postgresql":
        return request.getfixturevalue("pg_app")
    return app_factory()


def test_stats_on_each_database(any_db_app, make_meeting):
    """The per-day grouping uses different SQL per database; both give Amsterdam dates."""
    with any_db_app.app_context():
        zwolle = make_meeting(db.session, capacity=3, rounds=((2, 5),))
        sign_up_all(zwolle, ZWOLLE)
        timeline = stats.signups_per_day(db.session)
        assert timeline.days == [date(2026, 1, 11), date(2026, 1, 12)]
        assert [(s.meeting_id, s.totals, s.new) for s in timeline.series] == [(zwolle.id, [2, 4], [2, 2])]
        assert [(c.key, c.confirmed, c.waitlisted) for c in stats.by_region(db.session)] == [
            ("Zwolle", 2, 0), ("Twente", 0, 1), (None, 1, 0)]
        assert [(w.taken, w.capacity, w.percentage, w.waitlisted) for w in stats.workshop_fill(db.session)] == [
            (2, 2, 100, 1), (1, 5, 20, 0)]
        assert stats.signups_per_day(db.session, zwolle.id + 1).series == []


def test_nice_axis():
    assert charts.nice_axis(0) == (1, 1)
    assert charts.nice_axis(-3) == (1, 1)
    assert charts.nice_axis(1) == (1, 1)
    assert charts.nice_axis(3) == (3, 1)
    assert charts.nice_axis(7) == (8, 2)
    assert charts.nice_axis(12) == (15, 5)
    assert charts.nice_axis(100) == (100, 20)
    assert charts.nice_axis(101) == (150, 50)


def test_scale_and_ticks():
    assert charts.scale(5, 0, 200) == 0
    assert charts.scale(5, 10, 200) == 100
    assert charts.scale(50, 10, 200) == 200  # clipped to the axis
    assert [(t.value, t.pos) for t in charts.ticks(4, 2, 10, 100)] == [(0, 10), (2, 60), (4, 110)]
    assert [(t.value, t.pos) for t in charts.ticks(4, 2, 10, 100, reverse=True)] == [(0, 110), (2, 60), (4, 10)]


def test_bar_chart_all_zero():
    chart = charts.bar_chart(["a", "b"], [(0, 0), (0, 0)])
    assert [(t.value, t.pos) for t in chart.ticks] == [(0, chart.plot_x), (1, chart.plot_x + chart.plot_width)]
    assert all(s.width == 0 for row in chart.rows for s in row.segments)
    assert [row.end for row in chart.rows] == [chart.plot_x, chart.plot_x]


def test_bar_chart_stacks_segments_and_scales_to_the_longest():
    chart = charts.bar_chart(["vmbo", "mbo"], [(3, 1), (2, 0)], width=552, value_margin=36)
    assert chart.plot_x == 16 and chart.plot_width == 500 and chart.ticks[-1].value == 4
    first, second = chart.rows
    assert [(s.x, s.width, s.value) for s in first.segments] == [(16, 375, 3), (391, 125, 1)]
    assert first.end == 516 and second.end == 266
    assert second.y > first.y + first.height
    assert chart.height > second.y + second.height
    empty = charts.bar_chart([], [])
    assert empty.rows == [] and empty.height > 0


def test_line_chart_scaling():
    chart = charts.line_chart([1, 2, 4], [[0, 0, 0]])
    bottom = chart.axis_y
    assert [y for _, y in chart.lines[0].marks] == [bottom, bottom, bottom]
    assert [t.value for t in chart.y_ticks] == [0, 1]
    xs = [x for x, _ in chart.lines[0].marks]
    assert xs[0] == chart.plot_x and xs[-1] == chart.plot_x + chart.plot_width
    assert xs[1] - xs[0] == pytest.approx((xs[2] - xs[0]) / 3, abs=0.01)

    chart = charts.line_chart([7], [[5], [2]])
    assert chart.lines[0].points == f"{chart.plot_x + chart.plot_width / 2:g},{chart.plot_y:g}"
    assert chart.lines[0].style != chart.lines[1].style
    assert charts.line_chart([], []).lines == []


def test_line_styles_differ_by_more_than_colour():
    pairs = {(s["dash"], s["marker"]) for s in charts.LINE_STYLES}
    assert len(pairs) == len(charts.LINE_STYLES)
    assert charts.tick_indices(3) == [0, 1, 2]
    assert charts.tick_indices(30) == [0, 6, 12, 17, 23, 29]
