"""Mutation testing of the rules (`make mutate`; not part of `make test`).

Cosmic Ray changes one thing at a time in a module (a comparison, a number, an `and`, an exception handler, ...)
and runs the tests that exercise it; a change the tests let through is a "survivor". Everything happens in a copy
of the work tree under a temporary directory, so an interrupted run can never leave a mutant in the sources, and
the session databases go there too. Prints caught/total per module and every survivor with its diff.

    .venv/bin/python tests/mutation/run.py                 # every target
    .venv/bin/python tests/mutation/run.py outbox          # targets whose path contains "outbox"
    .venv/bin/python tests/mutation/run.py --keep          # keep the temporary directory (its path is printed)
    .venv/bin/python tests/mutation/run.py --jobs 1        # one mutant at a time (default: two)
    .venv/bin/python tests/mutation/run.py outbox --lines 240-330,94   # mutate only those lines of the target
    .venv/bin/python tests/mutation/run.py --rescore DIR   # score a kept session again, without running anything
                                                           # (--rescore DIR1 --rescore DIR2: one per module)
    .venv/bin/python tests/mutation/run.py --again DIR     # run its survivors and unrun mutants against today's tests
    .venv/bin/python tests/mutation/run.py --report bench/results/mutation.txt   # also write the table there

A survivor that no test can catch, because the changed program behaves the same, is listed with the reason in
tests/mutation/equivalents.toml (module, operator, line, the line's code, and the mutant when one line has several);
such survivors are printed apart, and each module gets a raw score (caught / total) and an adjusted one
(caught / (total - equivalent)). An entry whose line no longer holds its code is reported as stale, not applied.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EQUIVALENTS = Path(__file__).with_name("equivalents.toml")

#: module -> pytest arguments: the test files that exercise it, fastest and most telling first (pytest stops at the
#: first failure). The fifty-sign-ups-over-HTTP mail test is left out: test_outbox_rules.py pins the same back-off.
TARGETS: dict[str, list[str]] = {
    "sto_events/notifications/outbox.py": [
        "tests/notifications/test_outbox_rules.py",
        "tests/notifications/test_outbox_senders.py",
        "tests/notifications/test_mail.py",
        # The MIME tree, 8BITMIME and the 7-bit fallback that build_message and _transmit now hold.
        "tests/notifications/test_mime.py",
        "-k", "not fifty_sign_ups",
    ],
    "sto_events/registrations/services.py": [
        "tests/registrations/test_service_rules.py",
        "tests/registrations/test_services.py",
        "tests/registrations/test_routes.py",
        "tests/registrations/test_signup_region.py",  # update_region
        "tests/registrations/test_races.py",
    ],
    "sto_events/meetings/services.py": [
        "tests/meetings/test_service_rules.py",
        "tests/meetings",
    ],
    # Logins, tokens and passwords first; then invitations through the memberships; the two-worker login lock last
    # (it starts gunicorn). test_way_in.py (every page's header) exercises no rule of this module.
    "sto_events/accounts/services.py": [
        "tests/accounts/test_service_rules.py",
        "tests/accounts/test_login.py",
        "tests/accounts/test_cli.py",
        "tests/accounts/test_account_added_mail.py",
        "tests/regions/test_coordinators.py",
        "tests/organisations/test_contacts.py",
        "tests/backoffice/test_access.py",
        "tests/accounts/test_limits_workers.py",
    ],
}

#: The replacements that are run: each comparison negated and moved by one (`<` -> `>=`, `<` -> `<=`) plus `==` ->
#: `>=` (an owner check that lets more through), the four arithmetic swaps, `**` -> `*`, `not` added or removed,
#: True/False, and/or, break/continue, numbers +-1, a loop that runs zero times, an exception handler that no longer
#: catches, a decorator removed. Left out: every operator swapped for every other one (bitwise and shift ones, `%`,
#: `//`; `<` -> `==`, ...) and the shuffling of variable names, which mostly yield code that cannot run.
KEPT_OPERATORS = [
    r"ReplaceComparisonOperator_(Eq_NotEq|NotEq_Eq|Eq_GtE|Lt_GtE|GtE_Lt|Gt_LtE|LtE_Gt|Lt_LtE|LtE_Lt|Gt_GtE|GtE_Gt"
    r"|Is_IsNot|IsNot_Is)",
    r"ReplaceBinaryOperator_(Add_Sub|Sub_Add|Mul_Div|Div_Mul|Pow_Mul)",
    r"ReplaceUnaryOperator_(Delete_Not|USub_UAdd)",
    r"AddNot|ReplaceTrueWithFalse|ReplaceFalseWithTrue|ReplaceAndWithOr|ReplaceOrWithAnd",
    r"ReplaceBreakWithContinue|ReplaceContinueWithBreak|NumberReplacer|ZeroIterationForLoop|ExceptionReplacer",
    r"RemoveDecorator",
]
#: Cosmic Ray's filter skips the operators matching any of its patterns: one pattern for "not one of the kept".
EXCLUDED_OPERATORS = [r"(?!core/(" + "|".join(KEPT_OPERATORS) + r")$)"]

#: Seconds one test run may take before the mutant counts as caught (a mutant that makes a loop endless): at least
#: three times a target's unmutated run (printed, with a warning when it is not), so that a slow survivor is never
#: taken for one.
TIMEOUT = 300.0

IGNORED = shutil.ignore_patterns(".git", ".venv", "node_modules", "instance", "__pycache__", ".pytest_cache",
                                 "*.sqlite", "*.eml", ".ruff_cache")


def config_text(module: str, tests: list[str]) -> str:
    # Plugins these tests do not use are left out: a test run starts once per mutant.
    command = [str(BIN / "python"), "-m", "pytest", "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
               "-p", "no:playwright", "-p", "no:base_url", "-p", "no:hypothesispytest", *tests]
    operators = ", ".join(json.dumps(pattern) for pattern in EXCLUDED_OPERATORS)
    return (
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(module)}\n"
        f"timeout = {TIMEOUT}\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(shlex.join(command))}\n"
        "\n[cosmic-ray.distributor]\n"
        'name = "local"\n'
        "\n[cosmic-ray.filters.operators-filter]\n"
        f"exclude-operators = [{operators}]\n"
    )


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, check=True, text=True, capture_output=True)


def tree(work: Path, number: int) -> Path:
    """A copy of the work tree for one worker: a mutant is written into the module on disk while it is tested."""
    path = work / f"tree{number}"
    if not path.exists():
        shutil.copytree(ROOT, path, ignore=IGNORED)
    return path


OTHER_WORKER = "left to another worker"
OUTSIDE_LINES = "outside --lines"
#: A never-run mutant that --again --lines left out: still counted as not run.
LEFT_FOR_LATER = "left for a later run"


def session_name(module: str) -> str:
    return Path(module).parent.name + "_" + Path(module).stem


def mutate(module: str, tests: list[str], work: Path, jobs: int, lines: list[tuple[int, int]] | None,
           again: Path | None = None, only_survivors: bool = False) -> float:
    """Run every mutant of `module`, spread over `jobs` workers (each with its own tree and session database);
    returns the seconds it took. The outcomes stay in the session databases under `work` (see `collect`).

    With `again` (a directory kept by an earlier run of the same module source), only the mutants that survived
    there or were never run are run, against the tests as they are now; the others keep their outcome."""
    name = session_name(module)
    config, session = work / f"{name}.toml", work / f"{name}.sqlite"
    config.write_text(config_text(module, tests))
    started = time.monotonic()
    (work / f"{name}.source").write_bytes((ROOT / module).read_bytes())  # what the session mutates
    if again:
        resume(module, again, session, lines, only_survivors)
    else:
        run([str(BIN / "cosmic-ray"), "init", str(config), str(session)], tree(work, 0))
        run([str(BIN / "cr-filter-operators"), str(session), str(config)], tree(work, 0))
        run([str(BIN / "cr-filter-pragma"), str(session)], tree(work, 0))  # lines marked "# pragma: no mutate"
        if lines:
            with sqlite3.connect(session) as db:
                outside = [job for job, row in db.execute("SELECT job_id, start_pos_row FROM mutation_specs "
                                                          "WHERE job_id NOT IN (SELECT job_id FROM work_results)")
                           if not any(first <= row <= last for first, last in lines)]
                db.executemany("INSERT INTO work_results (worker_outcome, output, job_id) VALUES ('SKIPPED', ?, ?)",
                               [(OUTSIDE_LINES, job) for job in outside])
    baseline_started = time.monotonic()
    run([str(BIN / "cosmic-ray"), "baseline", str(config)], tree(work, 0))  # fails when the tests are red already
    baseline = time.monotonic() - baseline_started
    print(f"  the unmutated tests take {baseline:.0f} s (a mutant is stopped, and counted caught, after "
          f"{TIMEOUT:.0f} s)", flush=True)
    if baseline * 3 > TIMEOUT:
        print(f"  warning: a slow survivor could be cut off by the {TIMEOUT:.0f} s limit and counted as caught",
              flush=True)
    with sqlite3.connect(session) as db:
        pending = [job for (job,) in db.execute(
            "SELECT job_id FROM work_items WHERE job_id NOT IN (SELECT job_id FROM work_results) ORDER BY job_id")]
    shares = []
    for number in range(jobs):
        share = work / f"{name}.{number}.sqlite"
        shutil.copy(session, share)
        with sqlite3.connect(share) as db:
            db.executemany("INSERT INTO work_results (worker_outcome, output, job_id) VALUES ('SKIPPED', ?, ?)",
                           [(OTHER_WORKER, job) for i, job in enumerate(pending) if i % jobs != number])
        shares.append(share)
    workers = [subprocess.Popen([str(BIN / "cosmic-ray"), "exec", str(config), str(share)], cwd=tree(work, number),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
               for number, share in enumerate(shares)]
    for worker in workers:
        if worker.wait() != 0:
            raise subprocess.CalledProcessError(worker.returncode, worker.args, "", worker.stderr.read())
    return time.monotonic() - started


def resume(module: str, kept: Path, session: Path, lines: list[tuple[int, int]] | None,
           only_survivors: bool = False) -> None:
    """A session for `--again`: the kept outcomes of every worker merged into one database, with the survivors'
    and the never-run mutants' outcomes removed, so that `cosmic-ray exec` runs exactly those (within `lines`)."""
    name = session_name(module)
    shares = sorted(kept.glob(f"{name}.[0-9]*.sqlite"))
    if not shares:
        raise SystemExit(f"no session of {module} in {kept}")
    if source_of(module, kept).read_bytes() != (ROOT / module).read_bytes():
        raise SystemExit(f"{module} changed since the session in {kept} was made: run it afresh")
    shutil.copy(shares[0], session)
    with sqlite3.connect(session) as db:
        for share in shares[1:]:
            with sqlite3.connect(share) as other:
                rows = other.execute("SELECT worker_outcome, output, test_outcome, diff, job_id FROM work_results "
                                     "WHERE worker_outcome != 'SKIPPED'").fetchall()
            db.executemany("INSERT OR REPLACE INTO work_results (worker_outcome, output, test_outcome, diff, job_id) "
                           "VALUES (?, ?, ?, ?, ?)", rows)
        db.execute("DELETE FROM work_results WHERE worker_outcome = 'SKIPPED' AND output IN (?, ?)",
                   (OTHER_WORKER, LEFT_FOR_LATER))
        inside = {job for job, row in db.execute("SELECT job_id, start_pos_row FROM mutation_specs")
                  if not lines or any(first <= row <= last for first, last in lines)}
        never_run = {job for (job,) in db.execute(
            "SELECT job_id FROM work_items WHERE job_id NOT IN (SELECT job_id FROM work_results)")}
        # Survivors run again, except those a reviewed entry names as equivalent: they keep their outcome.
        kept_outcome = collect(module, kept)
        apply_equivalents(kept_outcome, load_equivalents(), source_of(module, kept))
        again = {s.job for s in kept_outcome.survivors} & inside
        db.executemany("DELETE FROM work_results WHERE job_id = ?", [(job,) for job in again])
        if not only_survivors:
            again |= never_run & inside
        db.executemany("INSERT INTO work_results (worker_outcome, output, job_id) VALUES ('SKIPPED', ?, ?)",
                       [(LEFT_FOR_LATER, job) for job in never_run - again])


