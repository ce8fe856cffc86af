"""Library entry points, one per command: read -> mine -> tables (-> write), for CLI and Python.

``extract_tables`` is the Python API (inputs in, DataFrames out); ``run_extract`` adds the
output files and the run summary used by ``calcminer extract``. The miner is imported lazily,
so these modules load without building a pipeline.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from calcminer.nlp.audit import ArchiveColumns, AuditResult, Exam, SummaryRow
from calcminer.nlp.errors import CalcminerError, Errors, OutputError
from calcminer.nlp.io.readers import input_limits, read_reports, skipped_files
from calcminer.nlp.io.tables import (
    errors_frame,
    findings_frame,
    flagged_frame,
    recommendations_frame,
    reports_frame,
)
from calcminer.nlp.io.writers import output_format
from calcminer.nlp.schema import TRIAGE_LEVELS, RecordError, Report, ReportResult

if TYPE_CHECKING:
    import pandas as pd

    from calcminer.nlp.engine.run import EngineOptions
    from calcminer.nlp.mining.miner import Mining

#: Suffix of the default errors table written beside the main output.
ERRORS_SUFFIX = ".errors.csv"


def load_miner(patterns_dir: str | Path | None = None) -> Mining:
    """Build the rule-based miner.

    Args:
        patterns_dir: Folder of pattern files; None uses the packaged ``patterns/``.

    Returns:
        A ready miner.

    Raises:
        PatternError: When a pattern or configuration file is missing or invalid.
    """
    from calcminer.nlp.mining.miner import Miner

    return Miner(patterns_dir=patterns_dir)


@dataclass(frozen=True)
class ExtractTables:
    """The tables of one extraction run.

    Attributes:
        reports: Report table, one row per report read, in input order.
        findings: Findings table, one row per calcification target (counted or not).
        errors: Errors table, one row per input record that could not be processed.
        records_read: Number of input records (reports plus record errors).
        recommendations: Recommendations table, one row per follow-up recommendation.
    """

    reports: pd.DataFrame
    findings: pd.DataFrame
    errors: pd.DataFrame
    records_read: int
    recommendations: pd.DataFrame = field(default_factory=lambda: recommendations_frame([]))

    @property
    def flagged(self) -> pd.DataFrame:
        """The reports that need action (triage ``workup`` or ``urgent``)."""
        return flagged_frame(self.reports)


def extract_tables(
    inputs: str | Path | Sequence[str | Path],
    *,
    id_col: str = "report_id",
    text_col: str = "text",
    patterns_dir: str | Path | None = None,
    miner: Mining | None = None,
) -> ExtractTables:
    """Read reports, run the miner and build the report, findings, errors and recommendations
    tables.

    Example:
        >>> from calcminer import extract_tables
        >>> tables = extract_tables("reports.csv", id_col="accession")  # doctest: +SKIP
        >>> tables.reports[["report_id", "triage"]]  # doctest: +SKIP

    Args:
        inputs: One input or several (JSONL, CSV, Parquet, ``.txt`` files, folders of
            ``.txt`` files), read in the order given.
        id_col: Id column of tabular inputs.
        text_col: Text column of tabular inputs.
        patterns_dir: Pattern folder for a new miner; ignored when ``miner`` is given.
        miner: A miner to reuse (e.g. across calls); None builds one.

    Returns:
        The tables; ``records_read == len(reports) + len(errors)``.

    Raises:
        InputError: When an input cannot be read as a whole (checked before mining).
        PatternError: When the miner's pattern files are invalid.
        CalcminerError: E205/E206 when the miner breaks its one-result-per-report contract.
    """
    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    batch = mine_batch(
        paths, id_col=id_col, text_col=text_col, patterns_dir=patterns_dir, miner=miner
    )
    results = [result for _, result in batch.items]
    return ExtractTables(
        reports=reports_frame(results),
        findings=findings_frame(results),
        errors=errors_frame(batch.errors),
        records_read=batch.records_read,
        recommendations=recommendations_frame(results),
    )


def mine_records(
    items: Iterable[Report | RecordError], miner: Mining
) -> Iterator[tuple[int, Report | RecordError, ReportResult | None]]:
    """Mine a record stream, yielding ``(position, record, result)`` in input order.

    Record errors come through with ``None`` as result, in their place. The miner may read
    ahead (it batches); only the records in flight are held.

    Raises:
        CalcminerError: E206 when the miner returns results out of order, E205 when it
            returns fewer results than reports.
    """
    pending: deque[tuple[int, Report | RecordError]] = deque()
    position = 0

    def reports() -> Iterator[Report]:
        nonlocal position
        for item in items:
            pending.append((position, item))
            position += 1
            if isinstance(item, Report):
                yield item

    def flush_errors() -> Iterator[tuple[int, Report | RecordError, ReportResult | None]]:
        while pending and isinstance(pending[0][1], RecordError):
            index, error = pending.popleft()
            yield index, error, None

    for result in miner.mine(reports()):
        yield from flush_errors()
        if not pending:
            raise CalcminerError(Errors.E206.format(got=result.report_id, expected=None))
        index, report = pending.popleft()
        assert isinstance(report, Report)
        if result.report_id != report.report_id:
            raise CalcminerError(
                Errors.E206.format(got=result.report_id, expected=report.report_id)
            )
        yield (
            index,
            report,
            result if result.meta or not report.meta else replace(result, meta=report.meta),
        )
    for _ in reports():  # a miner that stops early leaves records unread
        pass
    yield from flush_errors()
    if pending:
        missing = sum(1 for _, item in pending if isinstance(item, Report))
        raise CalcminerError(
            Errors.E205.format(records=position, reports=position - missing, errors=0)
        )


@dataclass(frozen=True)
class ExtractSummary:
    """Counts and files of one ``calcminer extract`` run (no report text).

    Attributes:
        records_read: Input records read.
        reports: Report rows written.
        errors: Error rows written (one per record that could not be used).
        triage: Reports per triage level, in the order none, benign, workup, urgent.
        flagged: Reports with triage workup or urgent.
        outputs: Written files, as (role, path, rows).
        error_codes: Record errors per code.
    """

    records_read: int
    reports: int
    errors: int
    triage: dict[str, int]
    flagged: int
    outputs: tuple[tuple[str, Path, int], ...]
    error_codes: dict[str, int] = field(default_factory=dict)
    duplicate_ids: int = 0
    duplicate_examples: tuple[str, ...] = ()
    skipped_files: tuple[Path, ...] = ()

    @property
    def rows_match(self) -> bool:
        """Whether every record read gave exactly one report row or error row."""
        return self.records_read == self.reports + self.errors

    @property
    def errors_path(self) -> Path | None:
        """The errors table written, if any."""
        return written_path(self.outputs, "errors")


def written_path(outputs: Sequence[tuple[str, Path, int]], role: str) -> Path | None:
    """The path written for a role, from a summary's ``(role, path, rows)`` list."""
    return next((path for written, path, _ in outputs if written == role), None)


