"""``calcminer evaluate``, beside the flow: gold JSONL -> miner -> per-field accuracy, triage
confusion and follow-up precision / recall.

:func:`score` does the arithmetic on plain rows (no miner, no files); :func:`evaluate` reads a
GOLD_GUIDE.md gold file, runs the miner and scores it; the ``format_*`` helpers render plain-text
tables and :func:`format_below` the ``--min-accuracy`` failures. Outputs name report ids and
field values only, never report text. ``calcminer.nlp.evaluate`` re-exports this module.

This module reads gold files, runs the miner and renders the scores; the arithmetic
(:func:`score`, :class:`EvaluationResult` ...) is in :mod:`calcminer.nlp.commands.scoring`,
whose names are importable from here, as before it was a module of its own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calcminer.nlp.commands.batch import resolve_miner

# The names of the scoring module, importable from here (and calcminer.nlp.evaluate) as before.
from calcminer.nlp.commands.scoring import (  # noqa: F401
    BOOLEAN_FIELDS,
    COUNT_CATEGORIES,
    FOLLOWUP_FIELDS,
    LIST_FIELDS,
    OPTIONAL_GOLD_FIELDS,
    SIZE_FIELDS,
    SIZE_TOLERANCE_MM,
    URGENT,
    BinaryScores,
    EvaluationResult,
    Mismatch,
    score,
    scored_fields,
    values_equal,
)
from calcminer.nlp.errors import Errors, InputError
from calcminer.nlp.schema import (  # noqa: F401
    GOLD_FIELDS,
    TRIAGE_LEVELS,
    CountCategory,
    Report,
    ReportResult,
)

if TYPE_CHECKING:
    from calcminer.nlp.mining.miner import Mining

#: Marks an attribute a miner result does not have.
_ABSENT = object()


# --- gold file and miner -------------------------------------------------------------------------


def _check_gold_value(name: str, value: Any) -> str | None:
    """Return what is wrong with one gold field value, or None when it is valid."""
    if name in BOOLEAN_FIELDS:
        return None if isinstance(value, bool) else "must be true or false"
    if name == "count":
        ok = value is None or (
            isinstance(value, int) and not isinstance(value, bool) and value >= 0
        )
        return None if ok else "must be a non-negative integer or null"
    if name in SIZE_FIELDS:
        ok = value is None or (
            isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        )
        return None if ok else "must be a non-negative number or null"
    if name in LIST_FIELDS:
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        return None if ok else "must be a list of strings"
    if name == "count_category":
        return None if value in COUNT_CATEGORIES else f"must be one of {COUNT_CATEGORIES}"
    if name == "triage":
        return None if value in TRIAGE_LEVELS else f"must be one of {TRIAGE_LEVELS}"
    return None


def _gold_row(path: Path, line: int, raw: str) -> dict[str, Any]:
    """Parse and check one gold line (E120 names the line and field, never the text)."""

    def fail(detail: str) -> InputError:
        return InputError(Errors.E120.format(path=path, line=line, detail=detail))

    try:
        row = json.loads(raw)
    except json.JSONDecodeError as e:
        raise fail(f"malformed JSON ({e.msg} at column {e.colno})") from e
    if not isinstance(row, dict):
        raise fail("not a JSON object")
    missing = [name for name in ("report_id", "text", *GOLD_FIELDS) if name not in row]
    if missing:
        raise fail(f"missing field(s) {', '.join(missing)}")
    if not isinstance(row["report_id"], str) or not row["report_id"].strip():
        raise fail("report_id must be a non-empty string")
    if not isinstance(row["text"], str):
        raise fail("text must be a string")
    for name in (*GOLD_FIELDS, *OPTIONAL_GOLD_FIELDS):
        if name in row and (problem := _check_gold_value(name, row[name])):
            raise fail(f"{name} {problem}")
    return row


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read and check a GOLD_GUIDE.md gold file.

    Args:
        path: JSON Lines file; each line has ``report_id``, ``text`` and the ten fields.

    Returns:
        The rows, in file order, with a ``line`` key added (1-based line number).

    Raises:
        InputError: E123 unreadable file, E120 invalid line, E121 no records, E122 duplicate
            ids.
    """
    gold_path = Path(path)
    rows: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    try:
        with gold_path.open(encoding="utf-8-sig") as handle:
            for line, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                row = _gold_row(gold_path, line, raw)
                report_id = row["report_id"]
                if report_id in first_line:
                    raise InputError(
                        Errors.E122.format(
                            path=gold_path,
                            report_id=report_id,
                            first=first_line[report_id],
                            line=line,
                        )
                    )
                first_line[report_id] = line
                rows.append({**row, "line": line})
    except (OSError, UnicodeDecodeError) as e:
        detail = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
        raise InputError(Errors.E123.format(path=gold_path, detail=detail)) from e
    if not rows:
        raise InputError(Errors.E121.format(path=gold_path))
    return rows


