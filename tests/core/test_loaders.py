"""No view loads an object by a bare id from its URL (DESIGN.md): core.loaders loads it before the view runs.

An AST walk of every view in the url_map fails when a view (or a helper of its module it hands the value to) calls
get_or_404 / session.get with a parameter that came from the URL rule; back-office views take no id from the URL at
all. The mechanism itself: the guard decides before anything is loaded (a visitor learns nothing about which ids
exist), an unknown id is a 404, a child is found through its parent when the URL names both.
"""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest
from flask import Blueprint

from sto_events.core.access import organisers_only
from sto_events.core.extensions import db
from sto_events.core.loaders import by_id, child_of, load_args
from sto_events.meetings.demo import seed
from sto_events.meetings.models import Meeting, WorkshopRound
from sto_events.registrations import services
from sto_events.registrations.tokens import check_in_token
from tests.registrations.helpers import signup_data
from tests.site import is_back_office

#: Calls that load a row by a key: `db.get_or_404(Model, key)`, `db.session.get(Model, key)`, `query.get_or_404(k)`.
LOADING_CALLS = {"get_or_404", "first_or_404", "one_or_404", "get_one"}


def _is_loading_call(node: ast.Call) -> bool:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in LOADING_CALLS
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in LOADING_CALLS:
        return True
    # `session.get(...)` / `db.session.get(...)`; a dict's or request.args' `.get` is no database load.
    receiver = func.value
    name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
    return func.attr == "get" and name == "session"


def _names_in(nodes) -> set[str]:
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def bare_id_loads(function: ast.FunctionDef, from_url: set[str], helpers: dict[str, ast.FunctionDef],
                  seen: frozenset = frozenset()) -> list[str]:
    """Where `function` loads a row by one of `from_url`, directly or through a helper of the same module."""
    found = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        arguments = [*node.args, *(k.value for k in node.keywords)]
        used = _names_in(arguments) & from_url
        if not used:
            continue
        if _is_loading_call(node):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node.func, ast.Name) and node.func.id in helpers and node.func.id not in seen:
            helper = helpers[node.func.id]
            params = [a.arg for a in helper.args.args]
            passed = {params[i] for i, arg in enumerate(node.args) if i < len(params) and _names_in([arg]) & used}
            passed |= {k.arg for k in node.keywords if k.arg and _names_in([k.value]) & used}
            found += [f"via {helper.name}: {where}"
                      for where in bare_id_loads(helper, passed, helpers, seen | {node.func.id})]
    return found