def default_errors_path(output: str | Path) -> Path:
    """Where the errors table goes when no path is given: ``<stem>.errors.csv`` beside output.

    Args:
        output: The main (report table) output path.

    Returns:
        E.g. ``out/reports.errors.csv`` for ``out/reports.csv``.
    """
    path = Path(output)
    return path.with_name(path.stem + ERRORS_SUFFIX)


#: Command-line option of each output, for messages.
OUTPUT_OPTIONS: dict[str, str] = {
    "reports": "--output",
    "findings": "--findings-out",
    "flagged": "--flagged-out",
    "errors": "--errors-out",
    "recommendations": "--recommendations-out",
}


def check_outputs(
    outputs: dict[str, Path | None],
    inputs: Sequence[str | Path],
    options: Mapping[str, str] = OUTPUT_OPTIONS,
    free_format: frozenset[str] = frozenset(),
) -> dict[str, Path]:
    """Check output paths before any work: known extensions, distinct, not an input file.

    Args:
        outputs: Role (``reports``, ``findings``, ``flagged``, ``errors``) -> path, None for
            outputs not asked for.
        inputs: The input paths.
        options: Role -> command-line option, for messages.
        free_format: Roles that are not tables (e.g. a plot): their extension is not checked.

    Returns:
        The outputs asked for, role -> path.

    Raises:
        OutputError: E201 unsupported extension, E203 one path for two outputs, E204 an
            output that would overwrite an input.
    """
    chosen = {role: path for role, path in outputs.items() if path is not None}
    seen: dict[Path, str] = {}
    input_files = {Path(raw).resolve() for raw in inputs}
    for role, path in chosen.items():
        option = options.get(role, role)
        if role not in free_format:
            output_format(path)
        resolved = path.resolve()
        if resolved in seen:
            raise OutputError(Errors.E203.format(path=path, first=seen[resolved], second=option))
        if resolved in input_files:
            raise OutputError(Errors.E204.format(path=path, option=option))
        seen[resolved] = option
    return chosen


