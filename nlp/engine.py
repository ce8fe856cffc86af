"""Archive-scale extraction: chunks, parallel workers, resumable parts, streaming outputs.

The input is read as a stream and cut into chunks of ``chunk_size`` records (the cut is the
same on every run). Each chunk is mined (in this process, in a pool of worker processes, or on
a Dask cluster) into small tables that are saved as one *part* file in a private work folder
beside the main output, atomically. When every chunk is done, the parts are streamed, in
order, into the final files, each written to a temporary name and renamed at the end.

So memory stays flat (a bounded number of chunks is in flight), output order is input order
whatever the worker count, an interrupted run (even ``kill -9``) leaves no half-written file
under a final name, and ``resume=True`` reuses the parts of finished chunks.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import multiprocessing
import os
import pickle
import shutil
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from calcminer import __version__
from calcminer.nlp.errors import CalcminerError, Errors, OutputError
from calcminer.nlp.io import input_limits, read_reports
from calcminer.nlp.patterns import default_patterns_dir
from calcminer.nlp.schema import RecordError, Report

if TYPE_CHECKING:
    import pandas as pd

    from calcminer.nlp.api import Mining
    from calcminer.nlp.miner import Miner
    from calcminer.nlp.writers import OutputFormat, RenderedRows

Engine = Literal["local", "dask"]
#: The tables a run can write.
ROLES = ("reports", "findings", "flagged", "errors", "recommendations")
#: Records per chunk: big enough to amortise process hand-offs, small enough to stay flat.
DEFAULT_CHUNK_SIZE = 2000
#: Chunks in flight per worker (bounds memory while keeping workers busy).
IN_FLIGHT_PER_WORKER = 2
_MANIFEST = "manifest.json"
_PART = "part-{:07d}.pkl"
_ROWS = "rows-{:07d}.pkl"
_WORK_SUFFIX = ".calcminer-work"


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
            from calcminer.nlp.tables import flagged_frame

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


@dataclass(frozen=True)
class ChunkStats:
    """Counts of a finished chunk (what travels back from a worker)."""

    index: int
    records: int
    reports: int
    errors: int
    triage: Mapping[str, int]
    error_codes: Mapping[str, int]
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


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

    def add(self, stats: ChunkStats) -> None:
        """Add one chunk's counts."""
        self.records += stats.records
        self.reports += stats.reports
        self.errors += stats.errors
        self.triage.update(stats.triage)
        self.error_codes.update(stats.error_codes)
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
        render: Role -> ``csv`` or ``jsonl``: encode those tables' rows here, in the
            worker, so that writing the outputs is a copy.

    Returns:
        The chunk's report, findings, errors and recommendations tables.
    """
    from calcminer.nlp.tables import (
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
    from calcminer.nlp.writers import render_rows

    rendered = {role: render_rows(tables.frame(role), fmt) for role, fmt in render.items()}
    return dataclasses.replace(tables, rendered=rendered)


def chunk_stats(tables: ChunkTables) -> ChunkStats:
    """Counts of a chunk's tables."""
    triage = Counter(str(level) for level in tables.reports["triage"])
    codes = Counter(str(code) for code in tables.errors["code"])
    return ChunkStats(
        index=tables.index,
        records=tables.records,
        reports=len(tables.reports),
        errors=len(tables.errors),
        triage=dict(triage),
        error_codes=dict(codes),
        columns={role: tuple(str(c) for c in tables.frame(role).columns) for role in ROLES},
    )


# --- the work folder --------------------------------------------------------------------------


def work_dir_for(output: str | Path) -> Path:
    """The private folder that holds the parts of a run writing ``output``."""
    path = Path(output)
    return path.with_name(f".{path.name}{_WORK_SUFFIX}")


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


