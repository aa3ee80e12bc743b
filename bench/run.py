"""`make bench`: load figures for STO Events against a bare-Flask baseline, and the sign-up rush.

For SQLite and for PostgreSQL: a fresh database (migrated, demo data plus bench/seed.py), the app and the baseline
(bench/baseline.py) each under gunicorn with the same settings, loaded one at a time with wrk: the baseline, the home
page, the meeting list, a meeting detail, the baseline again, and the sign-up POST. On PostgreSQL also the rush:
1 000 clients fetch the sign-up form and then all post at once for a meeting with 100 seats: a warm-up rush, then two
with mail to .eml files and no sender and two with an SMTP server that takes 5 s per message and the outbox sender
running (in ABBA order).

Prints a table, writes bench/results/latest.json, and leaves nothing behind but that file (the temporary
directory, processes and the PostgreSQL database are removed, also on error or Ctrl-C).
`bench/run.py --table` prints the table of latest.json again, `--markdown` the Markdown quoted in the README.

Environment: BENCH_POSTGRES_URL (server to create the database on, default
postgresql://postgres@127.0.0.1:5432/postgres), BENCH_DURATION (seconds per wrk run, default 10),
BENCH_RUSH_CLIENTS (default 1000), BENCH_KEEP_TMP=1 (keep the temporary directory with the logs).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

sys.dont_write_bytecode = True  # nothing written outside the temporary directory but the results file

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent  # .venv/bin when started by `make bench`
RESULTS = BENCH / "results" / "latest.json"

WORKERS = 4
WRK_THREADS = 2
WRK_CONNECTIONS = 16
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = 3
RUSH_CLIENTS = int(os.environ.get("BENCH_RUSH_CLIENTS", "1000"))
RUSH_PROBES = 8
RUSH_ORDER = ("normal", "slow_smtp", "slow_smtp", "normal")
SMTP_DELAY = 5.0
TARGET_RATIO = 0.6
TARGET_RUSH_P95_RATIO = 10.0
TARGET_SLOW_SMTP_RATIO = 1.2
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

PAGES = [  # (key, label, path or None for the seeded detail page)
    ("home", "home /", "/"),
    ("list", "meeting list /bijeenkomsten", "/bijeenkomsten"),
    ("detail", "meeting detail", None),
]


class BenchError(RuntimeError):
    pass


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- processes ---------------------------------------------------------------------------------------------------


class Processes:
    """Every process started here runs in its own process group, stopped by its id (and always at exit)."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, cmd: list[str], env: dict, cwd: Path = ROOT) -> subprocess.Popen:
        log_file = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT,
                                start_new_session=True)
        proc.log_file = log_file
        self.running[name] = proc
        return proc

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.tmp / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop(self, name: str) -> None:
        proc = self.running.pop(name, None)
        if proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            if proc.poll() is not None:
                break
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(wait)
            except subprocess.TimeoutExpired:
                continue
        # Workers of a stopped master are in the same group: make sure none is left.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.log_file.close()

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(cmd: list[str], env: dict, cwd: Path = ROOT, timeout: int = 300) -> str:
    result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if result.returncode:
        raise BenchError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


# --- HTTP (plain http.client: one connection per request, as gunicorn's sync workers close them anyway) ---------


def fetch(base: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
         timeout: float = 120):
    parts = urlsplit(base)
    conn = HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.msg, response.read()
    finally:
        conn.close()



def wait_ready(procs: Processes, name: str, base: str, timeout: float = 60) -> None:
    """Until gunicorn answers 200 on / (or its master died)."""
    deadline = time.monotonic() + timeout
    proc = procs.running[name]
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"{name} exited with {proc.returncode}:\n{procs.log_tail(name)}")
        try:
            if fetch(base, "GET", "/", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"{name} did not answer on {base} within {timeout:.0f}s:\n{procs.log_tail(name)}")


CSRF_META = re.compile(rb'<meta name="csrf-token" content="([^"]+)"')


def fetch_form(base: str, slug: str) -> tuple[str, str]:
    """GET the sign-up form as a browser does: the session cookie and the CSRF token that belongs to it."""
    status, headers, body = fetch(base, "GET", f"/bijeenkomsten/{slug}/aanmelden")
    if status != 200:
        raise BenchError(f"sign-up form answered {status}")
    cookie = next((c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or [] if c.startswith("session=")), None)
    match = CSRF_META.search(body)
    if not cookie or not match:
        raise BenchError("sign-up form gave no session cookie or CSRF token")
    return cookie, match.group(1).decode()