@dataclass(frozen=True)
class Survivor:
    line: int
    operator: str
    occurrence: int
    diff: str
    job: str = field(default="", compare=False)

    @property
    def mutant(self) -> str:
        """The changed line as the mutant has it (stripped)."""
        added = [text[1:].strip() for text in self.diff.splitlines()
                 if text.startswith("+") and not text.startswith("+++")]
        return added[0] if added else ""


@dataclass
class Outcome:
    module: str
    caught: int = 0
    skipped: int = 0
    not_run: int = 0
    survivors: list[Survivor] = field(default_factory=list)
    equivalent: list[tuple[Survivor, str]] = field(default_factory=list)
    seconds: float | None = None

    @property
    def total(self) -> int:
        return self.caught + len(self.survivors) + len(self.equivalent)

    @property
    def raw(self) -> float:
        return 100 * self.caught / self.total if self.total else 100.0

    @property
    def adjusted(self) -> float:
        counted = self.total - len(self.equivalent)
        return 100 * self.caught / counted if counted else 100.0


def collect(module: str, work: Path) -> Outcome:
    """The outcome of every mutant of `module` from the session databases under `work` (one per worker)."""
    name = session_name(module)
    outcome = Outcome(module)
    shares = sorted(work.glob(f"{name}.[0-9]*.sqlite"))
    if not shares:
        raise FileNotFoundError(f"no session of {module} in {work}")
    results, jobs = {}, set()
    for share in shares:
        with sqlite3.connect(share) as db:
            rows = db.execute(
                "SELECT r.job_id, r.worker_outcome, r.test_outcome, r.diff, r.output, m.start_pos_row, "
                "m.operator_name, m.occurrence "
                "FROM work_results r JOIN mutation_specs m ON m.job_id = r.job_id").fetchall()
            jobs.update(job for (job,) in db.execute("SELECT job_id FROM work_items"))
        for job, worker_outcome, test_outcome, diff, output, line, operator, occurrence in rows:
            if worker_outcome == "SKIPPED":
                if output not in (OTHER_WORKER, LEFT_FOR_LATER) and share == shares[0]:
                    outcome.skipped += 1  # filtered out (operator, pragma, --lines): the same in every share
                continue
            # After --again every share holds the outcomes kept from before: each mutant counts once.
            results.setdefault(job, (worker_outcome, test_outcome, diff, line, operator, occurrence))
    for job, (worker_outcome, test_outcome, diff, line, operator, occurrence) in results.items():
        if worker_outcome == "NORMAL" and test_outcome == "SURVIVED":
            outcome.survivors.append(Survivor(line, operator.removeprefix("core/"), occurrence, diff or "", job))
        else:
            outcome.caught += 1  # killed by a failing test or a timeout, or the mutant could not even be imported
    outcome.not_run = len(jobs) - outcome.skipped - len(results)  # an interrupted run
    outcome.survivors.sort(key=lambda s: (s.line, s.operator, s.occurrence))
    return outcome


