"""``calcminer review``: a batch -> mined -> one self-contained HTML page to review it.

:func:`run_review` mines the batch in memory, writes the page (the page itself is
:mod:`calcminer.nlp.views.review`) and the errors table, and returns a
:class:`ReviewRunSummary`; :func:`format_review_summary` and :func:`format_review_notices`
render it for stdout and stderr. A batch of more than ``max_reports`` reports (default
:data:`calcminer.nlp.views.review.MAX_REVIEW_REPORTS`) gets a page of its flagged reports only,
and the summary says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from calcminer.nlp.commands.batch import mine_batch
from calcminer.nlp.commands.outputs import check_outputs, default_errors_path
from calcminer.nlp.commands.summary import (
    RunSummary,
    format_check,
    format_triage,
    format_written,
)
from calcminer.nlp.errors import Errors, OutputError
from calcminer.nlp.io.tables import errors_frame
from calcminer.nlp.schema import TRIAGE_LEVELS
from calcminer.nlp.views.review import MAX_REVIEW_REPORTS, PageLimit, check_max_reports
from calcminer.nlp.views.review_adjudication import check_show_cols

if TYPE_CHECKING:
    from calcminer.nlp.mining.miner import Mining


@dataclass(frozen=True)
class ReviewRunSummary(RunSummary):
    """Counts and files of one ``calcminer review`` run (no report text).

    The counts cover the whole batch, also with ``flagged_only`` or a page limit.

    Attributes:
        reports: Reports mined (on the page unless ``flagged_only`` or the page limit left
            them out).
        triage: Reports per triage level, in the order none, benign, workup, urgent.
        flagged: Reports with triage workup or urgent.
        limit: How ``max_reports`` cut the page; None when every report meant for the page
            has a card.
    """

    reports: int
    triage: dict[str, int]
    flagged: int
    limit: PageLimit | None = None

    @property
    def rows_used(self) -> int:
        """Reports mined."""
        return self.reports


def run_review(
    inputs: Sequence[str | Path],
    output: str | Path,
    *,
    errors_out: str | Path | None = None,
    flagged_only: bool = False,
    max_reports: int = MAX_REVIEW_REPORTS,
    title: str | None = None,
    show_cols: Sequence[str] = (),
    id_col: str = "report_id",
    text_col: str = "text",
    patterns_dir: str | Path | None = None,
    miner: Mining | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> ReviewRunSummary:
    """Run ``calcminer review``: mine a batch and write the self-contained HTML review page.

    Record errors are listed on the page and, when ``errors_out`` is given or there are
    errors, written as an errors table (default ``<stem>.errors.csv`` beside the page).
    With ``flagged_only`` the page holds only the reports triaged workup or urgent; the
    summary counts still cover the whole batch. When more than ``max_reports`` reports are
    meant for the page, it holds the flagged ones only (urgent, then workup, at most
    ``max_reports``), says so, and so does the summary (:attr:`ReviewRunSummary.limit`).

    Args:
        inputs: Input files or folders, read in order.
        output: Review page path (``.html`` or ``.htm``).
        errors_out: Errors table path.
        flagged_only: Put only workup and urgent reports on the page.
        max_reports: Most report cards on the page; 0 for no limit.
        title: Page title; None uses the default title.
        show_cols: Input columns each card shows (``--show-cols``), in order; checked
            against the batch's columns before anything is written.
        id_col: Id column of tabular inputs.
        text_col: Text column of tabular inputs.
        patterns_dir: Pattern folder; None uses the packaged patterns.
        miner: A miner to reuse; None builds one from ``patterns_dir``.
        delimiter: Cell delimiter of CSV and TSV inputs: one character, or ``tab``; None:
            ``,`` for ``.csv``, tab for ``.tsv``.
        encoding: Codec of text inputs (``cp1252``, ``latin-1`` ...); None: strict UTF-8,
            a record that is not UTF-8 becomes an error row (E117).

    Returns:
        The run summary.

    Raises:
        CalcminerError: E403 for a page that is not HTML, E405 for a negative
            ``max_reports``, E406 for a ``show_cols`` column no report has, output clashes
            (E203/E204), input, pattern and write problems.
    """
    from calcminer.nlp.io.writers import write_table
    from calcminer.nlp.views.review import DEFAULT_TITLE, HTML_SUFFIXES, write_review

    page = Path(output)
    if page.suffix.lower() not in HTML_SUFFIXES:
        raise OutputError(Errors.E403.format(path=page, suffix=page.suffix))
    check_max_reports(max_reports)
    errors_path = Path(errors_out) if errors_out is not None else default_errors_path(page)
    check_outputs(
        {"review": page, "errors": errors_path},
        inputs,
        {"review": "--output", "errors": "--errors-out"},
        free_format=frozenset({"review"}),
    )
    batch = mine_batch(
        inputs,
        id_col=id_col,
        text_col=text_col,
        patterns_dir=patterns_dir,
        miner=miner,
        delimiter=delimiter,
        encoding=encoding,
    )
    triage: dict[str, int] = {level: 0 for level in TRIAGE_LEVELS}
    for _, result in batch.items:
        triage[result.triage] += 1
    # Before anything is written: a column to show must be one the batch has.
    check_show_cols(show_cols, (report for report, _ in batch.items))
    shown = [pair for pair in batch.items if not flagged_only or pair[1].flagged]
    written = write_review(
        shown,
        page,
        errors=batch.errors,
        title=title or DEFAULT_TITLE,
        max_reports=max_reports,
        show_cols=show_cols,
    )
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
        limit=written.limit,
    )


def parse_show_cols(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Split ``--show-cols`` (a comma list) into column names: stripped, no empties, each once.

    Args:
        value: ``"MRN,exam_date"``, a list of names (each may hold commas), or None.

    Returns:
        The names in the order given.
    """
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    names = [name.strip() for item in items for name in item.split(",")]
    return tuple(dict.fromkeys(name for name in names if name))


# --- plain-text formatting -----------------------------------------------------------------------


def format_review_summary(summary: ReviewRunSummary) -> str:
    """Render the run as plain text: records and triage, the row check, the files written.

    Args:
        summary: The summary from :func:`run_review`.

    Returns:
        Lines for stdout (counts and paths only, never report text).
    """
    lines = [
        f"records read: {summary.records_read}; triage: {format_triage(summary.triage)}",
        format_check(summary, "reports"),
        *format_page_limit(summary.limit),
        *format_written(summary.outputs),
    ]
    return "\n".join(lines)


def format_page_limit(limit: PageLimit | None) -> list[str]:
    """The line that says which reports a page limit kept on the review page (none without
    a limit).

    Args:
        limit: :attr:`ReviewRunSummary.limit`.

    Returns:
        One line, or none.
    """
    if limit is None:
        return []
    if limit.shown < limit.flagged:
        which = f"the first {limit.shown} of {limit.flagged} flagged reports, urgent first"
    else:
        which = f"the {limit.shown} flagged reports"
    return [
        f"review page: {which}, of {limit.reports} (more than --max-reports "
        f"{limit.max_reports}); the other {limit.left_off} are counted on the page but have "
        "no card"
    ]


def format_review_notices(summary: ReviewRunSummary) -> list[str]:
    """The message for stderr after a run with error rows (E208), none without.

    Args:
        summary: The summary from :func:`run_review`.

    Returns:
        The messages (printed even with ``--quiet``).
    """
    if not summary.errors:
        return []
    return [Errors.E208.format(count=summary.errors, codes="see table", path=summary.errors_path)]
