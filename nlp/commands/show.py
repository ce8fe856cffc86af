"""``calcminer show``: one report -> mined -> its targets, attributes, assertion and triage,
marked in its text.

:func:`run_show` picks the report (the TEXT argument, a ``.txt`` file or one record of a
table) and mines it; :func:`format_show` renders it for the terminal (the rendering is
:mod:`calcminer.nlp.views.explain`). ``show`` prints the report text because the user handed
it over to be shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from calcminer.nlp.commands.batch import resolve_miner
from calcminer.nlp.schema import Report, ReportResult
from calcminer.nlp.views.explain import pick_report, render_show

if TYPE_CHECKING:
    from rich.text import Text

    from calcminer.nlp.mining.miner import Mining


@dataclass(frozen=True)
class ShownReport:
    """One report and what the miner found in it.

    Attributes:
        report: The report picked.
        result: The miner's result for it.
    """

    report: Report
    result: ReportResult


def run_show(
    text: str | None,
    file: Path | None,
    report_id: str | None,
    *,
    id_col: str = "report_id",
    text_col: str = "text",
    patterns_dir: str | Path | None = None,
    miner: Mining | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> ShownReport:
    """Run ``calcminer show``: pick one report and mine it.

    Args:
        text: Report text, or None with ``file``.
        file: A ``.txt`` report, or a JSONL/CSV/Parquet file (``report_id`` picks the record
            when it holds several).
        report_id: Report id to pick from a tabular ``file``.
        id_col: Id column of a tabular ``file``.
        text_col: Text column of a tabular ``file``.
        patterns_dir: Pattern folder; None uses the packaged patterns.
        miner: A miner to reuse; None builds one from ``patterns_dir``.
        delimiter: Cell delimiter of a CSV or TSV ``file``; None: by its type.
        encoding: Codec of a text ``file``; None: strict UTF-8.

    Returns:
        The report and its result.

    Raises:
        CalcminerError: E220-E223 when no single usable report is picked (see
            :func:`calcminer.nlp.views.explain.pick_report`), input and pattern problems.
    """
    report = pick_report(
        text,
        file,
        report_id,
        id_col=id_col,
        text_col=text_col,
        delimiter=delimiter,
        encoding=encoding,
    )
    result = next(iter(resolve_miner(miner, patterns_dir).mine([report])))
    return ShownReport(report, result)


def format_show(shown: ShownReport, *, color: bool) -> Text:
    """Render the report with its targets and modifiers marked, then the findings and triage.

    Args:
        shown: The result of :func:`run_show`.
        color: Highlight with colors; without, targets are shown as ``[..]`` and modifiers as
            ``<..>``.

    Returns:
        Rich text for the terminal.
    """
    return render_show(shown.report.text, shown.result, color=color)
