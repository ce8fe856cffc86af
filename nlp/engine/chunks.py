"""One chunk of a run: its tables, its counts, and mining it (what a worker does).

:func:`chunked` cuts the record stream into numbered chunks; :func:`chunk_tables` mines one
chunk's reports into its tables (:class:`ChunkTables`); :func:`mine_chunk` also encodes them
as the bytes of one part file (:class:`MinedChunk`), which travels back to the process that
saves it with the chunk's counts (:class:`ChunkStats`, kept in the work folder's manifest).
:class:`RunTotals` adds up the counts of a run's chunks, and :func:`recorded_stats` reads back
those an interrupted run recorded.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from calcminer.nlp.errors import CalcminerError, Errors
from calcminer.nlp.schema import RecordError, Report

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from calcminer.nlp.engine.parts import Part
    from calcminer.nlp.engine.workfolder import PartStore
    from calcminer.nlp.io.formats import OutputFormat
    from calcminer.nlp.io.stream import RenderedRows
    from calcminer.nlp.mining.miner import Miner, Mining

#: The tables a run can write.
ROLES = ("reports", "findings", "flagged", "errors", "recommendations")
#: Another job than extract's for a chunk (see ``run_local``): ``job(index, items, miner)``,
#: picklable, run where the chunk is mined; its result goes back to the process that saves it.
ChunkJob = Callable[[int, list[Report | RecordError], Any], Any]


@dataclass(frozen=True)
class ChunkTables:
    """The tables of one chunk (flagged rows are derived from ``reports``).

    Attributes:
        index: The chunk's position in the run.
        reports: One row per report.
        findings: One row per finding.
        errors: One row per record error.
        recommendations: One row per follow-up recommendation.
        rendered: Per role, the rows already encoded for the run's CSV or JSON Lines
            output, so the process that writes the files only copies them.
    """

    index: int
    reports: pd.DataFrame
    findings: pd.DataFrame
    errors: pd.DataFrame
    recommendations: pd.DataFrame
    rendered: Mapping[str, RenderedRows] = field(default_factory=dict)

    def frame(self, role: str) -> pd.DataFrame:
        """The table of one output role."""
        if role == "flagged":
            from calcminer.nlp.io.tables import flagged_frame

            return flagged_frame(self.reports)
        frames: dict[str, pd.DataFrame] = {
            "reports": self.reports,
            "findings": self.findings,
            "errors": self.errors,
            "recommendations": self.recommendations,
        }
        return frames[role]

    @property
    def records(self) -> int:
        """Input records of the chunk: reports plus record errors."""
        return len(self.reports) + len(self.errors)

    @classmethod
    def from_part(cls, part: Part) -> ChunkTables:
        """The tables of a part read back from the work folder (without the rows encoded
        ahead: see :attr:`Part.rendered`).

        Raises:
            PartFormatError: When a table of the part is damaged.
        """
        return cls(
            part.index,
            part.table("reports"),
            part.table("findings"),
            part.table("errors"),
            part.table("recommendations"),
        )


@dataclass(frozen=True)
class ChunkStats:
    """Counts of a finished chunk (what travels back from a worker; kept in the manifest).

    Attributes:
        rows: Rows of each table (``reports``, ``findings``, ``flagged``, ``errors``,
            ``recommendations``).
    """

    index: int
    records: int
    reports: int
    errors: int
    triage: Mapping[str, int]
    error_codes: Mapping[str, int]
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rows: Mapping[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The counts as JSON data (for the manifest)."""
        data = dataclasses.asdict(self)
        data["columns"] = {role: list(names) for role, names in self.columns.items()}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], folder: Path) -> ChunkStats:
        """Counts recorded by :meth:`to_json` in the manifest of the work folder ``folder``.

        Raises:
            CalcminerError: E214 naming ``folder`` when ``data`` is not such a record (the
                manifest is damaged).
        """

        def damaged(detail: str) -> CalcminerError:
            return CalcminerError(Errors.E214.format(path=folder, detail=detail))

        def counts(value: Any) -> dict[str, int]:
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and type(n) is int and n >= 0 for k, n in value.items()
            ):
                raise damaged("counts of a chunk must map names to numbers")
            return value

        numbers = [data.get(name) for name in ("index", "records", "reports", "errors")]
        columns = data.get("columns")
        if not all(type(n) is int and n >= 0 for n in numbers) or not isinstance(columns, dict):
            raise damaged("not the counts of a chunk")
        if not all(
            isinstance(names, list) and all(isinstance(n, str) for n in names)
            for names in columns.values()
        ):
            raise damaged("columns of a chunk must be lists of names")
        index, records, reports, errors = (int(n) for n in numbers if n is not None)
        return cls(
            index=index,
            records=records,
            reports=reports,
            errors=errors,
            triage=counts(data.get("triage")),
            error_codes=counts(data.get("error_codes")),
            columns={role: tuple(names) for role, names in columns.items()},
            rows=counts(data.get("rows")),
        )