def prepare_work_dir(work: Path, fingerprint: str, resume: bool) -> set[int]:
    """Create or reuse the work folder; return the chunks already finished.

    Without ``resume``, a work folder left by an earlier run is removed first.

    Raises:
        CalcminerError: With ``resume``, E214 when the folder's manifest is missing or
            damaged and E209 when the folder belongs to another run. E216 when the folder
            cannot be removed, created or written (a file in its place, no space, no
            permission).
    """
    manifest = work / _MANIFEST
    if resume and work.is_dir() and not work.is_symlink():
        try:
            recorded = json.loads(manifest.read_text(encoding="utf-8"))["fingerprint"]
        except (OSError, ValueError, KeyError, TypeError) as e:
            detail = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
            raise CalcminerError(Errors.E214.format(path=work, detail=detail)) from e
        if recorded != fingerprint:
            raise CalcminerError(Errors.E209.format(path=work))
        return {int(p.stem[5:]) for p in work.glob("part-*.pkl") if p.stem[5:].isdigit()}
    try:
        if work.is_symlink() or (work.exists() and not work.is_dir()):
            raise NotADirectoryError(errno.ENOTDIR, "a file, not a folder, has its name")
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(mode=0o700, parents=True)
        _atomic_bytes(manifest, json.dumps({"fingerprint": fingerprint}).encode())
    except OSError as e:
        raise OutputError(Errors.E216.format(path=work, detail=_reason(e))) from e
    return set()


def _reason(error: OSError) -> str:
    """The reason of an I/O error without its file names (messages name the file)."""
    return error.strerror or type(error).__name__


def save_part(work: Path, tables: ChunkTables) -> None:
    """Save a chunk's tables as one part file, atomically.

    Rows encoded ahead go first to a file of their own, so that writing the outputs reads
    only them; the part file, written last, marks the chunk finished.

    Raises:
        OutputError: E216 when the part cannot be written (no space, no permission).
    """
    try:
        if tables.rendered:
            rows = pickle.dumps(dict(tables.rendered), protocol=5)
            _atomic_bytes(work / _ROWS.format(tables.index), rows)
        frames = dataclasses.replace(tables, rendered={})
        _atomic_bytes(work / _PART.format(tables.index), pickle.dumps(frames, protocol=5))
    except OSError as e:
        raise OutputError(Errors.E216.format(path=work, detail=_reason(e))) from e


def load_part(work: Path, index: int) -> ChunkTables:
    """Load a chunk's tables (written by this program into the private work folder).

    The rows encoded ahead are not loaded (see :func:`load_rendered`).

    Raises:
        CalcminerError: E215 when the part file is missing, damaged or holds something else.
    """
    path = work / _PART.format(index)
    tables = _load_pickle(path)
    if not isinstance(tables, ChunkTables) or tables.index != index:
        raise CalcminerError(Errors.E215.format(path=path, detail="not a part of this chunk"))
    return tables


def load_rendered(work: Path, index: int) -> dict[str, RenderedRows]:
    """The rows of a chunk encoded ahead, per role (none when the file is missing).

    Raises:
        CalcminerError: E215 when the file is damaged or holds something else.
    """
    from calcminer.nlp.writers import RenderedRows

    path = work / _ROWS.format(index)
    if not path.exists():
        return {}
    rendered = _load_pickle(path)
    if not isinstance(rendered, dict) or not all(
        isinstance(rows, RenderedRows) for rows in rendered.values()
    ):
        raise CalcminerError(Errors.E215.format(path=path, detail="not rows of a chunk"))
    return rendered


def _load_pickle(path: Path) -> Any:
    """Unpickle a file of the work folder; any failure is E215 (a damaged or foreign file)."""
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    # A damaged pickle can fail in almost any way (EOFError, UnpicklingError, KeyError,
    # ImportError, MemoryError, ...): each means that the part cannot be used.
    except Exception as e:
        detail = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
        raise CalcminerError(Errors.E215.format(path=path, detail=detail)) from e


def _atomic_bytes(path: Path, data: bytes) -> None:
    temp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        with temp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


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
WORKER_PRELOAD = ("calcminer.nlp.miner", "calcminer.nlp.tables", "calcminer.nlp.writers")


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