def run_extract(
    inputs: Sequence[str | Path],
    output: str | Path,
    *,
    findings_out: str | Path | None = None,
    flagged_out: str | Path | None = None,
    errors_out: str | Path | None = None,
    id_col: str = "report_id",
    text_col: str = "text",
    patterns_dir: str | Path | None = None,
    miner: Mining | None = None,
    engine: EngineOptions | None = None,
    recommendations_out: str | Path | None = None,
) -> ExtractSummary:
    """Run ``calcminer extract``: mine the inputs chunk by chunk and write the tables.

    All output paths are checked before any report is read. The report table holds every
    report in input order. The errors table is written to ``errors_out`` when given (even
    when empty), else to ``<stem>.errors.csv`` beside ``output`` when there are record errors.
    Inputs are streamed and outputs assembled from per-chunk parts (see
    :mod:`calcminer.nlp.engine.run`), so memory does not grow with the archive.

    Args:
        inputs: Input files or folders, read in order.
        output: Report table path (``.csv``, ``.parquet`` or ``.jsonl``).
        findings_out: Optional findings table path.
        flagged_out: Optional path for the flagged reports (triage workup or urgent).
        errors_out: Optional errors table path.
        id_col: Id column of tabular inputs.
        text_col: Text column of tabular inputs.
        patterns_dir: Pattern folder; None uses the packaged patterns.
        miner: A miner for in-process mining (one worker, or a single chunk); worker
            processes build their own from ``patterns_dir``.
        engine: Engine, workers, chunk size, resume and progress options.
        recommendations_out: Optional path for the recommendations table (one row per
            follow-up recommendation).

    Returns:
        The run summary.

    Raises:
        CalcminerError: Input, pattern or output problems (coded messages), and E205 when
            records read != report rows + error rows.
    """
    from calcminer.nlp.engine.run import EngineOptions, run_engine

    def optional(path: str | Path | None) -> Path | None:
        return None if path is None else Path(path)

    options = engine or EngineOptions()
    if options.workers < 1 or options.chunk_size < 1:
        raise CalcminerError(Errors.E210.format(workers=options.workers, size=options.chunk_size))
    asked: dict[str, Path | None] = {
        "reports": Path(output),
        "findings": optional(findings_out),
        "flagged": optional(flagged_out),
        "errors": optional(errors_out),
        "recommendations": optional(recommendations_out),
    }
    if errors_out is None:
        # Checked now too, so a clash with the default errors file fails before mining.
        check_outputs({**asked, "errors": default_errors_path(output)}, inputs)
    outputs = check_outputs(asked, inputs)

    def make_miner() -> Mining:
        if miner is not None:
            return miner
        if not options.prefilter:
            from calcminer.nlp.mining.miner import Miner

            return Miner(patterns_dir, prefilter=False)
        return load_miner(patterns_dir)

    result = run_engine(
        inputs,
        outputs,
        errors_default=None if errors_out is not None else default_errors_path(output),
        id_col=id_col,
        text_col=text_col,
        patterns_dir=patterns_dir,
        options=options,
        miner_factory=make_miner,
    )
    totals = result.totals
    # The check counts the rows written to the files (the engine checked them before
    # renaming the files into place), against the records read from the inputs.
    reports, errors = result.rows["reports"], result.rows.get("errors", 0)
    if result.records != reports + errors or totals.records != result.records:
        raise CalcminerError(
            Errors.E205.format(records=result.records, reports=reports, errors=errors)
        )
    written = tuple((role, path, result.rows[role]) for role, path in result.outputs.items())
    flagged = sum(totals.triage.get(level, 0) for level in ("workup", "urgent"))
    return ExtractSummary(
        records_read=result.records,
        reports=reports,
        errors=errors,
        triage={level: totals.triage.get(level, 0) for level in TRIAGE_LEVELS},
        flagged=flagged,
        outputs=written,
        error_codes=dict(sorted(totals.error_codes.items())),
        duplicate_ids=result.duplicate_ids,
        duplicate_examples=result.duplicate_examples,
        skipped_files=tuple(skipped_files(inputs)),
    )