def add_columns(known: list[str], names: Iterable[Any]) -> None:
    """Append the names not yet in ``known`` (as text), keeping first-seen order."""
    for name in map(str, names):
        if name not in known:
            known.append(name)


@dataclass
class RunTotals:
    """Counts over the finished chunks of a run."""

    records: int = 0
    reports: int = 0
    errors: int = 0
    triage: Counter[str] = field(default_factory=Counter)
    error_codes: Counter[str] = field(default_factory=Counter)
    #: Per role, the columns of all chunks in order of first appearance.
    columns: dict[str, list[str]] = field(default_factory=dict)

    #: Per role, the rows of all chunks' tables.
    rows: Counter[str] = field(default_factory=Counter)

    def add(self, stats: ChunkStats) -> None:
        """Add one chunk's counts."""
        self.records += stats.records
        self.reports += stats.reports
        self.errors += stats.errors
        self.triage.update(stats.triage)
        self.error_codes.update(stats.error_codes)
        self.rows.update(stats.rows)
        for role, names in stats.columns.items():
            add_columns(self.columns.setdefault(role, []), names)


def chunked(
    items: Iterable[Report | RecordError], size: int
) -> Iterator[tuple[int, list[Report | RecordError]]]:
    """Cut the record stream into numbered chunks of ``size`` records."""
    iterator = iter(items)
    index = 0
    while chunk := list(islice(iterator, size)):
        yield index, chunk
        index += 1


@dataclass
class ChunkCount:
    """Chunks and records cut so far by :func:`chunks_to_mine` (it updates them as it goes)."""

    chunks: int = 0
    records: int = 0


def chunks_to_mine(
    items: Iterable[Report | RecordError],
    size: int,
    done: Mapping[int, int],
    part_path: Callable[[int], Path],
    on_done: Callable[[int], None],
    count: ChunkCount,
) -> Iterator[tuple[int, list[Report | RecordError]]]:
    """Cut the record stream into chunks and yield those still to mine.

    A chunk an interrupted run finished (``done``: chunk -> records of its part) is not
    yielded: its size is checked against the part's and ``on_done`` takes it instead.

    Args:
        items: The records, in order.
        size: Records per chunk.
        done: Chunks with a part, and the records each part holds.
        part_path: The path of a chunk's part, for messages.
        on_done: Called with the index of each chunk that is not mined again.
        count: Updated with the chunks and records cut.

    Raises:
        CalcminerError: E215 when a part holds another number of records than its chunk.
    """
    for index, chunk in chunked(items, size):
        count.chunks = index + 1
        count.records += len(chunk)
        if index not in done:
            yield index, chunk
            continue
        if done[index] != len(chunk):
            detail = f"it holds {done[index]} records where the input has {len(chunk)}"
            raise CalcminerError(Errors.E215.format(path=part_path(index), detail=detail))
        on_done(index)


