"""Library entry points, one per command: read -> mine -> tables (-> write), for CLI and Python.

``extract_tables`` is the Python API (inputs in, DataFrames out); ``run_extract`` adds the
output files and the run summary used by ``calcminer extract``. The miner is imported lazily,
so these modules load without building a pipeline.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from calcminer.nlp.errors import CalcminerError, Errors, OutputError
from calcminer.nlp.io import read_reports
from calcminer.nlp.schema import TRIAGE_LEVELS, RecordError, Report, ReportResult
from calcminer.nlp.tables import (
    errors_frame,
    findings_frame,
    flagged_frame,
    reports_frame,
)
from calcminer.nlp.writers import output_format

if TYPE_CHECKING:
    import pandas as pd

    from calcminer.nlp.engine import EngineOptions

#: Suffix of the default errors table written beside the main output.
ERRORS_SUFFIX = ".errors.csv"


class Mining(Protocol):
    """What the library needs from a miner (``calcminer.nlp.miner.Miner`` provides it)."""

    def mine(self, reports: Iterable[Report]) -> Iterator[ReportResult]:
        """Yield one result per report, in the same order."""
        ...


def load_miner(patterns_dir: str | Path | None = None) -> Mining:
    """Build the rule-based miner.

    Args:
        patterns_dir: Folder of pattern files; None uses the packaged ``patterns/``.

    Returns:
        A ready miner.

    Raises:
        PatternError: When a pattern or configuration file is missing or invalid.
    """
    from calcminer.nlp.miner import Miner

    return Miner(patterns_dir=patterns_dir)


@dataclass(frozen=True)
class ExtractTables:
    """The tables of one extraction run.

    Attributes:
        reports: Report table, one row per report read, in input order.
        findings: Findings table, one row per calcification target (counted or not).
        errors: Errors table, one row per input record that could not be processed.
        records_read: Number of input records (reports plus record errors).
    """

    reports: pd.DataFrame
    findings: pd.DataFrame
    errors: pd.DataFrame
    records_read: int

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
    """Read reports, run the miner and build the report, findings and errors tables.

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
    items = read_reports(paths, id_col=id_col, text_col=text_col)
    active = miner if miner is not None else load_miner(patterns_dir)
    errors: list[RecordError] = []
    pending: deque[Report] = deque()
    records = 0

    def reports() -> Iterator[Report]:
        nonlocal records
        for item in items:
            records += 1
            if isinstance(item, RecordError):
                errors.append(item)
            else:
                pending.append(item)
                yield item

    results = list(_paired(active.mine(reports()), pending))
    # A miner that stops early leaves records unread; read them so the row check sees them.
    for _ in reports():
        pass
    tables = ExtractTables(
        reports=reports_frame(results),
        findings=findings_frame(results),
        errors=errors_frame(errors),
        records_read=records,
    )
    if len(tables.reports) + len(tables.errors) != records:
        raise CalcminerError(
            Errors.E205.format(
                records=records, reports=len(tables.reports), errors=len(tables.errors)
            )
        )
    return tables


def _paired(results: Iterable[ReportResult], pending: deque[Report]) -> Iterator[ReportResult]:
    """Check each result against its report (E206 on a mismatch) and keep the report's meta.

    The miner may read ahead (it batches), so reports wait in ``pending`` until their result
    comes back; only the batch in flight is held in memory.
    """
    for result in results:
        if not pending:
            raise CalcminerError(Errors.E206.format(got=result.report_id, expected=None))
        report = pending.popleft()
        if result.report_id != report.report_id:
            raise CalcminerError(
                Errors.E206.format(got=result.report_id, expected=report.report_id)
            )
        yield result if result.meta or not report.meta else replace(result, meta=report.meta)


@dataclass(frozen=True)
class ExtractSummary:
    """Counts and files of one ``calcminer extract`` run (no report text).

    Attributes:
        records_read: Input records read.
        reports: Report rows written.
        errors: Record errors.
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

    @property
    def rows_match(self) -> bool:
        """Whether every record read gave exactly one report row or error row."""
        return self.records_read == self.reports + self.errors

    @property
    def errors_path(self) -> Path | None:
        """The errors table written, if any."""
        return next((path for role, path, _ in self.outputs if role == "errors"), None)


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
}


def check_outputs(outputs: dict[str, Path | None], inputs: Sequence[str | Path]) -> dict[str, Path]:
    """Check output paths before any work: known extensions, distinct, not an input file.

    Args:
        outputs: Role (``reports``, ``findings``, ``flagged``, ``errors``) -> path, None for
            outputs not asked for.
        inputs: The input paths.

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
        option = OUTPUT_OPTIONS.get(role, role)
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
) -> ExtractSummary:
    """Run ``calcminer extract``: mine the inputs chunk by chunk and write the tables.

    All output paths are checked before any report is read. The report table holds every
    report in input order. The errors table is written to ``errors_out`` when given (even
    when empty), else to ``<stem>.errors.csv`` beside ``output`` when there are record errors.
    Inputs are streamed and outputs assembled from per-chunk parts (see
    :mod:`calcminer.nlp.engine`), so memory does not grow with the archive.

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

    Returns:
        The run summary.

    Raises:
        CalcminerError: Input, pattern or output problems (coded messages), and E205 when
            records read != report rows + error rows.
    """
    from calcminer.nlp.engine import EngineOptions, run_engine

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
    }
    if errors_out is None:
        # Checked now too, so a clash with the default errors file fails before mining.
        check_outputs({**asked, "errors": default_errors_path(output)}, inputs)
    outputs = check_outputs(asked, inputs)

    def make_miner() -> Mining:
        if miner is not None:
            return miner
        if not options.prefilter:
            from calcminer.nlp.miner import Miner

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
    if totals.records != totals.reports + totals.errors:
        raise CalcminerError(
            Errors.E205.format(records=totals.records, reports=totals.reports, errors=totals.errors)
        )
    written = tuple((role, path, result.rows[role]) for role, path in result.outputs.items())
    flagged = sum(totals.triage.get(level, 0) for level in ("workup", "urgent"))
    return ExtractSummary(
        records_read=totals.records,
        reports=totals.reports,
        errors=totals.errors,
        triage={level: totals.triage.get(level, 0) for level in TRIAGE_LEVELS},
        flagged=flagged,
        outputs=written,
        error_codes=dict(sorted(totals.error_codes.items())),
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
    lines += [f"wrote {role}: {path} ({rows} rows)" for role, path, rows in summary.outputs]
    return "\n".join(lines)
