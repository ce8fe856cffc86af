"""``calcminer audit``: an archive of dated exams -> each index exam's follow-up -> tables.

:func:`run_audit` reads the archive (a file or a database query), mines every exam, finds
each index exam's follow-up (the domain is :mod:`calcminer.nlp.audit`), writes the tables and
the plot and returns an :class:`AuditRunSummary`; :func:`format_audit_summary` and
:func:`format_audit_notices` render it for stdout and stderr.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from calcminer.nlp.audit import (
    ArchiveColumns,
    AuditResult,
    AuditScope,
    Exam,
    SummaryRow,
    check_levels,
    check_period,
)
from calcminer.nlp.commands.batch import resolve_miner
from calcminer.nlp.commands.outputs import check_outputs, default_errors_path
from calcminer.nlp.commands.summary import (
    RunSummary,
    format_all_errors,
    format_check,
    format_error_codes,
)
from calcminer.nlp.errors import CalcminerError, Errors, OutputError
from calcminer.nlp.io.frames import InMemory, classify_inputs, input_paths, read_inputs
from calcminer.nlp.io.readers import input_limits
from calcminer.nlp.io.tables import errors_frame
from calcminer.nlp.schema import RecordError, Report

if TYPE_CHECKING:
    import pandas as pd

    from calcminer.nlp.audit.worklist import WorklistUpdate
    from calcminer.nlp.engine.run import EngineOptions
    from calcminer.nlp.io.frames import ReportInputs
    from calcminer.nlp.mining.miner import Mining
    from calcminer.nlp.views.audit_report import AuditReport

#: Command-line option of each audit output, for messages.
AUDIT_OUTPUT_OPTIONS: dict[str, str] = {
    "audit": "--output",
    "summary": "--summary-out",
    "overdue": "--overdue-out",
    "errors": "--errors-out",
    "plot": "--plot-out",
    "worklist": "--worklist",
    "report": "--report-out",
}
#: Extension of the audit plot.
PLOT_SUFFIX = ".png"
#: The audit's options that name and read the archive's columns, for E255.
AUDIT_COLUMN_OPTIONS = (
    "--id-col, --text-col, --patient-col, --date-col, --date-format, --dayfirst/--monthfirst"
)
#: What each scope makes an index exam, for the summary and the one-page report.
SCOPE_DESCRIPTIONS: dict[str, str] = {
    "liver": "liver: reports triaged urgent or workup, and liver follow-up recommendations",
    "all": "all: reports triaged urgent or workup, and any follow-up recommendation (any organ)",
}
#: Groups of one --by column printed on stdout (the summary table has them all).
SHOWN_GROUPS = 10


@dataclass(frozen=True)
class AuditRunSummary(RunSummary):
    """Counts, outcome summary and files of one ``calcminer audit`` run (no report text).

    ``records_read`` counts archive records, ``errors`` the error rows (unreadable records,
    missing patient, bad date); in ``outputs`` the plot has 0 rows.

    Attributes:
        exams: Records that became dated exams (index exams or not).
        result: The audit itself.
        summary: Summary rows (overall, per level, per month, per concordance group, per
            group of each ``--by`` column).
        error_codes: Error rows per code.
        by: The ``--by`` columns.
        worklist: The worklist's update (``--worklist``), or None.
    """

    exams: int
    result: AuditResult
    summary: tuple[SummaryRow, ...]
    error_codes: dict[str, int] = field(default_factory=dict)
    by: tuple[str, ...] = ()
    worklist: WorklistUpdate | None = None

    @property
    def rows_used(self) -> int:
        """Records that became dated exams."""
        return self.exams


def parse_as_of(value: str | None) -> date | None:
    """Parse ``--as-of`` (``YYYY-MM-DD``); None stays None.

    Raises:
        CalcminerError: E303 for anything else.
    """
    return _iso_day(value, lambda: Errors.E303.format(value=value))


def parse_period_day(option: str, value: str | None) -> date | None:
    """Parse ``--since`` or ``--until`` (``YYYY-MM-DD``); None stays None.

    Raises:
        CalcminerError: E324 naming the option for anything else.
    """
    return _iso_day(value, lambda: Errors.E324.format(option=option, value=value))


def _iso_day(value: str | None, message: Callable[[], str]) -> date | None:
    """A ``YYYY-MM-DD`` option's date (None stays None); ``message`` words the error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CalcminerError(message()) from None


