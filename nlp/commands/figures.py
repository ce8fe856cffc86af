"""``calcminer figures``: a batch (mined, or report tables read as they are) -> triage, size
and Couinaud-segment figures.

:func:`run_figures` gets the report table, draws the figures (the drawing is
:mod:`calcminer.nlp.views.plots`) and returns a :class:`FiguresRunSummary`;
:func:`format_figures_summary` renders it for stdout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calcminer.nlp.commands.batch import mine_batch
from calcminer.nlp.commands.summary import RunSummary, format_check
from calcminer.nlp.errors import CalcminerError, Errors, InputError
from calcminer.nlp.io.tables import errors_frame, reports_frame
from calcminer.nlp.io.writers import output_format

if TYPE_CHECKING:
    import pandas as pd

    from calcminer.nlp.mining.miner import Mining

#: Errors table of the mined inputs when no path is given, in the figures folder.
ERRORS_NAME = "errors.csv"


@dataclass(frozen=True)
class FiguresRunSummary(RunSummary):
    """Counts and files of one ``calcminer figures`` run (no report text).

    ``records_read`` is reports drawn plus record errors (report table rows with
    ``from_table``); ``outputs`` holds the errors table when written, then each figure with
    0 rows.

    Attributes:
        reports: Reports drawn.
        from_table: Whether the reports came from report tables (nothing mined).
    """

    reports: int
    from_table: bool = False

    @property
    def rows_used(self) -> int:
        """Reports drawn."""
        return self.reports

    @property
    def figures(self) -> dict[str, Path]:
        """The figures written, by name (every output but the errors table)."""
        return {role: path for role, path, _ in self.outputs if role != "errors"}


def read_report_tables(inputs: Sequence[str | Path]) -> pd.DataFrame:
    """Read report tables written by ``calcminer extract`` (CSV, Parquet or JSON Lines), as
    they are, one after the other.

    Raises:
        OutputError: E201 for another extension.
        CalcminerError: E101 for a missing file.
        InputError: E212 for a file that cannot be read as a table (pandas' or pyarrow's
            message as the detail).
    """
    import pandas as pd

    frames = []
    for raw in inputs:
        path = Path(raw)
        kind = output_format(path)
        if not path.is_file():
            raise CalcminerError(Errors.E101.format(path=path))
        try:
            if kind == "csv":
                frames.append(pd.read_csv(path, dtype=str, keep_default_na=False))
            elif kind == "parquet":
                frames.append(pd.read_parquet(path))
            else:
                frames.append(pd.read_json(path, lines=True, dtype=False))
        except ValueError as e:
            # pandas' and pyarrow's parse and decode errors are ValueErrors: no text shown.
            raise InputError(Errors.E212.format(detail=str(e))) from e
    return pd.concat(frames, ignore_index=True) if frames else reports_frame([])


def _urgent_threshold(config: Mapping[str, Any]) -> float:
    """The urgent size threshold of a loaded ``config.toml``, in mm.

    Args:
        config: The configuration (``PatternSet.config``).

    Returns:
        ``urgent_size_mm`` of ``[triage]`` as a float.

    Raises:
        CalcminerError: E230 when it is not a number.
    """
    value = config["triage"]["urgent_size_mm"]
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):  # float() of text, a table, a huge int
        raise CalcminerError(Errors.E230.format(value=value)) from None


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
    delimiter: str | None = None,
    encoding: str | None = None,
) -> FiguresRunSummary:
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
        delimiter: Cell delimiter of CSV and TSV inputs: one character, or ``tab``; None:
            ``,`` for ``.csv``, tab for ``.tsv``.
        encoding: Codec of text inputs to mine (``cp1252``, ``latin-1`` ...); None: strict UTF-8,
            a record that is not UTF-8 becomes an error row (E117).

    Returns:
        The run summary: the figures written, the reports drawn and the record errors.

    Raises:
        CalcminerError: Input, pattern and write problems, E212 for a table that cannot be
            drawn (e.g. a missing column or a bad cell), and E230 for an urgent threshold
            that is not a finite size >= 0.
    """
    from calcminer.nlp.rules.patterns import load_patterns
    from calcminer.nlp.views.plots import batch_figures

    folder = Path(out_dir)
    urgent_size_mm = _urgent_threshold(load_patterns(patterns_dir).config)
    errors = 0
    written: list[tuple[str, Path, int]] = []
    if from_table:
        reports = read_report_tables(inputs)
    else:
        batch = mine_batch(
            inputs,
            id_col=id_col,
            text_col=text_col,
            patterns_dir=patterns_dir,
            miner=miner,
            delimiter=delimiter,
            encoding=encoding,
        )
        reports = reports_frame(result for _, result in batch.items)
        errors = len(batch.errors)
        if errors_out is not None or batch.errors:
            from calcminer.nlp.io.writers import write_table

            target = Path(errors_out) if errors_out is not None else folder / ERRORS_NAME
            written.append(("errors", write_table(errors_frame(batch.errors), target), errors))
    figures = batch_figures(reports, folder, urgent_size_mm=urgent_size_mm)
    written += [(name, path, 0) for name, path in figures.items()]
    return FiguresRunSummary(
        records_read=len(reports) + errors,
        errors=errors,
        outputs=tuple(written),
        reports=len(reports),
        from_table=from_table,
    )


# --- plain-text formatting -----------------------------------------------------------------------


def format_figures_summary(summary: FiguresRunSummary) -> str:
    """Render the run as plain text: reports drawn, the row check (when mined), the figures.

    Args:
        summary: The summary from :func:`run_figures`.

    Returns:
        Lines for stdout (counts and paths only, never report text).
    """
    lines = [f"reports drawn: {summary.reports}; record errors: {summary.errors}"]
    if not summary.from_table:
        lines.append(format_check(summary, "reports"))
    lines += [f"wrote {name}: {path}" for name, path in summary.figures.items()]
    return "\n".join(lines)
