"""``calcminer evaluate``, beside the flow: gold JSONL or CSV -> miner -> per-field accuracy,
triage confusion and follow-up precision / recall.

:func:`score` does the arithmetic on plain rows (no miner, no files); :func:`evaluate` reads a
gold file (``docs/annotation-guide.md``: JSON Lines, or CSV in the encodings of the report
table calcminer writes), runs the miner and scores it; the ``format_*`` helpers render plain-text
tables and :func:`format_below` the ``--min-accuracy`` failures. Outputs name report ids and
field values only, never report text. ``calcminer.nlp.evaluate`` re-exports this module.

This module reads gold files, runs the miner and renders the scores; the arithmetic
(:func:`score`, :class:`EvaluationResult` ...) is in :mod:`calcminer.nlp.commands.scoring`,
whose names are importable from here, as before it was a module of its own.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

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
#: Gold files read as CSV, by extension (any case); every other file is read as JSON Lines.
GOLD_CSV_SUFFIXES: frozenset[str] = frozenset({".csv"})
#: Encoding of gold files; a leading byte order mark (Excel's "CSV UTF-8") is dropped.
GOLD_ENCODING = "utf-8-sig"


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


def _gold_error(path: Path, line: int, detail: str) -> InputError:
    """E120 for one gold record: names the file, line and field, never the text."""
    return InputError(Errors.E120.format(path=path, line=line, detail=detail))


def _check_gold_row(path: Path, line: int, row: dict[str, Any]) -> dict[str, Any]:
    """Check one parsed gold record (a JSON object or a CSV row): its fields and values."""
    missing = [name for name in ("report_id", "text", *GOLD_FIELDS) if name not in row]
    if missing:
        raise _gold_error(path, line, f"missing field(s) {', '.join(missing)}")
    if not isinstance(row["report_id"], str) or not row["report_id"].strip():
        raise _gold_error(path, line, "report_id must be a non-empty string")
    if not isinstance(row["text"], str):
        raise _gold_error(path, line, "text must be a string")
    for name in (*GOLD_FIELDS, *OPTIONAL_GOLD_FIELDS):
        if name in row and (problem := _check_gold_value(name, row[name])):
            raise _gold_error(path, line, f"{name} {problem}")
    return row


def _gold_row(path: Path, line: int, raw: str) -> dict[str, Any]:
    """Parse and check one gold JSON line (E120 names the line and field, never the text)."""
    try:
        row = json.loads(raw)
    except json.JSONDecodeError as e:
        raise _gold_error(path, line, f"malformed JSON ({e.msg} at column {e.colno})") from e
    if not isinstance(row, dict):
        raise _gold_error(path, line, "not a JSON object")
    return _check_gold_row(path, line, row)


def _jsonl_gold_rows(path: Path, handle: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    """The checked records of a JSON Lines gold file with their line numbers (blank lines
    skipped)."""
    for line, raw in enumerate(handle, start=1):
        if raw.strip():
            yield line, _gold_row(path, line, raw)


def csv_gold_value(name: str, cell: str) -> Any:
    """Decode one cell of a gold CSV file the way calcminer's CSV tables encode values.

    The encodings are those of the report table (:mod:`calcminer.nlp.io.formats`), read with
    the readers the batch figures use on it (:mod:`calcminer.nlp.views.plots.readback`):
    ``true``/``false`` in any case, list items joined with ``;`` (an empty cell for none), an
    empty cell for a missing count or size; ``count`` also as ``2.0`` (pandas writes an
    integer column with gaps as floats). A ``report_id`` or ``text`` cell that calcminer's
    writers (and the review page's gold export) neutralized as a spreadsheet formula (``'``
    before ``=``, ``+``, ``-``, ``@``, tab or CR) loses that ``'`` again. A cell that cannot
    be decoded comes back as it is, so that the field's check names the problem in the words
    of the JSON Lines checks.

    Args:
        name: The column: ``report_id``, ``text``, a gold field or an optional gold field.
        cell: The cell's text.

    Returns:
        The value as a JSON Lines gold file holds it.
    """
    from calcminer.nlp.views.plots.readback import CellError, bool_cell, list_cell, size_cell

    if name in ("report_id", "text"):
        return unneutralize_formula(cell)
    if name in LIST_FIELDS:
        return list(list_cell(cell))
    try:
        if name in BOOLEAN_FIELDS:
            return bool_cell(cell)
        if name in SIZE_FIELDS or name == "count":
            number = size_cell(cell)
    except CellError:
        return cell
    if name in SIZE_FIELDS:
        return number
    if name == "count":
        if number is None:
            return None
        return int(number) if number.is_integer() else cell
    return cell.strip()


def unneutralize_formula(cell: str) -> str:
    """Undo :func:`calcminer.nlp.io.formats.neutralize_formula` on one text cell.

    Args:
        cell: A CSV text cell.

    Returns:
        The cell without the ``'`` that neutralized a formula (``'=...`` -> ``=...``); any
        other cell as it is.
    """
    from calcminer.nlp.io.formats import FORMULA_ESCAPE, FORMULA_PREFIXES

    if cell.startswith(FORMULA_ESCAPE) and cell[1:].startswith(FORMULA_PREFIXES):
        return cell[1:]
    return cell


def _csv_gold_rows(path: Path, handle: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    """The checked rows of a CSV gold file with the file line each starts on (rows whose
    cells are all blank are skipped).

    Raises:
        InputError: E125 for a header that lacks a needed column or repeats one, E126 for a
            row with another number of cells than the header or with broken quoting, E120
            for a value that does not fit its field.
    """
    reader = csv.reader(handle, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as e:
        raise InputError(Errors.E125.format(path=path, detail=f"cannot be read ({e})")) from e
    if header is None:
        return
    names = [name.strip() for name in header]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        detail = f"repeats the column(s) {', '.join(repeated)}"
        raise InputError(Errors.E125.format(path=path, detail=detail))
    missing = [name for name in ("report_id", "text", *GOLD_FIELDS) if name not in names]
    if missing:
        detail = f"has no column(s) {', '.join(missing)}"
        raise InputError(Errors.E125.format(path=path, detail=detail))
    known = {"report_id", "text", *GOLD_FIELDS, *OPTIONAL_GOLD_FIELDS}
    columns = [(position, name) for position, name in enumerate(names) if name in known]
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as e:
            detail = f"has broken quoting ({e})"
            raise InputError(Errors.E126.format(path=path, line=line, detail=detail)) from e
        if cells is None:
            return
        if any(cell.strip() for cell in cells):
            if len(cells) != len(names):
                detail = f"has {len(cells)} cells, the header {len(names)}"
                raise InputError(Errors.E126.format(path=path, line=line, detail=detail))
            row = {
                name: csv_gold_value(name, cells[position])
                for position, name in columns
                # An empty optional field is absent, like a key left out of a JSON line.
                if name not in OPTIONAL_GOLD_FIELDS or cells[position].strip()
            }
            yield line, _check_gold_row(path, line, row)
        line = reader.line_num + 1


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read and check a gold file (``docs/annotation-guide.md``): JSON Lines or CSV.

    A ``.csv`` file is read as CSV: a header line naming the columns (``report_id``, ``text``,
    the ten fields and optionally ``liver_followup_recommended``; other columns are ignored),
    then one row per report in the encodings of calcminer's CSV tables
    (:func:`csv_gold_value`). Any other file is read as JSON Lines. The same labels give the
    same rows either way.

    Args:
        path: The gold file; each record has ``report_id``, ``text`` and the ten fields.

    Returns:
        The rows, in file order, with a ``line`` key added (1-based line number; for CSV, the
        file line the row starts on).

    Raises:
        InputError: E123 unreadable file, E120 invalid record, E121 no records, E122
            duplicate ids; for CSV, E125 a header without a needed column, E126 a broken row.
    """
    gold_path = Path(path)
    is_csv = gold_path.suffix.lower() in GOLD_CSV_SUFFIXES
    read_rows = _csv_gold_rows if is_csv else _jsonl_gold_rows
    rows: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    try:
        # newline="": a CSV cell keeps its own line breaks (a JSON line holds none unescaped).
        with gold_path.open(encoding=GOLD_ENCODING, newline="" if is_csv else None) as handle:
            for line, row in read_rows(gold_path, handle):
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
        gold_path: Gold file, JSON Lines or CSV (:func:`read_gold`).
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
