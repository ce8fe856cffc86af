"""The follow-up audit's one-page report for a department head: one printable HTML page.

:class:`AuditReport` holds what the page shows: the as-of date, the period and scope of the
audit, the levels and their windows, the headline counts, the summary rows (rendered by scope,
in the order given), the overdue index exams and the audit plot as PNG bytes.
:func:`render_audit_report` renders it; :func:`write_audit_report` writes it atomically;
:func:`audit_report_from_result` builds it from an :class:`~calcminer.nlp.audit.AuditResult`
and :func:`audit_plot_png` draws the plot for it.

The page is self-contained and inert: one constant style block allowed by its hash in a
Content-Security-Policy ``<meta>`` (``default-src 'none'``, so no script, font, frame or
fetch), no script at all, and the plot inlined as a ``data:`` image. Every value from the
data is HTML-escaped, in text and attributes. It shows counts, rates, report ids, dates,
levels and the group values the caller chose (e.g. radiologist, site): never report text,
never patient ids or names (the overdue table of the audit has the patient ids for whoever
books the follow-up). Long tables are cut (:data:`MAX_GROUPS_PER_SCOPE`,
:data:`MAX_OVERDUE_ROWS` ...) with a note of how many rows the audit's tables hold beyond, so
the page prints on one sheet of A4 or US Letter. The page never reads the clock: the same
report gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from calcminer.nlp.audit import LEVELS, AuditResult, AuditRow, SummaryRow, column_value
from calcminer.nlp.errors import CalcminerError, Errors, OutputError
from calcminer.nlp.views.audit_report_sections import (
    CHRONOLOGICAL_SCOPES,
    HEADLINE_SCOPES,
    MAX_CELL_CHARS,
    MAX_GROUP_SCOPES,
    MAX_GROUPS_PER_SCOPE,
    MAX_OVERDUE_GROUP_COLUMNS,
    MAX_OVERDUE_ROWS,
    MAX_SCOPE_CHARS,
    MAX_TITLE_CHARS,
    cut,
    esc,
    figures_section,
    header_lines,
    headline_section,
    overdue_section,
    plain_text,
    plot_src,
    scopes_section,
)
from calcminer.nlp.views.audit_report_templates import (
    PAGE_STYLE,
    TPL_META,
    TPL_NO_PLOT,
    TPL_PAGE,
    TPL_PLOT,
)

if TYPE_CHECKING:
    import pandas as pd

#: Title and heading of the page unless the caller gives one.
DEFAULT_TITLE = "Follow-up audit"
#: Extensions the page may be written to.
HTML_SUFFIXES = frozenset({".html", ".htm"})
#: Encoding of the page (and of the style block its CSP hash is computed over).
PAGE_ENCODING = "utf-8"
#: The first bytes of every PNG file.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class OverdueItem:
    """One overdue index exam as the page lists it: ids, dates and groups, no report text.

    Attributes:
        report_id: The index exam's report id.
        exam_date: Date of the index exam.
        level: Its audit level.
        due_date: Index date + the level's window.
        days_overdue: Days from the due date to the as-of date.
        groups: Value of each of the report's group columns, in the order of
            :attr:`AuditReport.group_columns` (empty text when the row has none).
    """

    report_id: str
    exam_date: date
    level: str
    due_date: date
    days_overdue: int
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditReport:
    """What the one-page audit report shows.

    Attributes:
        as_of: The audit date.
        scope: What was audited, in words (e.g. "liver: triage urgent/workup and liver
            follow-up recommendations").
        exams: Exams audited (dated on or before the as-of date).
        index_exams: Index exams among them.
        summary: Summary rows (:func:`calcminer.nlp.audit.summarize`, and the group scopes),
            rendered by scope in the order given; ``overall`` and ``level`` form the headline.
        overdue: The overdue index exams (all of them: the page shows the longest overdue).
        levels: The audited levels, in reporting order.
        windows_days: Level -> window in days.
        group_columns: Names of the group columns each :class:`OverdueItem` carries.
        since: First index-exam date audited, None when open.
        until: Last index-exam date audited, None when open.
        title: Page title and heading.
        plot_png: The audit plot (:func:`audit_plot_png`), or None for no plot.
        generated: Shown under the title (e.g. a timestamp) when given.

    Raises:
        CalcminerError: E336 when ``plot_png`` is not PNG data, E337 when an overdue item's
            groups do not match ``group_columns``.
    """

    as_of: date
    scope: str
    exams: int
    index_exams: int
    summary: tuple[SummaryRow, ...]
    overdue: tuple[OverdueItem, ...]
    levels: tuple[str, ...] = LEVELS
    windows_days: Mapping[str, int] = field(default_factory=dict)
    group_columns: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    title: str = DEFAULT_TITLE
    plot_png: bytes | None = None
    generated: str | None = None

    def __post_init__(self) -> None:
        """Check the plot and the overdue items' groups."""
        if self.plot_png is not None and not self.plot_png.startswith(PNG_SIGNATURE):
            raise CalcminerError(Errors.E336.format(size=len(self.plot_png)))
        for position, item in enumerate(self.overdue):
            if len(item.groups) != len(self.group_columns):
                raise CalcminerError(
                    Errors.E337.format(
                        position=position,
                        groups=len(item.groups),
                        columns=list(self.group_columns),
                    )
                )


# --- building a report -------------------------------------------------------------------------


def row_groups(row: AuditRow, group_columns: Sequence[str]) -> tuple[str, ...]:
    """The values of a row's group columns (:func:`~calcminer.nlp.audit.column_value`: the
    audit's own columns, else the carried input columns), as text; empty when the row has
    no such column or no value."""
    return tuple(plain_text(column_value(row, column)) for column in group_columns)


def overdue_items(
    result: AuditResult, group_columns: Sequence[str] = ()
) -> tuple[OverdueItem, ...]:
    """The overdue index exams of an audit, longest overdue first, without report text.

    Args:
        result: The audit.
        group_columns: Carried input columns to show beside each exam (see :func:`row_groups`).

    Returns:
        One item per overdue index exam.
    """
    return tuple(
        OverdueItem(
            report_id=row.report_id,
            exam_date=row.exam_date,
            level=row.level,
            due_date=row.due_date,
            days_overdue=(result.as_of - row.due_date).days,
            groups=row_groups(row, group_columns),
        )
        for row in result.overdue
    )


def audit_report_from_result(
    result: AuditResult,
    summary: Sequence[SummaryRow],
    *,
    scope: str,
    group_columns: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    title: str = DEFAULT_TITLE,
    plot_png: bytes | None = None,
    generated: str | None = None,
) -> AuditReport:
    """Build the page's content from an audit and its summary.

    Args:
        result: The audit (its rows are the index exams audited).
        summary: Its summary rows, in the order the page shows them.
        scope: What was audited, in words.
        group_columns: Carried input columns shown in the overdue list (the ``--by`` columns).
        since: First index-exam date audited, None when open.
        until: Last index-exam date audited, None when open.
        title: Page title and heading.
        plot_png: The audit plot (:func:`audit_plot_png`), or None.
        generated: Shown under the title when given.

    Returns:
        The report.
    """
    levels = tuple(result.levels)
    return AuditReport(
        as_of=result.as_of,
        scope=scope,
        exams=result.exams,
        index_exams=len(result.rows),
        summary=tuple(summary),
        overdue=overdue_items(result, group_columns),
        levels=levels,
        windows_days=dict(result.windows_days),
        group_columns=tuple(group_columns),
        since=since,
        until=until,
        title=title,
        plot_png=plot_png,
        generated=generated,
    )


def audit_plot_png(
    audit: pd.DataFrame, *, windows_days: Mapping[str, int], as_of: date | pd.Timestamp
) -> bytes:
    """Draw the audit figure and return its PNG bytes.

    Args:
        audit: The audit table (:func:`calcminer.nlp.io.tables.audit_frame`).
        windows_days: Level -> window in days.
        as_of: The audit date.

    Returns:
        The PNG, the same bytes for the same table.

    Raises:
        InputError: E232 when the table breaks the audit table's contract.
    """
    from calcminer.nlp.views.plots import audit_png

    return audit_png(audit, windows_days=windows_days, as_of=as_of)


# --- the page ----------------------------------------------------------------------------------


def style_hash() -> str:
    """Return the CSP source (``'sha256-...'``) that allows the page's style block."""
    from calcminer.nlp.views.review import csp_hash

    return csp_hash(PAGE_STYLE)


def content_security_policy() -> str:
    """Return the page's Content-Security-Policy: its own style and data: images, nothing else.

    No ``script-src``: ``default-src 'none'`` forbids every script. ``base-uri`` and
    ``form-action`` are not covered by ``default-src``, so they are closed explicitly.
    """
    return (
        f"default-src 'none'; style-src {style_hash()}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def render_audit_report(report: AuditReport) -> str:
    """Render the one-page audit report.

    Args:
        report: What the page shows.

    Returns:
        The page: one self-contained HTML document, the same text for the same report.
    """
    body = [
        TPL_NO_PLOT if report.plot_png is None else TPL_PLOT.format(src=plot_src(report.plot_png)),
        headline_section(report),
        scopes_section(report),
        overdue_section(report),
    ]
    return TPL_PAGE.format(
        csp=content_security_policy(),
        title=esc(cut(report.title, MAX_TITLE_CHARS)),
        style=PAGE_STYLE,
        figures=figures_section(report),
        head="".join(TPL_META.format(text=line) for line in header_lines(report)),
        body="\n".join(part for part in body if part),
    )


def check_report_path(path: str | Path) -> Path:
    """Check a page path before any work.

    Raises:
        OutputError: E335 unless it ends in ``.html`` or ``.htm`` (any case).
    """
    target = Path(path)
    if target.suffix.lower() not in HTML_SUFFIXES:
        raise OutputError(Errors.E335.format(path=target, suffix=target.suffix))
    return target


def audit_report_writer(report: AuditReport) -> Callable[[BinaryIO], None]:
    """The function that writes the page's bytes to a binary handle (rendered now, once), for
    a caller that stages it with other outputs."""
    # Lone surrogates (possible in a str built in Python, never in a decoded file) become "?".
    data = render_audit_report(report).encode(PAGE_ENCODING, errors="replace")

    def write(handle: BinaryIO) -> None:
        handle.write(data)

    return write


def write_audit_report(report: AuditReport, path: str | Path) -> Path:
    """Render the report and write it atomically (missing parent folders are created).

    Args:
        report: What the page shows.
        path: Page path, ending in ``.html`` or ``.htm`` (any case).

    Returns:
        The path written.

    Raises:
        OutputError: E335 for another extension (checked before rendering); E202 when the file
            cannot be written (nothing is left behind).
    """
    from calcminer.nlp.io.writers import write_atomic

    target = check_report_path(path)
    write_atomic(target, audit_report_writer(report))
    return target


__all__ = [
    "CHRONOLOGICAL_SCOPES",
    "DEFAULT_TITLE",
    "HEADLINE_SCOPES",
    "HTML_SUFFIXES",
    "MAX_CELL_CHARS",
    "MAX_GROUPS_PER_SCOPE",
    "MAX_GROUP_SCOPES",
    "MAX_OVERDUE_GROUP_COLUMNS",
    "MAX_OVERDUE_ROWS",
    "MAX_SCOPE_CHARS",
    "MAX_TITLE_CHARS",
    "AuditReport",
    "OverdueItem",
    "audit_plot_png",
    "audit_report_from_result",
    "audit_report_writer",
    "check_report_path",
    "content_security_policy",
    "esc",
    "overdue_items",
    "render_audit_report",
    "row_groups",
    "style_hash",
    "write_audit_report",
]
