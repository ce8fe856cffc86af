"""Reader at the input edge of the flow: a database query -> one ``Report`` (or error) per row.

The database counterpart of :func:`calcminer.nlp.io.readers.read_reports`: rows are read through
SQLAlchemy in batches, checked with the same record rules as the file readers, and turned into
:class:`Report` or :class:`RecordError` items. Messages name the database by its URL with the
password hidden, and never contain row values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import unquote

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from calcminer.nlp.errors import CalcminerError, Errors, InputError
from calcminer.nlp.io.readers import input_limits
from calcminer.nlp.io.records import (
    INPUT_ENCODING,
    UNDECODED,
    InputLimits,
    build_record,
    column_names,
)
from calcminer.nlp.schema import RecordError, Report

#: Rows fetched from the database per batch: bounds memory on large tables.
DATABASE_BATCH_ROWS = 1000
#: Longest driver message kept in an error message (its first line only).
DRIVER_DETAIL_MAX_CHARS = 200
#: Stands in for a URL that could not be parsed, so its password cannot be hidden.
UNPARSED_URL = "(not shown: it could not be parsed and may hold a password)"
#: Replaces a password or a quoted value in a driver message.
HIDDEN = "***"
#: URL query parameters whose values are credentials: hidden wherever the URL is shown.
SECRET_QUERY_KEYS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pass",
        "sslpassword",
        "token",
        "access_token",
        "auth_token",
        "key",
        "api_key",
        "apikey",
        "secret",
        "client_secret",
    }
)
_QUERY_PARAM = re.compile(r"([?&;])([^=&;#]+)=([^&;#]*)")
#: SQL comments and quoted literals or identifiers, removed before a query is checked.
_SQL_NOISE = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", re.DOTALL)
#: Words that make a statement write (or change the session) when they stand outside quotes.
_WRITE_WORDS = re.compile(
    r"\b(insert|update|delete|merge|upsert|replace|create|drop|alter|truncate|attach|detach|"
    r"pragma|vacuum|reindex|grant|revoke|copy|into|call|exec|execute|set|lock)\b",
    re.IGNORECASE,
)

#: A quoted word in a driver message: an identifier from the query, or possibly a row value
#: (PostgreSQL: 'invalid input syntax for type integer: "<value>"').
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_BYTES_TYPES = (bytes, bytearray, memoryview)

_Item = Report | RecordError


#: The statement that makes the rest of a connection's transaction (or session) read-only, by
#: SQLAlchemy dialect name. Other databases rely on the single SELECT/WITH check (E139) and on
#: the account's rights.
READ_ONLY_STATEMENTS: dict[str, str] = {
    "sqlite": "PRAGMA query_only = ON",
    "postgresql": "SET TRANSACTION READ ONLY",
    "mysql": "SET SESSION TRANSACTION READ ONLY",
    "mariadb": "SET SESSION TRANSACTION READ ONLY",
    "oracle": "SET TRANSACTION READ ONLY",
}


def read_database(
    url: str,
    query: str,
    id_col: str = "report_id",
    text_col: str = "text",
    *,
    batch_rows: int = DATABASE_BATCH_ROWS,
    limits: InputLimits | None = None,
) -> Iterator[Report | RecordError]:
    """Read reports from the rows of a SQL query, in the order the database returns them.

    The URL and driver are checked when the function is called. The connection is opened, the
    query run and its columns checked when iteration starts, before the first item is
    yielded. Rows are then streamed ``batch_rows`` at a time. The connection is closed and the
    engine disposed when the rows are exhausted, on an error, and when the consumer stops
    early (closes the iterator or drops it).

    Args:
        url: SQLAlchemy database URL, e.g. ``sqlite:///exams.db`` or
            ``postgresql+psycopg://user@host/db``. The driver must be installed.
        query: SQL query giving one row per report; run as ``sqlalchemy.text(query)``, so a
            literal colon is written ``\\:``. It is never committed.
        id_col: Result column holding the report id (integers become strings).
        text_col: Result column holding the report text (bytes are decoded as UTF-8).
        batch_rows: Rows fetched per batch.
        limits: Input limits (the longest id); None reads the packaged ``config.toml``.

    Returns:
        An iterator over one item per row: a :class:`Report` (other columns in ``meta``, in
        column order, values as the driver gives them; ``source`` is the URL with the
        password hidden and ``line`` the 1-based row number), or a :class:`RecordError` for
        a row that cannot be used, with the same codes as the file readers (E112-E116,
        E151) and E137 for bytes that are not UTF-8 (in a BLOB text, or in any SQLite TEXT
        value: SQLite stores whatever bytes it is given).

    Raises:
        CalcminerError: E138 when ``batch_rows`` is below 1.
        InputError: At call time, E130 for an invalid URL and E131 for a dialect or driver
            that is not installed. During iteration, before the first item: E132 when the
            connection fails, E133 when the query fails, E134 when the statement returns no
            rows, E135 when the id or text column is missing (E185 when both are) and E136 for
            duplicate column names. E133 also when reading fails after some rows.
    """
    if batch_rows < 1:
        raise CalcminerError(Errors.E138.format(value=batch_rows))
    max_id = (limits if limits is not None else input_limits()).max_report_id_chars
    parsed = _parse_url(url)
    masked = shown_url(url)
    secrets = url_secrets(url, parsed)
    check_read_only_query(query, masked)
    try:
        # A one-shot reader needs no pool: NullPool closes the connection when it is returned.
        engine = create_engine(parsed, poolclass=NullPool)
        if parsed.get_backend_name() == "sqlite":
            engine.dispose()
            engine = create_engine(_sqlite_read_only(parsed, masked), poolclass=NullPool)
            event.listen(engine, "connect", _sqlite_lenient_text)
    except (NoSuchModuleError, ImportError) as e:
        detail = _driver_detail(e, secrets)
        raise InputError(Errors.E131.format(url=masked, detail=detail)) from e
    except ArgumentError as e:
        detail = _driver_detail(e, secrets)
        raise InputError(Errors.E130.format(url=masked, detail=detail)) from e
    return _read_rows(engine, masked, secrets, query, id_col, text_col, batch_rows, max_id)


def _sqlite_lenient_text(dbapi_connection: Any, _record: Any) -> None:
    """Decode SQLite TEXT values that are not UTF-8 with ``surrogateescape``.

    sqlite3's default decoding raises on the first such value, which ends the whole query
    (E133); decoded leniently, the row becomes one error row (E137) and reading goes on.
    """
    dbapi_connection.text_factory = _decode_sqlite_text


def _decode_sqlite_text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def check_read_only_query(query: str, shown: str = "") -> None:
    """Accept only one statement that reads: ``SELECT`` or ``WITH ... SELECT``.

    Comments and quoted literals are ignored; one trailing ``;`` is allowed.

    Raises:
        InputError: E139 naming what was found.
    """
    body = _SQL_NOISE.sub(" ", query).strip().rstrip(";").strip()
    first = body.split(None, 1)[0].lower() if body else ""
    if first not in {"select", "with"}:
        detail = f"it starts with {first.upper()!r}" if first else "it is empty"
        raise InputError(Errors.E139.format(url=shown, detail=detail))
    if ";" in body:
        raise InputError(Errors.E139.format(url=shown, detail="it holds more than one statement"))
    if found := _WRITE_WORDS.search(body):
        detail = f"it holds {found[1].upper()}"
        raise InputError(Errors.E139.format(url=shown, detail=detail))


def _sqlite_read_only(parsed: URL, shown: str) -> URL:
    """A SQLite file URL opened read-only (``mode=ro``) that never creates the file (E140)."""
    if parsed.get_backend_name() != "sqlite":
        return parsed
    database = parsed.database or ""
    if database in {"", ":memory:"}:
        return parsed  # an in-memory database: no file to change
    query = {**parsed.query, "mode": "ro", "uri": "true"}
    if database.startswith("file:"):
        path = database[len("file:") :].split("?", 1)[0]
    else:
        path, database = database, f"file:{database}"
    if not os.path.isfile(path):
        raise InputError(Errors.E140.format(url=shown))
    return parsed.set(database=database, query=query)


def shown_url(url: str) -> str:
    """The URL as messages and error rows show it: every credential replaced by ``***``.

    Hides the password of the user information, all of it up to the last ``@`` (a password
    may itself hold ``@``: "user:se@cret@host"), and the values of credential query
    parameters (``SECRET_QUERY_KEYS``: ``?password=``, ``token=``, ``key=`` ...).

    Args:
        url: The database URL as given.

    Returns:
        The URL with credentials hidden, or ``UNPARSED_URL`` when it has no ``://``.
    """
    scheme_end = url.find("://")
    if scheme_end < 0:
        return UNPARSED_URL
    rest = url[scheme_end + 3 :]
    mark = rest.find("?")
    base, params = (rest, "") if mark < 0 else (rest[:mark], rest[mark:])
    at = base.rfind("@")
    if at >= 0 and ":" in base[:at]:
        user = base[:at].split(":", 1)[0]
        base = f"{user}:{HIDDEN}@{base[at + 1 :]}"
    params = _QUERY_PARAM.sub(
        lambda m: f"{m[1]}{m[2]}={HIDDEN}" if unquote(m[2]).lower() in SECRET_QUERY_KEYS else m[0],
        params,
    )
    return url[: scheme_end + 3] + base + params


def url_secrets(url: str, parsed: URL) -> tuple[str, ...]:
    """Every credential string of a URL, to be removed from driver messages."""
    found = [parsed.password or ""]
    scheme_end = url.find("://")
    if scheme_end >= 0:
        base = url[scheme_end + 3 :].split("?", 1)[0]
        at = base.rfind("@")
        if at >= 0 and ":" in base[:at]:
            found.append(base[:at].split(":", 1)[1])
    for key, value in parsed.query.items():
        if key.lower() in SECRET_QUERY_KEYS:
            found.extend([value] if isinstance(value, str) else value)
    # Longest first, so that a secret holding another is replaced whole.
    return tuple(sorted({str(s) for s in found if s}, key=len, reverse=True))


def _parse_url(url: str) -> URL:
    """Parse a database URL (E130 without the URL itself, which may hold a password)."""
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (NoSuchModuleError, ImportError) as e:
        raise InputError(
            Errors.E131.format(url=shown_url(url), detail=_driver_detail(e, ()))
        ) from e
    except (ArgumentError, ValueError) as e:
        # Parser messages may repeat parts of the URL: only the error class is kept.
        raise InputError(Errors.E130.format(url=UNPARSED_URL, detail=type(e).__name__)) from e
    return parsed


def _read_rows(
    engine: Engine,
    masked: str,
    secrets: Sequence[str],
    query: str,
    id_col: str,
    text_col: str,
    batch_rows: int,
    max_id: int,
) -> Iterator[_Item]:
    """Run the query and yield one item per row; always release the connection and engine."""
    row_number = 0
    try:
        try:
            connection = engine.connect()
        except SQLAlchemyError as e:
            detail = _driver_detail(e, secrets)
            raise InputError(Errors.E132.format(url=masked, detail=detail)) from e
        with connection:
            streaming = connection.execution_options(stream_results=True, max_row_buffer=batch_rows)
            try:
                read_only = READ_ONLY_STATEMENTS.get(engine.dialect.name)
                if read_only is not None:
                    # The transaction the query runs in cannot write, whatever the query does.
                    connection.exec_driver_sql(read_only)
                result = streaming.execute(text(query))
            except SQLAlchemyError as e:
                detail = _driver_detail(e, secrets, query)
                when = "before the first row"
                # Not chained: the driver's own message may quote row values.
                raise InputError(Errors.E133.format(url=masked, when=when, detail=detail)) from None
            with result:
                if not result.returns_rows:
                    raise InputError(Errors.E134.format(url=masked))
                columns = list(result.keys())
                _check_result_columns(masked, columns, id_col, text_col)
                partitions = result.partitions(batch_rows)
                while True:
                    try:
                        batch = next(partitions, None)
                    except SQLAlchemyError as e:
                        detail = _driver_detail(e, secrets, query)
                        when = f"after row {row_number}"
                        raise InputError(
                            Errors.E133.format(url=masked, when=when, detail=detail)
                        ) from None
                    if batch is None:
                        return
                    for row in batch:
                        row_number += 1
                        fields = dict(zip(columns, row, strict=True))
                        yield _row_item(fields, id_col, text_col, masked, row_number, max_id)
    finally:
        engine.dispose()


def _check_result_columns(url: str, columns: Sequence[str], id_col: str, text_col: str) -> None:
    """Raise E136 for duplicate column names, E135 when the id or the text column is missing
    and E185 when both are (one message naming both)."""
    duplicates = sorted({name for name in columns if columns.count(name) > 1})
    if duplicates:
        raise InputError(Errors.E136.format(url=url, columns=column_names(duplicates)))
    if id_col not in columns and text_col not in columns:
        raise InputError(
            Errors.E185.format(
                url=url, id_col=id_col, text_col=text_col, present=column_names(columns)
            )
        )
    for role, column in (("id", id_col), ("text", text_col)):
        if column not in columns:
            raise InputError(
                Errors.E135.format(url=url, role=role, column=column, present=column_names(columns))
            )


def _row_item(
    fields: dict[str, Any],
    id_col: str,
    text_col: str,
    source: str,
    line: int,
    max_id: int | None = None,
) -> _Item:
    """Turn one row into a Report or RecordError, decoding text stored as bytes first."""
    raw_text = fields.get(text_col)
    if isinstance(raw_text, _BYTES_TYPES):
        try:
            fields[text_col] = bytes(raw_text).decode(INPUT_ENCODING)
        except UnicodeDecodeError as e:
            where = f"byte {e.start}"
            return _undecoded(fields, id_col, text_col, source, line, max_id, text_col, where)
    # The id column first: the error row shows the id only when it decoded.
    for column in dict.fromkeys([id_col, *fields]):
        value = fields.get(column)
        if isinstance(value, str) and (found := UNDECODED.search(value)):
            where = f"at character {found.start()}"
            return _undecoded(fields, id_col, text_col, source, line, max_id, column, where)
    return build_record(fields, id_col, text_col, source, line, max_id)


def _undecoded(
    fields: dict[str, Any],
    id_col: str,
    text_col: str,
    source: str,
    line: int,
    max_id: int | None,
    column: str,
    where: str,
) -> _Item:
    """The error row (E137) of a row with bytes that are not UTF-8 in ``column``."""
    if column == id_col:
        report_id = None
    else:
        # An empty text lets the shared checks judge the id first (E115/E116 win).
        blank = {**fields, text_col: ""}
        checked = build_record(blank, id_col, text_col, source, line, max_id)
        if checked.report_id is None:
            return checked
        report_id = checked.report_id
    reason = Errors.E137.format(column=column, detail=where)
    return RecordError(source, line, report_id, "E137", reason)


def _driver_detail(error: BaseException, secrets: Sequence[str], query: str | None = None) -> str:
    """Describe a driver or SQLAlchemy error without row values or the password.

    Keeps the error class and the first line of its message (later lines hold the SQL, hints
    and details that may quote rows), cut to ``DRIVER_DETAIL_MAX_CHARS``. With ``query``,
    quoted words that do not occur in the query are hidden: they may be row values.

    Args:
        error: The error raised by SQLAlchemy or the driver.
        secrets: The URL's credentials (``url_secrets``), replaced wherever they appear.
        query: The SQL query, for errors raised by running or reading it.

    Returns:
        ``"<ErrorClass>: <first line>"``, or the class name alone.
    """
    # SQLAlchemy wraps the driver's error in ``orig``; its own message adds the SQL.
    orig = getattr(error, "orig", None)
    cause = orig if isinstance(orig, BaseException) else error
    lines = str(cause).strip().splitlines()
    message = lines[0].strip() if lines else ""
    if query is not None:
        known = query.lower()
        message = _QUOTED.sub(
            lambda match: match[0] if match[0][1:-1].lower() in known else HIDDEN, message
        )
    for secret in secrets:
        message = message.replace(secret, HIDDEN)
    if len(message) > DRIVER_DETAIL_MAX_CHARS:
        message = message[:DRIVER_DETAIL_MAX_CHARS] + "..."
    name = type(cause).__name__
    return f"{name}: {message}" if message else name
