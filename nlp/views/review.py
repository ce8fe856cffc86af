"""Review page at the output edge of the flow: (Report, ReportResult) pairs -> one HTML file.

``calcminer review`` shows radiologists why each report got its triage level before they act:
summary counts, then one card per report (flagged first) with the triage reason and rule ids,
the GOLD_GUIDE fields, and the report text with every target and ConText modifier marked.

The page is self-contained and inert by construction:

- everything that comes from data (text, ids, field values, error rows) is HTML-escaped,
  attributes included, and never reaches the style or script blocks;
- the one ``<style>`` and one ``<script>`` block are constants (in ``review_templates.py``,
  with the page skeleton); a Content-Security-Policy ``<meta>`` allows exactly those two
  blocks by their SHA-256 hashes and nothing else (no network, no other scripts or styles, no
  inline event handlers), so markup that slipped through escaping still could not run;
- the script toggles ``hidden`` and classes, sets ``textContent``, form values and ARIA
  states, clones one constant ``<template>`` and reads data only from escaped ``data-*``
  attributes (``JSON.parse``, never ``innerHTML`` or ``eval``); its one way out is a download
  the reviewer asks for (a ``Blob`` behind an object URL and an ``<a download>``), which
  ``default-src 'none'`` does not block.

Adjudication (``review_adjudication.py``): each card can be marked correct or incorrect, and
a card marked incorrect gets controls, prefilled from the miner's values (its ``data-miner``
attribute), to correct the triage and every GOLD_GUIDE field; invalid corrections are shown
and not exported. Two buttons download the adjudicated reports as a gold file (JSON Lines in
the GOLD_GUIDE format, or CSV in the encodings ``calcminer evaluate`` reads): marked correct,
the miner's values; marked incorrect, the corrected ones. The marks survive a reload in the
browser's ``localStorage`` under the page's fingerprint (card ids, texts and values: another
page never gets them) until "Clear all marks"; they hold card numbers and the typed values,
never report text or ids. The card marks the size that set ``max_size_mm`` and the
recommendation words (R1, R2 ...), and shows the input columns chosen with ``show_cols``
(``calcminer review --show-cols``).

The same input gives the same bytes: no clock is read (``generated`` is shown only if given).

A big batch makes a page too heavy to open (23,820 reports: 67 MB, 43 s in a browser). Given a
``max_reports`` limit, a batch with more reports gets a card for its flagged reports only
(urgent, then workup, at most ``max_reports``); the counts still cover every report, and a
notice under them says how many reports have no card and why. Within the limit the page is the
same, byte for byte, as without one.

Over 500 lines, on purpose: the module has one job, an inert page. Its parts (span marking,
cards, page assembly) share one escaping helper and one table of mark classes, and the
security argument above is easiest to check when everything that writes markup is in one
file. Constant markup (style, script, skeleton) lives in ``review_templates.py``.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO, Literal

from calcminer.nlp.errors import CalcminerError, Errors, InputError, OutputError
from calcminer.nlp.schema import (
    FLAGGED_LEVELS,
    GOLD_FIELDS,
    TRIAGE_LEVELS,
    Finding,
    ModifierSpan,
    Recommendation,
    RecordError,
    Report,
    ReportResult,
    TriageLevel,
    parse_modifier_span,
    parse_word_span,
)
from calcminer.nlp.views.review_adjudication import (
    ADJUDICATION_FIELDS,
    carried_columns,
    check_show_cols,
    correction_template,
    deciding_size_spans,
    miner_data,
    page_fingerprint,
    text_attribute,
)
from calcminer.nlp.views.review_templates import (
    PAGE_SCRIPT,
    PAGE_STYLE,
    TPL_ADJUDICATION,
    TPL_CARD_ADJUDICATE,
    TPL_CONTROLS,
    TPL_GENERATED,
    TPL_LEVEL_BOX,
    TPL_NO_REPORTS,
    TPL_PAGE,
)

#: Page title when none is given.
DEFAULT_TITLE = "calcminer review"
#: Extensions a review page path may have.
HTML_SUFFIXES: frozenset[str] = frozenset({".html", ".htm"})
PAGE_ENCODING = "utf-8"
#: Order of the cards: flagged levels first, the most pressing first.
REVIEW_ORDER: tuple[TriageLevel, ...] = ("urgent", "workup", "benign", "none")
#: Report fields shown on every card, in GOLD_GUIDE.md order (the triage level is the badge).
CARD_FIELDS: tuple[str, ...] = (
    *(name for name in GOLD_FIELDS if name != "triage"),
    "liver_followup_recommended",
)
#: Shown for a missing value or an empty list.
EMPTY_VALUE = "\u2014"
#: Joins list items in a displayed value.
LIST_JOINER = "; "
#: Prefix of the target labels (T1, T2, ...) linking the marked words to the target table.
TARGET_PREFIX = "T"
#: Prefix of the recommendation labels (R1, R2, ...).
RECOMMENDATION_PREFIX = "R"
#: Most report cards on a page by default (``calcminer review --max-reports``). Measured in
#: headless Chromium on 2 shared cores: 2,000 cards are 4 MB (8 MB when all are flagged) and
#: open in 3-5 s; 25,000 cards were 48 MB and took 61 s.
MAX_REVIEW_REPORTS = 2000

TargetStatus = Literal["counted", "negated", "excluded"]
#: CSS class of a target by status, and of a ConText modifier; a text piece inside several
#: marks gets all their classes, in this order.
MARK_CLASSES: dict[str, str] = {
    "counted": "t-counted",
    "negated": "t-negated",
    "excluded": "t-excluded",
    "modifier": "mod",
    "recommendation": "rec",
    "size": "size-deciding",
}
#: File name stem of the gold files the page exports when the title gives none.
DEFAULT_GOLD_NAME = "review.gold"

_LEVEL_RANK: dict[str, int] = {level: rank for rank, level in enumerate(REVIEW_ORDER)}


@dataclass(frozen=True)
class Segment:
    """A piece of text between two neighbouring span boundaries.

    Attributes:
        start: Character offset where the piece starts.
        end: Character offset where it ends (exclusive).
        spans: Positions (in the input sequence) of the spans covering the piece, ascending.
    """

    start: int
    end: int
    spans: tuple[int, ...]


@dataclass(frozen=True)
class PageLimit:
    """How a page limit cut a batch: the page holds its flagged reports only (counts only).

    Attributes:
        max_reports: The limit: most report cards on the page.
        reports: Reports given for the page.
        flagged: Flagged reports (``workup`` or ``urgent``) among them.
        shown: Report cards on the page: the flagged reports, urgent first, at most
            ``max_reports``.
    """

    max_reports: int
    reports: int
    flagged: int
    shown: int

    @property
    def left_off(self) -> int:
        """Reports given without a card on the page."""
        return self.reports - self.shown


@dataclass(frozen=True)
class ReviewSummary:
    """Counts and file of one review page (no report text).

    Attributes:
        path: The page written.
        reports: Report cards on the page.
        triage: Reports per triage level, in ``TRIAGE_LEVELS`` order (every report given,
            also those a limit left without a card).
        flagged: Reports that need action (``workup`` or ``urgent``).
        errors: Error rows listed on the page.
        limit: How ``max_reports`` cut the batch; None when every report has a card.
    """

    path: Path
    reports: int
    triage: dict[str, int] = field(default_factory=dict)
    flagged: int = 0
    errors: int = 0
    limit: PageLimit | None = None


@dataclass(frozen=True)
class _Mark:
    """One highlighted span of a report text: a target or a modifier."""

    start: int
    end: int
    kind: str
    title: str
    tag: str | None


def split_segments(length: int, spans: Sequence[tuple[int, int]]) -> tuple[Segment, ...]:
    """Cut ``[0, length)`` at every span boundary, so overlapping spans can be marked.

    Each piece lies wholly inside or wholly outside every span; a piece covered by two
    overlapping or nested spans lists both. Empty spans cover nothing and add no boundary.

    Example:
        >>> [(s.start, s.end, s.spans) for s in split_segments(10, [(2, 6), (4, 8)])]
        [(0, 2, ()), (2, 4, (0,)), (4, 6, (0, 1)), (6, 8, (1,)), (8, 10, ())]

    Args:
        length: Length of the text.
        spans: ``(start, end)`` character offsets, end exclusive.

    Returns:
        The pieces in text order, covering the whole text (none for an empty text).

    Raises:
        CalcminerError: E404 when a span does not lie within ``[0, length]`` or ends before
            it starts.
    """
    for start, end in spans:
        if not 0 <= start <= end <= length:
            raise CalcminerError(Errors.E404.format(start=start, end=end, length=length))
    cuts = {0, length}
    for start, end in spans:
        if start < end:
            cuts.update((start, end))
    # Between two neighbouring cuts a span covers all of the piece or none of it.
    return tuple(
        Segment(
            start=left,
            end=right,
            spans=tuple(i for i, (start, end) in enumerate(spans) if start <= left < end),
        )
        for left, right in pairwise(sorted(cuts))
    )


def target_status(finding: Finding) -> TargetStatus:
    """Say how a target is marked: counted, negated (not counted), or otherwise excluded.

    Args:
        finding: A target of a report.

    Returns:
        ``counted``, ``negated`` or ``excluded``.
    """
    if finding.counted:
        return "counted"
    return "negated" if finding.assertion == "negated" else "excluded"


def review_order(results: Sequence[ReportResult]) -> list[int]:
    """Order reports for the page: urgent, workup, benign, none; input order within a level.

    Args:
        results: The results in input order.

    Returns:
        Positions into ``results`` in page order.
    """
    return sorted(
        range(len(results)),
        key=lambda i: (_LEVEL_RANK.get(results[i].triage, len(REVIEW_ORDER)), i),
    )


def check_max_reports(max_reports: int | None) -> None:
    """Check a page limit before any work is done.

    Args:
        max_reports: Most report cards on a page; 0 or None for no limit.

    Raises:
        OutputError: E405 for a negative limit.
    """
    if max_reports is not None and max_reports < 0:
        raise OutputError(Errors.E405.format(value=max_reports))


def select_cards(
    results: Sequence[ReportResult], max_reports: int | None = None
) -> tuple[list[int], PageLimit | None]:
    """Choose the reports that get a card, in page order.

    Args:
        results: The results in input order.
        max_reports: Most cards on the page; 0 or None for no limit.

    Returns:
        Positions into ``results`` in page order (:func:`review_order`): all of them when
        they fit the limit, with None; else the flagged ones, urgent first, at most
        ``max_reports``, with the :class:`PageLimit` that says so.

    Raises:
        OutputError: E405 for a negative limit.
    """
    check_max_reports(max_reports)
    order = review_order(results)
    if not max_reports or len(order) <= max_reports:
        return order, None
    flagged = [i for i in order if results[i].triage in FLAGGED_LEVELS]
    shown = flagged[:max_reports]
    return shown, PageLimit(
        max_reports=max_reports, reports=len(order), flagged=len(flagged), shown=len(shown)
    )


def style_hash() -> str:
    """Return the CSP source (``'sha256-...'``) that allows the page's style block."""
    return csp_hash(PAGE_STYLE)