def _init_worker(patterns_dir: str | None, prefilter: bool) -> None:
    # Keyed by the settings: a second run in the same process with other rules (a notebook,
    # a test session) must not reuse the first run's miner.
    settings = (patterns_dir, prefilter)
    if _WORKER_STATE.get("settings") != settings:
        from calcminer.nlp.miner import Miner

        _WORKER_STATE["miner"] = Miner(patterns_dir, prefilter=prefilter)
        _WORKER_STATE["settings"] = settings


def _finish_chunk(work: Path, tables: ChunkTables) -> ChunkStats:
    """Save a mined chunk's part and return its counts."""
    save_part(work, tables)
    return chunk_stats(tables)


def _work_chunk(
    work: str,
    index: int,
    items: list[Report | RecordError],
    render: Mapping[str, OutputFormat] | None = None,
) -> ChunkStats:
    tables = chunk_tables(index, items, _WORKER_STATE["miner"], render)
    return _finish_chunk(Path(work), tables)


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
    work: Path,
    options: EngineOptions,
    patterns_dir: str | None,
    on_chunk: Callable[[ChunkStats], None],
    miner_factory: Callable[[], Mining],
    render: Mapping[str, OutputFormat] | None = None,
) -> None:
    """Mine the chunks on this machine: in this process, or in a pool of worker processes.

    A run of one chunk (or with one worker) stays in this process: starting workers would
    cost more than it saves. ``render`` is passed to :func:`chunk_tables`.
    """
    head = list(islice(chunks, 2))
    if options.workers <= 1 or len(head) < 2:
        miner = miner_factory()
        for index, items in chain(head, chunks):
            on_chunk(_finish_chunk(work, chunk_tables(index, items, miner, render)))
        return
    context = worker_context()
    if context.get_start_method() == "fork":
        # Build once here; forked workers inherit it instead of building their own.
        _init_worker(patterns_dir, options.prefilter)
        # Still single-threaded after the build? (Else the fork server starts the workers.)
        context = worker_context()
    window = options.workers * IN_FLIGHT_PER_WORKER
    with context.Pool(
        options.workers, initializer=_init_worker, initargs=(patterns_dir, options.prefilter)
    ) as pool:
        _bounded(
            chain(head, chunks),
            lambda index, items: pool.apply_async(_work_chunk, (str(work), index, items, render)),
            lambda result: on_chunk(result.get()),
            window,
        )


def run_dask(
    chunks: Iterator[tuple[int, list[Report | RecordError]]],
    work: Path,
    options: EngineOptions,
    patterns_dir: str | None,
    on_chunk: Callable[[ChunkStats], None],
    render: Mapping[str, OutputFormat] | None = None,
) -> None:
    """Mine the chunks on a Dask cluster (a local one unless ``options.scheduler`` is given).

    Workers return the chunk tables; this process saves them, so the workers need no access
    to the output's file system.
    """
    try:
        from calcminer.nlp.distributed import dask_client, submit_chunk
    except ImportError as e:
        raise CalcminerError(Errors.E211) from e

    with dask_client(options.scheduler, options.workers, patterns_dir, options.prefilter) as client:
        _bounded(
            chunks,
            lambda index, items: submit_chunk(client, index, items, render),
            lambda future: on_chunk(_finish_chunk(work, future.result())),
            max(1, options.workers) * IN_FLIGHT_PER_WORKER,
        )


# --- assembling the outputs -------------------------------------------------------------------