def signup_fields(meeting: dict, token: str, n: int) -> dict:
    fields = {"csrf_token": token, "name": f"Deelnemer {n}", "organisation": "Techniekcollege Benchmark",
              "role": "vmbo"}
    for round_id, workshops in meeting["rounds"].items():
        fields[f"round_{round_id}"] = str(workshops[n % len(workshops)])
    return fields


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (as wrk reports it)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


# --- wrk -------------------------------------------------------------------------------------------------------

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def run_wrk(url: str, script: Path, duration: int, env_extra: dict | None = None) -> dict:
    cmd = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-s", str(script), url]
    result = subprocess.run(cmd, env={**os.environ, **(env_extra or {})}, capture_output=True, text=True,
                            timeout=duration + 60)
    if result.returncode:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return parse_wrk(result.stdout)


def parse_wrk(text: str) -> dict:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    dump = re.search(r"^BENCH_JSON (\{.*\})$", text, re.M)
    if not rps or not dump:
        raise BenchError(f"unexpected wrk output:\n{text}")
    figures = json.loads(dump.group(1))
    distribution = {
        int(p): float(v) * UNITS_MS[u]
        for p, v, u in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    result = {
        "requests_per_s": float(rps.group(1)),
        "requests": figures["requests"],
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "max_ms": figures["max_us"] / 1000,
        "wrk_latency_distribution_ms": distribution,
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": {k: v for k, v in figures["errors"].items() if k != "status"},
    }
    if "responses" in figures:
        result["responses"] = figures["responses"]
    return result


# --- databases -------------------------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def create_postgres_database() -> tuple[str, str]:
    import psycopg

    name = f"sto_bench_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        raise BenchError(
            f"PostgreSQL at {POSTGRES_ADMIN_URL} is not usable ({error}); start it "
            "(`pg_ctlcluster 15 main start`) or set BENCH_POSTGRES_URL"
        ) from error
    return name, with_database(POSTGRES_ADMIN_URL, name)


def drop_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith("postgresql://") else url


def prepare_database(env: dict) -> dict:
    """Migrate, add the demo data and the extra bench data; returns what bench/seed.py describes."""
    flask = [str(BIN / "flask"), "--app", "sto_events"]
    run([*flask, "db", "upgrade"], env)
    run([*flask, "seed-demo"], env)
    return json.loads(run([str(BIN / "python"), str(BENCH / "seed.py")], env).strip().splitlines()[-1])


def seat_counts(url: str, meeting_id: int) -> dict:
    import sqlalchemy as sa

    engine = sa.create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT status, count(*) FROM registration WHERE meeting_id = :m GROUP BY status"),
                {"m": meeting_id},
            ).all()
            taken = conn.execute(sa.text("SELECT taken FROM meeting WHERE id = :m"), {"m": meeting_id}).scalar()
    finally:
        engine.dispose()
    counts = {status: n for status, n in rows}
    return {"confirmed": counts.get("confirmed", 0), "waitlisted": counts.get("waitlisted", 0),
            "cancelled": counts.get("cancelled", 0), "meeting_taken": taken}


# --- the app and the baseline ----------------------------------------------------------------------------------


def base_env(tmp: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "FLASK_", "GUNICORN_"))}
    env.update(
        PYTHONDONTWRITEBYTECODE="1",
        DATABASE_URL=database_url,
        STO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(32),
        SIGNUP_RATE_LIMIT="1000000 per minute",
        RATELIMIT_STORAGE_URI="memory://",
        MAIL_FILE_DIR=str(tmp / "mail"),
        PROXY_COUNT="0",
    )
    return env


def gunicorn_cmd(port: int, app: str) -> list[str]:
    """The same settings for the app and the baseline, on every run."""
    return [str(BIN / "gunicorn"), "--workers", str(WORKERS), "--worker-class", "sync", "--bind",
            f"127.0.0.1:{port}", "--backlog", "2048", "--timeout", "120", "--log-level", "warning", app]