def script_hash() -> str:
    """Return the CSP source (``'sha256-...'``) that allows the page's script block."""
    return csp_hash(PAGE_SCRIPT)


def content_security_policy() -> str:
    """Return the page's Content-Security-Policy: its own style and script, nothing else.

    ``base-uri`` and ``form-action`` are not covered by ``default-src``, so they are closed
    explicitly.
    """
    return (
        f"default-src 'none'; style-src {style_hash()}; script-src {script_hash()}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def render_review(
    items: Iterable[tuple[Report, ReportResult]],
    *,
    errors: Sequence[RecordError] = (),
    title: str = DEFAULT_TITLE,
    generated: str | None = None,
    max_reports: int | None = None,
    show_cols: Sequence[str] = (),
) -> str:
    """Render the review page of a batch of reports.

    Example:
        >>> from calcminer.nlp.mining.miner import Miner  # doctest: +SKIP
        >>> report = Report("r1", "LIVER: A 5 mm calcified granuloma in segment VI.")
        >>> page = render_review([(report, Miner().mine_text(report.text, "r1"))])  # doctest: +SKIP

    Args:
        items: Each report with the result mined from it, in input order.
        errors: Input records that could not be processed, listed in a table.
        title: Page title and heading.
        generated: Shown under the title (e.g. a timestamp) when given; the page never reads
            the clock, so the same input gives the same page.
        max_reports: Most report cards on the page (:func:`select_cards`); 0 or None for no
            limit.
        show_cols: Input columns (``Report.meta``) each card shows, in order; no other.

    Returns:
        The page: one self-contained HTML document.

    Raises:
        CalcminerError: E401 when a report is paired with another report's result, E402 when
            a target or modifier span does not fit its report's text; OutputError E405 for a
            negative ``max_reports``; InputError E406 for a column of ``show_cols`` that no
            report has.
    """
    return _render(items, errors, title, generated, max_reports, show_cols).page