def prediction_row(result: ReportResult) -> dict[str, Any]:
    """The GOLD_GUIDE fields of a miner result, as a row for :func:`score`.

    Args:
        result: A miner result.

    Returns:
        ``report_id``, the ten fields (tuples as lists), and each optional gold field the
        result carries (``getattr``: results of older miners lack them).
    """
    row: dict[str, Any] = {"report_id": result.report_id}
    for name in GOLD_FIELDS:
        value = getattr(result, name)
        row[name] = list(value) if isinstance(value, tuple) else value
    for name in OPTIONAL_GOLD_FIELDS:
        value = getattr(result, name, _ABSENT)
        if value is not _ABSENT and name not in row:
            row[name] = list(value) if isinstance(value, tuple) else value
    return row


def evaluate(
    gold_path: str | Path,
    miner: Mining | None = None,
    *,
    patterns_dir: str | Path | None = None,
) -> EvaluationResult:
    """Run the miner over a gold file's texts and score it against the labels.

    Args:
        gold_path: GOLD_GUIDE.md JSON Lines file.
        miner: A miner to use; None builds one from ``patterns_dir``.
        patterns_dir: Pattern folder for a new miner; None uses the packaged patterns.

    Returns:
        The scores.

    Raises:
        InputError: When the gold file is missing or invalid.
        PatternError: When the pattern files are invalid.
    """
    rows = read_gold(gold_path)
    miner = resolve_miner(miner, patterns_dir)
    source = str(gold_path)
    reports = (
        Report(report_id=row["report_id"], text=row["text"], source=source, line=row["line"])
        for row in rows
    )
    predicted = [prediction_row(result) for result in miner.mine(reports)]
    result = score(rows, predicted)
    return replace(result, texts={row["report_id"]: row["text"] for row in rows})


# --- plain-text formatting -----------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Align columns: the first left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def render(row: Sequence[str]) -> str:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    return "\n".join(render(row) for row in (header, *rows))


def format_accuracy(result: EvaluationResult) -> str:
    """Render per-field accuracy as a plain-text table.

    Args:
        result: Scores from :func:`score` or :func:`evaluate`.

    Returns:
        One line per field: correct / total and accuracy.
    """
    rows = [
        [name, f"{result.field_correct[name]}/{result.n_reports}", f"{accuracy:.3f}"]
        for name, accuracy in result.field_accuracy.items()
    ]
    return _table(["field", "correct", "accuracy"], rows)