def bench_backend(backend: str, database_url: str, tmp: Path, procs: Processes) -> dict:
    log(f"{backend}: migrating and seeding a fresh database")
    env = base_env(tmp, database_url)
    info = prepare_database(env)
    app_port, baseline_port = free_port(), free_port()
    app_base, baseline_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{baseline_port}"
    env["BASE_URL"] = app_base
    app_name, baseline_name = f"gunicorn-app-{backend}", f"gunicorn-baseline-{backend}"
    procs.start(app_name, gunicorn_cmd(app_port, "wsgi:app"), env, cwd=ROOT)
    procs.start(baseline_name, gunicorn_cmd(baseline_port, "baseline:app"), env, cwd=BENCH)
    wait_ready(procs, app_name, app_base)
    wait_ready(procs, baseline_name, baseline_base)
    report = BENCH / "report.lua"
    pages = [(key, label, path or f"/bijeenkomsten/{info['detail_slug']}") for key, label, path in PAGES]
    result = {
        "data": {k: info[k] for k in ("meetings", "upcoming_published", "registrations", "outbox_messages")},
        "pages": {},
    }
    for _key, _, path in pages:  # every worker compiles its templates and fills its pool before measuring
        run_wrk(app_base + path, report, WARMUP)
    run_wrk(baseline_base + "/", report, WARMUP)

    log(f"{backend}: baseline (bare Flask, 50-row table)")
    baseline_runs = [run_wrk(baseline_base + "/", report, DURATION)]
    for key, label, path in pages:
        log(f"{backend}: {label} ({path})")
        result["pages"][key] = {"label": label, "path": path, **run_wrk(app_base + path, report, DURATION)}
    log(f"{backend}: baseline again")
    baseline_runs.append(run_wrk(baseline_base + "/", report, DURATION))

    log(f"{backend}: sign-up POST")
    signup = info["signup"]
    cookie, token = fetch_form(app_base, signup["slug"])
    signup_env = {
        "BENCH_PATH": f"/bijeenkomsten/{signup['slug']}/aanmelden",
        "BENCH_COOKIE": cookie,
        "BENCH_FORM": urlencode(signup_fields(signup, token, 0)),
    }
    run_wrk(app_base + signup_env["BENCH_PATH"], BENCH / "signup.lua", WARMUP,
            {**signup_env, "BENCH_NONCE": f"warm{secrets.token_hex(3)}"})
    result["pages"]["signup"] = {
        "label": "sign-up POST (303)",
        "path": signup_env["BENCH_PATH"],
        **run_wrk(app_base + signup_env["BENCH_PATH"], BENCH / "signup.lua", DURATION,
                  {**signup_env, "BENCH_NONCE": secrets.token_hex(4)}),
    }

    baseline_rps = statistics.mean(r["requests_per_s"] for r in baseline_runs)
    result["baseline"] = {
        "label": "baseline: bare Flask, 50-row table",
        "requests_per_s": baseline_rps,
        "runs": baseline_runs,
        **{k: statistics.mean(r[k] for r in baseline_runs) for k in ("p50_ms", "p95_ms", "p99_ms")},
    }
    for key, page in result["pages"].items():
        page["ratio_to_baseline"] = page["requests_per_s"] / baseline_rps
        if key != "signup":
            page["meets_target"] = page["ratio_to_baseline"] >= TARGET_RATIO

    if backend == "postgresql":
        result["rush"] = rushes(info, database_url, env, app_base, tmp, procs)
    procs.stop(app_name)
    procs.stop(baseline_name)
    return result


# --- the rush --------------------------------------------------------------------------------------------------