def write_review(
    items: Iterable[tuple[Report, ReportResult]],
    path: str | Path,
    *,
    errors: Sequence[RecordError] = (),
    title: str = DEFAULT_TITLE,
    generated: str | None = None,
    max_reports: int | None = None,
    show_cols: Sequence[str] = (),
) -> ReviewSummary:
    """Render the review page and write it atomically (parent folders are created).

    Args:
        items: Each report with the result mined from it, in input order.
        path: Page path, ending in ``.html`` or ``.htm``.
        errors: Input records that could not be processed, listed in a table.
        title: Page title and heading.
        generated: Shown under the title when given.
        max_reports: Most report cards on the page (:func:`select_cards`); 0 or None for no
            limit.
        show_cols: Input columns each card shows (:func:`render_review`).

    Returns:
        The page's counts and path.

    Raises:
        OutputError: E403 for another extension and E405 for a negative ``max_reports``
            (both checked before rendering), E202 when the file cannot be written.
        InputError: E406 for a column of ``show_cols`` that no report has (nothing written).
        CalcminerError: E401/E402 as :func:`render_review`.
    """
    from calcminer.nlp.io.writers import write_atomic

    target = Path(path)
    if target.suffix.lower() not in HTML_SUFFIXES:
        raise OutputError(Errors.E403.format(path=target, suffix=target.suffix))
    check_max_reports(max_reports)
    rendered = _render(items, errors, title, generated, max_reports, show_cols)
    # Lone surrogates (possible in a str built in Python, never in a decoded file) become "?".
    data = rendered.page.encode(PAGE_ENCODING, errors="replace")

    def write(handle: BinaryIO) -> None:
        handle.write(data)

    write_atomic(target, write)
    return ReviewSummary(
        path=target,
        reports=rendered.cards,
        triage=rendered.triage,
        flagged=rendered.flagged,
        errors=len(errors),
        limit=rendered.limit,
    )


