"""``calcminer extract`` and the Python API behind it: read -> mine -> tables (-> write).

:func:`extract_tables` is the Python API (inputs in, DataFrames out, the batch held in
memory); :func:`run_extract` streams an archive through the engine, writes the tables and
returns an :class:`ExtractSummary`; :func:`format_extract_summary` and
:func:`format_extract_notices` render that summary for stdout and stderr. The miner is
imported lazily, so this module loads without building a pipeline.

Both raise the coded warnings of a run with ``warnings.warn`` (a
:class:`~calcminer.nlp.errors.CalcminerWarning`: W001 repeated report ids, W002 skipped
files), so that Python API users see them; the CLI ignores those and prints the same messages
from the summary (:func:`format_extract_notices`). Each message has one wording, used both
ways (``duplicate_ids_message``, ``skipped_files_message``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from calcminer.nlp.commands.batch import mine_batch, resolve_miner
from calcminer.nlp.commands.outputs import check_outputs, default_errors_path
from calcminer.nlp.commands.summary import (
    RunSummary,
    format_all_errors,
    format_check,
    format_error_codes,
    format_triage,
    format_written,
)
from calcminer.nlp.engine.inputs import DuplicateIds, duplicate_ids_message
from calcminer.nlp.errors import CalcminerError, CalcminerWarning, Errors, InputError
from calcminer.nlp.io.frames import InMemory, classify_inputs
from calcminer.nlp.io.tables import (
    errors_frame,
    findings_frame,
    flagged_frame,
    recommendations_frame,
    reports_frame,
)
from calcminer.nlp.io.txt_reader import skipped_files, skipped_files_message
from calcminer.nlp.schema import TRIAGE_LEVELS

if TYPE_CHECKING:
    import pandas as pd

    from calcminer.nlp.engine.run import EngineOptions
    from calcminer.nlp.io.frames import ReportInputs
    from calcminer.nlp.mining.miner import Mining

#: Skipped input files named in the summary line; more are shown as "...".
SKIPPED_FILES_SHOWN = 5


# --- the Python API: tables in memory ------------------------------------------------------------


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
    inputs: ReportInputs,
    *,
    id_col: str = "report_id",
    text_col: str = "text",
    patterns_dir: str | Path | None = None,
    miner: Mining | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> ExtractTables:
    """Read reports, run the miner and build the report, findings, errors and recommendations
    tables.

    Example:
        >>> from calcminer import extract_tables
        >>> tables = extract_tables("reports.csv", id_col="accession")  # doctest: +SKIP
        >>> tables.reports[["report_id", "triage"]]  # doctest: +SKIP
        >>> tables = extract_tables(df, id_col="accession", text_col="report")  # doctest: +SKIP
        >>> extract_tables("export.csv.gz", delimiter=";", encoding="cp1252")  # doctest: +SKIP

    Args:
        inputs: One input or several (JSONL, CSV, TSV, each maybe compressed: ``.gz``,
            ``.bz2``, ``.xz``, ``.zst``; Parquet, ``.xlsx``, ``.txt`` files, folders of
            ``.txt`` files, ``-`` for standard input), read in the order given; or data: a
            pandas DataFrame, or an iterable of dicts (one record each). Data is read like a
            file (:mod:`calcminer.nlp.io.frames`): every row gives a report or an error row,
            whose ``source`` is ``<DataFrame>`` or ``<records>`` and ``line`` the row number
            (1 = first row). A list of strings is a list of paths.
        id_col: Id column of tabular inputs and data.
        text_col: Text column of tabular inputs and data.
        patterns_dir: Pattern folder for a new miner; ignored when ``miner`` is given.
        miner: A miner to reuse (e.g. across calls); None builds one.
        delimiter: Cell delimiter of CSV and TSV inputs: one character, or ``tab``; None:
            ``,`` for ``.csv``, tab for ``.tsv``.
        encoding: Codec of text inputs (``cp1252``, ``latin-1`` ...); None: strict UTF-8,
            a record that is not UTF-8 becomes an error row (E117).

    Returns:
        The tables; ``records_read == len(reports) + len(errors)``.

    Warns:
        CalcminerWarning: W001 when report ids repeat (every row is kept), W002 when input
            folders hold files that are not ``.txt`` (not read).

    Raises:
        InputError: When an input cannot be read as a whole (checked before mining): for
            data, E190 when the id or text column is missing, E191 for duplicate column
            names, E192 for an input of another type.
        PatternError: When the miner's pattern files are invalid.
        CalcminerError: E205/E206 when the miner breaks its one-result-per-report contract.
    """
    source = classify_inputs(inputs)
    batch = mine_batch(
        source,
        id_col=id_col,
        text_col=text_col,
        patterns_dir=patterns_dir,
        miner=miner,
        delimiter=delimiter,
        encoding=encoding,
    )
    duplicates = DuplicateIds()
    for _ in duplicates.watch(report for report, _ in batch.items):
        pass
    duplicates.warn()
    if not isinstance(source, InMemory):
        _warn_skipped(source)
    results = [result for _, result in batch.items]
    return ExtractTables(
        reports=reports_frame(results),
        findings=findings_frame(results),
        errors=errors_frame(batch.errors),
        records_read=batch.records_read,
        recommendations=recommendations_frame(results),
    )


# --- calcminer extract: an archive, streamed to files --------------------------------------------


@dataclass(frozen=True)
class ExtractSummary(RunSummary):
    """Counts and files of one ``calcminer extract`` run (no report text).

    Attributes:
        reports: Report rows written.
        triage: Reports per triage level, in the order none, benign, workup, urgent.
        flagged: Reports with triage workup or urgent.
        error_codes: Record errors per code.
        duplicate_ids: Report rows whose id repeats an earlier row's (all are kept).
        duplicate_examples: A few of the repeated ids.
        skipped_files: Files in input folders that were not read (not ``.txt``).
    """

    reports: int
    triage: dict[str, int]
    flagged: int
    error_codes: dict[str, int] = field(default_factory=dict)
    duplicate_ids: int = 0
    duplicate_examples: tuple[str, ...] = ()
    skipped_files: tuple[Path, ...] = ()

    @property
    def rows_used(self) -> int:
        """Report rows written."""
        return self.reports


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
    delimiter: str | None = None,
    encoding: str | None = None,
) -> ExtractSummary:
    """Run ``calcminer extract``: mine the inputs chunk by chunk and write the tables.

    All output paths are checked before any report is read. The report table holds every
    report in input order. The errors table is written to ``errors_out`` when given (even
    when empty), else to ``<stem>.errors.csv`` beside ``output`` when there are record errors.
    Inputs are streamed and outputs assembled from per-chunk parts (see
    :mod:`calcminer.nlp.engine.run`), so memory does not grow with the archive.

    Args:
        inputs: Input files or folders, read in order; ``-`` reads standard input (once:
            not with ``engine.resume``, E252).
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
        delimiter: Cell delimiter of CSV and TSV inputs: one character, or ``tab``; None:
            ``,`` for ``.csv``, tab for ``.tsv``.
        encoding: Codec of text inputs (``cp1252``, ``latin-1`` ...); None: strict UTF-8,
            a record that is not UTF-8 becomes an error row (E117).

    Returns:
        The run summary.

    Warns:
        CalcminerWarning: W001 when report ids repeat (every row is kept), W002 when input
            folders hold files that are not ``.txt`` (not read).

    Raises:
        CalcminerError: Input, pattern or output problems (coded messages), E194 for data
            (a DataFrame or records: :func:`extract_tables` reads them), and E205 when
            records read != report rows + error rows.
    """
    from calcminer.nlp.engine.run import EngineOptions, run_engine

    chosen = classify_inputs(inputs)
    if isinstance(chosen, InMemory):
        kind = "a DataFrame" if chosen.frame is not None else "records"
        raise InputError(Errors.E194.format(function="run_extract()", kind=kind))
    inputs = chosen

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
        return resolve_miner(miner, patterns_dir, prefilter=options.prefilter)

    result = run_engine(
        inputs,
        outputs,
        errors_default=None if errors_out is not None else default_errors_path(output),
        id_col=id_col,
        text_col=text_col,
        patterns_dir=patterns_dir,
        options=options,
        miner_factory=make_miner,
        delimiter=delimiter,
        encoding=encoding,
    )
    totals = result.totals
    # The check counts the rows written to the files (the engine checked them before
    # renaming the files into place), against the records read from the inputs.
    reports, errors = result.rows["reports"], result.rows.get("errors", 0)
    if result.records != reports + errors or totals.records != result.records:
        raise CalcminerError(
            Errors.E205.format(records=result.records, reports=reports, errors=errors)
        )
    skipped = _warn_skipped(inputs)
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
        skipped_files=skipped,
    )


def _warn_skipped(inputs: Sequence[str | Path]) -> tuple[Path, ...]:
    """The files of input folders that are not read; W002 for the caller of the public
    function that calls this one, when there are any."""
    skipped = tuple(skipped_files(inputs))
    if skipped:
        warnings.warn(skipped_files_message(skipped), CalcminerWarning, stacklevel=3)
    return skipped


# --- plain-text formatting -----------------------------------------------------------------------


def _duplicate_examples(summary: ExtractSummary) -> str:
    """The repeated ids named in messages, e.g. ``'r1', 'r7'``."""
    return ", ".join(repr(e) for e in summary.duplicate_examples)


def format_extract_summary(summary: ExtractSummary) -> str:
    """Render the run summary as plain text (counts and paths only, never report text).

    Args:
        summary: The summary from :func:`run_extract`.

    Returns:
        A few lines for stdout.
    """
    lines = [
        f"records read: {summary.records_read}",
        f"reports: {summary.reports}",
        f"errors: {summary.errors}",
        f"triage: {format_triage(summary.triage)}",
        f"flagged (workup or urgent): {summary.flagged}",
        format_check(summary, "report rows"),
    ]
    if summary.duplicate_ids:
        lines.append(
            f"duplicate report ids: {summary.duplicate_ids} repeated rows, all kept "
            f"(e.g. {_duplicate_examples(summary)})"
        )
    if summary.skipped_files:
        shown = summary.skipped_files[:SKIPPED_FILES_SHOWN]
        names = ", ".join(path.name for path in shown)
        more = "" if len(summary.skipped_files) <= SKIPPED_FILES_SHOWN else ", ..."
        lines.append(
            f"skipped files (not .txt) in input folders: {len(summary.skipped_files)} "
            f"({names}{more})"
        )
    lines += format_written(summary.outputs)
    return "\n".join(lines)


def format_extract_notices(summary: ExtractSummary) -> list[str]:
    """The messages for stderr after a run: error rows (E208), repeated ids (W001) and
    skipped files (W002).

    Args:
        summary: The summary from :func:`run_extract`.

    Returns:
        One message per problem, none for a clean run (printed even with ``--quiet``).
    """
    notices = []
    if summary.errors:
        codes = format_error_codes(summary.error_codes)
        notices.append(
            Errors.E208.format(count=summary.errors, codes=codes, path=summary.errors_path)
        )
    if summary.duplicate_ids:
        notices.append(duplicate_ids_message(summary.duplicate_ids, summary.duplicate_examples))
    if summary.skipped_files:
        notices.append(skipped_files_message(summary.skipped_files))
    return notices


def format_extract_failure(summary: ExtractSummary) -> str | None:
    """E255 when every record read became an error row (the CLI then exits 1), else None.

    Args:
        summary: The summary from :func:`run_extract`.
    """
    return format_all_errors(summary, summary.error_codes, "reports", "--id-col, --text-col")
