"""The English catalogue covers every message in the code and templates, with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"

# Named Python format placeholders such as %(name)s, %(num)d or %(max)05.2f; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%%|%\([^)]*\)[#0 +\-]*\d*(?:\.\d+)?[a-zA-Z]")


def placeholders(text: str) -> set[str]:
    return {match for match in PLACEHOLDER.findall(text) if match != "%%"}


def strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def describe(message_id) -> str:
    return " / ".join(repr(part) for part in message_id) if isinstance(message_id, tuple) else repr(message_id)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """A fresh template of every message in the code and templates, extracted the way the catalogue is."""
    pot = tmp_path_factory.mktemp("babel") / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l"]
    result = subprocess.run(
        [*command, "--no-location", "-o", str(pot), "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stderr}"
    with pot.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def catalogue():
    with PO_FILE.open("rb") as f:
        return read_po(f, locale="en")


def test_every_extracted_message_has_an_english_translation(extracted, catalogue):
    problems = []
    for message in extracted:
        if not message.id:
            continue
        entry = catalogue.get(message.id, message.context)
        if entry is None:
            problems.append(f"missing from messages.po: {describe(message.id)}")
        elif entry.id != message.id:
            problems.append(f"singular/plural differs from the code: {describe(message.id)}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {describe(message.id)}")
        elif not all(strings(entry)):
            problems.append(f"empty translation: {describe(message.id)}")
    assert len(extracted) > 1, "pybabel extract found no messages"
    assert not problems, (
        f"{len(problems)} message(s) need an English translation in {PO_FILE.relative_to(ROOT)} "
        "(run pybabel extract and update, then translate):\n" + "\n".join(problems)
    )


def test_translations_keep_the_placeholders_of_their_message(catalogue):
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for index, translation in enumerate(strings(message)):
            if not translation:
                continue
            source = ids[min(index, len(ids) - 1)]
            expected, found = placeholders(source), placeholders(translation)
            if expected != found:
                problems.append(f"{source!r} -> {translation!r}: expected {sorted(expected)}, found {sorted(found)}")
    assert not problems, "translations with different placeholders:\n" + "\n".join(problems)


def test_placeholder_pattern():
    assert placeholders("Nog %(num)d plaatsen, 100%% zeker, %(title)s op %(date)s") == {
        "%(num)d",
        "%(title)s",
        "%(date)s",
    }
    assert placeholders("Gebruik hoogstens %(max)05.1f tekens.") == {"%(max)05.1f"}
    assert placeholders("Geen plaatshouders") == set()
