"""Every rule code raised in the sources has a wording in its domain's wording.py (an AST walk), and the wording
turns codes and details into text in the reader's language."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from flask_babel import force_locale

from sto_events.accounts import wording as accounts_wording
from sto_events.accounts.services import AccountError
from sto_events.core.rules import RuleError, word
from sto_events.meetings import wording as meeting_wording
from sto_events.meetings.planning import PlanningError
from sto_events.registrations import wording as registration_wording
from sto_events.registrations.services import RegistrationError

PACKAGE = Path(__file__).resolve().parents[2] / "sto_events"


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def rule_error_classes() -> dict[str, str | None]:
    """RuleError and every class that derives from it (by name, through any number of steps) → the domain package
    that defines it, which words its codes (None for RuleError itself: the raising domain words those)."""
    bases: dict[str, set[str]] = {}
    homes: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(filter(None, map(_name, node.bases)))
                homes[node.name] = path.relative_to(PACKAGE).parts[0]
    found = {"RuleError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return {name: None if name == "RuleError" else homes[name] for name in found}
        found |= more


def raised_codes() -> set[tuple[str, str, str]]:
    """(domain, code, where) for every `SomeRuleError("code", …)` call in the sources."""
    classes = rule_error_classes()
    codes = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if len(relative.parts) < 2:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and _name(node.func) in classes and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                domain = classes[_name(node.func)] or relative.parts[0]
                codes.add((domain, node.args[0].value, f"{relative}:{node.lineno}"))
    return codes


def worded(domain: str) -> set[str]:
    module = importlib.import_module(f"sto_events.{domain}.wording")
    return {code for value in vars(module).values() if isinstance(value, dict) for code in value}


def test_every_raised_rule_code_has_a_wording_in_its_domain():
    codes = raised_codes()
    # The walk sees the refusals it should (a walk that finds nothing would pass for nothing).
    assert {("registrations", "workshop_full"), ("meetings", "rounds_overlap")} <= {(d, c) for d, c, _ in codes}
    assert {"RegistrationError": "registrations", "PlanningError": "meetings"}.items() <= rule_error_classes().items()
    missing = sorted(f"{where}: {code}" for domain, code, where in codes if code not in worded(domain))
    assert missing == []


def test_a_wording_fills_in_details_and_follows_the_locale(app):
    with app.test_request_context():
        error = PlanningError("rounds_overlap", other="Ronde 1")
        assert meeting_wording.text(error) == (
            "Deze tijd overlapt met Ronde 1: een deelnemer kan niet in twee rondes tegelijk.")
        with force_locale("en"):
            assert "Ronde 1" in meeting_wording.text(error)
            assert "overlapt" not in meeting_wording.text(error)
        assert meeting_wording.text(PlanningError("capacity_below_taken", taken=12)).startswith("Er zijn al 12 ")
        # The same code is worded for the reader: the participant and the organiser read different advice.
        full = RegistrationError("workshop_full", workshop_id=3)
        assert registration_wording.for_participant(full) != registration_wording.for_organiser(full)
        assert accounts_wording.text(AccountError("password_too_short", min=12)) == "Gebruik minstens 12 tekens."
        # An unknown code still says something, never raises.
        assert word({}, RuleError("no_such_rule")) == "Dit kan niet."
        assert registration_wording.for_participant(RegistrationError("no_such_rule")) == str(
            registration_wording.WORDING["closed"])
