"""``calcminer audit``: an archive of dated exams -> each index exam's follow-up -> tables.

:func:`run_audit` reads the archive (a file or a database query), mines every exam, finds
each index exam's follow-up (the domain is :mod:`calcminer.nlp.audit`), writes the tables and
the plot and returns an :class:`AuditRunSummary`; :func:`format_audit_summary` and
:func:`format_audit_notices` render it for stdout and stderr.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from calcminer.nlp.audit import (
    ArchiveColumns,
    AuditResult,
    AuditScope,
    Exam,
    SummaryRow,
    UndatedExam,
)
from calcminer.nlp.commands.batch import mine_records, resolve_miner
from calcminer.nlp.commands.outputs import check_outputs, default_errors_path
from calcminer.nlp.commands.summary import (
    RunSummary,
    format_all_errors,
    format_check,
    format_error_codes,
)
from calcminer.nlp.errors import CalcminerError, Errors, OutputError
from calcminer.nlp.io.frames import classify_inputs, input_paths, read_inputs
from calcminer.nlp.io.readers import input_limits
from calcminer.nlp.io.tables import errors_frame
from calcminer.nlp.schema import RecordError, Report

if TYPE_CHECKING:
    import pandas as pd

    from calcminer.nlp.io.frames import ReportInputs
    from calcminer.nlp.mining.miner import Mining

#: Command-line option of each audit output, for messages.
AUDIT_OUTPUT_OPTIONS: dict[str, str] = {
    "audit": "--output",
    "summary": "--summary-out",
    "overdue": "--overdue-out",
    "errors": "--errors-out",
    "plot": "--plot-out",
}
#: Extension of the audit plot.
PLOT_SUFFIX = ".png"
#: The audit's options that name and read the archive's columns, for E255.
AUDIT_COLUMN_OPTIONS = (
    "--id-col, --text-col, --patient-col, --date-col, --date-format, --dayfirst/--monthfirst"
)


@dataclass(frozen=True)
class AuditRunSummary(RunSummary):
    """Counts, outcome summary and files of one ``calcminer audit`` run (no report text).

    ``records_read`` counts archive records, ``errors`` the error rows (unreadable records,
    missing patient, bad date); in ``outputs`` the plot has 0 rows.

    Attributes:
        exams: Records that became dated exams (index exams or not).
        result: The audit itself.
        summary: Summary rows (overall, per level, per month, per concordance group).
        error_codes: Error rows per code.
    """

    exams: int
    result: AuditResult
    summary: tuple[SummaryRow, ...]
    error_codes: dict[str, int] = field(default_factory=dict)

    @property
    def rows_used(self) -> int:
        """Records that became dated exams."""
        return self.exams


def parse_as_of(value: str | None) -> date | None:
    """Parse ``--as-of`` (``YYYY-MM-DD``); None stays None.

    Raises:
        CalcminerError: E303 for anything else.
    """
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CalcminerError(Errors.E303.format(value=value)) from None


def run_audit(
    archive: ReportInputs | None,
    output: str | Path,
    *,
    summary_out: str | Path | None = None,
    overdue_out: str | Path | None = None,
    plot_out: str | Path | None = None,
    errors_out: str | Path | None = None,
    window_days: int | None = None,
    as_of: date | None = None,
    db_url: str | None = None,
    query: str | None = None,
    id_col: str = "report_id",
    text_col: str = "text",
    columns: ArchiveColumns | None = None,
    date_format: str | None = None,
    patterns_dir: str | Path | None = None,
    miner: Mining | None = None,
    day_first: bool | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    scope: AuditScope | None = None,
) -> AuditRunSummary:
    """Run ``calcminer audit``: mine every exam, find each index exam's follow-up, write tables.

    Args:
        archive: JSONL, CSV, TSV (each maybe compressed), Parquet or ``.xlsx`` archive, ``-``
            for standard input; or the archive as data: a pandas DataFrame or an iterable of
            dicts, read like a file (see ``extract_tables``); or None with ``db_url`` and
            ``query``.
        output: Audit table path (``.csv``, ``.parquet`` or ``.jsonl``).
        summary_out: Summary table path.
        overdue_out: Overdue list path.
        plot_out: PNG with completion by level and cumulative follow-up.
        errors_out: Errors table path (default: ``<stem>.errors.csv`` beside ``output`` when
            there are errors).
        window_days: One window for every level, overriding ``patterns/audit.toml``.
        as_of: Audit date; default the latest exam date in the archive.
        db_url: SQLAlchemy database URL to read the archive from.
        query: SQL query giving one row per exam.
        id_col: Report id column.
        text_col: Report text column.
        columns: Patient, date and modality column names.
        date_format: ``strptime`` format of the exam dates; without it the layouts of
            :mod:`calcminer.nlp.audit.dates` are read.
        patterns_dir: Pattern folder (miner rules and ``audit.toml``).
        miner: A miner to reuse; None builds one from ``patterns_dir``.
        day_first: The order of ``dd/mm/yyyy``-like dates: True day first (``--dayfirst``),
            False month first (``--monthfirst``); None decides it over the whole date column
            (:class:`~calcminer.nlp.audit.dates.DayMonthOrder`), after every exam is read.
        delimiter: Cell delimiter of CSV and TSV inputs: one character, or ``tab``; None:
            ``,`` for ``.csv``, tab for ``.tsv``.
        encoding: Codec of a text archive (``cp1252``, ``latin-1`` ...); None: strict UTF-8,
            a record that is not UTF-8 becomes an error row (E117).
        scope: Which reports are index exams, ``liver`` or ``all``; None: ``audit.toml``'s.

    Returns:
        The run summary.

    Raises:
        CalcminerError: Bad options (E304/E305/E306, E320 for ``date_format`` with
            ``day_first``), unreadable archive or database, invalid rule files, unwritable
            outputs, E318/E319 for a date column whose order cannot be decided (nothing is
            written), E205 when records read != exams + error rows, and E904 when a report
            comes without its result (a bug).
    """
    from calcminer.nlp.audit import (
        DayMonthOrder,
        ModalityDetector,
        audit_exams,
        load_audit_config,
        summarize,
        undated_exam,
    )
    from calcminer.nlp.io.tables import audit_frame, audit_summary_frame, overdue_frame
    from calcminer.nlp.io.writers import write_tables

    use_db = db_url is not None or query is not None
    if (archive is None) == (not use_db) or (use_db and (db_url is None or query is None)):
        detail = "both" if archive is not None and use_db else "neither"
        if use_db and (db_url is None or query is None):
            detail = "--db without --query" if query is None else "--query without --db"
        raise CalcminerError(Errors.E305.format(detail=detail))
    if window_days is not None and window_days < 0:
        raise CalcminerError(Errors.E304.format(value=window_days))
    if date_format is not None and day_first is not None:
        raise CalcminerError(Errors.E320)
    if plot_out is not None and Path(plot_out).suffix.lower() != PLOT_SUFFIX:
        raise OutputError(Errors.E306.format(path=plot_out))
    source = classify_inputs(archive) if archive is not None else []
    inputs = input_paths(source)
    asked: dict[str, Path | None] = {
        "audit": Path(output),
        "summary": None if summary_out is None else Path(summary_out),
        "overdue": None if overdue_out is None else Path(overdue_out),
        "errors": None if errors_out is None else Path(errors_out),
    }
    errors_default = default_errors_path(output)
    check_outputs(
        {
            **asked,
            "errors": asked["errors"] or errors_default,
            "plot": None if plot_out is None else Path(plot_out),
        },
        inputs,
        AUDIT_OUTPUT_OPTIONS,
        free_format=frozenset({"plot"}),
    )
    config = load_audit_config(patterns_dir).with_window(window_days).with_scope(scope)
    detector = ModalityDetector(config.modality_rules, config.header_max_chars)
    archive_columns = columns or ArchiveColumns()
    # The audit writes no carried column, so it carries every one (no column cap).
    limits = replace(input_limits(patterns_dir), max_carried_columns=None)
    if archive is not None:
        items: Iterator[Report | RecordError] = read_inputs(
            source,
            id_col=id_col,
            text_col=text_col,
            limits=limits,
            delimiter=delimiter,
            encoding=encoding,
        )
    elif db_url is not None and query is not None:
        from calcminer.nlp.io.db import read_database

        items = read_database(db_url, query, id_col=id_col, text_col=text_col, limits=limits)
    else:  # checked above (E305): an archive, or a URL with a query
        raise CalcminerError(Errors.E305.format(detail="neither"))
    active = resolve_miner(miner, patterns_dir)

    records = 0
    undated: list[UndatedExam] = []
    errors: list[tuple[int, RecordError]] = []
    # The order of dd/mm/yyyy-like dates is decided over the whole date column (nothing is
    # read twice: the exams are held anyway, with their dates as read, until it is decided).
    order_of_dates = DayMonthOrder(archive_columns.date)
    for order, record, mined in mine_records(items, active):
        records += 1
        if isinstance(record, RecordError):
            errors.append((order, record))
            continue
        if mined is None:
            raise CalcminerError(Errors.E904.format(position=order))
        pending = undated_exam(order, record, mined, detector, archive_columns)
        if isinstance(pending, RecordError):
            errors.append((order, pending))
            continue
        undated.append(pending)
        if date_format is None and day_first is None:
            order_of_dates.see(pending.raw_date, pending.where)
    decided = day_first
    if date_format is None and day_first is None:
        decided = order_of_dates.decide()  # E318/E319 stop the run here, before any output
    exams: list[Exam] = []
    for pending in undated:
        exam = pending.dated(archive_columns.date, date_format, decided)
        if isinstance(exam, RecordError):
            errors.append((pending.order, exam))
        else:
            exams.append(exam)
    undated.clear()
    if records != len(exams) + len(errors):
        raise CalcminerError(
            Errors.E205.format(records=records, reports=len(exams), errors=len(errors))
        )
    result = audit_exams(exams, config, as_of)
    summary = summarize(result.rows)
    error_rows = [error for _, error in sorted(errors, key=lambda pair: pair[0])]
    tables: dict[str, pd.DataFrame] = {"audit": audit_frame(result.rows)}
    if asked["summary"] is not None:
        tables["summary"] = audit_summary_frame(summary)
    if asked["overdue"] is not None:
        tables["overdue"] = overdue_frame(result)
    if asked["errors"] is not None or error_rows:
        tables["errors"] = errors_frame(error_rows)
    # All tables or none: a write error or a full disk leaves no table of this run behind.
    paths = {role: asked[role] or errors_default for role in tables}
    write_tables([(frame, paths[role]) for role, frame in tables.items()])
    written: list[tuple[str, Path, int]] = [
        (role, paths[role], len(frame)) for role, frame in tables.items()
    ]
    if plot_out is not None:
        from calcminer.nlp.views.plots import audit_figure

        figure = audit_figure(
            tables["audit"], plot_out, windows_days=dict(result.windows_days), as_of=result.as_of
        )
        written.append(("plot", Path(figure), 0))
    codes: dict[str, int] = {}
    for error in error_rows:
        codes[error.code] = codes.get(error.code, 0) + 1
    return AuditRunSummary(
        records_read=records,
        exams=len(exams),
        errors=len(error_rows),
        result=result,
        summary=summary,
        outputs=tuple(written),
        error_codes=dict(sorted(codes.items())),
    )


# --- plain-text formatting -----------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def format_audit_summary(summary: AuditRunSummary) -> str:
    """Render the audit run as plain text: checks, outcome table, concordance, files.

    Args:
        summary: The summary from :func:`run_audit`.

    Returns:
        Lines for stdout (counts, rates and paths only, never report text).
    """
    result = summary.result
    windows = ", ".join(f"{level} {days} d" for level, days in result.windows_days.items())
    lines = [
        f"records read: {summary.records_read}",
        format_check(summary, "exams"),
        f"as of: {result.as_of.isoformat()} (exams after it left out: {result.exams_after_as_of})",
        f"exams audited: {result.exams}; modality unknown: {result.unknown_modality}",
        f"windows: {windows}",
        "",
        f"{'group':<28}{'index':>7}{'completed':>11}{'late':>6}{'overdue':>9}{'pending':>9}"
        f"{'on time':>9}{'median days':>13}",
    ]
    for row in summary.summary:
        if row.scope == "month":
            continue
        name = row.group if row.scope != "concordance" else row.group.replace("_", " ")
        if row.scope == "overall":
            name = "all index exams"
        lines.append(
            f"{name:<28}{row.index_exams:>7}{row.completed:>11}{row.late:>6}{row.overdue:>9}"
            f"{row.pending:>9}{_percent(row.on_time_rate):>9}"
            f"{_days(row.median_days_to_followup):>13}"
        )
    months = [row for row in summary.summary if row.scope == "month"]
    if months:
        lines.append(f"(by month of the index exam: {len(months)} months in the summary table)")
    lines.append("")
    lines += [
        f"wrote {role}: {path}" + ("" if role == "plot" else f" ({rows} rows)")
        for role, path, rows in summary.outputs
    ]
    return "\n".join(lines)


def format_audit_notices(summary: AuditRunSummary) -> list[str]:
    """The message for stderr after a run with error rows (E307), none without.

    Args:
        summary: The summary from :func:`run_audit`.

    Returns:
        The messages (printed even with ``--quiet``).
    """
    if not summary.errors:
        return []
    codes = format_error_codes(summary.error_codes)
    return [Errors.E307.format(count=summary.errors, codes=codes, path=summary.errors_path)]


def format_audit_failure(summary: AuditRunSummary) -> str | None:
    """E255 when every archive record became an error row (the CLI then exits 1), else None.

    Args:
        summary: The summary from :func:`run_audit`.
    """
    return format_all_errors(summary, summary.error_codes, "exams", AUDIT_COLUMN_OPTIONS)
