"""The sections of the audit's one-page report (:mod:`calcminer.nlp.views.audit_report`):
the header lines, key figures, headline table, scope tables and overdue list, as HTML.

Every value from the data is escaped here (:func:`esc`), in text and attributes; the markup
around it comes from :mod:`calcminer.nlp.views.audit_report_templates`. Tables are cut so
the page prints on one sheet: the limits below are the page's layout budget.
"""

from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING, Any

from calcminer.nlp.views.audit_report_templates import TPL_FIGURE, TPL_NOTE, TPL_TABLE

if TYPE_CHECKING:
    from calcminer.nlp.audit import SummaryRow
    from calcminer.nlp.views.audit_report import AuditReport

#: Scopes shown together in the headline table (overall first, then one row per level).
HEADLINE_SCOPES: tuple[str, ...] = ("overall", "level")
#: Scopes whose groups are periods: a cut keeps the latest groups (in the order given) rather
#: than the largest.
CHRONOLOGICAL_SCOPES = frozenset({"month"})
#: Most groups (rows) shown per scope besides the headline; the largest by index exams.
MAX_GROUPS_PER_SCOPE = 6
#: Most scopes shown besides the headline (two side by side); the others are named in a note.
MAX_GROUP_SCOPES = 4
#: Most overdue index exams listed (longest overdue first).
MAX_OVERDUE_ROWS = 12
#: Most group columns (e.g. radiologist, site) in the overdue list.
MAX_OVERDUE_GROUP_COLUMNS = 3
#: Longest group name, id or column name shown in a table cell, in characters (a body cell's
#: full value is in its ``title``); longer values are cut and end in an ellipsis.
MAX_CELL_CHARS = 40
#: Longest title shown, in characters (a longer one is cut).
MAX_TITLE_CHARS = 100
#: Longest scope description in the header (and list of scopes left out), in characters.
MAX_SCOPE_CHARS = 160
ELLIPSIS = "\u2026"
#: Shown for a rate or median that is undefined (no decided index exam).
NOT_AVAILABLE = "n/a"


def header_lines(report: AuditReport) -> list[str]:
    """The lines under the title (markup; every value escaped)."""
    if report.since is not None and report.until is not None:
        period = f"index exams dated {report.since:%Y-%m-%d} to {report.until:%Y-%m-%d}"
    elif report.since is not None:
        period = f"index exams dated {report.since:%Y-%m-%d} or later"
    elif report.until is not None:
        period = f"index exams dated up to {report.until:%Y-%m-%d}"
    else:
        period = "every index exam up to the as-of date"
    windows = ", ".join(
        f"{level} {report.windows_days[level]} days" if level in report.windows_days else level
        for level in report.levels
    )
    first = esc(f"As of {report.as_of:%Y-%m-%d}: {period}; windows {windows or NOT_AVAILABLE}.")
    if report.generated is not None:
        first += f' <span class="muted">{esc(f"Generated {report.generated}.")}</span>'
    return [first, esc(f"Scope: {cut(report.scope, MAX_SCOPE_CHARS)}")]


def figures_section(report: AuditReport) -> str:
    """The key figures: exams, index exams, the overall on-time rate, overdue, pending."""
    overall = next((row for row in report.summary if row.scope == HEADLINE_SCOPES[0]), None)
    figures = [
        ("Exams audited", str(report.exams)),
        ("Index exams", str(report.index_exams)),
        ("On time (overall)", _rate(overall.on_time_rate) if overall else NOT_AVAILABLE),
        ("Overdue", str(len(report.overdue))),
        ("Pending", str(overall.pending) if overall else NOT_AVAILABLE),
    ]
    cells = "".join(TPL_FIGURE.format(label=esc(k), value=esc(v)) for k, v in figures)
    return f'<dl class="figures">{cells}</dl>'


def headline_section(report: AuditReport) -> str:
    """The on-time rate overall and per level, with counts, windows and median days."""
    rows = [row for row in report.summary if row.scope in HEADLINE_SCOPES]
    if not rows:
        return ""
    body = []
    for row in rows:
        name = "All levels" if row.scope == HEADLINE_SCOPES[0] else row.group
        window = report.windows_days.get(row.group, "") if row.scope != HEADLINE_SCOPES[0] else ""
        median = row.median_days_to_followup
        body.append(
            _row(
                name,
                window,
                *_counts(row),
                NOT_AVAILABLE if median is None else f"{median:g}",
            )
        )
    head = _head("Level", "Window (days)", *_count_heads(), "Median days")
    caption = (
        "On time by level: completed / (completed + late + overdue), pending left out; "
        "median days from index exam to follow-up"
    )
    return TPL_TABLE.format(cls="headline", caption=esc(caption), head=head, rows="\n".join(body))


def scopes_section(report: AuditReport) -> str:
    """One small table per other scope (month, concordance, each group column), cut."""
    scopes: dict[str, list[SummaryRow]] = {}
    for row in report.summary:
        if row.scope not in HEADLINE_SCOPES:
            scopes.setdefault(row.scope, []).append(row)
    if not scopes:
        return ""
    names = list(scopes)
    parts = [_scope_table(name, scopes[name]) for name in names[:MAX_GROUP_SCOPES]]
    out = '<div class="scopes">\n' + "\n".join(parts) + "\n</div>"
    left = names[MAX_GROUP_SCOPES:]
    if left:
        listed = cut(", ".join(left), MAX_SCOPE_CHARS)
        text = f"{_count(len(left), 'more scope')} in the summary table: {listed}."
        out += "\n" + TPL_NOTE.format(text=esc(text))
    return out


