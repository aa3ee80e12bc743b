"""First paint on a school laptop or phone: little CSS, compressed, kept by the browser, and a warm server.

`make audit` measures the same with Lighthouse; these checks hold the line in `make test`.
"""

from __future__ import annotations

import gzip
import html
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import brotli
import pytest

from sto_events.core import assets, pagecache
from sto_events.warmup import warm_up
from tests.conftest import free_port
from tests.site import build_site, html_pages
from tests.test_responses import log_in

ROOT = Path(__file__).resolve().parent.parent
CSS_BUDGET = 60 * 1024
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
PUBLIC_PAGES = ("/", "/bijeenkomsten", "/bijeenkomsten/{slug}", "/bijeenkomsten/{slug}/aanmelden", "/privacy")


def decoded(response) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


def fetch(client, url: str, headers=None):
    """GET a static file and close it (WhiteNoise answers with an open file)."""
    response = client.get(url, headers=headers or {})
    response.get_data()
    response.close()
    return response


def static_urls(page: str, rel: str | None = None) -> list[str]:
    found = []
    for tag in re.findall(r"<(?:link|script|img)\b[^>]*>", page):
        url = re.search(r'(?:href|src)="(/static/[^"]+)"', tag)
        if url and (rel is None or f'rel="{rel}"' in tag):
            found.append(html.unescape(url.group(1)))
    return found


@pytest.fixture
def site(app):
    values = build_site(app)
    visitor, organiser = app.test_client(), app.test_client()
    log_in(organiser)
    pages = {}
    for needs_login, url in html_pages(app, values):
        response = (organiser if needs_login else visitor).get(url)
        if response.mimetype == "text/html" and response.status_code == 200:
            pages[url] = response.get_data(as_text=True)
    return values, pages


def test_the_css_a_page_sends_stays_under_60_kb_compressed(app, site):
    values, pages = site
    client = app.test_client()
    for path in PUBLIC_PAGES:
        url = path.format(slug=values["slug"])
        sent = 0
        for css in static_urls(pages[url], rel="stylesheet"):
            response = fetch(client, css, BROWSER)
            assert response.status_code == 200, css
            assert response.headers["Content-Encoding"] == "br", css
            sent += len(response.get_data())
        assert 0 < sent <= CSS_BUDGET, (url, sent)


def test_static_files_have_hashed_urls_and_are_kept_for_a_year(app, site):
    _, pages = site
    client = app.test_client()
    urls = {url for page in pages.values() for url in static_urls(page)}
    assert any(url.endswith(".css") for url in urls) and any(url.endswith(".js") for url in urls)
    assert any("print." in url for url in urls)  # the presence list's print stylesheet, behind the login
    for url in urls:
        assert assets.HASHED.search(url), url
        response = fetch(client, url, BROWSER)
        assert response.status_code == 200, url
        cache = response.headers["Cache-Control"]
        assert "immutable" in cache and "public" in cache, (url, cache)
        assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 31536000, (url, cache)
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert "Accept-Encoding" in response.headers["Vary"], url


def test_a_changed_file_gets_a_new_url():
    built = assets.load_manifest()
    for logical, hashed in built.items():
        data = (assets.DIST / Path(hashed).name).read_bytes()
        assert hashed == assets._hashed_name(logical, data)
        assert assets._hashed_name(logical, data + b" ") != hashed