def chunk_tables(
    index: int,
    items: Sequence[Report | RecordError],
    miner: Mining | Miner,
    render: Mapping[str, OutputFormat] | None = None,
) -> ChunkTables:
    """Mine one chunk and build its tables (runs in a worker).

    Args:
        index: The chunk's position in the run.
        items: The chunk's input records, reports and record errors, in input order.
        miner: The miner.
        render: Role -> output format: encode those tables' rows here, in the worker (CSV
            and JSON Lines rows, Arrow data for Parquet), so that writing the outputs is
            a copy.

    Returns:
        The chunk's report, findings, errors and recommendations tables.
    """
    from calcminer.nlp.io.tables import (
        errors_frame,
        findings_frame,
        recommendations_frame,
        reports_frame,
    )

    reports = [item for item in items if isinstance(item, Report)]
    errors = [item for item in items if isinstance(item, RecordError)]
    results = list(miner.mine(reports))
    if len(results) != len(reports):
        raise CalcminerError(
            Errors.E205.format(records=len(reports), reports=len(results), errors=0)
        )
    for report, result in zip(reports, results, strict=True):
        if result.report_id != report.report_id:
            raise CalcminerError(
                Errors.E206.format(got=result.report_id, expected=report.report_id)
            )
    tables = ChunkTables(
        index,
        reports_frame(results),
        findings_frame(results),
        errors_frame(errors),
        recommendations_frame(results),
    )
    if not render:
        return tables
    from calcminer.nlp.io.stream import render_rows

    # Parquet chunks are converted when the table is written, against the whole table's
    # schema (calcminer.nlp.io.stream.arrow_chunk).
    rendered = {
        role: render_rows(tables.frame(role), fmt)
        for role, fmt in render.items()
        if fmt != "parquet"
    }
    return dataclasses.replace(tables, rendered=rendered)


def chunk_stats(tables: ChunkTables) -> ChunkStats:
    """Counts of a chunk's tables."""
    triage = Counter(str(level) for level in tables.reports["triage"])
    codes = Counter(str(code) for code in tables.errors["code"])
    frames = {role: tables.frame(role) for role in ROLES}
    return ChunkStats(
        index=tables.index,
        records=tables.records,
        reports=len(tables.reports),
        errors=len(tables.errors),
        triage=dict(triage),
        error_codes=dict(codes),
        columns={role: tuple(str(c) for c in frame.columns) for role, frame in frames.items()},
        rows={role: len(frame) for role, frame in frames.items()},
    )


@dataclass(frozen=True)
class MinedChunk:
    """A mined chunk as it travels back to the process that saves it.

    Attributes:
        stats: The chunk's counts.
        part: The bytes of its part file (:func:`calcminer.nlp.engine.parts.encode_part`).
    """

    stats: ChunkStats
    part: bytes


def mine_chunk(
    index: int,
    items: Sequence[Report | RecordError],
    miner: Mining | Miner,
    render: Mapping[str, OutputFormat] | None = None,
) -> MinedChunk:
    """Mine one chunk and encode its part (runs in a worker; see :func:`chunk_tables`)."""
    return encode_chunk(chunk_tables(index, items, miner, render))


def encode_chunk(tables: ChunkTables) -> MinedChunk:
    """A chunk's counts and the bytes of its part file."""
    from calcminer.nlp.engine.parts import encode_part

    frames = {
        "reports": tables.reports,
        "findings": tables.findings,
        "errors": tables.errors,
        "recommendations": tables.recommendations,
    }
    data = encode_part(tables.index, frames, tables.rendered)
    return MinedChunk(chunk_stats(tables), data)


def recorded_stats(store: PartStore) -> dict[int, ChunkStats]:
    """The counts of the chunks an interrupted run finished, from its manifest.

    Raises:
        CalcminerError: E214 when a chunk's counts are damaged.
    """
    done = {}
    for index, entry in store.entries.items():
        stats = ChunkStats.from_json(entry.stats, store.path)
        if stats.index != index:
            detail = f"chunk {index} has the counts of chunk {stats.index}"
            raise CalcminerError(Errors.E214.format(path=store.path, detail=detail))
        done[index] = stats
    return done


__all__ = [
    "ROLES",
    "ChunkCount",
    "ChunkJob",
    "ChunkStats",
    "ChunkTables",
    "MinedChunk",
    "RunTotals",
    "add_columns",
    "chunk_stats",
    "chunk_tables",
    "chunked",
    "chunks_to_mine",
    "encode_chunk",
    "mine_chunk",
    "recorded_stats",
]