def _module_functions(view) -> tuple[ast.FunctionDef, dict[str, ast.FunctionDef]]:
    """The view's own definition (line numbers as in its file) and the module's top-level functions."""
    view = inspect.unwrap(view)
    tree = ast.parse(inspect.getsource(inspect.getmodule(view)))
    first_line = view.__code__.co_firstlineno
    function = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == view.__name__
                    and first_line in {n.lineno, *(d.lineno for d in n.decorator_list)})
    return function, {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _views(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not rule.arguments:
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_no_view_loads_an_object_by_a_bare_url_id(app):
    offenders = []
    for rule, view in _views(app):
        function, helpers = _module_functions(view)
        from_url = {a.arg for a in function.args.args} & set(rule.arguments)
        offenders += [f"{rule.endpoint} ({rule.rule}) {where}" for where in bare_id_loads(function, from_url, helpers)]
    assert not offenders, "load these through core.loaders.load_args, not in the view:\n" + "\n".join(offenders)


def test_back_office_views_take_objects_not_ids(app):
    """Every id or token in a back-office URL is turned into its object before the view runs."""
    offenders = []
    for rule, view in _views(app):
        if not is_back_office(rule.endpoint):
            continue
        params = set(inspect.signature(view).parameters) & set(rule.arguments)
        offenders += [f"{rule.endpoint}: {p}" for p in params if p.endswith("_id") or p in {"token", "slug"}]
    assert not offenders, offenders


def test_the_walk_finds_a_bare_load_directly_and_through_a_helper():
    module = ast.parse(textwrap.dedent('''
        def _export(key, kind):
            return db.get_or_404(Meeting, key)

        def direct(meeting_id):
            meeting = db.session.get(Meeting, meeting_id)

        def indirect(meeting_id):
            return _export(meeting_id, "csv")

        def harmless(meeting_id):
            return request.args.get("q"), db.session.get(Meeting, 1)
    '''))
    functions = {n.name: n for n in module.body}
    assert bare_id_loads(functions["direct"], {"meeting_id"}, functions) == [
        "line 6: db.session.get(Meeting, meeting_id)"]
    assert bare_id_loads(functions["indirect"], {"meeting_id"}, functions) == [
        "via _export: line 3: db.get_or_404(Meeting, key)"]
    assert bare_id_loads(functions["harmless"], {"meeting_id"}, functions) == []


def test_a_visitor_goes_to_the_login_page_whether_the_id_exists_or_not(app, client):
    with app.app_context():
        meeting_id = seed(db.session)[0].id
    for url in (f"/beheer/bijeenkomsten/{meeting_id}", "/beheer/bijeenkomsten/987654",
                f"/beheer/bijeenkomsten/{meeting_id}/deelnemers", "/beheer/aanmeldingen/987654"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/inloggen" in response.headers["Location"], url
    response = client.post("/beheer/gebruikers/987654/actief", data={"active": "0"})
    assert response.status_code in (302, 400), response.status_code
    assert response.status_code != 404


def test_an_organiser_gets_the_object_or_a_404(app, client, login_as):
    with app.app_context():
        meeting = seed(db.session)[0]
        meeting_id, title = meeting.id, meeting.title
    login_as()
    page = client.get(f"/beheer/bijeenkomsten/{meeting_id}")
    assert page.status_code == 200
    assert title in page.get_data(as_text=True)
    assert client.get("/beheer/bijeenkomsten/987654").status_code == 404
    assert client.get("/beheer/rondes/987654").status_code == 404
    assert client.get("/beheer/berichten/987654").status_code == 404


def test_two_url_arguments_may_load_the_same_kind_of_object(app, client, login_as):
    """registrations_manage loads a registration from its id or from a check-in token."""
    with app.app_context():
        meeting = seed(db.session)[-1]
        data = signup_data(meeting, "zoe@school.nl", name="Zoë Loader")
        registration, _ = services.sign_up(db.session, meeting, data)
        registration_id, token = registration.id, check_in_token(registration)
    login_as()
    for url in (f"/beheer/aanmeldingen/{registration_id}", f"/beheer/inchecken/{token}"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Zoë Loader" in page.get_data(as_text=True), url
    assert client.get(f"/beheer/inchecken/{token}x").status_code == 404


def test_a_child_is_found_through_its_parent(app, client, login_as):
    bp = Blueprint("loaders_probe", __name__, url_prefix="/proef")
    bp.before_request(organisers_only)
    load_args(bp, meeting_id=("meeting", by_id(Meeting)),
              round_id=("workshop_round", child_of(WorkshopRound, "meeting_id"), "meeting"))

    @bp.get("/<int:meeting_id>/rondes/<int:round_id>")
    def probe(meeting, workshop_round):
        return f"{meeting.id}:{workshop_round.id}"

    @bp.get("/rondes/<int:round_id>")
    def alone(workshop_round):
        return str(workshop_round.meeting_id)

    app.register_blueprint(bp)
    with app.app_context():
        first, second = [m for m in seed(db.session) if m.rounds][:2]
        own = (first.id, first.rounds[0].id)
        foreign = (first.id, second.rounds[0].id)
        second_id = second.id
    assert client.get(f"/proef/{own[0]}/rondes/{own[1]}").status_code == 302  # the guard first
    login_as()
    assert client.get(f"/proef/{own[0]}/rondes/{own[1]}").get_data(as_text=True) == f"{own[0]}:{own[1]}"
    assert client.get(f"/proef/{foreign[0]}/rondes/{foreign[1]}").status_code == 404
    assert client.get(f"/proef/rondes/{foreign[1]}").get_data(as_text=True) == str(second_id)


def test_load_args_wants_the_guard_first_and_parents_before_children():
    with pytest.raises(RuntimeError, match="guard"):
        load_args(Blueprint("unguarded", __name__), meeting_id=("meeting", by_id(Meeting)))
    bp = Blueprint("guarded", __name__)
    bp.before_request(organisers_only)
    with pytest.raises(RuntimeError, match="parent"):
        load_args(bp, round_id=("workshop_round", child_of(WorkshopRound, "meeting_id"), "meeting"),
                  meeting_id=("meeting", by_id(Meeting)))