def load_equivalents(path: Path | None = None) -> list[dict]:
    path = path or EQUIVALENTS
    if not path.exists():
        return []
    entries = tomllib.loads(path.read_text()).get("equivalent", [])
    for entry in entries:
        missing = {"module", "operator", "line", "code", "reason"} - entry.keys()
        if missing or not entry["reason"].strip():
            raise ValueError(f"{path.name}: entry {entry} lacks {', '.join(sorted(missing)) or 'a reason'}")
    return entries


def apply_equivalents(outcome: Outcome, entries: list[dict], source: Path) -> list[str]:
    """Move the survivors that a reviewed entry names from `survivors` to `equivalent`; returns the problems: stale
    entries (the line no longer holds the code), entries that match no survivor (the mutant is caught now, or was
    not run), and entries that match more than one (add `mutant` or `occurrence`)."""
    problems = []
    lines = source.read_text().splitlines()
    for entry in (e for e in entries if e["module"] == outcome.module):
        where = f"{entry['module']}:{entry['line']} {entry['operator']}"
        line = lines[entry["line"] - 1].strip() if 0 < entry["line"] <= len(lines) else None
        if line != entry["code"].strip():
            problems.append(f"stale: {where}: the line is now {line!r}, not {entry['code']!r}")
            continue
        matches = [s for s in outcome.survivors
                   if s.line == entry["line"] and s.operator == entry["operator"].removeprefix("core/")
                   and ("mutant" not in entry or s.mutant == entry["mutant"].strip())
                   and ("occurrence" not in entry or s.occurrence == entry["occurrence"])]
        if len(matches) > 1:
            problems.append(f"ambiguous: {where} matches {len(matches)} survivors (add `mutant` or `occurrence`)")
        elif not matches:
            problems.append(f"unused: {where} ({entry.get('mutant', '')}) is not among the survivors")
        else:
            outcome.survivors.remove(matches[0])
            outcome.equivalent.append((matches[0], entry["reason"].strip()))
    return problems