def test_static_files_are_sent_precompressed_as_the_browser_asks(app):
    css = assets.load_manifest()["dist/sto.css"]
    client = app.test_client()
    plain = fetch(client, f"/static/{css}")
    assert "Content-Encoding" not in plain.headers
    for encoding in ("gzip", "br"):
        response = fetch(client, f"/static/{css}", {"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding
        assert decoded(response) == plain.get_data()
        assert len(response.get_data()) < len(plain.get_data()) / 5


@pytest.mark.parametrize("app", [{"PAGE_CACHE_SECONDS": 60}], indirect=True)
def test_pages_and_fragments_are_compressed_when_asked(app, add_meeting):
    pagecache.clear()
    meeting = add_meeting()
    client = app.test_client()
    for url in ("/", "/bijeenkomsten", f"/bijeenkomsten/{meeting.slug}", f"/bijeenkomsten/{meeting.slug}/aanmelden"):
        for attempt in ("rendered", "from the page cache"):
            for encoding in ("gzip", "br"):
                response = client.get(url, headers={"Accept-Encoding": encoding})
                assert response.headers.get("Content-Encoding") == encoding, (url, attempt)
                assert "Accept-Encoding" in response.headers["Vary"]
                page = decoded(response).decode()
                assert "</html>" in page and "\x00" not in page, (url, attempt)
    assert "Content-Encoding" not in client.get("/").headers  # a client that does not ask gets plain HTML
    fragment = client.get(f"/bijeenkomsten/{meeting.slug}", headers={"HX-Request": "true", "HX-Target": "places",
                                                                      "Accept-Encoding": "gzip"})
    assert fragment.status_code == 200 and fragment.headers.get("Content-Encoding") in (None, "gzip")
    pagecache.clear()


def test_every_page_has_a_meta_description_and_the_public_ones_their_own(site):
    values, pages = site
    descriptions = {}
    for url, page in pages.items():
        if "<head>" not in page:
            continue
        found = re.findall(r'<meta name="description" content="([^"]*)">', page)
        assert len(found) == 1 and 50 <= len(html.unescape(found[0])) <= 200, (url, found)
        descriptions[url] = found[0]
    public = [path.format(slug=values["slug"]) for path in PUBLIC_PAGES]
    default = descriptions["/inloggen"]
    for url in public:
        assert descriptions[url] != default, url
    assert len({descriptions[url] for url in public}) == len(public)


def _classes_in_sources() -> set[str]:
    """Every class name written in a template's class attribute or in Python code; Jinja expressions left out."""
    found = set()
    for template in (ROOT / "templates").rglob("*.html"):
        for value in re.findall(r'class="([^"]*)"', template.read_text()):
            value = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", value)
            found.update(token for token in value.split() if re.fullmatch(r"[a-z][a-z0-9_-]*", token))
    for module in (ROOT / "sto_events").rglob("*.py"):
        found.update(re.findall(r"\butrecht-[a-z0-9_-]*[a-z0-9]", module.read_text()))
    return found


def _selectors(css: str) -> set[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # a comment naming "tables.html" is no class
    return set(re.findall(r"\.([a-zA-Z][\w-]*)", re.sub(r"\{[^{}]*\}", "{}", css)))


def test_every_utrecht_class_the_pages_use_is_in_the_shipped_css():
    shipped = _selectors((assets.DIST / Path(assets.load_manifest()["dist/sto.css"]).name).read_text())
    library = _selectors((ROOT / "node_modules" / assets.LIBRARY_CSS[0]).read_text())
    used = _classes_in_sources()
    assert {"utrecht-button", "utrecht-form-field", "utrecht-alert", "utrecht-table"} <= used
    missing = sorted(name for name in used & library if name not in shipped)
    assert not missing
    # Classes that templates build from a value.
    for built in ["utrecht-alert--ok", "utrecht-alert--info", "utrecht-alert--warning", "utrecht-alert--error",
                  *(f"utrecht-heading-{level}" for level in range(1, 7))]:
        assert built not in library or built in shipped, built
    # Our own classes, htmx's and the theme's are there too.
    own = _selectors((ROOT / "static/css/app.css").read_text())
    assert own <= shipped
    assert "voorbeeld-theme" in shipped


def test_warm_up_renders_the_busy_pages_once_and_keeps_nothing(app):
    values = build_site(app)
    warmed = warm_up(app)
    for path in ("/", "/bijeenkomsten", "/privacy"):
        assert warmed.count(path) == 2, path  # Dutch and English
    assert any(path.endswith("/aanmelden") for path in warmed)
    assert any(path.startswith("/bijeenkomsten/") and path.count("/") == 2 for path in warmed)
    compiled = {name for _, name in app.jinja_env.cache.keys()}
    assert {"base.html", "site/home.html", "meetings/detail.html", "registrations/sign_up.html"} <= compiled
    assert not pagecache._pages
    with app.app_context():
        from sto_events.core.extensions import db

        assert db.engine.pool.checkedout() == 0
    assert values["slug"]


def test_the_first_request_after_start_is_answered_quickly(tmp_path):
    """gunicorn as `make run` starts it: the app loads and warms up before the port opens."""
    assert "gunicorn --preload" in (ROOT / "Makefile").read_text()
    env = {**os.environ, "STO_INSTANCE_PATH": str(tmp_path), "PAGE_CACHE_SECONDS": "5"}
    env.pop("DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "sto_events"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--preload", "--workers", "2",
                               "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            started = time.monotonic()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:
                    assert response.status == 200
                break
            except (ConnectionRefusedError, urllib.error.URLError) as exc:
                if not isinstance(getattr(exc, "reason", exc), ConnectionRefusedError):
                    raise
                time.sleep(0.05)
        # The goal is 1 s on an idle machine (make audit measures it); the bound leaves room for a busy CI runner,
        # while a cold worker (loading the app after the port opened) took 4–20 s here.
        assert time.monotonic() - started < 2.5
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
