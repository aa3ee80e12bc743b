"""Mutation testing of the rules (`make mutate`; not part of `make test`).

Cosmic Ray changes one thing at a time in a module (a comparison, a number, an `and`, an exception handler, ...)
and runs the tests that exercise it; a change the tests let through is a "survivor". Everything happens in a copy
of the work tree under a temporary directory, so an interrupted run can never leave a mutant in the sources, and
the session databases go there too. Prints caught/total per module and every survivor with its diff.

    .venv/bin/python tests/mutation/run.py                 # every target
    .venv/bin/python tests/mutation/run.py outbox          # targets whose path contains "outbox"
    .venv/bin/python tests/mutation/run.py --keep          # keep the temporary directory (its path is printed)
    .venv/bin/python tests/mutation/run.py --jobs 1        # one mutant at a time (default: two)
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

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
        "tests/registrations/test_races.py",
    ],
    "sto_events/meetings/services.py": [
        "tests/meetings/test_service_rules.py",
        "tests/meetings",
    ],
    "sto_events/accounts/services.py": [
        "tests/accounts",
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

#: Seconds one test run may take before the mutant counts as caught (a mutant that makes a loop endless).
TIMEOUT = 600.0

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


def mutate(module: str, tests: list[str], work: Path, jobs: int) -> dict:
    """Run every mutant of `module`, spread over `jobs` workers (each with its own tree and session database)."""
    name = Path(module).parent.name + "_" + Path(module).stem
    config, session = work / f"{name}.toml", work / f"{name}.sqlite"
    config.write_text(config_text(module, tests))
    started = time.monotonic()
    run([str(BIN / "cosmic-ray"), "init", str(config), str(session)], tree(work, 0))
    run([str(BIN / "cr-filter-operators"), str(session), str(config)], tree(work, 0))
    run([str(BIN / "cr-filter-pragma"), str(session)], tree(work, 0))  # lines marked "# pragma: no mutate"
    run([str(BIN / "cosmic-ray"), "baseline", str(config)], tree(work, 0))  # fails when the tests are red already
    with sqlite3.connect(session) as db:
        pending = [job for (job,) in db.execute(
            "SELECT job_id FROM work_items WHERE job_id NOT IN (SELECT job_id FROM work_results) ORDER BY job_id")]
        skipped = db.execute("SELECT count(*) FROM work_results").fetchone()[0]
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
    caught, survivors = 0, []
    for share in shares:
        with sqlite3.connect(share) as db:
            rows = db.execute(
                "SELECT r.worker_outcome, r.test_outcome, r.diff, m.start_pos_row, m.operator_name, m.occurrence "
                "FROM work_results r JOIN mutation_specs m ON m.job_id = r.job_id "
                "WHERE r.worker_outcome != 'SKIPPED'").fetchall()
        for worker_outcome, test_outcome, diff, line, operator, occurrence in rows:
            if worker_outcome == "NORMAL" and test_outcome == "SURVIVED":
                survivors.append((line, operator, occurrence, diff or ""))
            else:
                caught += 1  # killed by a failing test or a timeout, or the mutant could not even be imported
    total = caught + len(survivors)
    return {"module": module, "caught": caught, "total": total, "skipped": skipped,
            "survivors": sorted(survivors), "seconds": round(time.monotonic() - started)}


def describe(module: str, survivor: tuple) -> str:
    line, operator, occurrence, diff = survivor
    return f"  {module}:{line}  {operator} #{occurrence}\n" + "".join(
        f"      {text}\n" for text in diff.splitlines()
        if text.startswith(("+", "-")) and not text.startswith(("+++", "---")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="run only targets whose path contains one of these words")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at the same time (default 2)")
    options = parser.parse_args()
    targets = {m: t for m, t in TARGETS.items() if not options.only or any(w in m for w in options.only)}
    work = Path(tempfile.mkdtemp(prefix="sto-mutate-"))
    results = []
    try:
        for module, tests in targets.items():
            print(f"mutating {module} against {' '.join(tests)} ...", flush=True)
            try:
                outcome = mutate(module, tests, work, options.jobs)
            except subprocess.CalledProcessError as exc:
                print(f"{' '.join(exc.cmd[:2])} failed:\n{exc.stdout}\n{exc.stderr}", file=sys.stderr)
                return 2
            results.append(outcome)
            share = 100 * outcome["caught"] / outcome["total"] if outcome["total"] else 100
            print(f"  {outcome['caught']}/{outcome['total']} caught ({share:.1f} %), "
                  f"{outcome['skipped']} filtered out, {outcome['seconds']} s", flush=True)
            for survivor in outcome["survivors"]:
                print(describe(module, survivor), end="", flush=True)
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    caught = sum(r["caught"] for r in results)
    total = sum(r["total"] for r in results)
    print("\nmodule | caught | total | %")
    for r in results:
        print(f"{r['module']} | {r['caught']} | {r['total']} | {100 * r['caught'] / max(r['total'], 1):.1f}")
    print(f"all | {caught} | {total} | {100 * caught / max(total, 1):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