def source_of(module: str, work: Path) -> Path:
    """The module as the session in `work` mutated it (its tree holds a mutant while a worker runs); sessions made
    before the snapshot was kept are taken to be of the module as it is now."""
    snapshot = work / f"{session_name(module)}.source"
    return snapshot if snapshot.exists() else ROOT / module


def describe(module: str, survivor: Survivor) -> str:
    return f"  {module}:{survivor.line}  {survivor.operator} #{survivor.occurrence}\n" + "".join(
        f"      {text}\n" for text in survivor.diff.splitlines()
        if text.startswith(("+", "-")) and not text.startswith(("+++", "---")))


def table(results: list[Outcome]) -> str:
    rows = [("module", "total", "caught", "equivalent", "survived", "raw %", "adjusted %", "not run")]
    total = Outcome("all", caught=sum(r.caught for r in results), not_run=sum(r.not_run for r in results),
                    survivors=[s for r in results for s in r.survivors],
                    equivalent=[e for r in results for e in r.equivalent])
    for r in [*results, total]:
        rows.append((r.module, str(r.total), str(r.caught), str(len(r.equivalent)), str(len(r.survivors)),
                     f"{r.raw:.1f}", f"{r.adjusted:.1f}", str(r.not_run)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(" | ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                                enumerate(zip(row, widths, strict=True))) for row in rows) + "\n"


def named(outcome: Outcome) -> str:
    """Every survivor and every equivalent of a module, one a line, for the written report."""
    lines = [f"\n{outcome.module}: {len(outcome.survivors)} survived, {len(outcome.equivalent)} equivalent\n"]
    lines += [f"  survived   {s.line:>4} {s.operator}: {s.mutant}\n" for s in outcome.survivors]
    lines += [f"  equivalent {s.line:>4} {s.operator}: {s.mutant}\n" for s, _ in outcome.equivalent]
    return "".join(lines)


def report(outcome: Outcome, problems: list[str]) -> None:
    extra = f", {outcome.not_run} not run" if outcome.not_run else ""
    seconds = f", {round(outcome.seconds)} s" if outcome.seconds is not None else ""
    print(f"  {outcome.caught}/{outcome.total} caught ({outcome.raw:.1f} %), {len(outcome.equivalent)} equivalent "
          f"({outcome.adjusted:.1f} % of the rest), {outcome.skipped} filtered out{extra}{seconds}", flush=True)
    if outcome.survivors:
        print(f"  survived ({len(outcome.survivors)}):")
        for survivor in outcome.survivors:
            print(describe(outcome.module, survivor), end="")
    if outcome.equivalent:
        print(f"  equivalent ({len(outcome.equivalent)}), from {EQUIVALENTS.name}:")
        for survivor, reason in outcome.equivalent:
            print(f"  {outcome.module}:{survivor.line}  {survivor.operator} #{survivor.occurrence}: {survivor.mutant}")
            print(f"      because {' '.join(reason.split())}")
    for problem in problems:
        print(f"  {EQUIVALENTS.name}: {problem}")
    sys.stdout.flush()


def line_ranges(text: str) -> list[tuple[int, int]]:
    """`A-B`, a single line `A`, or several of them separated by commas: `94,150-160,216`."""
    ranges = []
    for piece in text.split(","):
        first, _, last = piece.strip().partition("-")
        try:
            bounds = int(first), int(last or first)
        except ValueError:
            raise argparse.ArgumentTypeError("expected A-B, such as 240-330, or several: 94,150-160") from None
        if bounds[0] < 1 or bounds[1] < bounds[0]:
            raise argparse.ArgumentTypeError("expected 1 <= A <= B")
        ranges.append(bounds)
    return ranges


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="run only targets whose path contains one of these words")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at the same time (default 2)")
    parser.add_argument("--lines", type=line_ranges, metavar="A-B",
                        help="mutate only lines A to B of each target (or several ranges: 94,150-160)")
    parser.add_argument("--rescore", type=Path, metavar="DIR", action="append",
                        help="score the sessions kept in DIR (by --keep) again, with the current equivalents; "
                             "may be given once per module")
    parser.add_argument("--again", type=Path, metavar="DIR",
                        help="run only the survivors and the never-run mutants of the session kept in DIR, against "
                             "the tests as they are now (the module must be unchanged); keep the rest's outcomes")
    parser.add_argument("--only-survivors", action="store_true",
                        help="with --again: run the survivors only, and leave the never-run mutants for later")
    parser.add_argument("--report", type=Path, metavar="FILE", help="also write the table of scores to FILE")
    options = parser.parse_args()
    if options.jobs < 1:
        parser.error("--jobs must be at least 1")
    targets = {m: t for m, t in TARGETS.items() if not options.only or any(w in m for w in options.only)}
    entries = load_equivalents()
    results = []
    if options.rescore:
        for module in targets:
            # The last directory given that holds a session of the module (one directory per module, or a later
            # --again session over an earlier one).
            kept = [d for d in options.rescore if list(d.glob(f"{session_name(module)}.[0-9]*.sqlite"))]
            if not kept:
                continue
            outcome = collect(module, kept[-1])
            print(f"rescoring {module} from {kept[-1]} ...")
            problems = apply_equivalents(outcome, entries, source_of(module, kept[-1]))
            report(outcome, problems)
            results.append(outcome)
        if not results:
            print(f"no kept session in {' '.join(map(str, options.rescore))}", file=sys.stderr)
            return 2
    else:
        work = Path(tempfile.mkdtemp(prefix="sto-mutate-"))
        if options.keep:
            print(f"keeping {work}", flush=True)
        try:
            for module, tests in targets.items():
                print(f"mutating {module} against {' '.join(tests)} ...", flush=True)
                try:
                    seconds = mutate(module, tests, work, options.jobs, options.lines, options.again,
                                     options.only_survivors)
                except subprocess.CalledProcessError as exc:
                    print(f"{' '.join(exc.cmd[:2])} failed:\n{exc.stdout}\n{exc.stderr}", file=sys.stderr)
                    return 2
                outcome = collect(module, work)
                outcome.seconds = seconds
                problems = apply_equivalents(outcome, entries, source_of(module, work))
                report(outcome, problems)
                results.append(outcome)
        finally:
            if options.keep:
                print(f"kept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
    scores = table(results)
    print("\n" + scores, end="")
    if options.report:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        args = " ".join(Path(a).name if Path(a).is_absolute() else a for a in sys.argv[1:])  # no machine paths
        header = f"# tests/mutation/run.py {args} ({stamp}); see tests/mutation/equivalents.toml\n"
        options.report.write_text(header + scores + "".join(named(outcome) for outcome in results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