def format_confusion(result: EvaluationResult) -> str:
    """Render the triage confusion matrix (rows gold, columns predicted) and missed urgent.

    Args:
        result: Scores from :func:`score` or :func:`evaluate`.

    Returns:
        The matrix with row totals, then the triage accuracy and the missed-urgent and
        over-triage counts.
    """
    header = ["gold \\ predicted", *TRIAGE_LEVELS, "total"]
    rows = [
        [
            gold,
            *(str(result.confusion[gold][predicted]) for predicted in TRIAGE_LEVELS),
            str(sum(result.confusion[gold].values())),
        ]
        for gold in TRIAGE_LEVELS
    ]
    return "\n".join(
        [
            _table(header, rows),
            f"triage accuracy: {result.triage_accuracy:.3f}",
            f"missed urgent (gold urgent, predicted not urgent): {result.missed_urgent}",
            f"over-triage (predicted above the gold level): {result.over_triage}",
        ]
    )


def _ratio(value: float | None) -> str:
    """A score with three decimals, ``n/a`` when undefined."""
    return "n/a" if value is None else f"{value:.3f}"


def format_followup(result: EvaluationResult) -> str:
    """Render precision, recall and F1 of each scored follow-up field (true = positive).

    Args:
        result: Scores from :func:`score` or :func:`evaluate`.

    Returns:
        One line per follow-up field: precision, recall, F1 and the counts behind them;
        ``n/a`` where a score is undefined (no predicted or no gold positive).
    """
    header = ["follow-up (true = positive)", "precision", "recall", "F1", "tp", "fp", "fn"]
    rows = [
        [
            name,
            _ratio(scores.precision),
            _ratio(scores.recall),
            _ratio(scores.f1),
            str(scores.true_positive),
            str(scores.false_positive),
            str(scores.false_negative),
        ]
        for name, scores in result.positive_class.items()
    ]
    return _table(header, rows)


def format_mismatches(result: EvaluationResult, show_text: bool = False) -> str:
    """Render the mismatches: report id, field, gold and predicted value.

    Args:
        result: Scores from :func:`score` or :func:`evaluate`.
        show_text: Append the text of every report with a mismatch (patient data: only when
            the user asks, ``--show-text``).

    Returns:
        One line per mismatch, values as JSON; ``no mismatches`` when there are none.
    """
    if not result.mismatches:
        return "no mismatches"
    rows = [
        [m.report_id, m.field, json.dumps(m.gold), json.dumps(m.predicted)]
        for m in result.mismatches
    ]
    header = ["report_id", "field", "gold", "predicted"]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    listing = "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    )
    if not show_text:
        return listing
    ids = dict.fromkeys(m.report_id for m in result.mismatches)
    texts = [
        f"--- {report_id}\n{result.texts.get(report_id, '(text not kept)')}" for report_id in ids
    ]
    return listing + "\n\n" + "\n\n".join(texts)


def format_evaluation(
    result: EvaluationResult, show_mismatches: bool = False, show_text: bool = False
) -> str:
    """Render the full evaluation report as plain text.

    Args:
        result: Scores from :func:`score` or :func:`evaluate`.
        show_mismatches: Append the mismatch listing.
        show_text: With ``show_mismatches``, also print the texts of those reports.

    Returns:
        Report count, accuracy table, confusion matrix, follow-up precision / recall (and
        mismatches).
    """
    parts = [
        f"reports: {result.n_reports}",
        format_accuracy(result),
        format_confusion(result),
    ]
    if result.positive_class:
        parts.append(format_followup(result))
    if show_mismatches:
        parts.append(format_mismatches(result, show_text=show_text))
    return "\n\n".join(parts)


def format_below(result: EvaluationResult, min_accuracy: float) -> list[str]:
    """The ``--min-accuracy`` failures: one coded message (E207) per metric below it.

    Args:
        result: Scores from :func:`score` or :func:`evaluate`.
        min_accuracy: The threshold, between 0 and 1.

    Returns:
        The messages, in field order (``triage`` is the triage accuracy); none when every
        accuracy reaches the threshold.
    """
    return [
        Errors.E207.format(
            metric="triage" if name == "triage" else f"field {name!r}",
            accuracy=accuracy,
            minimum=min_accuracy,
        )
        for name, accuracy in result.below(min_accuracy)
    ]