def assemble(
    work: Path,
    n_chunks: int,
    outputs: Mapping[str, Path],
    columns: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, int]:
    """Stream the parts, in order, into the final files; return rows written per role.

    Args:
        work: The work folder holding the parts.
        n_chunks: Number of chunks (parts).
        outputs: Role -> final path.
        columns: Per role, the columns of all chunks (from their :class:`ChunkStats`);
            None reads them from the parts first.
    """
    from calcminer.nlp.tables import (
        errors_frame,
        findings_frame,
        flagged_frame,
        recommendations_frame,
        reports_frame,
    )
    from calcminer.nlp.writers import TableStream, arrow_chunk, output_format, unify_schemas

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
            tables = load_part(work, index)
            for role in outputs:
                df = tables.frame(role)
                if columns is None:
                    add_columns(final_columns[role], df.columns)
                if role in parquet and len(df):
                    schemas[role].append(arrow_chunk(df).schema)
    streams = {}
    current = work  # the file being written, named when writing fails
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
                encoded = load_rendered(work, index)
                loaded: ChunkTables | None = None
                for role, stream in streams.items():
                    current = stream.path
                    rendered = encoded.get(role)
                    if rendered is not None and stream.accepts(rendered):
                        stream.write_rendered(rendered)
                        continue
                    loaded = loaded or load_part(work, index)
                    stream.write(loaded.frame(role))
            # Every file is complete and synced before the first is renamed into place, so a
            # full disk or a write error leaves no output of this run under a final name.
            for stream in streams.values():
                current = stream.path
                stream.finish()
        except OutputError as e:
            cause = e.__cause__
            detail = getattr(cause, "strerror", None) or type(cause or e).__name__
            raise OutputError(Errors.E217.format(path=current, detail=detail, work=work)) from e
        for stream in streams.values():
            stream.publish()
    except BaseException:
        for stream in streams.values():
            stream.abort()
        raise
    return {role: stream.rows for role, stream in streams.items()}


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
        CalcminerError: Input, pattern or output problems, E209 when a resume does not match.
    """
    from calcminer.nlp.patterns import load_patterns
    from calcminer.nlp.writers import output_format

    opts = options or EngineOptions()
    load_patterns(patterns_dir)  # fail on invalid rules before reading or forking
    duplicates = DuplicateIds()
    limits = input_limits(patterns_dir)
    items = duplicates.watch(
        read_reports(list(inputs), id_col=id_col, text_col=text_col, limits=limits)
    )
    work = work_dir_for(outputs["reports"])
    fingerprint = run_fingerprint(
        inputs,
        id_col=id_col,
        text_col=text_col,
        chunk_size=opts.chunk_size,
        patterns_dir=patterns_dir,
        prefilter=opts.prefilter,
    )
    done = prepare_work_dir(work, fingerprint, opts.resume)
    totals = RunTotals()
    n_chunks = 0
    progress = _Progress(count_records(inputs) if opts.progress else None, opts.progress)

    def on_chunk(stats: ChunkStats) -> None:
        totals.add(stats)
        progress.advance(stats.records)

    def todo() -> Iterator[tuple[int, list[Report | RecordError]]]:
        nonlocal n_chunks
        for index, chunk in chunked(items, opts.chunk_size):
            n_chunks = index + 1
            if index in done:
                on_chunk(chunk_stats(load_part(work, index)))
            else:
                yield index, chunk

    pattern_arg = None if patterns_dir is None else str(patterns_dir)

    def default_factory() -> Mining:
        from calcminer.nlp.miner import Miner

        return Miner(pattern_arg, prefilter=opts.prefilter)

    # CSV and JSON Lines rows are encoded where they are mined (in parallel); the errors
    # table may go to the default path, so it is encoded for that format too.
    render: dict[str, OutputFormat] = {}
    for role, path in {**({"errors": errors_default} if errors_default else {}), **outputs}.items():
        fmt = output_format(path)
        if fmt != "parquet":
            render[role] = fmt
    with progress:
        if opts.engine == "dask":
            run_dask(todo(), work, opts, pattern_arg, on_chunk, render)
        else:
            factory = miner_factory or default_factory
            run_local(todo(), work, opts, pattern_arg, on_chunk, factory, render)
    final = dict(outputs)
    if "errors" not in final and errors_default is not None and totals.errors:
        final["errors"] = errors_default
    rows = assemble(work, n_chunks, final, totals.columns)
    shutil.rmtree(work, ignore_errors=True)
    return EngineResult(
        totals=totals,
        rows=rows,
        outputs=final,
        resumed_chunks=len(done),
        duplicate_ids=duplicates.count,
        duplicate_examples=tuple(duplicates.examples),
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
    "chunk_tables",
    "run_engine",
]