def rush(base: str, meeting: dict, database_url: str, clients: int = RUSH_CLIENTS) -> dict:
    """`clients` browsers fetch the form, then all post at once; plain-page probes measure the same queue."""
    slug = meeting["slug"]
    form_path, probe_path = f"/bijeenkomsten/{slug}/aanmelden", f"/bijeenkomsten/{slug}"
    barrier = threading.Barrier(clients + 1, timeout=600)
    lock = threading.Lock()
    get_latencies, post_latencies, statuses, failures = [], [], Counter(), Counter()
    stop_probes = threading.Event()
    probe_samples: list[tuple[float, float, int]] = []

    def client(n: int) -> None:
        body = None
        try:
            started = time.perf_counter()
            cookie, token = fetch_form(base, slug)
            fields = {**signup_fields(meeting, token, n), "email": f"rush-{n}@school{n % 50}.example.nl"}
            body = urlencode(fields).encode()
            with lock:
                get_latencies.append(time.perf_counter() - started)
        except Exception as error:  # counted, the rush goes on
            with lock:
                failures[f"form: {type(error).__name__}: {error}"] += 1
        finally:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                return
        if body is None:
            return
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        started = time.perf_counter()
        try:
            status = fetch(base, "POST", form_path, body, headers)[0]
        except Exception as error:
            with lock:
                failures[f"post: {type(error).__name__}"] += 1
            return
        elapsed = time.perf_counter() - started
        with lock:
            post_latencies.append(elapsed)
            statuses[status] += 1

    def probe() -> None:
        while not stop_probes.is_set():
            started = time.perf_counter()
            try:
                status = fetch(base, "GET", probe_path)[0]
            except OSError:
                status = 0
            with lock:
                probe_samples.append((started, time.perf_counter() - started, status))

    old_stack = threading.stack_size(512 * 1024)
    try:
        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
        probes = [threading.Thread(target=probe, daemon=True) for _ in range(RUSH_PROBES)]
    finally:
        threading.stack_size(old_stack)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    barrier.wait()  # every client holds its form and token
    posts_started = time.perf_counter()
    for thread in probes:
        thread.start()
    for thread in threads:
        thread.join()
    finished = time.perf_counter()
    stop_probes.set()
    for thread in probes:
        thread.join()

    probe_during = [lat for at, lat, status in probe_samples if at < finished and status == 200]
    signup_p95 = percentile(post_latencies, 95)
    probe_p95 = percentile(probe_during, 95)
    counts = seat_counts(database_url, meeting["id"])
    seats = meeting["capacity"]
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    checks = {
        "confirmed_equals_seats": counts["confirmed"] == seats and counts["meeting_taken"] == seats,
        "rest_waitlisted": counts["waitlisted"] == clients - seats,
        "no_5xx": server_errors == 0,
        "all_303": statuses.get(303, 0) == clients,
        "no_client_failures": not failures,
    }
    return {
        "clients": clients,
        "seats": seats,
        "seconds_total": finished - started,
        "seconds_forms": posts_started - started,
        "seconds_signups": finished - posts_started,
        "signups_per_s": clients / (finished - posts_started),
        "signup_ms": {f"p{p}": percentile(post_latencies, p) * 1000 for p in (50, 95, 99)},
        "form_get_ms": {f"p{p}": percentile(get_latencies, p) * 1000 for p in (50, 95, 99)},
        "plain_page": {"path": probe_path, "requests": len(probe_during),
                       **{f"p{p}_ms": percentile(probe_during, p) * 1000 for p in (50, 95, 99)}},
        "signup_p95_over_plain_page_p95": signup_p95 / probe_p95 if probe_during else None,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "responses_5xx": server_errors,
        "client_failures": dict(failures),
        "database": counts,
        "checks": checks,
        "ok": all(checks.values()),
    }


class SlowSMTP:
    """aiosmtpd handler that takes SMTP_DELAY seconds for every message."""

    def __init__(self):
        self.started = 0
        self.delivered = 0

    async def handle_DATA(self, server, session, envelope):
        self.started += 1
        await asyncio.sleep(SMTP_DELAY)
        self.delivered += 1
        return "250 Message accepted for delivery"