# --- page assembly -------------------------------------------------------------------------------


def _esc(value: object) -> str:
    """Escape a value for HTML text or a double- or single-quoted attribute."""
    return html.escape(str(value), quote=True)


def csp_hash(block: str) -> str:
    """The CSP source (``'sha256-...'``) that allows one inline block of a page (UTF-8)."""
    digest = hashlib.sha256(block.encode(PAGE_ENCODING)).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@dataclass(frozen=True)
class _Rendered:
    """A rendered page with its counts: cards, reports per triage level, flagged reports,
    and the limit that cut the batch (None when every report has a card)."""

    page: str
    cards: int
    triage: dict[str, int]
    flagged: int
    limit: PageLimit | None


def _render(
    items: Iterable[tuple[Report, ReportResult]],
    errors: Sequence[RecordError],
    title: str,
    generated: str | None,
    max_reports: int | None = None,
    show_cols: Sequence[str] = (),
) -> _Rendered:
    """Build the page and count what it shows."""
    pairs = list(items)
    check_show_cols(show_cols, (report for report, _ in pairs))
    for position, (report, result) in enumerate(pairs):
        if report.report_id != result.report_id:
            raise CalcminerError(
                Errors.E401.format(
                    position=position, report=report.report_id, result=result.report_id
                )
            )
    results = [result for _, result in pairs]
    triage, flagged = _tally(results)
    chosen, limit = select_cards(results, max_reports)
    cards = [
        _card(number, *pairs[i], show_cols=show_cols) for number, i in enumerate(chosen, start=1)
    ]
    body = [
        *_summary(len(results), triage, flagged, len(errors)),
        *_limit_notice(limit),
        *_error_table(errors),
        *_legend(),
        # The filters and the adjudication bar stay in view together (sticky).
        '<div class="bars">',
        _controls(len(cards)),
        _adjudication(
            len(cards), gold_file_stem(title), page_fingerprint([pairs[i] for i in chosen])
        ),
        "</div>",
        correction_template(),
    ]
    page = TPL_PAGE.format(
        csp=content_security_policy(),
        title=_esc(title),
        style=PAGE_STYLE,
        generated="" if generated is None else TPL_GENERATED.format(generated=_esc(generated)),
        body="\n".join(body),
        reports="\n".join(cards) if cards else TPL_NO_REPORTS,
        script=PAGE_SCRIPT,
    )
    return _Rendered(page=page, cards=len(cards), triage=triage, flagged=flagged, limit=limit)


