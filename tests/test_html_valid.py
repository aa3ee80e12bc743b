"""The Nu HTML Checker (npm vnu-jar, pinned) over every HTML page of the url_map crawl, in Dutch and English, logged
out and as an organiser: no errors. The pages are saved into one folder and checked by one Java start."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, page_csrf, require
from tests.site import build_site, html_pages

VNU = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def java() -> str:
    found = shutil.which("java")
    if not found:
        # .ci/run installs a JRE and sets REQUIRE_JAVA=1: only a developer's machine may skip the check.
        reason = "java not found: the Nu HTML Checker needs a JRE (Debian default-jre-headless)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (and CI forbids skipping)")
        require("REQUIRE_JAVA", reason)
    assert VNU.exists(), "vnu-jar is installed by npm at set-up"
    return found


def validate(files: list[Path]) -> list[dict]:
    """The errors vnu reports for these files, in one run."""
    run = subprocess.run([java(), "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, files)],
                         capture_output=True, text=True, timeout=600)
    return json.loads(run.stderr or "{}").get("messages", [])


def set_language(client, locale: str) -> None:
    response = client.post("/taal", data={"lang": locale, "next": "/", "csrf_token": page_csrf(client, "/")})
    assert response.status_code == 303


def save_pages(app, folder: Path) -> dict[str, str]:
    """Every full HTML page a visitor and an organiser get, in both languages, saved as a file; file name → page."""
    values = build_site(app)
    pages = html_pages(app, values)
    assert len(pages) >= 25
    saved = {}
    for who in ("visitor", "organiser"):
        for locale in ("nl", "en"):
            client = app.test_client()
            if who == "organiser":
                response = client.post("/inloggen", data={"email": "olga@stotest.nl", "password": PASSWORD,
                                                          "csrf_token": page_csrf(client)})
                assert response.status_code == 303
            set_language(client, locale)
            for _needs_login, url in [*pages, (False, "/bestaat-niet")]:
                response = client.get(url)
                if response.mimetype != "text/html" or response.status_code >= 300 and response.status_code != 404:
                    continue
                path = folder / f"{len(saved):03d}.html"
                path.write_bytes(response.get_data())
                saved[str(path)] = f"{who} {locale} {url} ({response.status_code})"
    return saved


def report(messages: list[dict], saved: dict[str, str]) -> list[str]:
    found = []
    for message in messages:
        where = saved.get(message.get("url", "").removeprefix("file:"), message.get("url"))
        found.append(f"{where} line {message.get('lastLine')}: {message.get('message')} "
                     f"[{message.get('extract', '').strip()}]")
    return found


def test_every_page_is_valid_html(app, tmp_path):
    java()
    folder = tmp_path / "pages"
    folder.mkdir()
    saved = save_pages(app, folder)
    assert len(saved) >= 4 * 20
    # The check itself can fail: an htmx attribute without the data- prefix is an error.
    broken = folder / "broken.html"
    broken.write_text(Path(next(iter(saved))).read_text().replace("<main ", '<main hx-get="/" ', 1))
    saved[str(broken)] = "deliberately broken page"
    problems = report(validate(list(map(Path, saved))), saved)
    assert [p for p in problems if p.startswith("deliberately broken page")], problems
    problems = [p for p in problems if not p.startswith("deliberately broken page")]
    assert problems == [], "\n".join(problems)


def test_required_fields_have_no_redundant_aria_required(app):
    """`required` already says it; vnu warns about aria-required beside it."""
    values = build_site(app)
    visitor, organiser = app.test_client(), app.test_client()
    organiser.post("/inloggen", data={"email": "olga@stotest.nl", "password": PASSWORD,
                                      "csrf_token": page_csrf(organiser)})
    checked = 0
    for _needs_login, url in html_pages(app, values):
        for client in (visitor, organiser):
            page = client.get(url).get_data(as_text=True)
            checked += " required" in page
            assert "aria-required" not in page, url
    assert checked >= 10