def rushes(info: dict, database_url: str, env: dict, app_base: str, tmp: Path, procs: Processes) -> dict:
    """A warm-up rush, then rushes without and with a slow SMTP server in the order RUSH_ORDER."""
    from aiosmtpd.controller import Controller

    warmup, *measured = info["rush"]
    log(f"postgresql: warm-up rush ({RUSH_CLIENTS} sign-ups, not counted)")
    warmup_result = rush(app_base, warmup, database_url)
    if not warmup_result["ok"]:
        raise BenchError(f"warm-up rush failed: {warmup_result['checks']} {warmup_result['database']}")
    handler = SlowSMTP()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    sender_env = {**env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(controller.port), "MAIL_TIMEOUT": "30"}
    runs = {"normal": [], "slow_smtp": []}
    try:
        # ABBA order: a drift in the machine's speed during the runs weighs on both kinds alike.
        for number, (meeting, kind) in enumerate(zip(measured, RUSH_ORDER, strict=True)):
            if kind == "normal":
                log(f"postgresql: rush {number + 1}: {RUSH_CLIENTS} sign-ups for {meeting['capacity']} seats "
                    "(mail to .eml files, no sender)")
                runs[kind].append({"order": number + 1, **rush(app_base, meeting, database_url)})
                continue
            log(f"postgresql: rush {number + 1}: the same with SMTP taking {SMTP_DELAY:.0f} s a message and the "
                "outbox sender running")
            before = handler.started
            procs.start("outbox-sender", [str(BIN / "flask"), "--app", "sto_events", "outbox", "run"], sender_env)
            deadline = time.monotonic() + 30
            while handler.started == before:  # the sender is inside a slow delivery when the rush starts
                if procs.running["outbox-sender"].poll() is not None or time.monotonic() > deadline:
                    raise BenchError("the outbox sender did not reach the SMTP server:\n"
                                     + procs.log_tail("outbox-sender"))
                time.sleep(0.1)
            started, delivered = handler.started, handler.delivered
            result = {"order": number + 1, **rush(app_base, meeting, database_url)}
            result["smtp"] = {"seconds_per_message": SMTP_DELAY,
                              "messages_started_during_rush": handler.started - started,
                              "messages_delivered_during_rush": handler.delivered - delivered}
            procs.stop("outbox-sender")
            runs[kind].append(result)
    finally:
        procs.stop("outbox-sender")
        controller.stop()
    normal_p95 = statistics.mean(r["signup_ms"]["p95"] for r in runs["normal"])
    slow_p95 = statistics.mean(r["signup_ms"]["p95"] for r in runs["slow_smtp"])
    ratio = slow_p95 / normal_p95
    all_runs = runs["normal"] + runs["slow_smtp"]
    return {
        **runs,
        "warmup": {k: warmup_result[k] for k in ("seconds_total", "seconds_signups", "signup_ms", "database", "ok")},
        "normal_signup_p95_ms_mean": normal_p95,
        "slow_smtp_signup_p95_ms_mean": slow_p95,
        "slow_smtp_signup_p95_ratio": ratio,
        "targets": {
            "signup_p95_over_plain_page_p95_below": TARGET_RUSH_P95_RATIO,
            "slow_smtp_ratio_at_most": TARGET_SLOW_SMTP_RATIO,
            "p95_ratio_met": all((r["signup_p95_over_plain_page_p95"] or 99) < TARGET_RUSH_P95_RATIO
                                 for r in all_runs),
            "slow_smtp_ratio_met": ratio <= TARGET_SLOW_SMTP_RATIO,
        },
    }


# --- report ----------------------------------------------------------------------------------------------------


def cpu_busy(seconds: float = 2.0) -> float | None:
    """Share of CPU time used by other work before the benchmark starts (from /proc/stat)."""
    def sample():
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except OSError:
        return None
    return round(1 - (idle1 - idle0) / max(total1 - total0, 1), 3)


def machine() -> dict:
    def version(cmd: list[str]) -> str:
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "unknown"

    return {
        "arch": platform.machine(),  # `uname -m`
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "loadavg_1min_at_start": os.getloadavg()[0],
        "cpu_busy_before_start": cpu_busy(),
        "wrk": version(["wrk", "--version"]),
        "gunicorn": version([str(BIN / "gunicorn"), "--version"]),
    }


def table_rows(results: dict) -> list[tuple]:
    rows = []
    for backend, data in results["backends"].items():
        base = data["baseline"]
        rows.append((backend, base["label"], base["requests_per_s"], base["p50_ms"], base["p95_ms"], base["p99_ms"],
                     "1.00", ""))
        for key, page in data["pages"].items():
            target = "" if key == "signup" else ("met" if page["meets_target"] else "MISSED")
            rows.append((backend, page["label"], page["requests_per_s"], page["p50_ms"], page["p95_ms"],
                         page["p99_ms"], f"{page['ratio_to_baseline']:.2f}", target))
    return rows


