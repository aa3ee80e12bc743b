"""`make audit`: Lighthouse 12.2.3 (mobile preset) on the four pages a participant sees first, and the first answer
after start.

The app is served as `make run` serves it (gunicorn --preload, 2 sync workers, wsgi:app) on demo data in a temporary
instance folder; every page is audited 3 times and the median run (by performance score) is reported. Prints the
scores, First Contentful Paint, Largest Contentful Paint, the CSS bytes transferred for the page, and the time of the
first request after the server started. Leaves nothing behind (the temporary folder and the server are removed, also
on error or Ctrl-C). Goals: performance >= 95, accessibility, best practices and SEO 100, CSS <= 60 KB per page,
first answer within 1 s on an idle machine. Exits 1 when a goal is missed.

Environment: AUDIT_RUNS (runs per page, default 3), CHROMIUM (default /usr/bin/chromium).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
RUNS = int(os.environ.get("AUDIT_RUNS", "3"))
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CSS_BUDGET_KB = 60
FIRST_REQUEST_BUDGET_S = 1.0


def log(message: str) -> None:
    print(f"[audit {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict) -> str:
    """Migrate and seed the temporary database; returns the slug of the first published demo meeting."""
    flask = [str(BIN / "flask"), "--app", "sto_events"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    code = ("import sqlalchemy as sa; from sto_events import create_app; from sto_events.core.extensions import db;"
            "from sto_events.meetings.models import Meeting, MeetingStatus as S; app = create_app();"
            "ctx = app.app_context(); ctx.push();"
            "print(db.session.scalar(sa.select(Meeting.slug).where(Meeting.status == S.PUBLISHED)"
            ".order_by(Meeting.starts_at).limit(1)))")
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()


def start_server(env: dict, port: int, log_path: Path) -> tuple[subprocess.Popen, float, float]:
    """gunicorn as `make run` starts it; returns the process, seconds until the port answered, and the first request's
    own duration."""
    log_file = open(log_path, "wb")  # noqa: SIM115 (lives as long as the server)
    started = time.monotonic()
    server = subprocess.Popen([str(BIN / "gunicorn"), "--preload", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "--access-logfile", "-", "wsgi:app"], env=env, cwd=ROOT, stdout=log_file,
                              stderr=subprocess.STDOUT, start_new_session=True)
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped; see {log_path}")
        sent = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as response:
                response.read()
            return server, sent - started, time.monotonic() - sent
        except urllib.error.URLError as exc:
            if not isinstance(exc.reason, ConnectionRefusedError):
                raise
            time.sleep(0.02)


def stop(server: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if server.poll() is not None:
            return
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue


def lighthouse(url: str, out: Path) -> dict:
    cmd = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
           f"--chrome-path={CHROMIUM}", "--chrome-flags=--headless --no-sandbox",
           f"--only-categories={','.join(CATEGORIES)}"]
    subprocess.run(cmd, cwd=ROOT, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text())
    css = sum(item.get("transferSize", 0) for item in report["audits"]["network-requests"]["details"]["items"]
              if item.get("resourceType") == "Stylesheet")
    audits = report["audits"]
    failed = sorted(ref["id"] for category in CATEGORIES[1:] for ref in report["categories"][category]["auditRefs"]
                    if ref["weight"] and audits[ref["id"]]["score"] not in (None, 1))
    return {
        **{c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES},
        "fcp_s": report["audits"]["first-contentful-paint"]["numericValue"] / 1000,
        "lcp_s": report["audits"]["largest-contentful-paint"]["numericValue"] / 1000,
        "css_kb": css / 1024,
        "failed": failed,
    }


def main() -> int:
    if not LIGHTHOUSE.exists():
        raise SystemExit("node_modules/.bin/lighthouse is missing: run `make setup`")
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"no Chromium at {CHROMIUM}: `apt-get install chromium` (or set CHROMIUM)")
    tmp = Path(tempfile.mkdtemp(prefix="sto-audit-"))
    server = None
    try:
        port = free_port()
        env = {**os.environ, "STO_INSTANCE_PATH": str(tmp / "instance"), "BASE_URL": f"http://127.0.0.1:{port}",
               "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("DATABASE_URL", None)
        log("migrating and seeding demo data in a temporary folder")
        slug = prepare(env)
        log("starting gunicorn --preload --workers 2 wsgi:app")
        server, to_port, first = start_server(env, port, tmp / "gunicorn.log")
        log(f"port answered after {to_port:.1f} s; first request took {first * 1000:.0f} ms")
        pages = [("home", "/"), ("meeting list", "/bijeenkomsten"), ("meeting detail", f"/bijeenkomsten/{slug}"),
                 ("sign-up form", f"/bijeenkomsten/{slug}/aanmelden")]
        results = []
        for label, path in pages:
            runs = []
            for run in range(RUNS):
                log(f"lighthouse {label} ({run + 1}/{RUNS})")
                runs.append(lighthouse(f"http://127.0.0.1:{port}{path}", tmp / "report.json"))
            median = statistics.median_low([r["performance"] for r in runs])
            results.append((label, path, next(r for r in runs if r["performance"] == median),
                            [r["performance"] for r in runs]))
        ok = first <= FIRST_REQUEST_BUDGET_S
        lines = []
        out = lines.append  # the report goes to stdout and to bench/results/audit.md
        out(f"Lighthouse 12.2.3, mobile preset, median of {RUNS} runs (by performance); "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores\n")
        out("| page | performance (runs) | accessibility | best practices | SEO | FCP s | LCP s | CSS KB sent |")
        out("|---|---|---:|---:|---:|---:|---:|---:|")
        for label, path, r, perf_runs in results:
            out(f"| {label} `{path}` | {r['performance']} ({', '.join(map(str, perf_runs))}) | "
                f"{r['accessibility']} | {r['best-practices']} | {r['seo']} | {r['fcp_s']:.1f} | {r['lcp_s']:.1f} | "
                f"{r['css_kb']:.1f} |")
            ok &= all(r[c] >= goal for c, goal in GOALS.items()) and r["css_kb"] <= CSS_BUDGET_KB
            if r["failed"]:
                out(f"|  ↳ audits below 100 | {', '.join(r['failed'])} | | | | | | |")
        out(f"\nFirst request after start (gunicorn --preload, warmed up): {first * 1000:.0f} ms "
            f"(goal ≤ {FIRST_REQUEST_BUDGET_S * 1000:.0f} ms on an idle machine); port open after {to_port:.1f} s")
        out(f"Goals (performance ≥ 95; accessibility, best practices, SEO 100; CSS ≤ {CSS_BUDGET_KB} KB): "
            f"{'met' if ok else 'NOT met'}")
        report = "\n".join(lines) + "\n"
        sys.stdout.write("\n" + report)
        (ROOT / "bench" / "results" / "audit.md").write_text(report, encoding="utf-8")
        return 0 if ok else 1
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
