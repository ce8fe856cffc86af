"""Mining for the commands: the miner a command uses, and records mined in input order.

:func:`resolve_miner` is the one place a command gets its miner (tests replace
:func:`load_miner` here to mine with a fake or a shared miner); :func:`mine_records` pairs a
record stream with the miner's results; :func:`mine_batch` holds a whole batch in memory (for
``extract_tables``, review pages and figures).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from calcminer.nlp.errors import CalcminerError, Errors
from calcminer.nlp.io.frames import InMemory, read_inputs
from calcminer.nlp.io.readers import input_limits
from calcminer.nlp.schema import RecordError, Report, ReportResult

if TYPE_CHECKING:
    from calcminer.nlp.io.frames import ReportInputs
    from calcminer.nlp.mining.miner import Mining


def load_miner(patterns_dir: str | Path | None = None) -> Mining:
    """Build the rule-based miner.

    Args:
        patterns_dir: Folder of pattern files; None uses the packaged ``patterns/``.

    Returns:
        A ready miner.

    Raises:
        PatternError: When a pattern or configuration file is missing or invalid.
    """
    from calcminer.nlp.mining.miner import Miner

    return Miner(patterns_dir=patterns_dir)


def resolve_miner(
    miner: Mining | None, patterns_dir: str | Path | None, *, prefilter: bool = True
) -> Mining:
    """The miner a command runs with: the one given, else a new one from ``patterns_dir``.

    Args:
        miner: A miner to reuse; None builds one.
        patterns_dir: Pattern folder for a new miner; None uses the packaged patterns.
        prefilter: False builds a miner that runs the pipeline on every report (``extract
            --no-prefilter``); True builds it with :func:`load_miner`.

    Returns:
        A ready miner.

    Raises:
        PatternError: When a new miner's pattern files are invalid.
    """
    if miner is not None:
        return miner
    if not prefilter:
        from calcminer.nlp.mining.miner import Miner

        return Miner(patterns_dir, prefilter=False)
    return load_miner(patterns_dir)


def mine_records(
    items: Iterable[Report | RecordError], miner: Mining
) -> Iterator[tuple[int, Report | RecordError, ReportResult | None]]:
    """Mine a record stream, yielding ``(position, record, result)`` in input order.

    Record errors come through with ``None`` as result, in their place. The miner may read
    ahead (it batches); only the records in flight are held.

    Raises:
        CalcminerError: E206 when the miner returns results out of order, E205 when it
            returns fewer results than reports.
    """
    pending: deque[tuple[int, Report | RecordError]] = deque()
    position = 0

    def reports() -> Iterator[Report]:
        nonlocal position
        for item in items:
            pending.append((position, item))
            position += 1
            if isinstance(item, Report):
                yield item

    def flush_errors() -> Iterator[tuple[int, Report | RecordError, ReportResult | None]]:
        while pending and isinstance(pending[0][1], RecordError):
            index, error = pending.popleft()
            yield index, error, None

    for result in miner.mine(reports()):
        # The record errors before the next report come through first, in their place.
        found: tuple[int, Report] | None = None
        while pending and found is None:
            index, item = pending.popleft()
            if isinstance(item, Report):
                found = (index, item)
            else:
                yield index, item, None
        if found is None:
            raise CalcminerError(Errors.E206.format(got=result.report_id, expected=None))
        index, report = found
        if result.report_id != report.report_id:
            raise CalcminerError(
                Errors.E206.format(got=result.report_id, expected=report.report_id)
            )
        yield (
            index,
            report,
            result if result.meta or not report.meta else replace(result, meta=report.meta),
        )
    for _ in reports():  # a miner that stops early leaves records unread
        pass
    yield from flush_errors()
    if pending:
        missing = sum(1 for _, item in pending if isinstance(item, Report))
        raise CalcminerError(
            Errors.E205.format(records=position, reports=position - missing, errors=0)
        )


@dataclass(frozen=True)
class MinedBatch:
    """Reports of a batch with their results, and the records that could not be used.

    Attributes:
        items: (report, result) pairs in input order.
        errors: Record errors in input order.
        records_read: Records read (items + errors).
    """

    items: tuple[tuple[Report, ReportResult], ...]
    errors: tuple[RecordError, ...]
    records_read: int


def mine_batch(
    inputs: ReportInputs | InMemory,
    *,
    id_col: str = "report_id",
    text_col: str = "text",
    patterns_dir: str | Path | None = None,
    miner: Mining | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> MinedBatch:
    """Read and mine a batch held in memory (review pages and figures are for batches).

    ``inputs`` are paths, or data (a DataFrame, records: :mod:`calcminer.nlp.io.frames`);
    ``delimiter`` and ``encoding`` say how text inputs are read (see
    :func:`~calcminer.nlp.io.readers.read_reports`).

    Raises:
        InputError: When an input cannot be read as a whole.
        CalcminerError: E205/E206 when the miner breaks its one-result-per-report contract;
            E904 when a report comes without its result (a bug).
    """
    limits = input_limits(patterns_dir)
    records = read_inputs(
        inputs,
        id_col=id_col,
        text_col=text_col,
        limits=limits,
        delimiter=delimiter,
        encoding=encoding,
    )
    active = resolve_miner(miner, patterns_dir)
    pairs: list[tuple[Report, ReportResult]] = []
    errors: list[RecordError] = []
    read = 0
    for position, record, result in mine_records(records, active):
        read += 1
        if isinstance(record, RecordError):
            errors.append(record)
        elif result is None:
            raise CalcminerError(Errors.E904.format(position=position))
        else:
            pairs.append((record, result))
    return MinedBatch(tuple(pairs), tuple(errors), read)