def _tally(results: Sequence[ReportResult]) -> tuple[dict[str, int], int]:
    """Reports per triage level (every level of ``TRIAGE_LEVELS``, in order, then any other)
    and how many of them are flagged (workup or urgent)."""
    triage: dict[str, int] = {level: 0 for level in TRIAGE_LEVELS}
    for result in results:
        triage[result.triage] = triage.get(result.triage, 0) + 1
    return triage, sum(count for level, count in triage.items() if level in FLAGGED_LEVELS)


def _summary(reports: int, triage: dict[str, int], flagged: int, errors: int) -> list[str]:
    counts = [("reports", "reports", reports)]
    counts += [(level, f"triage {level}", triage.get(level, 0)) for level in REVIEW_ORDER]
    counts += [("flagged", "flagged (workup + urgent)", flagged), ("errors", "error rows", errors)]
    lines = ['<section class="summary" aria-label="Summary">', '<dl class="counts">']
    lines += [
        f'<div data-count="{key}"><dt>{_esc(label)}</dt><dd>{value}</dd></div>'
        for key, label, value in counts
    ]
    lines += ["</dl>", "</section>"]
    return lines


def _limit_notice(limit: PageLimit | None) -> list[str]:
    """Say, under the counts, which reports have a card and why the others have none."""
    if limit is None:
        return []
    if limit.shown < limit.flagged:
        which = (
            f"the first {limit.shown} of the {limit.flagged} flagged reports (urgent, then "
            f"workup) of the {limit.reports} in this batch"
        )
    else:
        which = (
            f"the {limit.shown} flagged reports (urgent and workup) of the {limit.reports} in "
            "this batch"
        )
    text = (
        f"This page shows {which}. The other {limit.left_off} reports have no card: a page "
        f"with more than {limit.max_reports} reports opens too slowly. The counts above cover "
        "every report. The report table of calcminer extract has every report's fields, "
        "calcminer show explains one report, and calcminer review --max-reports N sets the "
        "limit (0: no limit)."
    )
    return [
        '<section class="notice" id="left-off" aria-label="Reports left off">',
        f"<p><strong>Not every report is on this page.</strong> {_esc(text)}</p>",
        "</section>",
    ]


