"""The scoring side of `make mutate`: survivors read from a kept session, reviewed equivalents set apart, and the
entries that no longer fit reported instead of applied. The sessions here are written by hand in Cosmic Ray's
schema, so no mutant is run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.mutation import run

MODULE = "sto_events/demo/rules.py"
EQ_GTE = "ReplaceComparisonOperator_Eq_GtE"
SOURCE = """def due(limit=20):
    return limit >= 5 and limit == 20
"""


def session(path: Path, share: int, items: list[tuple]) -> None:
    """Worker `share`'s copy of a session: every work item, with results for the items that worker ran.
    An item is (worker, worker_outcome, test_outcome, line, operator, diff); worker None means filtered out."""
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE work_items (job_id VARCHAR PRIMARY KEY);
            CREATE TABLE mutation_specs (module_path VARCHAR, operator_name VARCHAR, operator_args JSON,
                occurrence INTEGER, start_pos_row INTEGER, start_pos_col INTEGER, end_pos_row INTEGER,
                end_pos_col INTEGER, definition_name VARCHAR, job_id VARCHAR PRIMARY KEY);
            CREATE TABLE work_results (worker_outcome VARCHAR(9), output TEXT, test_outcome VARCHAR(11), diff TEXT,
                job_id VARCHAR PRIMARY KEY);
        """)
        for number, (worker, outcome, test, line, operator, diff) in enumerate(items):
            job = f"job{number}"
            db.execute("INSERT INTO work_items VALUES (?)", (job,))
            db.execute("INSERT INTO mutation_specs (module_path, operator_name, occurrence, start_pos_row, job_id) "
                       "VALUES (?, ?, ?, ?, ?)", (MODULE, f"core/{operator}", number, line, job))
            if worker is None:
                db.execute("INSERT INTO work_results (worker_outcome, output, job_id) VALUES ('SKIPPED', ?, ?)",
                           ("filtered by operator", job))
            elif worker != share:
                db.execute("INSERT INTO work_results (worker_outcome, output, job_id) VALUES ('SKIPPED', ?, ?)",
                           (run.OTHER_WORKER, job))
            elif outcome is not None:
                db.execute("INSERT INTO work_results VALUES (?, ?, ?, ?, ?)", (outcome, "", test, diff, job))


def diff(old: str, new: str) -> str:
    return f"--- a/x\n+++ b/x\n@@ -2 +2 @@\n-    {old}\n+    {new}\n"


@pytest.fixture
def kept(tmp_path):
    (tmp_path / "tree0" / Path(MODULE).parent).mkdir(parents=True)
    (tmp_path / "tree0" / MODULE).write_text(SOURCE)
    line, head = "return limit >= 5 and limit == 20", "def due(limit=20):"
    items = [
        (0, "NORMAL", "KILLED", 2, "NumberReplacer", diff(line, "return limit >= 6 and limit == 20")),
        (0, "NORMAL", "SURVIVED", 2, EQ_GTE, diff(line, "return limit >= 5 and limit >= 20")),
        (1, "NORMAL", "SURVIVED", 2, "NumberReplacer", diff(line, "return limit >= 4 and limit == 20")),
        (0, "NORMAL", "SURVIVED", 2, "NumberReplacer", diff(line, "return limit >= 5 and limit == 21")),
        (1, "TIMEOUT", None, 1, "NumberReplacer", diff(head, "def due(limit=21):")),
        (1, "NORMAL", "KILLED", 1, "NumberReplacer", diff(head, "def due(limit=19):")),
        (0, None, None, 1, "NumberReplacer", ""),  # never run: an interrupted session
        (None, None, None, 2, "ReplaceAndWithOr", ""),  # filtered out
    ]
    for share in (0, 1):
        session(tmp_path / f"demo_rules.{share}.sqlite", share, items)
    return tmp_path


def entry(**values) -> dict:
    return {"module": MODULE, "operator": "NumberReplacer", "line": 2,
            "code": "return limit >= 5 and limit == 20", "reason": "a reason", **values}


def test_a_kept_session_is_read_from_every_worker_share(kept):
    outcome = run.collect(MODULE, kept)
    assert (outcome.caught, len(outcome.survivors), outcome.total) == (3, 3, 6)
    assert (outcome.not_run, outcome.skipped) == (1, 1)
    assert [s.mutant for s in outcome.survivors] == [  # by line, operator and occurrence
        "return limit >= 4 and limit == 20", "return limit >= 5 and limit == 21", "return limit >= 5 and limit >= 20"]


def test_an_equivalent_is_set_apart_and_only_the_adjusted_score_leaves_it_out(kept):
    outcome = run.collect(MODULE, kept)
    problems = run.apply_equivalents(outcome, [entry(operator=EQ_GTE)],
                                     kept / "tree0" / MODULE)
    assert problems == []
    assert [s.operator for s, _ in outcome.equivalent] == [EQ_GTE]
    assert len(outcome.survivors) == 2
    assert (round(outcome.raw, 1), round(outcome.adjusted, 1)) == (50.0, 60.0)  # 3/6 and 3/(6-1)
    rows = [[cell.strip() for cell in line.split("|")] for line in run.table([outcome]).splitlines()]
    assert rows[1] == [MODULE, "6", "3", "1", "2", "50.0", "60.0", "1"] and rows[2][0] == "all"