def format_summary(summary: ExtractSummary) -> str:
    """Render the run summary as plain text (counts and paths only, never report text).

    Args:
        summary: The summary from :func:`run_extract`.

    Returns:
        A few lines for stdout.
    """
    triage = ", ".join(f"{level} {count}" for level, count in summary.triage.items())
    check = "ok" if summary.rows_match else "FAILED"
    lines = [
        f"records read: {summary.records_read}",
        f"reports: {summary.reports}",
        f"errors: {summary.errors}",
        f"triage: {triage}",
        f"flagged (workup or urgent): {summary.flagged}",
        f"check: records in {summary.records_read} = report rows {summary.reports} "
        f"+ error rows {summary.errors}: {check}",
    ]
    if summary.duplicate_ids:
        examples = ", ".join(repr(e) for e in summary.duplicate_examples)
        lines.append(
            f"duplicate report ids: {summary.duplicate_ids} repeated rows, all kept "
            f"(e.g. {examples})"
        )
    if summary.skipped_files:
        names = ", ".join(path.name for path in summary.skipped_files[:5])
        more = "" if len(summary.skipped_files) <= 5 else ", ..."
        lines.append(
            f"skipped files (not .txt) in input folders: {len(summary.skipped_files)} "
            f"({names}{more})"
        )
    lines += [f"wrote {role}: {path} ({rows} rows)" for role, path, rows in summary.outputs]
    return "\n".join(lines)


# --- calcminer audit -------------------------------------------------------------------------

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