def _error_table(errors: Sequence[RecordError]) -> list[str]:
    if not errors:
        return []
    lines = [
        '<section class="errors" aria-label="Error rows">',
        '<div class="table-wrap"><table id="error-rows">',
        f"<caption>Input records not processed ({len(errors)})</caption>",
        "<thead><tr><th>source</th><th>line</th><th>id</th><th>code</th><th>reason</th></tr>"
        "</thead>",
        "<tbody>",
    ]
    for error in errors:
        cells = (
            error.source,
            EMPTY_VALUE if error.line is None else error.line,
            EMPTY_VALUE if error.report_id is None else error.report_id,
            error.code,
            error.reason,
        )
        lines.append("<tr>" + "".join(f"<td>{_esc(cell)}</td>" for cell in cells) + "</tr>")
    lines += ["</tbody>", "</table></div>", "</section>"]
    return lines


def _legend() -> list[str]:
    samples = (
        ("counted", "counted target"),
        ("negated", "negated target (not counted)"),
        ("excluded", "excluded target (reason on hover and in the table)"),
        ("modifier", "ConText modifier words"),
        ("recommendation", "follow-up recommendation words (R1, R2 ...)"),
        ("size", "size that set max_size_mm (and the urgent threshold)"),
    )
    items = "".join(
        f'<span><span class="hl {MARK_CLASSES[kind]}">{_esc(label)}</span></span>'
        for kind, label in samples
    )
    return [f'<section class="legend" aria-label="Legend"><strong>Marks:</strong>{items}</section>']


def _controls(reports: int) -> str:
    boxes = "".join(TPL_LEVEL_BOX.format(level=level) for level in REVIEW_ORDER)
    return TPL_CONTROLS.format(boxes=boxes, reports=reports)


def gold_file_stem(title: str) -> str:
    """The name (without extension) of the gold files a page exports, from its title.

    Example:
        >>> gold_file_stem("calcminer review")
        'calcminer-review.gold'

    Args:
        title: The page title.

    Returns:
        The title's ASCII letters and digits, runs of anything else as one ``-``, then
        ``.gold`` (:data:`DEFAULT_GOLD_NAME` for a title without letters or digits); the
        page path plays no part, so the same input gives the same page anywhere.
    """
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in title).split()
    return f"{'-'.join(words)[:60]}.gold" if words else DEFAULT_GOLD_NAME


def _adjudication(reports: int, gold_name: str, fingerprint: str) -> str:
    """The adjudication bar: counts and export buttons."""
    fields = ",".join(ADJUDICATION_FIELDS)
    return TPL_ADJUDICATION.format(
        fields=_esc(fields), filename=_esc(gold_name), fingerprint=fingerprint, reports=reports
    )


# --- one report card -----------------------------------------------------------------------------


def _value(value: object) -> str:
    """Display form of a field value: GOLD_GUIDE encodings, a dash for missing or empty."""
    if value is None or value == ():
        return EMPTY_VALUE
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return LIST_JOINER.join(str(item) for item in value)
    return str(value)


def _size(size_mm: float | None) -> str:
    return EMPTY_VALUE if size_mm is None else f"{size_mm:g} mm"


def _target_attributes(finding: Finding) -> list[tuple[str, str]]:
    """The attributes of a target, as (name, value) for the table and the hover title."""
    if finding.count is not None:
        count = str(finding.count)
    else:
        count = "multiple" if finding.multiple else EMPTY_VALUE
    return [
        ("status", target_status(finding)),
        ("words", finding.text),
        ("assertion", finding.assertion),
        ("size", _size(finding.size_mm)),
        ("count", count),
        ("segments", _value(finding.segments)),
        ("lobes", _value(finding.lobes)),
        ("duct", _value(finding.bile_duct)),
        ("diffuse", _value(finding.diffuse)),
        ("organ", finding.organ),
        ("section", finding.section),
        ("modifier rules", _value(finding.modifier_ids)),
        ("exclusion", _value(finding.exclusion_reason)),
        ("pattern", finding.pattern_id),
    ]


