"""Adjudication parts of the review page (``nlp/views/review.py``): data and markup per card.

A reviewer marks each report card correct or incorrect and may correct the triage and the
GOLD_GUIDE fields; the page's script (``review_templates.PAGE_SCRIPT``) exports the marked
reports as a gold file that ``calcminer evaluate`` reads. This module makes what the script
reads, all of it escaped HTML:

- :func:`miner_values` / :func:`miner_data`: the miner's field values of a card, as JSON for
  an escaped ``data-miner`` attribute (an attribute is never run, and escaping keeps any
  ``"`` or ``</script>`` in the data inside it);
- :func:`text_attribute`: the report text for the export when the ``<pre>`` cannot give it
  back exactly (HTML turns a carriage return into a line feed);
- :func:`correction_template`: the constant ``<template>`` of correction controls the script
  clones into a card marked incorrect (inert until cloned; built from constants only);
- :func:`page_fingerprint`: the key of the page's marks in the browser's storage;
- :func:`deciding_size_spans`: where the size that set ``max_size_mm`` is written, to mark it;
- :func:`check_show_cols`, :func:`carried_columns`: the input columns a card shows
  (``calcminer review --show-cols``).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, get_args

from calcminer.nlp.errors import Errors, InputError
from calcminer.nlp.schema import (
    COUINAUD_SEGMENTS,
    GOLD_FIELDS,
    TRIAGE_LEVELS,
    CountCategory,
    Report,
    ReportResult,
)

#: Fields a reviewer adjudicates and the export writes, in GOLD_GUIDE order, then the
#: optional gold field.
ADJUDICATION_FIELDS: tuple[str, ...] = (*GOLD_FIELDS, "liver_followup_recommended")
#: How each field is edited and checked by the page's script (``data-kind``).
FIELD_KINDS: dict[str, str] = {
    "calcification": "bool",
    "count": "count",
    "count_category": "choice",
    "max_size_mm": "size",
    "segments": "segments",
    "lobes": "lobes",
    "bile_duct": "bool",
    "diffuse": "bool",
    "followup_recommended": "bool",
    "triage": "choice",
    "liver_followup_recommended": "bool",
}
#: Lobe names of the gold format, sorted as the gold format sorts them.
GOLD_LOBES: tuple[str, ...] = ("caudate", "left", "right")
#: Choices of the fields edited with a list.
FIELD_CHOICES: dict[str, tuple[str, ...]] = {
    "count_category": get_args(CountCategory),
    "triage": TRIAGE_LEVELS,
    "bool": ("true", "false"),
}
#: Hints shown beside the text fields (what a valid value looks like).
FIELD_HINTS: dict[str, str] = {
    "count": "whole number, empty: not stated",
    "size": "mm, empty: no size",
    "segments": f"{', '.join(COUINAUD_SEGMENTS)}; separated by ;",
    "lobes": f"{', '.join(GOLD_LOBES)}; separated by ;",
}
#: How far (characters, either side of a deciding target) a size mention is looked for.
DECIDING_SIZE_REACH_CHARS = 400
#: Two sizes are the same when they differ by less than this (mm; sizes are rounded to 0.1).
SIZE_MATCH_TOLERANCE_MM = 0.05
#: Joins the numbers of one size mention ("1.2 x 0.8 cm", "3-5 mm").
_SIZE_JOINERS = r"(?:\s*(?:x|\u00d7|\*|by|-|to|and)\s*)"


def miner_values(result: ReportResult) -> dict[str, Any]:
    """The miner's values of the adjudicated fields, in the GOLD_GUIDE encodings of JSON.

    Args:
        result: A miner result.

    Returns:
        Field name -> value (lists for tuples), in :data:`ADJUDICATION_FIELDS` order.
    """
    values: dict[str, Any] = {}
    for name in ADJUDICATION_FIELDS:
        value = getattr(result, name)
        values[name] = list(value) if isinstance(value, tuple) else value
    return values


def miner_data(result: ReportResult) -> str:
    """The miner's values as compact JSON for the card's ``data-miner`` attribute (escape it).

    Args:
        result: A miner result.

    Returns:
        One JSON object (ASCII: no character the attribute's encoding could change).
    """
    return json.dumps(miner_values(result), separators=(",", ":"), ensure_ascii=True)


def text_attribute(text: str) -> str:
    """The ``data-text`` attribute that gives the export the exact report text, or "".

    The script reads the text from the ``<pre>`` of the card, which holds it exactly unless
    it has a carriage return (HTML reads CR and CR LF as LF): only such a text is repeated
    in an attribute, with each CR as a character reference, which the parser keeps.

    Args:
        text: The report text.

    Returns:
        `` data-text="..."`` (escaped) or an empty string.
    """
    if "\r" not in text:
        return ""
    return f' data-text="{html.escape(text, quote=True).replace(chr(13), "&#13;")}"'


def page_fingerprint(cards: Iterable[tuple[Report, ReportResult]]) -> str:
    """A fingerprint of the cards of a page: the key under which the page keeps its marks
    in the browser (``localStorage``), so that marks come back on a reload of the same page
    and never on another one.

    Args:
        cards: The reports with a card, in page order, with their results.

    Returns:
        32 hex digits of a SHA-256 over each card's report id, text and miner values.
    """
    digest = hashlib.sha256()
    for report, result in cards:
        for part in (result.report_id, report.text, miner_data(result)):
            data = part.encode("utf-8", errors="replace")
            digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:32]


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _control(name: str) -> str:
    """The control of one field: a list for choices, a text box for the rest."""
    kind = FIELD_KINDS[name]
    if kind in ("bool", "choice"):
        choices = FIELD_CHOICES["bool" if kind == "bool" else name]
        options = "".join(f"<option>{_esc(choice)}</option>" for choice in choices)
        return f'<select data-field="{name}" data-kind="{kind}">{options}</select>'
    mode = {"count": "numeric", "size": "decimal"}.get(kind, "text")
    return (
        f'<input type="text" data-field="{name}" data-kind="{kind}" inputmode="{mode}" '
        f'autocomplete="off" spellcheck="false" placeholder="{_esc(FIELD_HINTS[kind])}">'
    )


def correction_template() -> str:
    """The ``<template>`` of correction controls, one per field (constant markup).

    Returns:
        The element; the script clones its content into a card marked incorrect and fills
        it with the miner's values.
    """
    rows = "".join(
        f'<label class="fix"><span class="fix-name">{name}</span>{_control(name)}</label>'
        for name in ADJUDICATION_FIELDS
    )
    return (
        '<template id="correction-form"><div class="fixes">'
        f'{rows}<p class="adj-problems" role="alert" hidden></p></div></template>'
    )


def check_show_cols(show_cols: Sequence[str], reports: Iterable[Report]) -> None:
    """Check that every column to show is an input column of the batch (before any writing).

    A column counts as present when at least one report carries it (``Report.meta``); a
    report without it shows a dash.

    Args:
        show_cols: The columns to show.
        reports: The batch.

    Raises:
        InputError: E406 naming the missing columns and the columns present.
    """
    if not show_cols:
        return
    present: dict[str, None] = {}
    for report in reports:
        present.update(dict.fromkeys(str(name) for name in report.meta))
    missing = [name for name in show_cols if name not in present]
    if missing:
        raise InputError(
            Errors.E406.format(
                missing=", ".join(repr(name) for name in missing),
                present=", ".join(repr(name) for name in sorted(present)) or "none",
            )
        )


def _cell(value: Any) -> str:
    """Display form of a carried value: a dash for a missing one."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\u2014"
    text = str(value)
    return text if text.strip() else "\u2014"


def carried_columns(meta: Mapping[str, Any], show_cols: Sequence[str]) -> str:
    """The card's list of carried input columns, escaped (empty without ``show_cols``).

    Args:
        meta: The report's input columns (``Report.meta``).
        show_cols: The columns to show, in order; no other column is shown.

    Returns:
        A ``<dl class="carried">`` element, or an empty string.
    """
    if not show_cols:
        return ""
    items = "".join(
        f'<div data-col="{_esc(name)}"><dt>{_esc(name)}</dt><dd>{_esc(_cell(meta.get(name)))}</dd>'
        "</div>"
        for name in show_cols
    )
    return f'<dl class="carried" aria-label="Input columns">{items}</dl>'


# --- the deciding size ------------------------------------------------------------------------


@dataclass(frozen=True)
class _SizeTools:
    """Size mentions as the packaged ``normalization.json`` writes them: the mention regex,
    the number regex, the unit regex and each unit's factor to mm."""

    mention: re.Pattern[str]
    number: re.Pattern[str]
    unit: re.Pattern[str]
    to_mm: Mapping[str, float]

    def size_mm(self, text: str) -> float | None:
        """The largest dimension of a size mention in mm, rounded to 0.1 (each number takes
        the unit after it, as the miner's ``Normalizer.parse_size_mm`` reads digits)."""
        units = list(self.unit.finditer(text))
        best: float | None = None
        for number in self.number.finditer(text):
            unit = next((u for u in units if u.start() >= number.end()), None)
            if unit is None:
                continue
            value = float(number.group(0).replace(",", ".")) * self.to_mm[unit.group(0).lower()]
            best = value if best is None else max(best, value)
        return None if best is None else round(best, 1)


@lru_cache(maxsize=1)
def _size_tools() -> _SizeTools:
    """The size tools of the packaged ``normalization.json``."""
    from calcminer.nlp.rules.patterns import default_patterns_dir, load_normalization
    from calcminer.nlp.rules.rule_files import NORMALIZATION_FILE

    folder = default_patterns_dir()
    tables = load_normalization(folder / NORMALIZATION_FILE, folder)
    number = tables["number_regex"]
    to_mm = {unit.lower(): float(factor) for unit, factor in tables["unit_to_mm"].items()}
    units = "|".join(map(re.escape, sorted(to_mm, key=lambda u: (-len(u), u))))
    return _SizeTools(
        mention=re.compile(
            rf"(?i)(?<![\w.,]){number}(?:{_SIZE_JOINERS}{number})*\s*(?:{units})(?![^\W\d_])"
        ),
        number=re.compile(number),
        unit=re.compile(f"(?i)({units})"),
        to_mm=to_mm,
    )


def deciding_size_spans(text: str, result: ReportResult) -> list[tuple[int, int]]:
    """Where the size that set ``max_size_mm`` is written: one mention per deciding target.

    Findings carry their size in mm, not where it is written, so the mention is found
    again: a deciding target is a counted finding whose size is ``max_size_mm``; its
    mention is the size within :data:`DECIDING_SIZE_REACH_CHARS` that reads as that size
    with the units of the packaged ``normalization.json``, the nearest one (sizes written
    in words are not found).

    Args:
        text: The report text.
        result: Its miner result.

    Returns:
        ``(start, end)`` character offsets, sorted, each once; none without a size or when
        no mention reads as it.
    """
    size = result.max_size_mm
    if size is None:
        return []
    tools = _size_tools()
    spans: set[tuple[int, int]] = set()
    for finding in result.findings:
        if not finding.counted or finding.size_mm is None:
            continue
        if abs(finding.size_mm - size) >= SIZE_MATCH_TOLERANCE_MM:
            continue
        low = max(0, finding.start_char - DECIDING_SIZE_REACH_CHARS)
        high = min(len(text), finding.end_char + DECIDING_SIZE_REACH_CHARS)
        best: tuple[int, tuple[int, int]] | None = None
        for match in tools.mention.finditer(text, low, high):
            value = tools.size_mm(match.group(0))
            if value is None or abs(value - size) >= SIZE_MATCH_TOLERANCE_MM:
                continue
            start, end = match.span()
            distance = max(finding.start_char - end, start - finding.end_char, 0)
            if best is None or distance < best[0]:
                best = (distance, (start, end))
        if best is not None:
            spans.add(best[1])
    return sorted(spans)
