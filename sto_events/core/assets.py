"""Static files as browsers get them: one small stylesheet, content-hashed names, kept for a year, sent compressed.

`python -m sto_events.core.assets` (run by `make setup`) builds `static/dist/` from npm packages and our own files:
- `sto.css`: the Utrecht component library and the voorbeeld theme cut down by PurgeCSS to the classes and custom
  properties our templates, Python code and scripts use, then our `css/app.css`, minified by lightningcss;
- a copy of every file in the manifest under a name that carries its content hash (`sto.3f9a1c2e7b.css`), with
  `.gz` and `.br` beside it;
- `manifest.json`, which maps the names templates ask for (`url_for('static', filename='js/app.js')`) to those copies.

At run time WhiteNoise serves `static/dist/` with `Cache-Control: max-age=31536000, public, immutable` and the
compressed copy the browser accepts; `url_for` hands out the hashed name, so a changed file gets a new URL.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
DIST = STATIC / "dist"
MANIFEST = DIST / "manifest.json"
NODE_MODULES = ROOT / "node_modules"
#: A year: the longest lifetime browsers honour; the URL changes with the content.
MAX_AGE = 31536000
HASHED = re.compile(r"\.[0-9a-f]{10}\.[a-z0-9]+$")
COMPRESSIBLE = (".css", ".js", ".svg", ".json")

#: Component CSS from npm, cut down to what the pages use.
LIBRARY_CSS = [
    "@utrecht/component-library-css/dist/index.css",
    "@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css",
]
#: Where class names can come from: templates, classes set in Python, and our script and htmx (htmx-request…).
CONTENT = ["templates/**/*.html", "sto_events/**/*.py", "static/js/**/*.js", "node_modules/htmx.org/dist/htmx.js"]
#: Classes that templates build from a value (`utrecht-alert--{{ category }}`, `utrecht-heading-{{ level }}`).
SAFELIST = [r"^utrecht-alert--", r"^utrecht-heading-\d$"]
#: name templates ask for → file it is built from (relative to the project).
COPIED = {
    "dist/htmx.min.js": "node_modules/htmx.org/dist/htmx.min.js",
    "js/app.js": "static/js/app.js",
    "css/print.css": "static/css/print.css",
    "img/favicon.svg": "static/img/favicon.svg",
}

PURGE_SCRIPT = r"""
const fs = require("fs");
const { PurgeCSS } = require("purgecss");
const { transform } = require("lightningcss");
(async () => {
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  // Minified first: PurgeCSS only sees a custom property as used in a var( ) written on one line.
  const minified = (f) => transform({ filename: f, code: fs.readFileSync(f), minify: true }).code.toString();
  const css = job.css.map((f) => ({ raw: minified(f) }));
  const purged = await new PurgeCSS().purge({
    css,
    content: job.content,
    safelist: { standard: job.safelist.map((s) => new RegExp(s)) },
    variables: true,
    fontFace: true,
    keyframes: true,
  });
  const whole = purged.map((r) => r.css).join("\n") + "\n" + job.own.map((f) => fs.readFileSync(f, "utf8")).join("\n");
  const { code } = transform({ filename: "sto.css", code: Buffer.from(whole), minify: true });
  fs.writeFileSync(job.output, code);
  for (const f of job.minify) {
    const min = transform({ filename: f.from, code: fs.readFileSync(f.from), minify: true });
    fs.writeFileSync(f.to, min.code);
  }
})().catch((e) => { console.error(e); process.exit(1); });
"""


def _hashed_name(logical: str, data: bytes) -> str:
    stem, dot, ext = Path(logical).name.rpartition(".")
    return f"dist/{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{ext}"


def _compress(path: Path) -> None:
    import brotli

    data = path.read_bytes()
    path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    path.with_name(path.name + ".br").write_bytes(brotli.compress(data, quality=11))


def build(root: Path = ROOT) -> dict[str, str]:
    """Build static/dist and its manifest; returns the manifest."""
    dist = root / "static" / "dist"
    work = root / "static" / "dist.tmp"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    job = {
        "css": [str(root / "node_modules" / name) for name in LIBRARY_CSS],
        "content": [str(root / pattern) for pattern in CONTENT],
        "safelist": SAFELIST,
        "own": [str(root / "static/css/app.css")],
        "output": str(work / "sto.css"),
        "minify": [{"from": str(root / "static/css/print.css"), "to": str(work / "print.css")}],
    }
    subprocess.run(["node", "-e", PURGE_SCRIPT], input=json.dumps(job), text=True, cwd=root, check=True)
    sources = {"dist/sto.css": work / "sto.css"}
    sources.update({name: root / source for name, source in COPIED.items()})
    sources["css/print.css"] = work / "print.css"
    manifest = {}
    for logical, source in sources.items():
        data = source.read_bytes()
        hashed = _hashed_name(logical, data)
        target = work / Path(hashed).name
        target.write_bytes(data)
        if target.suffix in COMPRESSIBLE:
            _compress(target)
        manifest[logical] = hashed
    (work / "sto.css").unlink()
    (work / "print.css").unlink()
    (work / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    shutil.rmtree(dist, ignore_errors=True)
    work.rename(dist)
    return manifest


def load_manifest(static_folder: Path = STATIC) -> dict[str, str]:
    """The manifest of the last build, or nothing when static/dist was not built (files are then served as they are)."""
    path = static_folder / "dist" / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}


def is_immutable(path: str, url: str) -> bool:
    """WhiteNoise asks this per file: only a name with a content hash may be kept for a year."""
    return bool(HASHED.search(url))


def _headers(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def register(app) -> None:
    """Serve static/dist through WhiteNoise and let `url_for('static', …)` name the hashed copies."""
    from whitenoise import WhiteNoise

    static_folder = Path(app.static_folder)
    manifest = load_manifest(static_folder)
    app.extensions["asset_manifest"] = manifest
    if not manifest:
        return
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(static_folder / "dist"), prefix="static/dist/",
                              max_age=MAX_AGE, immutable_file_test=is_immutable, add_headers_function=_headers)

    @app.url_defaults
    def _hashed_static(endpoint, values):
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]


if __name__ == "__main__":
    built = build()
    for logical, hashed in sorted(built.items()):
        size = (DIST / Path(hashed).name).stat().st_size
        print(f"{logical:22} → static/{hashed} ({size / 1024:.1f} KB)", file=sys.stderr)