def _span_error(report: Report, kind: str, span: str) -> CalcminerError:
    length = len(report.text)
    return CalcminerError(
        Errors.E402.format(report_id=report.report_id, kind=kind, span=span, length=length)
    )


def _marks(
    report: Report, findings: Sequence[Finding], recommendations: Sequence[Recommendation] = ()
) -> list[_Mark]:
    """Targets (T1, T2 ... in text order of the findings), the modifiers acting on them, and
    the words of the follow-up recommendations (R1, R2 ...)."""
    length = len(report.text)
    marks: list[_Mark] = []
    modifiers: dict[ModifierSpan, list[str]] = {}
    for number, finding in enumerate(findings, start=1):
        label = f"{TARGET_PREFIX}{number}"
        if not 0 <= finding.start_char <= finding.end_char <= length:
            raise _span_error(report, "target", f"{finding.start_char}-{finding.end_char}")
        attributes = "\n".join(f"{name}: {value}" for name, value in _target_attributes(finding))
        marks.append(
            _Mark(
                start=finding.start_char,
                end=finding.end_char,
                kind=target_status(finding),
                title=f"{label}\n{attributes}",
                tag=label,
            )
        )
        for raw in finding.modifier_spans:
            try:
                modifier = parse_modifier_span(raw)
            except InputError:  # E161, reported as E402 for this report
                raise _span_error(report, "modifier", raw) from None
            if not 0 <= modifier.start <= modifier.end <= length:
                raise _span_error(report, "modifier", raw)
            modifiers.setdefault(modifier, []).append(label)
    for modifier in sorted(modifiers, key=lambda m: (m.start, m.end, m.category, m.rule_id)):
        targets = ", ".join(modifiers[modifier])
        marks.append(
            _Mark(
                start=modifier.start,
                end=modifier.end,
                kind="modifier",
                title=f"ConText {modifier.category} ({modifier.rule_id}) on {targets}",
                tag=None,
            )
        )
    for number, recommendation in enumerate(recommendations, start=1):
        label = f"{RECOMMENDATION_PREFIX}{number}"
        title = f"{label} follow-up\n" + "\n".join(
            f"{name}: {value}" for name, value in recommendation_attributes(recommendation)
        )
        words: list[tuple[int, int]] = []
        for raw in recommendation.word_spans:
            try:
                _kind, start, end = parse_word_span(raw)
            except InputError:  # E161, reported as E402 for this report
                raise _span_error(report, "recommendation", raw) from None
            if not 0 <= start <= end <= length:
                raise _span_error(report, "recommendation", raw)
            words.append((start, end))
        # The label (R1 ...) follows the recommendation's last word.
        last = max(words, key=lambda span: (span[1], span[0]), default=None)
        for start, end in words:
            tag = label if (start, end) == last else None
            marks.append(_Mark(start=start, end=end, kind="recommendation", title=title, tag=tag))
    return marks


def _size_marks(report: Report, result: ReportResult) -> list[_Mark]:
    """The size mention that set ``max_size_mm`` (one per deciding target)."""
    size = result.max_size_mm
    title = f"deciding size: {_size(size)} (max_size_mm; triage {result.triage})"
    return [
        _Mark(start=start, end=end, kind="size", title=title, tag=None)
        for start, end in deciding_size_spans(report.text, result)
    ]


def recommendation_attributes(recommendation: Recommendation) -> list[tuple[str, str]]:
    """The attributes of a recommendation shown on hover: modality, interval, subject ...

    Args:
        recommendation: A recommendation of a report.

    Returns:
        ``(name, value)`` pairs, values as display text.
    """
    days = recommendation.interval_days
    return [
        ("modality", recommendation.modality),
        ("interval", EMPTY_VALUE if days is None else f"{days} days"),
        ("conditional", "yes" if recommendation.conditional else "no"),
        ("subject", recommendation.subject or EMPTY_VALUE),
        ("concerns liver", "yes" if recommendation.concerns_liver else "no"),
        ("rules", LIST_JOINER.join(recommendation.rule_ids)),
    ]