def _scope_table(scope: str, rows: list[SummaryRow]) -> str:
    """The table of one scope: its largest (or, for periods, latest) groups."""
    shown = rows
    note = ""
    if len(rows) > MAX_GROUPS_PER_SCOPE:
        if scope in CHRONOLOGICAL_SCOPES:
            shown = rows[-MAX_GROUPS_PER_SCOPE:]
            which = "Latest"
        else:
            shown = sorted(rows, key=lambda r: -r.index_exams)[:MAX_GROUPS_PER_SCOPE]
            which = "Largest"
        more = len(rows) - len(shown)
        note = TPL_NOTE.format(
            text=esc(
                f"{which} {len(shown)} of {len(rows)} groups (by index exams); "
                f"{more} more in the summary table."
            )
        )
    body = "\n".join(_row(row.group, *_counts(row, completed=False)) for row in shown)
    table = TPL_TABLE.format(
        cls="scope",
        caption=esc(f"By {cut(scope, MAX_CELL_CHARS)}"),
        head=_head("Group", *_count_heads(completed=False)),
        rows=body,
    )
    return f"<section>{table}{note}</section>"


def overdue_section(report: AuditReport) -> str:
    """The overdue list: longest overdue first, cut to :data:`MAX_OVERDUE_ROWS` rows."""
    total = len(report.overdue)
    if not total:
        return f'<p class="caption">{esc("Overdue index exams: none.")}</p>'
    items = sorted(report.overdue, key=lambda item: -item.days_overdue)[:MAX_OVERDUE_ROWS]
    columns = report.group_columns[:MAX_OVERDUE_GROUP_COLUMNS]
    body = "\n".join(
        _row(
            item.report_id,
            *item.groups[: len(columns)],
            item.level,
            f"{item.exam_date:%Y-%m-%d}",
            f"{item.due_date:%Y-%m-%d}",
            item.days_overdue,
            names=1 + len(columns),
        )
        for item in items
    )
    group_heads = [cut(column, MAX_CELL_CHARS) for column in columns]
    head = _head(
        "Report id",
        *group_heads,
        "Level",
        "Exam date",
        "Due date",
        "Days overdue",
        names=1 + len(columns),
    )
    caption = f"Overdue index exams: {total} (longest overdue first)"
    notes = []
    if total > len(items):
        notes.append(f"And {total - len(items)} more in the overdue table.")
    if len(report.group_columns) > len(columns):
        more = len(report.group_columns) - len(columns)
        notes.append(f"{_count(more, 'more group column')} in the overdue table.")
    table = TPL_TABLE.format(cls="overdue", caption=esc(caption), head=head, rows=body)
    return table + "".join(TPL_NOTE.format(text=esc(note)) for note in notes)


#: Headers of a summary row's counts; the scope tables leave out "Completed" (the on-time
#: rate says it) to fit half the page's width.
_COUNT_HEADS = ("Index exams", "On time", "Completed", "Late", "Overdue", "Pending")
_COMPLETED = _COUNT_HEADS.index("Completed")


def _count_heads(*, completed: bool = True) -> tuple[str, ...]:
    """The count headers, with or without "Completed"."""
    return _COUNT_HEADS if completed else _without(_COUNT_HEADS, _COMPLETED)


def _counts(row: SummaryRow, *, completed: bool = True) -> tuple[object, ...]:
    """A summary row's counts and on-time rate, in the order of :func:`_count_heads`."""
    counts = (
        row.index_exams,
        _rate(row.on_time_rate),
        row.completed,
        row.late,
        row.overdue,
        row.pending,
    )
    return counts if completed else _without(counts, _COMPLETED)


def _without(values: tuple[Any, ...], position: int) -> tuple[Any, ...]:
    """The values without the one at ``position``."""
    return values[:position] + values[position + 1 :]


def _head(*labels: str, names: int = 1) -> str:
    """Header cells; the first ``names`` (name columns) left-aligned."""
    named = ' class="name"'
    cells = [
        f'<th{named if position < names else ""} scope="col">{esc(label)}</th>'
        for position, label in enumerate(labels)
    ]
    return "".join(cells)


def _row(*values: object, names: int = 1) -> str:
    """A body row: the first ``names`` cells are names (cut, full value in the title)."""
    cells = []
    for position, value in enumerate(values):
        text = plain_text(value)
        if position < names:
            shown = cut(text, MAX_CELL_CHARS)
            cells.append(f'<td class="name" title="{esc(text)}">{esc(shown)}</td>')
        else:
            cells.append(f"<td>{esc(text)}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def plot_src(png: bytes) -> str:
    """The plot as a data: URL (base64 needs no escaping)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _rate(rate: float | None) -> str:
    """A rate as a whole percentage, or n/a."""
    return NOT_AVAILABLE if rate is None else f"{100 * rate:.0f}%"


def _count(number: int, noun: str) -> str:
    """A count with its noun, plural unless it is one."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def cut(text: str, max_chars: int) -> str:
    """Text cut to ``max_chars`` characters, ending in an ellipsis when cut."""
    return text if len(text) <= max_chars else text[: max_chars - 1] + ELLIPSIS


def esc(value: object) -> str:
    """Escape a value for HTML text or a double- or single-quoted attribute."""
    return html.escape(str(value), quote=True)


def plain_text(value: object) -> str:
    """A carried value as text: empty for None and NaN."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)