@dataclass(frozen=True)
class AuditRunSummary:
    """Counts, outcome summary and files of one ``calcminer audit`` run (no report text).

    Attributes:
        records_read: Archive records read.
        exams: Records that became dated exams (index exams or not).
        errors: Error rows (unreadable records, missing patient, bad date).
        result: The audit itself.
        summary: Summary rows (overall, per level, per month, per concordance group).
        outputs: Written files, as (role, path, rows); rows is 0 for the plot.
        error_codes: Error rows per code.
    """

    records_read: int
    exams: int
    errors: int
    result: AuditResult
    summary: tuple[SummaryRow, ...]
    outputs: tuple[tuple[str, Path, int], ...]
    error_codes: dict[str, int] = field(default_factory=dict)

    @property
    def rows_match(self) -> bool:
        """Whether every record read became one exam or one error row."""
        return self.records_read == self.exams + self.errors

    @property
    def errors_path(self) -> Path | None:
        """The errors table written, if any."""
        return written_path(self.outputs, "errors")


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
    archive: str | Path | None,
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
) -> AuditRunSummary:
    """Run ``calcminer audit``: mine every exam, find each index exam's follow-up, write tables.

    Args:
        archive: JSONL, CSV or Parquet archive (or None with ``db_url`` and ``query``).
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
        date_format: ``strptime`` format of non-ISO exam dates.
        patterns_dir: Pattern folder (miner rules and ``audit.toml``).
        miner: A miner to reuse; None builds one from ``patterns_dir``.

    Returns:
        The run summary.

    Raises:
        CalcminerError: Bad options (E304/E305/E306), unreadable archive or database,
            invalid rule files, unwritable outputs, and E205 when records read != exams +
            error rows.
    """
    from calcminer.nlp.audit import (
        ModalityDetector,
        audit_exams,
        load_audit_config,
        make_exam,
        summarize,
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
    if plot_out is not None and Path(plot_out).suffix.lower() != PLOT_SUFFIX:
        raise OutputError(Errors.E306.format(path=plot_out))
    inputs = [archive] if archive is not None else []
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
    config = load_audit_config(patterns_dir).with_window(window_days)
    detector = ModalityDetector(config.modality_rules, config.header_max_chars)
    archive_columns = columns or ArchiveColumns()
    # The audit writes no carried column, so it carries every one (no column cap).
    limits = replace(input_limits(patterns_dir), max_carried_columns=None)
    if archive is not None:
        items: Iterator[Report | RecordError] = read_reports(
            inputs, id_col=id_col, text_col=text_col, limits=limits
        )
    else:
        from calcminer.nlp.io.db import read_database

        assert db_url is not None and query is not None
        items = read_database(db_url, query, id_col=id_col, text_col=text_col, limits=limits)
    active = miner if miner is not None else load_miner(patterns_dir)

    records = 0
    exams: list[Exam] = []
    errors: list[tuple[int, RecordError]] = []
    for order, record, mined in mine_records(items, active):
        records += 1
        if isinstance(record, RecordError):
            errors.append((order, record))
            continue
        assert mined is not None
        exam = make_exam(order, record, mined, detector, archive_columns, date_format)
        if isinstance(exam, RecordError):
            errors.append((order, exam))
        else:
            exams.append(exam)
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
    check = "ok" if summary.rows_match else "FAILED"
    windows = ", ".join(f"{level} {days} d" for level, days in result.windows_days.items())
    lines = [
        f"records read: {summary.records_read}",
        f"check: records in {summary.records_read} = exams {summary.exams} "
        f"+ error rows {summary.errors}: {check}",
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


# --- calcminer review and calcminer figures ----------------------------------------------------


@dataclass(frozen=True)
class MinedBatch:
    """Reports of a batch with their results, and the records that could not be used.

    Attributes:
        items: (report, result) pairs in input order.
        errors: Record errors in input order.
        records_read: Records read (items + errors).
    """

    items: tuple[tuple[Report, ReportResult], ...]
    errors: tuple[RecordError, ...]
    records_read: int


def mine_batch(
    inputs: Sequence[str | Path],
    *,
    id_col: str = "report_id",
    text_col: str = "text",
    patterns_dir: str | Path | None = None,
    miner: Mining | None = None,
) -> MinedBatch:
    """Read and mine a batch held in memory (review pages and figures are for batches).

    Raises:
        InputError: When an input cannot be read as a whole.
        CalcminerError: E205/E206 when the miner breaks its one-result-per-report contract.
    """
    limits = input_limits(patterns_dir)
    records = read_reports(inputs, id_col=id_col, text_col=text_col, limits=limits)
    active = miner if miner is not None else load_miner(patterns_dir)
    pairs: list[tuple[Report, ReportResult]] = []
    errors: list[RecordError] = []
    read = 0
    for _, record, result in mine_records(records, active):
        read += 1
        if isinstance(record, RecordError):
            errors.append(record)
        else:
            assert result is not None
            pairs.append((record, result))
    return MinedBatch(tuple(pairs), tuple(errors), read)


@dataclass(frozen=True)
class ReviewRunSummary:
    """Counts and files of one ``calcminer review`` run (no report text)."""

    records_read: int
    reports: int
    errors: int
    triage: dict[str, int]
    flagged: int
    outputs: tuple[tuple[str, Path, int], ...]

    @property
    def rows_match(self) -> bool:
        """Whether every record read is on the page or in the errors table."""
        return self.records_read == self.reports + self.errors


def run_review(
    inputs: Sequence[str | Path],
    output: str | Path,
    *,
    errors_out: str | Path | None = None,
    flagged_only: bool = False,
    title: str | None = None,
    id_col: str = "report_id",
    text_col: str = "text",
    patterns_dir: str | Path | None = None,
    miner: Mining | None = None,
) -> ReviewRunSummary:
    """Run ``calcminer review``: mine a batch and write the self-contained HTML review page.

    Record errors are listed on the page and, when ``errors_out`` is given or there are
    errors, written as an errors table (default ``<stem>.errors.csv`` beside the page).
    With ``flagged_only`` the page holds only the reports triaged workup or urgent; the
    summary counts still cover the whole batch.
    """
    from calcminer.nlp.io.writers import write_table
    from calcminer.nlp.views.review import DEFAULT_TITLE, HTML_SUFFIXES, write_review

    page = Path(output)
    if page.suffix.lower() not in HTML_SUFFIXES:
        raise OutputError(Errors.E403.format(path=page, suffix=page.suffix))
    errors_path = Path(errors_out) if errors_out is not None else default_errors_path(page)
    check_outputs(
        {"review": page, "errors": errors_path},
        inputs,
        {"review": "--output", "errors": "--errors-out"},
        free_format=frozenset({"review"}),
    )
    batch = mine_batch(
        inputs, id_col=id_col, text_col=text_col, patterns_dir=patterns_dir, miner=miner
    )
    triage: dict[str, int] = {level: 0 for level in TRIAGE_LEVELS}
    for _, result in batch.items:
        triage[result.triage] += 1
    shown = [pair for pair in batch.items if not flagged_only or pair[1].flagged]
    written = write_review(shown, page, errors=batch.errors, title=title or DEFAULT_TITLE)
    outputs = [("review", written.path, written.reports)]
    if errors_out is not None or batch.errors:
        frame = errors_frame(batch.errors)
        outputs.append(("errors", write_table(frame, errors_path), len(frame)))
    return ReviewRunSummary(
        records_read=batch.records_read,
        reports=len(batch.items),
        errors=len(batch.errors),
        triage=triage,
        flagged=triage["workup"] + triage["urgent"],
        outputs=tuple(outputs),
    )


def run_figures(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    errors_out: str | Path | None = None,
    from_table: bool = False,
    id_col: str = "report_id",
    text_col: str = "text",
    patterns_dir: str | Path | None = None,
    miner: Mining | None = None,
) -> tuple[dict[str, Path], int, int]:
    """Run ``calcminer figures``: triage, size and Couinaud-segment figures for a batch.

    Args:
        inputs: Reports to mine; with ``from_table``, report tables written by
            ``calcminer extract`` (CSV, Parquet or JSONL), read as they are.
        out_dir: Folder for ``triage.png``, ``sizes.png`` and ``segments.png``.
        errors_out: Errors table of the mined inputs (default ``errors.csv`` in ``out_dir``,
            written when there are errors).
        from_table: Read report tables instead of mining.
        id_col: Id column of tabular inputs.
        text_col: Text column of tabular inputs.
        patterns_dir: Rule folder (miner and the urgent size threshold).
        miner: A miner to reuse.

    Returns:
        The written figures by name, the number of reports drawn, and record errors.
    """
    import pandas as pd

    from calcminer.nlp.rules.patterns import load_patterns
    from calcminer.nlp.views.plots import batch_figures

    urgent_size_mm = float(load_patterns(patterns_dir).config["triage"]["urgent_size_mm"])
    errors = 0
    if from_table:
        frames = []
        for raw in inputs:
            path = Path(raw)
            kind = output_format(path)
            if not path.is_file():
                raise CalcminerError(Errors.E101.format(path=path))
            if kind == "csv":
                frames.append(pd.read_csv(path, dtype=str, keep_default_na=False))
            elif kind == "parquet":
                frames.append(pd.read_parquet(path))
            else:
                frames.append(pd.read_json(path, lines=True, dtype=False))
        reports = pd.concat(frames, ignore_index=True) if frames else reports_frame([])
    else:
        batch = mine_batch(
            inputs, id_col=id_col, text_col=text_col, patterns_dir=patterns_dir, miner=miner
        )
        reports = reports_frame(result for _, result in batch.items)
        errors = len(batch.errors)
        if errors_out is not None or batch.errors:
            from calcminer.nlp.io.writers import write_table

            target = Path(errors_out) if errors_out is not None else Path(out_dir) / "errors.csv"
            write_table(errors_frame(batch.errors), target)
    figures = batch_figures(reports, out_dir, urgent_size_mm=urgent_size_mm)
    return figures, len(reports), errors
