"""Archive-scale extraction: chunks, parallel workers, resumable parts, streaming outputs.

The input is read as a stream and cut into chunks of ``chunk_size`` records (the cut is the
same on every run). Each chunk is mined (in this process, in a pool of worker processes, or on
a Dask cluster) into small tables, encoded as one Arrow *part* (:mod:`calcminer.nlp.engine.parts`)
and saved by this process, atomically, in a private work folder beside the main output
(:mod:`calcminer.nlp.engine.workfolder`), with its digest in the folder's manifest. When every
chunk is done, the parts are streamed, in order, into the final files, each written to a
temporary name; the rows written are checked against the records read, and only then are
the files renamed into place. The outputs are locked for the whole run.

So memory stays flat (a bounded number of chunks is in flight), output order is input order
whatever the worker count, an interrupted run (even ``kill -9``) leaves no half-written file
under a final name, ``resume=True`` reuses the parts of finished chunks, and two runs never
write the same output at once.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import multiprocessing
import os
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from calcminer import __version__
from calcminer.nlp.engine.workfolder import PART_NAME, PartStore, locked, open_store, work_dir_for
from calcminer.nlp.errors import CalcminerError, Errors, OutputError
from calcminer.nlp.io.readers import input_limits, read_reports
from calcminer.nlp.rules.patterns import PatternSet, default_patterns_dir
from calcminer.nlp.schema import RecordError, Report

if TYPE_CHECKING:
    import pandas as pd

    from calcminer.nlp.engine.parts import Part
    from calcminer.nlp.io.writers import OutputFormat, RenderedRows
    from calcminer.nlp.mining.miner import Miner, Mining

Engine = Literal["local", "dask"]
#: The tables a run can write.
ROLES = ("reports", "findings", "flagged", "errors", "recommendations")
#: Records per chunk: big enough to amortise process hand-offs, small enough to stay flat.
DEFAULT_CHUNK_SIZE = 2000
#: Chunks in flight per worker (bounds memory while keeping workers busy).
IN_FLIGHT_PER_WORKER = 2


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
    def from_json(cls, data: Mapping[str, Any]) -> ChunkStats:
        """Counts recorded by :meth:`to_json`.

        Raises:
            ValueError: When ``data`` is not such a record.
        """

        def counts(value: Any) -> dict[str, int]:
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and type(n) is int and n >= 0 for k, n in value.items()
            ):
                raise ValueError("counts of a chunk must map names to numbers")
            return value

        numbers = [data.get(name) for name in ("index", "records", "reports", "errors")]
        columns = data.get("columns")
        if not all(type(n) is int and n >= 0 for n in numbers) or not isinstance(columns, dict):
            raise ValueError("not the counts of a chunk")
        if not all(
            isinstance(names, list) and all(isinstance(n, str) for n in names)
            for names in columns.values()
        ):
            raise ValueError("columns of a chunk must be lists of names")
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


@dataclass(frozen=True)
class EngineOptions:
    """How to run: engine, workers, chunking, resume, progress.

    Attributes:
        engine: ``local`` (this machine) or ``dask`` (a Dask cluster).
        workers: Worker processes (local) or workers of the local Dask cluster; 1 mines in
            this process.
        chunk_size: Records per chunk.
        resume: Reuse the parts of an interrupted run with the same inputs and options.
        scheduler: Address of an existing Dask scheduler (engine ``dask``); None starts a
            local cluster.
        prefilter: Skip the pipeline for reports that cannot contain a target.
        progress: Show a progress bar on stderr (only when it is a terminal).
    """

    engine: Engine = "local"
    workers: int = 1
    chunk_size: int = DEFAULT_CHUNK_SIZE
    resume: bool = False
    scheduler: str | None = None
    prefilter: bool = True
    progress: bool = False


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
    from calcminer.nlp.io.writers import render_rows

    # Parquet chunks are converted when the table is written, against the whole table's
    # schema (calcminer.nlp.io.writers.arrow_chunk).
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


# --- the work folder (see calcminer.nlp.engine.workfolder) ------------------------------


#: Bytes read at a time when fingerprinting an input.
_DIGEST_BLOCK_BYTES = 1 << 20


def _content_digest(path: Path) -> str:
    """A fast digest of a regular file's bytes (BLAKE2b); a FIFO or device is not read."""
    if not path.is_file():
        return "not a regular file"
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        while block := handle.read(_DIGEST_BLOCK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def run_fingerprint(
    inputs: Sequence[str | Path],
    *,
    id_col: str,
    text_col: str,
    chunk_size: int,
    patterns_dir: str | Path | None,
    prefilter: bool,
) -> str:
    """A digest of everything that decides the parts: inputs, options, rules, version."""
    files: list[list[Any]] = []
    for raw in inputs:
        path = Path(raw).resolve()
        members = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        for member in members:
            # The bytes, not the size and time: an input edited in place with the same size
            # and a restored mtime must not resume stale parts.
            files.append([str(member), _content_digest(member)])
    rules = hashlib.sha256()
    pattern_root = Path(patterns_dir) if patterns_dir is not None else default_patterns_dir()
    for member in sorted(pattern_root.iterdir()):
        if member.is_file():
            rules.update(member.name.encode())
            rules.update(member.read_bytes())
    payload = {
        "version": __version__,
        "files": files,
        "id_col": id_col,
        "text_col": text_col,
        "chunk_size": chunk_size,
        "rules": rules.hexdigest(),
        "prefilter": prefilter,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def read_part(store: PartStore, index: int) -> Part:
    """Read and decode a chunk's part from the work folder.

    Raises:
        CalcminerError: E215 when the part is missing, does not match its digest in the
            manifest, or is not a part of this chunk.
    """
    from calcminer.nlp.engine.parts import PartFormatError, decode_part

    data = store.read(index)
    try:
        return decode_part(data, index)
    except PartFormatError as e:
        path = store.path / PART_NAME.format(index)
        raise CalcminerError(Errors.E215.format(path=path, detail=e)) from e


def load_tables(store: PartStore, index: int) -> ChunkTables:
    """A chunk's tables, read back from its part (see :func:`read_part`)."""
    return tables_of(store, read_part(store, index))


def tables_of(store: PartStore, part: Part) -> ChunkTables:
    """The tables of a part that was read.

    Raises:
        CalcminerError: E215 when a table of the part is damaged.
    """
    from calcminer.nlp.engine.parts import PartFormatError

    try:
        return ChunkTables.from_part(part)
    except PartFormatError as e:
        path = store.path / PART_NAME.format(part.index)
        raise CalcminerError(Errors.E215.format(path=path, detail=e)) from e


# --- running the chunks -----------------------------------------------------------------------


def chunked(
    items: Iterable[Report | RecordError], size: int
) -> Iterator[tuple[int, list[Report | RecordError]]]:
    """Cut the record stream into numbered chunks of ``size`` records."""
    iterator = iter(items)
    index = 0
    while chunk := list(islice(iterator, size)):
        yield index, chunk
        index += 1


#: The miner of a worker process, built once per process (a pool initializer sets it).
_WORKER_STATE: dict[str, Any] = {}
#: Modules the fork server imports once, so that a worker forked from it only builds its miner.
WORKER_PRELOAD = (
    "calcminer.nlp.mining.miner",
    "calcminer.nlp.io.tables",
    "calcminer.nlp.io.writers",
)


def process_threads() -> int | None:
    """Threads of this process as the kernel counts them (Linux ``/proc``); None elsewhere.

    Native threads count too (a BLAS pool, a driver's): Python 3.12+ counts them the same
    way when it warns about a fork.
    """
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def worker_context() -> multiprocessing.context.BaseContext:
    """The context that starts worker processes: fork only from a single-threaded process.

    A child forked while another thread holds a lock (a progress bar's, a logging handler's,
    a notebook's, a native library's) can hang; Python 3.12+ warns about such forks and
    3.14 no longer forks by default. So workers are forked from this process only when it
    has no other thread at all (no thread can then start before the fork): they inherit the
    miner built here, which is the fastest start. Otherwise they come from a fork server, a
    fresh interpreter started once per process that imports :data:`WORKER_PRELOAD` and then
    forks them; each builds its own miner (the pool initializer). Where there is no fork
    server (Windows), workers are spawned.

    Returns:
        A ``fork``, ``forkserver`` or ``spawn`` context.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and process_threads() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(WORKER_PRELOAD))
        return context
    return multiprocessing.get_context("spawn")


def _init_worker(patterns: PatternSet | None, prefilter: bool) -> None:
    """Build the worker's miner from the rules the parent loaded (None: the packaged ones).

    The rules travel loaded, not as a path: a worker never reads the patterns folder.
    """
    from calcminer.nlp.rules.patterns import load_patterns

    rules = patterns if patterns is not None else load_patterns()
    # Keyed by the settings: a second run in the same process with other rules (a notebook,
    # a test session) must not reuse the first run's miner.
    settings = (rules.fingerprint, prefilter)
    if _WORKER_STATE.get("settings") != settings:
        from calcminer.nlp.mining.miner import Miner

        _WORKER_STATE["miner"] = Miner(patterns=rules, prefilter=prefilter)
        _WORKER_STATE["settings"] = settings
        # The miner's objects (pipeline, matchers, rule tables) live as long as the worker:
        # moved out of the collector's generations, they are not traversed again by every
        # collection while reports are mined (about 10% of a worker's mining time here).
        gc.collect()
        gc.freeze()


def _work_chunk(
    index: int,
    items: list[Report | RecordError],
    render: Mapping[str, OutputFormat] | None = None,
) -> MinedChunk:
    return mine_chunk(index, items, _WORKER_STATE["miner"], render)


def _bounded(
    chunks: Iterable[tuple[int, list[Report | RecordError]]],
    submit: Callable[[int, list[Report | RecordError]], Any],
    collect: Callable[[Any], None],
    window: int,
) -> None:
    """Submit chunks with at most ``window`` in flight; collect results in submission order."""
    pending: deque[Any] = deque()
    for index, items in chunks:
        pending.append(submit(index, items))
        while len(pending) >= window:
            collect(pending.popleft())
    while pending:
        collect(pending.popleft())


def run_local(
    chunks: Iterator[tuple[int, list[Report | RecordError]]],
    options: EngineOptions,
    patterns: PatternSet,
    on_chunk: Callable[[MinedChunk], None],
    miner_factory: Callable[[], Mining],
    render: Mapping[str, OutputFormat] | None = None,
) -> None:
    """Mine the chunks on this machine: in this process, or in a pool of worker processes.

    A run of one chunk (or with one worker) stays in this process: starting workers would
    cost more than it saves. ``render`` is passed to :func:`chunk_tables`. Workers return
    each chunk's part; ``on_chunk`` (in this process) saves it.
    """
    head = list(islice(chunks, 2))
    if options.workers <= 1 or len(head) < 2:
        miner = miner_factory()
        for index, items in chain(head, chunks):
            on_chunk(mine_chunk(index, items, miner, render))
        return
    context = worker_context()
    if context.get_start_method() == "fork":
        # Build once here; forked workers inherit it instead of building their own.
        _init_worker(patterns, options.prefilter)
        # Still single-threaded after the build? (Else the fork server starts the workers.)
        context = worker_context()
    window = options.workers * IN_FLIGHT_PER_WORKER
    with context.Pool(
        options.workers, initializer=_init_worker, initargs=(patterns, options.prefilter)
    ) as pool:
        _bounded(
            chain(head, chunks),
            lambda index, items: pool.apply_async(_work_chunk, (index, items, render)),
            lambda result: on_chunk(result.get()),
            window,
        )


def run_dask(
    chunks: Iterator[tuple[int, list[Report | RecordError]]],
    options: EngineOptions,
    patterns: PatternSet,
    on_chunk: Callable[[MinedChunk], None],
    render: Mapping[str, OutputFormat] | None = None,
) -> None:
    """Mine the chunks on a Dask cluster (a local one unless ``options.scheduler`` is given).

    Workers return each chunk's part; this process saves it, so the workers need no access
    to the output's file system.
    """
    try:
        from calcminer.nlp.engine.dask import dask_client, submit_chunk
    except ImportError as e:
        raise CalcminerError(Errors.E211) from e

    with dask_client(options.scheduler, options.workers, patterns, options.prefilter) as client:
        _bounded(
            chunks,
            lambda index, items: submit_chunk(client, index, items, render),
            lambda future: on_chunk(future.result()),
            max(1, options.workers) * IN_FLIGHT_PER_WORKER,
        )


# --- assembling the outputs -------------------------------------------------------------------


def assemble(
    store: PartStore,
    n_chunks: int,
    outputs: Mapping[str, Path],
    columns: Mapping[str, Sequence[str]] | None = None,
    expected: Mapping[str, int] | None = None,
    records: int | None = None,
) -> dict[str, int]:
    """Stream the parts, in order, into the final files; return rows written per role.

    Every file is complete and synced, and its rows counted, before the first is renamed
    into place: a write error, or rows that do not add up, leaves no output of this run
    under a final name.

    Args:
        store: The work folder holding the parts.
        n_chunks: Number of chunks (parts).
        outputs: Role -> final path.
        columns: Per role, the columns of all chunks (from their :class:`ChunkStats`);
            None reads them from the parts first.
        expected: Per role, the rows the file must hold (from the chunks' counts).
        records: The records read: the report and errors files must hold one row each.

    Raises:
        OutputError: E217 when a file cannot be written.
        CalcminerError: E227 when a file's rows do not match ``expected`` or ``records``;
            E215 when a part cannot be read.
    """
    from calcminer.nlp.io.tables import (
        errors_frame,
        findings_frame,
        flagged_frame,
        recommendations_frame,
        reports_frame,
    )
    from calcminer.nlp.io.writers import TableStream, arrow_chunk, output_format, unify_schemas

    empty = {
        "reports": reports_frame([]),
        "findings": findings_frame([]),
        "flagged": flagged_frame(reports_frame([])),
        "errors": errors_frame([]),
        "recommendations": recommendations_frame([]),
    }
    # The columns (input columns vary between chunks) and Parquet schemas.
    final_columns = {role: list(empty[role].columns) for role in outputs}
    schemas: dict[str, list[Any]] = {role: [] for role in outputs}
    parquet = {role for role, path in outputs.items() if output_format(path) == "parquet"}
    if columns is not None:
        for role in outputs:
            add_columns(final_columns[role], columns.get(role, ()))
    if columns is None or parquet:
        for index in range(n_chunks):
            part = read_part(store, index)
            decoded: ChunkTables | None = None
            for role in outputs:
                rendered = part.rendered.get(role)
                if rendered is not None and role not in parquet:
                    names: Sequence[str] = rendered.columns
                    schema = None
                else:  # Parquet, or rows not encoded ahead (a resumed run, other formats)
                    decoded = decoded or tables_of(store, part)
                    df = decoded.frame(role)
                    names = [str(c) for c in df.columns]
                    schema = arrow_chunk(df).schema if len(df) else None
                if columns is None:
                    add_columns(final_columns[role], names)
                if role in parquet and schema is not None:
                    schemas[role].append(schema)
    streams = {}
    current = store.path  # the file being written, named when writing fails
    try:
        try:
            for role, path in outputs.items():
                current = path
                schema = None
                if role in parquet:
                    schema = unify_schemas(
                        schemas[role] or [arrow_chunk(empty[role]).schema], final_columns[role]
                    )
                streams[role] = TableStream(path, final_columns[role], schema)
            for index in range(n_chunks):
                part = read_part(store, index)
                loaded: ChunkTables | None = None
                for role, stream in streams.items():
                    current = stream.path
                    rendered = part.rendered.get(role)
                    if rendered is not None and stream.accepts(rendered):
                        try:
                            stream.write_rendered(rendered)
                        except ValueError as e:  # damaged rows converted for Parquet
                            path = store.path / PART_NAME.format(index)
                            raise CalcminerError(Errors.E215.format(path=path, detail=e)) from e
                        continue
                    loaded = loaded or tables_of(store, part)
                    stream.write(loaded.frame(role))
            for stream in streams.values():
                current = stream.path
                stream.finish()
        except OutputError as e:
            cause = e.__cause__
            detail = getattr(cause, "strerror", None) or type(cause or e).__name__
            raise OutputError(
                Errors.E217.format(path=current, detail=detail, work=store.path)
            ) from e
        _check_rows(streams, expected or {}, records)
        for stream in streams.values():
            stream.publish()
    except BaseException:
        for stream in streams.values():
            stream.abort()
        raise
    return {role: stream.rows for role, stream in streams.items()}


def _check_rows(
    streams: Mapping[str, Any], expected: Mapping[str, int], records: int | None
) -> None:
    """Compare the rows written to each file with the run's counts (before publishing).

    Raises:
        CalcminerError: E227 naming the first file whose rows do not match.
    """
    shown = "unknown" if records is None else records
    for role, stream in streams.items():
        if role in expected and stream.rows != expected[role]:
            raise CalcminerError(
                Errors.E227.format(
                    path=stream.path, written=stream.rows, expected=expected[role], records=shown
                )
            )
    if records is None or "reports" not in streams:
        return
    # One row per record read: a report row, or an error row (there is no errors file only
    # when there are no error rows).
    reports = streams["reports"]
    error_rows = streams["errors"].rows if "errors" in streams else 0
    if reports.rows + error_rows != records:
        raise CalcminerError(
            Errors.E227.format(
                path=reports.path,
                written=reports.rows,
                expected=records - error_rows,
                records=records,
            )
        )


# --- the whole run ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EngineResult:
    """Counts and files of an engine run (no report text)."""

    totals: RunTotals
    rows: Mapping[str, int]
    outputs: Mapping[str, Path]
    resumed_chunks: int
    duplicate_ids: int = 0
    duplicate_examples: tuple[str, ...] = ()
    #: Records read from the inputs (counted as they were read, resumed chunks included).
    records: int = 0


#: Duplicate report ids named in the summary (all are counted).
DUPLICATE_EXAMPLES_SHOWN = 5


class DuplicateIds:
    """Counts report ids seen before in the stream; the rows are kept (ids repeat in archives).

    Ids are remembered as 8-byte digests, so memory stays small on large archives.
    """

    def __init__(self) -> None:
        self._seen: set[bytes] = set()
        self.count = 0
        self.examples: list[str] = []

    def watch(self, items: Iterable[Report | RecordError]) -> Iterator[Report | RecordError]:
        """Pass the records through, noting repeated report ids."""
        for item in items:
            if isinstance(item, Report):
                key = hashlib.blake2b(item.report_id.encode("utf-8"), digest_size=8).digest()
                if key in self._seen:
                    self.count += 1
                    if (
                        len(self.examples) < DUPLICATE_EXAMPLES_SHOWN
                        and item.report_id not in self.examples
                    ):
                        self.examples.append(item.report_id)
                else:
                    self._seen.add(key)
            yield item


def count_records(inputs: Sequence[str | Path]) -> int | None:
    """A quick record count for the progress bar (lines, rows or files); None if unknown."""
    total = 0
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            total += sum(1 for _ in path.glob("*.txt"))
        elif path.suffix.lower() in {".jsonl", ".ndjson"}:
            with path.open("rb") as handle:
                total += sum(
                    block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")
                )
        elif path.suffix.lower() in {".parquet", ".pq"}:
            import pyarrow.parquet as pq

            total += pq.ParquetFile(path).metadata.num_rows
        elif path.suffix.lower() == ".txt":
            total += 1
        else:
            return None
    return total


def run_engine(
    inputs: Sequence[str | Path],
    outputs: Mapping[str, Path],
    *,
    errors_default: Path | None = None,
    id_col: str = "report_id",
    text_col: str = "text",
    patterns_dir: str | Path | None = None,
    options: EngineOptions | None = None,
    miner_factory: Callable[[], Mining] | None = None,
) -> EngineResult:
    """Mine an archive chunk by chunk and write the requested tables.

    The outputs (``errors_default`` too) are locked for the whole run, and temporary files
    that a killed run left beside them are removed first.

    Args:
        inputs: Input files or folders, read in order (checked before any work).
        outputs: Role (``reports``, ``findings``, ``flagged``, ``errors``,
            ``recommendations``) -> path.
        errors_default: Where the errors table goes when ``outputs`` has none and there are
            record errors.
        id_col: Id column of tabular inputs.
        text_col: Text column of tabular inputs.
        patterns_dir: Pattern folder; None uses the packaged patterns.
        options: Engine, workers, chunk size, resume, progress.
        miner_factory: Builds the miner for in-process mining; None builds the rule-based
            miner from ``patterns_dir``. Worker processes always build their own.

    Returns:
        Totals over all chunks and rows written per output.

    Raises:
        CalcminerError: Input, pattern or output problems; E225 when another run writes an
            output, E209 when a resume does not match, E224 for an unsafe work folder, E227
            when the rows written do not match the records read.
    """
    from calcminer.nlp.io.writers import remove_stale_temps

    targets = [*outputs.values(), *([errors_default] if errors_default is not None else [])]
    with locked(targets):
        for path in targets:
            remove_stale_temps(path)
        return _run_locked(
            inputs,
            outputs,
            errors_default=errors_default,
            id_col=id_col,
            text_col=text_col,
            patterns_dir=patterns_dir,
            options=options or EngineOptions(),
            miner_factory=miner_factory,
        )


def _recorded_stats(store: PartStore) -> dict[int, ChunkStats]:
    """The counts of the chunks an interrupted run finished, from its manifest.

    Raises:
        CalcminerError: E214 when a chunk's counts are damaged.
    """
    done = {}
    for index, entry in store.entries.items():
        try:
            stats = ChunkStats.from_json(entry.stats)
        except ValueError as e:
            raise CalcminerError(Errors.E214.format(path=store.path, detail=e)) from e
        if stats.index != index:
            detail = f"chunk {index} has the counts of chunk {stats.index}"
            raise CalcminerError(Errors.E214.format(path=store.path, detail=detail))
        done[index] = stats
    return done


def _run_locked(
    inputs: Sequence[str | Path],
    outputs: Mapping[str, Path],
    *,
    errors_default: Path | None,
    id_col: str,
    text_col: str,
    patterns_dir: str | Path | None,
    options: EngineOptions,
    miner_factory: Callable[[], Mining] | None,
) -> EngineResult:
    """:func:`run_engine` once the outputs are locked."""
    from calcminer.nlp.rules.patterns import load_patterns

    opts = options
    # Loaded once, here: invalid rules fail before reading or forking, and the workers get
    # these rules, not the folder's path.
    patterns = load_patterns(patterns_dir)
    duplicates = DuplicateIds()
    limits = input_limits(patterns_dir)
    items = duplicates.watch(
        read_reports(list(inputs), id_col=id_col, text_col=text_col, limits=limits)
    )
    fingerprint = run_fingerprint(
        inputs,
        id_col=id_col,
        text_col=text_col,
        chunk_size=opts.chunk_size,
        patterns_dir=patterns_dir,
        prefilter=opts.prefilter,
    )
    store = open_store(work_dir_for(outputs["reports"]), fingerprint, opts.resume)
    try:
        done = _recorded_stats(store)
        result = _mine_and_assemble(
            store,
            done,
            items,
            inputs,
            outputs,
            errors_default,
            patterns,
            opts,
            miner_factory,
        )
    except BaseException:
        store.close()  # the parts stay, for --resume (or were removed: E224)
        raise
    store.remove()
    return dataclasses.replace(
        result,
        duplicate_ids=duplicates.count,
        duplicate_examples=tuple(duplicates.examples),
    )


def _mine_and_assemble(
    store: PartStore,
    done: Mapping[int, ChunkStats],
    items: Iterable[Report | RecordError],
    inputs: Sequence[str | Path],
    outputs: Mapping[str, Path],
    errors_default: Path | None,
    patterns: PatternSet,
    opts: EngineOptions,
    miner_factory: Callable[[], Mining] | None,
) -> EngineResult:
    """Mine the chunks not done yet, save their parts, then write the outputs."""
    from calcminer.nlp.io.writers import output_format

    totals = RunTotals()
    n_chunks = 0
    records = 0
    progress = _Progress(count_records(inputs) if opts.progress else None, opts.progress)

    def on_chunk(stats: ChunkStats) -> None:
        totals.add(stats)
        progress.advance(stats.records)

    def save(chunk: MinedChunk) -> None:
        store.save(chunk.stats.index, chunk.part, chunk.stats.to_json())
        on_chunk(chunk.stats)

    def todo() -> Iterator[tuple[int, list[Report | RecordError]]]:
        nonlocal n_chunks, records
        for index, chunk in chunked(items, opts.chunk_size):
            n_chunks = index + 1
            records += len(chunk)
            if index not in done:
                yield index, chunk
                continue
            if done[index].records != len(chunk):
                path = store.path / PART_NAME.format(index)
                detail = f"it holds {done[index].records} records where the input has {len(chunk)}"
                raise CalcminerError(Errors.E215.format(path=path, detail=detail))
            on_chunk(done[index])

    def default_factory() -> Mining:
        from calcminer.nlp.mining.miner import Miner

        return Miner(patterns=patterns, prefilter=opts.prefilter)

    # Rows are encoded (CSV, JSON Lines) or converted (Arrow, for Parquet) where they are
    # mined, in parallel; the errors table may go to the default path, so it is encoded for
    # that format too.
    render: dict[str, OutputFormat] = {
        role: output_format(path)
        for role, path in {
            **({"errors": errors_default} if errors_default else {}),
            **outputs,
        }.items()
    }
    with progress:
        if opts.engine == "dask":
            run_dask(todo(), opts, patterns, save, render)
        else:
            factory = miner_factory or default_factory
            run_local(todo(), opts, patterns, save, factory, render)
    final = dict(outputs)
    if "errors" not in final and errors_default is not None and totals.errors:
        final["errors"] = errors_default
    store.check()
    expected = {role: totals.rows.get(role, 0) for role in final}
    rows = assemble(store, n_chunks, final, totals.columns, expected, records)
    return EngineResult(
        totals=totals,
        rows=rows,
        outputs=final,
        resumed_chunks=len(done),
        records=records,
    )


class _Progress:
    """A progress bar with reports/s and ETA on stderr, shown only on a terminal."""

    def __init__(self, total: int | None, enabled: bool) -> None:
        self._bar: Any = None
        if enabled and sys.stderr.isatty():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("mining"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} reports/s"),
                TimeRemainingColumn(),
                transient=True,
            )
            self._task = self._bar.add_task("mining", total=total, rate="-")

    def __enter__(self) -> _Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, records: int) -> None:
        if self._bar is None:
            return
        self._bar.advance(self._task, records)
        task = self._bar.tasks[0]
        speed = task.speed
        self._bar.update(self._task, rate=f"{speed:,.0f}" if speed else "-")


__all__ = [
    "ChunkStats",
    "ChunkTables",
    "EngineOptions",
    "EngineResult",
    "MinedChunk",
    "chunk_tables",
    "mine_chunk",
    "run_engine",
    "work_dir_for",
]