def _marked_text(report: Report, marks: Sequence[_Mark]) -> str:
    """The report text, escaped, with every piece under one or more marks in a span."""
    text = report.text
    pieces: list[str] = []
    for segment in split_segments(len(text), [(mark.start, mark.end) for mark in marks]):
        words = _esc(text[segment.start : segment.end])
        if not segment.spans:
            pieces.append(words)
            continue
        covering = [marks[i] for i in segment.spans]
        kinds = {mark.kind for mark in covering}
        classes = " ".join(["hl"] + [css for kind, css in MARK_CLASSES.items() if kind in kinds])
        title = "\n\n".join(mark.title for mark in covering)
        tags = " ".join(
            mark.tag for mark in covering if mark.tag is not None and mark.end == segment.end
        )
        tag = f' data-tag="{_esc(tags)}"' if tags else ""
        pieces.append(f'<span class="{classes}" title="{_esc(title)}"{tag}>{words}</span>')
    return "".join(pieces)


def _target_table(findings: Sequence[Finding]) -> list[str]:
    if not findings:
        return ['<p class="no-targets">No calcification target found.</p>']
    names = [name for name, _ in _target_attributes(findings[0])]
    lines = [
        '<div class="table-wrap"><table class="targets">',
        f"<caption>Targets ({len(findings)})</caption>",
        "<thead><tr><th>#</th>" + "".join(f"<th>{_esc(n)}</th>" for n in names) + "</tr></thead>",
        "<tbody>",
    ]
    for number, finding in enumerate(findings, start=1):
        attributes = _target_attributes(finding)
        title = "\n".join(f"{name}: {value}" for name, value in attributes)
        cells = "".join(
            f'<td class="{name.replace(" ", "-")}">{_esc(value)}</td>' for name, value in attributes
        )
        lines.append(
            f'<tr class="status-{target_status(finding)}" title="{_esc(title)}">'
            f"<td>{TARGET_PREFIX}{number}</td>{cells}</tr>"
        )
    lines += ["</tbody>", "</table></div>"]
    return lines


def _card(
    number: int, report: Report, result: ReportResult, *, show_cols: Sequence[str] = ()
) -> str:
    level = _esc(result.triage)
    source = report.source + ("" if report.line is None else f":{report.line}")
    rules = " ".join(f"<code>{_esc(rule)}</code>" for rule in result.triage_rules) or EMPTY_VALUE
    fields = "".join(
        f"<div><dt>{name}</dt><dd>{_esc(_value(getattr(result, name)))}</dd></div>"
        for name in CARD_FIELDS
    )
    marks = _marks(report, result.findings, result.recommendations)
    marks += _size_marks(report, result)
    lines = [
        f'<article class="card level-{level}" id="report-{number}" data-triage="{level}" '
        f'data-id="{_esc(result.report_id)}" data-miner="{_esc(miner_data(result))}"'
        f"{text_attribute(report.text)}>",
        '<header class="card-head">',
        f'<h2 class="rid">{_esc(result.report_id)}</h2>',
        f'<span class="badge badge-{level}">{level}</span>',
    ]
    if source:
        lines.append(f'<span class="source">{_esc(source)}</span>')
    lines += [
        "</header>",
        f'<p class="reason"><strong>Why:</strong> <span class="triage-reason">'
        f'{_esc(result.triage_reason)}</span> <span class="muted">rules:</span> '
        f'<span class="triage-rules">{rules}</span></p>',
        f'<dl class="fields">{fields}</dl>',
        *([carried] if (carried := carried_columns(report.meta, show_cols)) else []),
        TPL_CARD_ADJUDICATE.format(number=number),
        # HTML drops one newline right after <pre>: give it one, so the text keeps its own.
        f'<pre class="report-text">\n{_marked_text(report, marks)}</pre>',
    ]
    lines += _target_table(result.findings)
    lines.append("</article>")
    return "\n".join(lines)