def print_report(results: dict) -> None:
    m = results["machine"]
    print()
    print(f"STO Events benchmark, {results['date']} on {m['arch']}, {m['cpus']} CPUs, Python {m['python']}")
    print(f"gunicorn {WORKERS} sync workers; wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{DURATION}s --latency; "
          f"data per database: {results['data']}")
    header = ("db", "page", "req/s", "p50 ms", "p95 ms", "p99 ms", "× baseline", f"target ≥ {TARGET_RATIO}")
    fmt = "{:<11}{:<36}{:>9}{:>9}{:>9}{:>9}{:>12}  {}"
    print(fmt.format(*header))
    for backend, label, rps, p50, p95, p99, ratio, target in table_rows(results):
        print(fmt.format(backend, label, f"{rps:.1f}", f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}", ratio, target))
    for backend, data in results["backends"].items():
        for key, page in data["pages"].items():
            errors = {k: v for k, v in page["socket_errors"].items() if v}
            if page["non_2xx_3xx"] or errors:
                print(f"  note: {backend} {key}: {page['non_2xx_3xx']} non-2xx/3xx responses, socket errors {errors}")
    rush_data = results.get("rush")
    if not rush_data:
        return
    print()
    kinds = {"normal": "no sender, mail to .eml", "slow_smtp": f"SMTP {SMTP_DELAY:.0f} s/message + sender"}
    for key, r in sorted(((k, r) for k in kinds for r in rush_data[k]), key=lambda item: item[1]["order"]):
        kind = kinds[key]
        db = r["database"]
        ratio = r["signup_p95_over_plain_page_p95"]
        print(f"rush {r['order']} ({kind}): {r['clients']} clients, {r['seats']} seats on PostgreSQL: "
              f"{r['seconds_total']:.1f} s in all ({r['seconds_forms']:.1f} s forms, "
              f"{r['seconds_signups']:.1f} s sign-ups = {r['signups_per_s']:.0f}/s)")
        print(f"  database: {db['confirmed']} confirmed, {db['waitlisted']} wait-listed (seats taken "
              f"{db['meeting_taken']}); responses {r['statuses']}, 5xx: {r['responses_5xx']}"
              f"{', client failures ' + str(r['client_failures']) if r['client_failures'] else ''}"
              f" -> {'OK' if r['ok'] else 'FAILED ' + str([k for k, v in r['checks'].items() if not v])}")
        print(f"  sign-up p95 {r['signup_ms']['p95']:.0f} ms; plain page ({r['plain_page']['path']}) p95 under "
              f"the same load {r['plain_page']['p95_ms']:.0f} ms ({r['plain_page']['requests']} requests): "
              f"ratio {ratio:.2f} (target < {TARGET_RUSH_P95_RATIO:.0f}: "
              f"{'met' if ratio < TARGET_RUSH_P95_RATIO else 'MISSED'})")
        if "smtp" in r:
            print(f"  SMTP: {r['smtp']['messages_started_during_rush']} message(s) started, "
                  f"{r['smtp']['messages_delivered_during_rush']} delivered during the rush")
    ratio = rush_data["slow_smtp_signup_p95_ratio"]
    print(f"sign-up p95 with slow SMTP / without (means of {len(rush_data['normal'])} runs each): "
          f"{rush_data['slow_smtp_signup_p95_ms_mean']:.0f} / {rush_data['normal_signup_p95_ms_mean']:.0f} ms = "
          f"{ratio:.2f} (target ≤ {TARGET_SLOW_SMTP_RATIO}: {'met' if ratio <= TARGET_SLOW_SMTP_RATIO else 'MISSED'})")
    busy = results["machine"]["cpu_busy_before_start"]
    if busy is not None and busy > 0.1:
        print(f"note: other work used {busy:.0%} of the CPUs just before the start: the figures are lower and "
              "noisier than on a quiet machine")


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"Measured {results['date'][:10]} on {m['arch']}, {m['cpus']} CPUs, Python {m['python']} "
        f"(gunicorn {WORKERS} sync workers, wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} "
        f"-d{results['settings']['wrk_duration_s']}s; {results['data']['meetings']} meetings, "
        f"{results['data']['registrations']} registrations):",
        "",
        "| database | page | req/s | p50 ms | p95 ms | p99 ms | × baseline | target ≥ 0.6 |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for backend, label, rps, p50, p95, p99, ratio, target in table_rows(results):
        lines.append(f"| {backend} | {label} | {rps:.0f} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {ratio} | {target} |")
    rush_data = results.get("rush")
    if rush_data:
        lines.append("")
        titles = {"normal": "no sender, mail to .eml", "slow_smtp": f"SMTP at {SMTP_DELAY:.0f} s a message + sender"}
        lines += [
            f"Rush on PostgreSQL: {results['settings']['rush_clients']} clients fetch the form, then all sign up at "
            "once for 100 seats (after one warm-up rush; runs in ABBA order):",
            "",
            "| run | mail | total s | sign-ups s | confirmed | wait-listed | 5xx | sign-up p95 s "
            "| × plain-page p95 (target < 10) |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for key, r in sorted(((k, r) for k in titles for r in rush_data[k]), key=lambda item: item[1]["order"]):
            lines.append(
                f"| {r['order']} | {titles[key]} | {r['seconds_total']:.1f} | {r['seconds_signups']:.1f} | "
                f"{r['database']['confirmed']} | {r['database']['waitlisted']} | {r['responses_5xx']} | "
                f"{r['signup_ms']['p95'] / 1000:.1f} | {r['signup_p95_over_plain_page_p95']:.2f} |"
            )
        lines.append("")
        lines.append(f"Sign-up p95 with slow SMTP / without: {rush_data['slow_smtp_signup_p95_ratio']:.2f} "
                     "(target ≤ 1.2).")
    return "\n".join(lines)


def write_results(results: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    partial = RESULTS.with_suffix(".json.tmp")
    partial.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    partial.replace(RESULTS)


# --- main ------------------------------------------------------------------------------------------------------


def main() -> int:
    if "--markdown" in sys.argv:
        print(markdown(json.loads(RESULTS.read_text())))
        return 0
    if "--table" in sys.argv:
        print_report(json.loads(RESULTS.read_text()))
        return 0
    if not shutil.which("wrk"):
        raise BenchError("wrk not found: `apt-get install -y wrk` (make bench does it when run as root)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 8192)) if hard != resource.RLIM_INFINITY else max(soft, 8192)
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    tmp = Path(tempfile.mkdtemp(prefix="sto-bench-"))
    procs = Processes(tmp)
    pg_name = None
    ok = False
    started = time.monotonic()
    try:
        results = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "settings": {
                "gunicorn": f"--workers {WORKERS} --worker-class sync --backlog 2048 --timeout 120",
                "wrk": f"-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{DURATION}s --latency --timeout 10s",
                "wrk_duration_s": DURATION,
                "warmup_s": WARMUP,
                "rush_clients": RUSH_CLIENTS,
                "rush_plain_page_probes": RUSH_PROBES,
                "app_env": {"STO_ENV": "production", "SIGNUP_RATE_LIMIT": "1000000 per minute",
                            "MAIL_SERVER": "unset (mails to .eml files; no sender during the wrk runs)"},
            },
            "targets": {"public_page_ratio_to_baseline_at_least": TARGET_RATIO,
                        "rush_signup_p95_over_plain_page_p95_below": TARGET_RUSH_P95_RATIO,
                        "slow_smtp_signup_p95_ratio_at_most": TARGET_SLOW_SMTP_RATIO},
            "backends": {},
        }
        sqlite_url = f"sqlite:///{tmp / 'bench.sqlite'}"
        results["backends"]["sqlite"] = bench_backend("sqlite", sqlite_url, tmp, procs)
        pg_name, pg_url = create_postgres_database()
        results["backends"]["postgresql"] = bench_backend("postgresql", pg_url, tmp, procs)
        results["rush"] = results["backends"]["postgresql"].pop("rush")
        results["data"] = results["backends"]["sqlite"]["data"]
        results["seconds"] = round(time.monotonic() - started, 1)
        results["machine"]["loadavg_1min_at_end"] = os.getloadavg()[0]
        pages_met = all(p.get("meets_target", True) for b in results["backends"].values() for p in b["pages"].values())
        results["summary"] = {
            "public_pages_meet_ratio_target": pages_met,
            "no_failed_responses_under_wrk": not any(
                p["non_2xx_3xx"] or any(p["socket_errors"].values())
                for b in results["backends"].values() for p in b["pages"].values()
            ),
            "rush_correct": all(r["ok"] for r in results["rush"]["normal"] + results["rush"]["slow_smtp"]),
            **{k: v for k, v in results["rush"]["targets"].items() if k.endswith("_met")},
        }
        write_results(results)
        print_report(results)
        print(f"\nwritten to {RESULTS.relative_to(ROOT)} ({results['seconds']:.0f} s)")
        ok = True
        # A wrong seat count or a 5xx is a failure of the app; a missed speed target is a figure to report.
        return 0 if results["summary"]["rush_correct"] else 1
    finally:
        sys.stdout.flush()
        procs.stop_all()
        if pg_name:
            try:
                drop_postgres_database(pg_name)
            except Exception as error:  # noqa: BLE001 (still clean up the rest)
                print(f"could not drop PostgreSQL database {pg_name}: {error}", file=sys.stderr)
        if ok and not os.environ.get("BENCH_KEEP_TMP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"logs kept in {tmp}", file=sys.stderr)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        sys.exit(2)
