"""Tests for calcminer.nlp.io.db: rows from a real SQLite file, record errors, database errors."""

from __future__ import annotations

import datetime
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from suite_helpers import reports_only

import calcminer.nlp.io.db as db
from calcminer.nlp.errors import CalcminerError, InputError
from calcminer.nlp.io.db import read_database
from calcminer.nlp.schema import RecordError, Report

SECRET = "SECRET-REPORT-TEXT"
BENIGN_TEXT = "LIVER: A 5 mm calcified granuloma in segment VI."
COLUMNS = ("report_id", "patient_id", "exam_date", "modality", "text")
ROWS: list[tuple[Any, ...]] = [
    (7, "p1", "2024-01-05", "CT", BENIGN_TEXT),
    (3, "p1", "2024-07-01", "US", "LIVER: Normal. No calcification."),
    (12, "p2", "2024-03-10", "MR", f"LIVER: {SECRET} normal liver."),
]
ALL_ROWS = "SELECT * FROM reports ORDER BY rowid"


def _create_db(path: Path, rows: Iterable[Sequence[Any]], table: str = "reports") -> Path:
    """Write ``rows`` (in COLUMNS order) to a table of a SQLite file; return the file."""
    with sqlite3.connect(path) as connection:
        connection.execute(
            f"CREATE TABLE {table} (report_id INTEGER, patient_id TEXT, exam_date DATE, "
            "modality TEXT, text TEXT)"
        )
        connection.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?)", rows)
        connection.execute("CREATE TABLE patients (patient_id TEXT, site TEXT)")
        connection.executemany(
            "INSERT INTO patients VALUES (?, ?)", [("p1", "north"), ("p2", "south")]
        )
    connection.close()
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A SQLite file holding ROWS in table ``reports`` and two rows in ``patients``."""
    return _create_db(tmp_path / "exams.db", ROWS)


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


class EngineSpy:
    """Wraps ``create_engine`` in the db module to see the DBAPI connections it opens.

    Each SQLite connection gets a ``tick(value)`` SQL function that counts how many row
    values the database has computed, i.e. how far it has stepped through the result.
    """

    def __init__(self) -> None:
        self.connections: list[sqlite3.Connection] = []
        self.ticks = 0

    def create_engine(self, *args: Any, **kwargs: Any) -> sqlalchemy.Engine:
        engine = sqlalchemy.create_engine(*args, **kwargs)
        sqlalchemy.event.listen(engine, "connect", self._on_connect)
        return engine

    def _on_connect(self, connection: sqlite3.Connection, _record: Any) -> None:
        self.connections.append(connection)
        connection.create_function("tick", 1, self._tick)

    def _tick(self, value: Any) -> Any:
        self.ticks += 1
        return value

    def all_closed(self) -> bool:
        """Whether every DBAPI connection opened so far has been closed."""
        closed = []
        for connection in self.connections:
            try:
                connection.total_changes  # noqa: B018 - raises once the connection is closed
            except sqlite3.ProgrammingError:
                closed.append(True)
            else:
                closed.append(False)
        return all(closed)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> EngineSpy:
    engine_spy = EngineSpy()
    monkeypatch.setattr(db, "create_engine", engine_spy.create_engine)
    return engine_spy


# --- rows -> reports ---------------------------------------------------------------------------


def test_db_reads_all_rows_in_order_with_meta(db_path):
    reports = reports_only(list(read_database(_url(db_path), ALL_ROWS)))
    assert [r.report_id for r in reports] == ["7", "3", "12"]
    assert [r.text for r in reports] == [row[4] for row in ROWS]
    assert [r.line for r in reports] == [1, 2, 3]
    assert {r.source for r in reports} == {_url(db_path)}
    assert [list(r.meta) for r in reports] == [["patient_id", "exam_date", "modality"]] * 3
    assert reports[0].meta == {"patient_id": "p1", "exam_date": "2024-01-05", "modality": "CT"}


def test_db_integer_ids_become_strings_other_values_stay_as_given(tmp_path):
    path = tmp_path / "typed.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (report_id INTEGER, n INTEGER, x REAL, text TEXT)")
        connection.execute("INSERT INTO t VALUES (42, 5, 1.5, 'LIVER: normal.')")
    connection.close()
    (report,) = reports_only(list(read_database(_url(path), "SELECT * FROM t")))
    assert report.report_id == "42"
    assert report.meta == {"n": 5, "x": 1.5}
    assert type(report.meta["n"]) is int


def test_db_keeps_date_objects_the_driver_gives(db_path):
    # detect_types=1 (PARSE_DECLTYPES): sqlite3 returns DATE columns as datetime.date.
    url = f"{_url(db_path)}?detect_types=1"
    reports = reports_only(list(read_database(url, ALL_ROWS)))
    assert reports[0].meta["exam_date"] == datetime.date(2024, 1, 5)


def test_db_query_with_where_and_join(db_path):
    query = (
        "SELECT r.report_id, r.text, p.site, r.exam_date FROM reports AS r "
        "JOIN patients AS p ON p.patient_id = r.patient_id "
        "WHERE p.site = 'north' ORDER BY r.exam_date DESC"
    )
    reports = reports_only(list(read_database(_url(db_path), query)))
    assert [r.report_id for r in reports] == ["3", "7"]
    assert [dict(r.meta) for r in reports] == [
        {"site": "north", "exam_date": "2024-07-01"},
        {"site": "north", "exam_date": "2024-01-05"},
    ]


def test_db_custom_id_and_text_columns(db_path):
    query = "SELECT modality AS exam, text AS body, report_id FROM reports ORDER BY rowid"
    reports = reports_only(
        list(read_database(_url(db_path), query, id_col="exam", text_col="body"))
    )
    assert [r.report_id for r in reports] == ["CT", "US", "MR"]
    assert reports[0].meta == {"report_id": 7}


def test_db_empty_result_yields_nothing(db_path):
    assert list(read_database(_url(db_path), "SELECT * FROM reports WHERE 0")) == []


# --- record errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad_row", "code", "report_id"),
    [
        ((8, "p3", "2024-02-02", "CT", None), "E112", "8"),
        ((8, "p3", "2024-02-02", "CT", "   "), "E114", "8"),
        ((None, "p3", "2024-02-02", "CT", "LIVER: normal."), "E115", None),
        ((8.5, "p3", "2024-02-02", "CT", "LIVER: normal."), "E116", None),
        ((8, "p3", "2024-02-02", "CT", b"\xff\xfe bad"), "E137", "8"),
    ],
)
def test_db_bad_row_is_record_error_and_reading_goes_on(tmp_path, bad_row, code, report_id):
    path = _create_db(tmp_path / "bad.db", [ROWS[0], bad_row, ROWS[1]])
    items = list(read_database(_url(path), ALL_ROWS))
    assert [type(item) for item in items] == [Report, RecordError, Report]
    error = items[1]
    assert isinstance(error, RecordError)
    assert (error.code, error.line, error.report_id) == (code, 2, report_id)
    assert error.reason.startswith(code)
    assert error.source == _url(path)
    assert [item.line for item in items] == [1, 2, 3]


def test_db_non_text_value_in_text_column(db_path):
    items = list(read_database(_url(db_path), "SELECT report_id, 123 AS text FROM reports"))
    assert [(item.code, item.report_id) for item in items] == [  # type: ignore[union-attr]
        ("E113", "7"),
        ("E113", "3"),
        ("E113", "12"),
    ]


def test_db_text_stored_as_utf8_bytes_is_decoded(tmp_path):
    path = _create_db(tmp_path / "blob.db", [(1, "p1", "2024-01-01", "CT", "Lésion.".encode())])
    (report,) = reports_only(list(read_database(_url(path), ALL_ROWS)))
    assert report.text == "Lésion."


def test_db_undecodable_bytes_with_bad_id_reports_the_id_problem(tmp_path):
    path = _create_db(tmp_path / "blob.db", [(None, "p1", "2024-01-01", "CT", b"\xff")])
    (error,) = list(read_database(_url(path), ALL_ROWS))
    assert isinstance(error, RecordError)
    assert error.code == "E115"


# --- whole-query errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "role", "column"),
    [
        ("SELECT report_id, patient_id, modality FROM reports", "text", "text"),
        ("SELECT patient_id, modality, text FROM reports", "id", "report_id"),
    ],
)
def test_db_missing_column_lists_columns_present(db_path, query, role, column):
    items = read_database(_url(db_path), query)
    with pytest.raises(InputError) as info:
        next(items)
    assert info.value.code == "E135"
    message = str(info.value)
    assert f"no {role} column {column!r}" in message
    present = [name.strip() for name in query[len("SELECT ") : query.index(" FROM")].split(",")]
    assert f"Columns present: {', '.join(repr(name) for name in present)}" in message


def test_db_missing_id_and_text_columns_are_named_together(db_path):
    items = read_database(_url(db_path), "SELECT patient_id, modality FROM reports")
    with pytest.raises(InputError) as info:
        next(items)
    assert info.value.code == "E185"
    message = str(info.value)
    assert "neither the id column 'report_id' nor the text column 'text'" in message
    assert "Columns present: 'patient_id', 'modality'" in message


def test_db_duplicate_columns_fail(db_path):
    query = "SELECT report_id, text, modality AS text FROM reports"
    with pytest.raises(InputError) as info:
        list(read_database(_url(db_path), query))
    assert info.value.code == "E136"
    assert "'text'" in str(info.value)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM no_such_table",
        "SELECT * FROM reports WHERE text = :missing_parameter",
        # A runtime error raised while SQLite steps through the rows.
        "SELECT report_id, text, json_extract(text, '$.a') AS j FROM reports",
    ],
)
def test_db_bad_sql_fails_with_code_and_no_row_text(db_path, query):
    items = read_database(_url(db_path), query)
    with pytest.raises(InputError) as info:
        list(items)
    assert info.value.code == "E133"
    message = str(info.value)
    assert _url(db_path) in message
    assert "OperationalError" in message or "InvalidRequestError" in message
    for row in ROWS:
        assert row[4] not in message
    assert SECRET not in message
    assert "LIVER" not in message


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM reports",
        "DROP TABLE reports",
        "CREATE TABLE copy AS SELECT * FROM reports",
        "PRAGMA journal_mode=WAL",
        "VACUUM",
        "ATTACH DATABASE 'other.db' AS other",
        "SELECT * FROM reports; DROP TABLE reports",
        "SELECT * INTO copy FROM reports",
        "WITH r AS (SELECT 1) DELETE FROM reports",
        "SELEC * FROM reports",
        "",
    ],
)
def test_db_only_one_read_only_statement_runs(db_path, query):
    before = db_path.read_bytes()
    with pytest.raises(InputError) as info:
        list(read_database(_url(db_path), query))
    assert info.value.code == "E139"
    assert db_path.read_bytes() == before
    assert len(list(read_database(_url(db_path), ALL_ROWS))) == len(ROWS)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT report_id, text FROM reports;",
        "-- the latest\nWITH r AS (SELECT * FROM reports) SELECT report_id, text FROM r",
        "SELECT report_id, text FROM reports WHERE text NOT LIKE '%drop table%'",
    ],
)
def test_db_read_only_statements_run(db_path, query):
    assert len(list(read_database(_url(db_path), query))) == len(ROWS)


def test_db_password_is_hidden_when_driver_is_missing_or_connection_fails():
    url = "postgresql://user:secret@localhost:1/db"
    with pytest.raises(InputError) as info:
        list(read_database(url, "SELECT report_id, text FROM reports"))
    assert info.value.code in {"E131", "E132"}
    message = str(info.value)
    assert "secret" not in message
    assert "postgresql://user:***@localhost:1/db" in message


@pytest.mark.parametrize(
    "url",
    ["not a url", "postgresql://user:secret@localhost:notaport/db", "sqlite://user:secret@/x.db"],
)
def test_db_invalid_url_fails_at_call_time_without_password(url):
    with pytest.raises(InputError) as info:
        read_database(url, "SELECT 1")
    assert info.value.code == "E130"
    assert "secret" not in str(info.value)


def test_db_unknown_dialect_fails_at_call_time_without_password():
    with pytest.raises(InputError) as info:
        read_database("nosuchdb://user:secret@host/db", "SELECT 1")
    assert info.value.code == "E131"
    assert "secret" not in str(info.value)
    assert "nosuchdb://user:***@host/db" in str(info.value)


def test_db_missing_sqlite_file_is_an_error_and_never_created(tmp_path):
    path = tmp_path / "exams.db"
    with pytest.raises(InputError) as info:
        list(read_database(_url(path), ALL_ROWS))
    assert info.value.code == "E140"
    assert _url(path) in str(info.value)
    assert not path.exists()


def test_db_sqlite_is_opened_read_only(db_path, monkeypatch):
    """Even a statement that slips past the check cannot write: the file is opened mode=ro."""
    monkeypatch.setattr(db, "check_read_only_query", lambda query, shown="": None)
    before = db_path.read_bytes()
    with pytest.raises(InputError) as info:
        list(read_database(_url(db_path), "DELETE FROM reports RETURNING report_id, text"))
    assert info.value.code == "E133"
    assert db_path.read_bytes() == before


def test_db_batch_rows_must_be_positive(db_path):
    with pytest.raises(CalcminerError) as info:
        read_database(_url(db_path), ALL_ROWS, batch_rows=0)
    assert info.value.code == "E138"


# --- streaming and clean-up ----------------------------------------------------------------------


def test_db_large_table_streams_in_batches_and_closes_on_early_stop(tmp_path, spy):
    rows_total = 5000
    batch_rows = 100
    rows = [(i, f"p{i % 50}", "2024-01-01", "CT", f"LIVER: report {i}.") for i in range(rows_total)]
    path = _create_db(tmp_path / "large.db", rows)
    query = "SELECT report_id, tick(text) AS text FROM reports ORDER BY rowid"
    items = read_database(_url(path), query, batch_rows=batch_rows)
    taken = [next(items) for _ in range(10)]
    assert [item.report_id for item in taken] == [str(i) for i in range(10)]
    # Only the first batch has been read from the database, not the whole table.
    assert batch_rows <= spy.ticks <= 2 * batch_rows
    assert len(spy.connections) == 1
    assert not spy.all_closed()
    items.close()  # type: ignore[attr-defined]
    assert spy.all_closed()


def test_db_reading_to_the_end_closes_the_connection(db_path, spy):
    assert len(list(read_database(_url(db_path), ALL_ROWS))) == len(ROWS)
    assert len(spy.connections) == 1
    assert spy.all_closed()


@pytest.mark.parametrize("query", ["SELECT * FROM no_such_table", "SELECT report_id FROM reports"])
def test_db_query_error_closes_the_connection(db_path, spy, query):
    with pytest.raises(InputError):
        list(read_database(_url(db_path), query))
    assert len(spy.connections) == 1
    assert spy.all_closed()


# --- driver messages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "query", "expected"),
    [
        (
            'near "SELEC": syntax error',
            "SELEC * FROM t",
            'OperationalError: near "SELEC": syntax error',
        ),
        (
            'relation "reports" does not exist\nLINE 1: SELECT * FROM Reports',
            "SELECT * FROM Reports",
            'OperationalError: relation "reports" does not exist',
        ),
        (
            f'invalid input syntax for type integer: "{SECRET}"',
            "SELECT CAST(text AS integer) FROM reports",
            "OperationalError: invalid input syntax for type integer: ***",
        ),
        (
            "password authentication failed: hunter2",
            None,
            "OperationalError: password authentication failed: ***",
        ),
        ("", None, "OperationalError"),
    ],
)
def test_db_driver_detail_hides_values_and_password(message, query, expected):
    detail = db._driver_detail(sqlite3.OperationalError(message), ("hunter2",), query)
    assert detail == expected


def test_db_driver_detail_uses_the_driver_error_and_is_short():
    wrapped = sqlalchemy.exc.OperationalError("SELECT 1", None, sqlite3.OperationalError("x" * 999))
    detail = db._driver_detail(wrapped, (), "SELECT 1")
    assert detail.startswith("OperationalError: xxx")
    assert "SELECT" not in detail
    assert len(detail) < db.DRIVER_DETAIL_MAX_CHARS + 30


# --- end to end with the real miner --------------------------------------------------------------


def test_db_reports_feed_the_miner(db_path, miner):
    items = list(read_database(_url(db_path), ALL_ROWS))
    results = list(miner.mine(reports_only(items)))
    assert [result.report_id for result in results] == ["7", "3", "12"]
    assert results[0].triage == "benign"


# --- credentials never shown (issue 12, item 3) --------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://user:hunter2@host/db", "postgresql+psycopg://user:***@host/db"),
        ("postgresql://user:se@cret@host/db", "postgresql://user:***@host/db"),
        ("sqlite:///exams.db?password=s3cr3t&mode=ro", "sqlite:///exams.db?password=***&mode=ro"),
        (
            "postgresql://u@h/db?sslpassword=zz&Token=t0k",
            "postgresql://u@h/db?sslpassword=***&Token=***",
        ),
        ("sqlite:///exams.db", "sqlite:///exams.db"),
        ("no scheme at all", db.UNPARSED_URL),
    ],
)
def test_db_shown_url_hides_every_credential(url: str, shown: str) -> None:
    assert db.shown_url(url) == shown


def test_db_url_secrets_cover_password_with_at_and_query_values() -> None:
    url = "postgresql://user:se@cret@host/db?key=k3y&mode=ro"
    secrets = db.url_secrets(url, sqlalchemy.engine.make_url(url))
    assert "se@cret" in secrets and "k3y" in secrets and "ro" not in secrets


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_db_credentials_never_reach_messages_or_error_rows(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from calcminer.cli import app

    path = tmp_path / "exams.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE r (report_id TEXT, patient_id TEXT, exam_date TEXT, text TEXT)")
        con.execute("INSERT INTO r VALUES ('', 'p1', '2021-01-01', 'LIVER: normal.')")
    out = tmp_path / "audit.csv"
    runner = CliRunner()
    url = f"sqlite:///{path}?password=s3cr3t"
    result = runner.invoke(
        app, ["audit", "--db", url, "--query", "SELECT * FROM r", "-o", str(out)]
    )
    errors = (tmp_path / "audit.errors.csv").read_text(encoding="utf-8")
    assert "password=***" in errors
    assert "s3cr3t" not in errors + result.output
    url = "postgresql://user:se@cret@localhost/db"
    out = tmp_path / "b.csv"
    result = runner.invoke(app, ["audit", "--db", url, "--query", "SELECT 1", "-o", str(out)])
    assert result.exit_code == 1
    assert "E131" in result.output
    assert "cret" not in result.output


def test_db_query_runs_in_a_read_only_transaction(db_path, monkeypatch):
    """Before the query, the dialect's read-only statement runs on the same connection; a
    query that got past the SELECT/WITH check still could not write (issue 12, item 7)."""
    executed: list[str] = []
    real_create = db.create_engine

    def recording_engine(*args: Any, **kwargs: Any) -> Any:
        engine = real_create(*args, **kwargs)
        sqlalchemy.event.listen(
            engine,
            "before_cursor_execute",
            lambda _c, _cur, statement, *_rest: executed.append(statement),
        )
        return engine

    monkeypatch.setattr(db, "create_engine", recording_engine)
    rows = list(read_database(f"sqlite:///{db_path}", "SELECT * FROM reports"))
    assert rows
    assert executed[0] == db.READ_ONLY_STATEMENTS["sqlite"]
    assert any(s.startswith("SELECT") for s in executed[1:])
    # The statement check is one guard; the read-only connection is the other.
    monkeypatch.setattr(db, "check_read_only_query", lambda *_a, **_k: None)
    monkeypatch.setattr(db, "_sqlite_read_only", lambda parsed, _shown: parsed)
    with pytest.raises(InputError, match="E13"):
        list(read_database(f"sqlite:///{db_path}", "DELETE FROM reports RETURNING id, text"))
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == len(rows)


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "mariadb", "oracle"])
def test_db_server_databases_have_a_read_only_statement(dialect):
    assert "READ ONLY" in db.READ_ONLY_STATEMENTS[dialect].upper()