def test_several_survivors_on_one_line_need_the_mutant_to_tell_them_apart(kept):
    outcome = run.collect(MODULE, kept)
    [problem] = run.apply_equivalents(outcome, [entry()], kept / "tree0" / MODULE)
    assert problem.startswith("ambiguous:") and outcome.equivalent == []
    problems = run.apply_equivalents(outcome, [entry(mutant="return limit >= 4 and limit == 20")],
                                     kept / "tree0" / MODULE)
    assert problems == [] and [s.mutant for s, _ in outcome.equivalent] == ["return limit >= 4 and limit == 20"]


def test_an_entry_whose_line_moved_or_whose_mutant_is_caught_now_is_reported_not_applied(kept):
    outcome = run.collect(MODULE, kept)
    problems = run.apply_equivalents(outcome, [
        entry(line=1, mutant="def due(limit=21):"),  # line 1 holds other code
        entry(mutant="return limit >= 6 and limit == 20"),  # that mutant was caught
        entry(module="sto_events/other.py"),  # another module's entry is not looked at
    ], kept / "tree0" / MODULE)
    assert [p.split(":")[0] for p in problems] == ["stale", "unused"]
    assert outcome.equivalent == [] and len(outcome.survivors) == 3


def test_an_entry_without_a_reason_is_refused(tmp_path):
    path = tmp_path / "equivalents.toml"
    path.write_text('[[equivalent]]\nmodule = "m.py"\noperator = "AddNot"\nline = 3\ncode = "x"\nreason = " "\n')
    with pytest.raises(ValueError, match="a reason"):
        run.load_equivalents(path)


@pytest.mark.parametrize(("text", "ranges"), [("240-330", [(240, 330)]), ("94", [(94, 94)]),
                                              ("94,150-160", [(94, 94), (150, 160)])])
def test_line_ranges(text, ranges):
    assert run.line_ranges(text) == ranges


def test_the_reviewed_equivalents_file_is_well_formed():
    entries = run.load_equivalents()
    assert all(entry["module"] in run.TARGETS for entry in entries)
    for entry in entries:
        lines = (run.ROOT / entry["module"]).read_text().splitlines()
        assert lines[entry["line"] - 1].strip() == entry["code"].strip(), entry  # not stale


@pytest.mark.parametrize(("only_survivors", "pending"), [(True, 2), (False, 3)])
def test_again_runs_the_survivors_but_not_the_reviewed_equivalents(kept, tmp_path, monkeypatch, only_survivors,
                                                                     pending):
    """`--again` merges the workers' shares and frees the survivors (and, unless --only-survivors, the never-run
    mutants) for `cosmic-ray exec`; a survivor named in equivalents.toml keeps its outcome."""
    root = kept / "tree0"
    monkeypatch.setattr(run, "ROOT", root)
    equivalents = tmp_path / "equivalents.toml"
    equivalents.write_text(f'[[equivalent]]\nmodule = "{MODULE}"\noperator = "{EQ_GTE}"\nline = 2\n'
                           'code = "return limit >= 5 and limit == 20"\nreason = "a reason"\n')
    monkeypatch.setattr(run, "EQUIVALENTS", equivalents)
    session_path = tmp_path / "again.sqlite"
    run.resume(MODULE, kept, session_path, None, only_survivors)
    with sqlite3.connect(session_path) as db:
        free = {job for (job,) in db.execute(
            "SELECT job_id FROM work_items WHERE job_id NOT IN (SELECT job_id FROM work_results)")}
        outcomes = dict(db.execute("SELECT job_id, worker_outcome FROM work_results"))
    assert len(free) == pending
    assert {"job2", "job3"} <= free  # the two survivors of NumberReplacer, from both workers' shares
    assert ("job6" in free) is not only_survivors  # never run
    assert outcomes["job1"] == "NORMAL"  # the equivalent survivor keeps its outcome
    assert (outcomes["job0"], outcomes["job4"], outcomes["job5"]) == ("NORMAL", "TIMEOUT", "NORMAL")  # caught


def test_again_refuses_a_module_that_changed_since(kept, monkeypatch, tmp_path):
    root = tmp_path / "now"
    (root / Path(MODULE).parent).mkdir(parents=True)
    (root / MODULE).write_text(SOURCE.replace("20", "30"))
    monkeypatch.setattr(run, "ROOT", root)
    (kept / "demo_rules.source").write_text(SOURCE)
    with pytest.raises(SystemExit, match="changed since"):
        run.resume(MODULE, kept, tmp_path / "again.sqlite", None, True)


def test_after_again_the_outcomes_kept_in_every_share_count_once(kept, tmp_path, monkeypatch):
    """`--again` gives each worker a copy of the merged session, so both shares hold the kept outcomes; the second
    run's workers add theirs. Each mutant is counted once."""
    before = run.collect(MODULE, kept)
    again = tmp_path / "again"
    again.mkdir()
    for share in (0, 1):
        target = again / f"demo_rules.{share}.sqlite"
        target.write_bytes((kept / "demo_rules.0.sqlite").read_bytes())
        with sqlite3.connect(target) as db, sqlite3.connect(kept / "demo_rules.1.sqlite") as other:
            db.executemany("INSERT OR REPLACE INTO work_results (worker_outcome, output, test_outcome, diff, job_id) "
                           "VALUES (?, ?, ?, ?, ?)", other.execute(
                               "SELECT worker_outcome, output, test_outcome, diff, job_id FROM work_results "
                               "WHERE worker_outcome != 'SKIPPED'").fetchall())
    after = run.collect(MODULE, again)
    assert (after.total, after.caught, len(after.survivors)) == (before.total, before.caught, len(before.survivors))