def parse_list_option(value: str | None) -> tuple[str, ...] | None:
    """Split a comma-separated option (``--levels``, ``--by``); None stays None."""
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def check_scope(value: str | None) -> AuditScope | None:
    """Check ``--scope``; None stays None (the configured scope).

    Raises:
        CalcminerError: E325 for anything but ``liver`` or ``all``.
    """
    if value is None:
        return None
    if value == "liver":
        return "liver"
    if value == "all":
        return "all"
    raise CalcminerError(Errors.E325.format(value=value))


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
    scope: AuditScope | str | None = None,
    levels: Sequence[str] | None = None,
    by: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    worklist: str | Path | None = None,
    report_out: str | Path | None = None,
    report_title: str | None = None,
    options: EngineOptions | None = None,
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
        options: How the exams are mined: workers, engine (``dask``), chunk size, resume,
            progress (:class:`~calcminer.nlp.engine.run.EngineOptions`; None: in this
            process, chunks of 2000). The tables are the same whatever the options; the work
            folder of ``resume`` goes beside ``output``.
        scope: ``liver`` (flagged reports and liver follow-up recommendations) or ``all``
            (any recommendation); None: ``patterns/audit.toml``'s.
        levels: The levels audited (default all: urgent, workup, recommended).
        by: Columns to break the summary down by (the audit's ``level``, ``modality``,
            ``triage``, ``concordance``, ``status``, or the archive's other columns).
        since: Audit the index exams of this day and later only.
        until: Audit the index exams of this day and earlier only (follow-ups are still
            searched up to the as-of date).
        worklist: A ``.csv`` worklist to update (:mod:`calcminer.nlp.audit.worklist`): read
            first when it exists (E330-E334 stop the run before anything is written), then
            written with the tables, all or none.
        report_out: A one-page ``.html`` report for a department head (period, scope, rates
            per level and group, the plot, the overdue list by id and date; never report
            text), written with the tables.
        report_title: The page's title (default ``Follow-up audit``).

    Returns:
        The run summary.

    Raises:
        CalcminerError: Bad options (E304/E305/E306, E320 for ``date_format`` with
            ``day_first``), unreadable archive or database, invalid rule files, unwritable
            outputs, E318/E319 for a date column whose order cannot be decided (nothing is
            written; the mined chunks are kept for ``resume``), E321 unknown levels, E322 an
            empty period, E323 an unknown ``by`` column, E325 an unknown scope (all before
            any output is written), E210 (workers, chunk size), E340 to resume a database
            or data archive, E225 when another run writes an output, and E205 when records
            read != exams + error rows or the miner returns fewer results than reports (a
            bug).
    """
    from calcminer.nlp.audit import (
        DayMonthOrder,
        audit_exams,
        check_by_columns,
        load_audit_config,
        summarize,
    )
    from calcminer.nlp.audit.worklist import update_worklist
    from calcminer.nlp.io.tables import audit_frame, audit_summary_frame, overdue_frame
    from calcminer.nlp.io.worklist import check_worklist_path, read_worklist, worklist_writer
    from calcminer.nlp.io.writers import write_tables
    from calcminer.nlp.views.audit_report import audit_report_writer, check_report_path

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
    chosen_scope = check_scope(None if scope is None else str(scope))
    chosen_levels = check_levels(levels)
    check_period(since, until)
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
            "worklist": None if worklist is None else check_worklist_path(worklist),
            "report": None if report_out is None else check_report_path(report_out),
        },
        inputs,
        AUDIT_OUTPUT_OPTIONS,
        free_format=frozenset({"plot", "worklist", "report"}),
    )
    # The previous worklist is read now: a broken one stops the run before any work.
    if worklist is not None:
        read_worklist(worklist)
    config = load_audit_config(patterns_dir).with_window(window_days).with_scope(chosen_scope)
    archive_columns = columns or ArchiveColumns()
    # The audit carries the columns of its index exams: the cap of extract applies (E150).
    limits = input_limits(patterns_dir)
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
    from calcminer.nlp.engine.exams import ExamSettings, archive_exams
    from calcminer.nlp.engine.run import EngineOptions

    engine = options or EngineOptions()

    def make_miner() -> Mining:
        return resolve_miner(miner, patterns_dir, prefilter=engine.prefilter)

    settings = ExamSettings.from_config(config, archive_columns)
    exams: list[Exam] = []
    with archive_exams(
        items,
        settings,
        output=output,
        locks=[
            path
            for path in (
                *asked.values(),
                asked["errors"] or errors_default,
                plot_out,
                worklist,
                report_out,
            )
            if path is not None
        ],
        inputs=None if isinstance(source, InMemory) or archive is None else inputs,
        source_kind="a database query" if archive is None else "data in memory",
        options=engine,
        miner_factory=make_miner,
        id_col=id_col,
        text_col=text_col,
        patterns_dir=patterns_dir,
        delimiter=delimiter,
        encoding=encoding,
    ) as mined:
        records = mined.records
        undated, errors = mined.exams, mined.errors
        # The order of dd/mm/yyyy-like dates is decided over the whole date column (nothing
        # is read twice: the exams are held anyway, with their dates as read, until it is
        # decided).
        decided = day_first
        if date_format is None and day_first is None:
            order_of_dates = DayMonthOrder(archive_columns.date)
            for pending in undated:
                order_of_dates.see(pending.raw_date, pending.where)
            decided = order_of_dates.decide()  # E318/E319 stop the run here, before any output
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
        carried = dict.fromkeys(key for exam in exams for key in exam.meta)
        by_columns = check_by_columns(by, carried) if exams else tuple(by)
        result = audit_exams(exams, config, as_of, levels=chosen_levels, since=since, until=until)
        summary = summarize(result.rows, by_columns, chosen_levels)
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
        # Read again under the lock (the early read only checked it): another run may have
        # updated it since.
        previous = read_worklist(worklist) if worklist is not None else None
        update = None
        others: list[tuple[Path, Callable[[BinaryIO], None]]] = []
        if worklist is not None:
            update = update_worklist(
                previous, result.rows, result.as_of, config.worklist_keep_closed_days
            )
            others.append((Path(worklist), worklist_writer(update.rows)))
        # The plot is drawn once, for the page and for --plot-out.
        png = None
        if plot_out is not None or report_out is not None:
            from calcminer.nlp.views.plots import audit_png

            png = audit_png(
                tables["audit"], windows_days=dict(result.windows_days), as_of=result.as_of
            )
        if report_out is not None:
            page = department_report(result, summary, by_columns, report_title, png)
            others.append((Path(report_out), audit_report_writer(page)))
        write_tables([(frame, paths[role]) for role, frame in tables.items()], others)
        written: list[tuple[str, Path, int]] = [
            (role, paths[role], len(frame)) for role, frame in tables.items()
        ]
        if update is not None and worklist is not None:
            written.append(("worklist", Path(worklist), len(update.rows)))
        if report_out is not None:
            written.append(("report", Path(report_out), 0))
        if plot_out is not None and png is not None:
            from calcminer.nlp.views.plots.render import png_path, write_png

            written.append(("plot", write_png(png, png_path(plot_out)), 0))
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
        by=by_columns,
        worklist=update,
    )


def department_report(
    result: AuditResult,
    summary: Sequence[SummaryRow],
    by: Sequence[str],
    title: str | None = None,
    plot_png: bytes | None = None,
) -> AuditReport:
    """The one-page report of an audit: the ``--by`` groups right after the levels, then the
    concordance groups and the months (the page shows the first scopes when space runs out),
    with the audit plot ``plot_png`` (None: no plot).
    """
    from calcminer.nlp.views.audit_report import DEFAULT_TITLE, audit_report_from_result

    order = {"overall": 0, "level": 1, **{column: 2 + i for i, column in enumerate(by)}}
    later = len(order) + 1
    ranked = sorted(
        summary,
        key=lambda row: order.get(row.scope, later + (row.scope == "month")),
    )
    return audit_report_from_result(
        result,
        ranked,
        scope=SCOPE_DESCRIPTIONS.get(result.scope, result.scope),
        group_columns=by,
        since=result.since,
        until=result.until,
        title=title or DEFAULT_TITLE,
        plot_png=plot_png,
    )


# --- plain-text formatting -----------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def format_period(result: AuditResult) -> str:
    """The period of the index exams in words (``2026-01-01 to 2026-03-31``, ``all``)."""
    if result.since is None and result.until is None:
        return "all (no --since/--until)"
    first = result.since.isoformat() if result.since else "the start"
    last = result.until.isoformat() if result.until else "the as-of date"
    return f"{first} to {last} ({result.outside_period} index exam(s) outside it left out)"


def format_worklist(update: WorklistUpdate) -> str:
    """One line on the worklist's update: what is open, what changed."""
    line = (
        f"worklist: {update.open} open, {update.closed} closed; added "
        f"{update.added_open} open (+{update.added_closed} already followed up); closed this "
        f"run: {update.closed_by_audit} followed up, {update.closed_by_person} by hand; "
        f"dropped {update.dropped} closed; kept {update.not_in_run} not in this run"
    )
    if update.held_closed:
        line += f"; {update.held_closed} closed by hand that the audit calls open"
    if update.duplicate_audit_rows:
        line += f"; {update.duplicate_audit_rows} repeated report id(s) listed once"
    return line


def format_audit_summary(summary: AuditRunSummary) -> str:
    """Render the audit run as plain text: checks, outcome table, concordance, files.

    Args:
        summary: The summary from :func:`run_audit`.

    Returns:
        Lines for stdout (counts, rates and paths only, never report text).
    """
    result = summary.result
    windows = ", ".join(
        f"{level} {days} d" for level, days in result.windows_days.items() if level in result.levels
    )
    lines = [
        f"records read: {summary.records_read}",
        format_check(summary, "exams"),
        f"as of: {result.as_of.isoformat()} (exams after it left out: {result.exams_after_as_of})",
        f"exams audited: {result.exams}; modality unknown: {result.unknown_modality}",
        f"scope: {SCOPE_DESCRIPTIONS.get(result.scope, result.scope)}",
        f"levels: {', '.join(result.levels)}",
        f"period of the index exams: {format_period(result)}",
        f"windows: {windows} (a recommendation's stated interval and modality take precedence)",
        "",
        f"{'group':<28}{'index':>7}{'completed':>11}{'late':>6}{'overdue':>9}{'pending':>9}"
        f"{'on time':>9}{'median days':>13}",
    ]
    shown: dict[str, int] = {}
    for row in summary.summary:
        if row.scope == "month":
            continue
        if row.scope in summary.by:
            shown[row.scope] = shown.get(row.scope, 0) + 1
            if shown[row.scope] > SHOWN_GROUPS:
                continue
        name = row.group if row.scope != "concordance" else row.group.replace("_", " ")
        if row.scope == "overall":
            name = "all index exams"
        if row.scope in summary.by:
            name = f"{row.scope}: {row.group}"[:27]
        lines.append(
            f"{name:<28}{row.index_exams:>7}{row.completed:>11}{row.late:>6}{row.overdue:>9}"
            f"{row.pending:>9}{_percent(row.on_time_rate):>9}"
            f"{_days(row.median_days_to_followup):>13}"
        )
    months = [row for row in summary.summary if row.scope == "month"]
    if months:
        lines.append(f"(by month of the index exam: {len(months)} months in the summary table)")
    for column, count in shown.items():
        if count > SHOWN_GROUPS:
            lines.append(
                f"(by {column}: {count} groups, the first {SHOWN_GROUPS} shown; all are in the "
                "summary table)"
            )
    if summary.worklist is not None:
        lines.append(format_worklist(summary.worklist))
    lines.append("")
    lines += [
        f"wrote {role}: {path}" + ("" if role in ("plot", "report") else f" ({rows} rows)")
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
