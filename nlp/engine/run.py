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

This module owns the run itself: :class:`EngineOptions`, :func:`run_engine` and where the
chunks are mined (:func:`run_local`: this process or a pool of workers, :func:`run_dask`).
What a chunk is and how one is mined is in :mod:`calcminer.nlp.engine.chunks`; assembling the
outputs from the parts in :mod:`calcminer.nlp.engine.assembly`; the inputs' fingerprint,
record count and repeated ids in :mod:`calcminer.nlp.engine.inputs`; the progress bar in
:mod:`calcminer.nlp.engine.progress`. Their names stay importable from here, as before.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

# The names of the engine's other modules stay importable from here (and so from
# calcminer.nlp.engine), as before they had modules of their own.
from calcminer.nlp.engine.assembly import (  # noqa: F401
    assemble,
    load_tables,
    read_part,
    tables_of,
)
from calcminer.nlp.engine.chunks import (  # noqa: F401
    ROLES,
    ChunkCount,
    ChunkJob,
    ChunkStats,
    ChunkTables,
    MinedChunk,
    RunTotals,
    add_columns,
    chunk_stats,
    chunk_tables,
    chunked,
    chunks_to_mine,
    encode_chunk,
    mine_chunk,
    recorded_stats,
)
from calcminer.nlp.engine.inputs import (  # noqa: F401
    DUPLICATE_EXAMPLES_SHOWN,
    DuplicateIds,
    count_records,
    duplicate_ids_message,
    run_fingerprint,
)
from calcminer.nlp.engine.progress import ProgressBar
from calcminer.nlp.engine.workfolder import PART_NAME, PartStore, locked, open_store, work_dir_for
from calcminer.nlp.errors import CalcminerError, Errors, InputError
from calcminer.nlp.io.readers import input_limits, read_reports
from calcminer.nlp.io.sources import is_stdin
from calcminer.nlp.rules.patterns import PatternSet
from calcminer.nlp.schema import RecordError, Report

if TYPE_CHECKING:
    from calcminer.nlp.io.formats import OutputFormat
    from calcminer.nlp.mining.miner import Mining

Engine = Literal["local", "dask"]
#: Records per chunk: big enough to amortise process hand-offs, small enough to stay flat.
DEFAULT_CHUNK_SIZE = 2000
#: Chunks in flight per worker (bounds memory while keeping workers busy).
IN_FLIGHT_PER_WORKER = 2


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


# --- running the chunks -----------------------------------------------------------------------


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


def _work_job(job: ChunkJob, index: int, items: list[Report | RecordError]) -> Any:
    return job(index, items, _WORKER_STATE["miner"])


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
    on_chunk: Callable[[Any], None],
    miner_factory: Callable[[], Mining],
    render: Mapping[str, OutputFormat] | None = None,
    job: ChunkJob | None = None,
) -> None:
    """Mine the chunks on this machine: in this process, or in a pool of worker processes.

    A run of one chunk (or with one worker) stays in this process: starting workers would
    cost more than it saves. ``render`` is passed to :func:`chunk_tables`. Workers return
    each chunk's part; ``on_chunk`` (in this process) saves it. ``job`` replaces what is
    done with a chunk (default: :func:`mine_chunk` with ``render``): a picklable callable
    ``job(index, items, miner)`` whose result ``on_chunk`` gets.
    """
    head = list(islice(chunks, 2))
    if options.workers <= 1 or len(head) < 2:
        miner = miner_factory()
        for index, items in chain(head, chunks):
            if job is None:
                on_chunk(mine_chunk(index, items, miner, render))
            else:
                on_chunk(job(index, items, miner))
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
            lambda index, items: (
                pool.apply_async(_work_chunk, (index, items, render))
                if job is None
                else pool.apply_async(_work_job, (job, index, items))
            ),
            lambda result: on_chunk(result.get()),
            window,
        )


def run_dask(
    chunks: Iterator[tuple[int, list[Report | RecordError]]],
    options: EngineOptions,
    patterns: PatternSet,
    on_chunk: Callable[[Any], None],
    render: Mapping[str, OutputFormat] | None = None,
    job: ChunkJob | None = None,
) -> None:
    """Mine the chunks on a Dask cluster (a local one unless ``options.scheduler`` is given).

    Workers return each chunk's part; this process saves it, so the workers need no access
    to the output's file system. ``job``: as in :func:`run_local`.
    """
    try:
        from calcminer.nlp.engine.dask import dask_client, submit_chunk
    except ImportError as e:
        raise CalcminerError(Errors.E211) from e

    with dask_client(options.scheduler, options.workers, patterns, options.prefilter) as client:
        _bounded(
            chunks,
            lambda index, items: submit_chunk(client, index, items, render, job),
            lambda future: on_chunk(future.result()),
            max(1, options.workers) * IN_FLIGHT_PER_WORKER,
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
    delimiter: str | None = None,
    encoding: str | None = None,
) -> EngineResult:
    """Mine an archive chunk by chunk and write the requested tables.

    The outputs (``errors_default`` too) are locked for the whole run, and temporary files
    that a killed run left beside them are removed first.

    Args:
        inputs: Input files or folders, read in order (checked before any work), or ``-``
            for standard input (read once: not with ``resume``).
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
        delimiter: Cell delimiter of CSV and TSV inputs (see
            :func:`~calcminer.nlp.io.readers.read_reports`).
        encoding: Codec of text inputs; None: strict UTF-8.

    Returns:
        Totals over all chunks and rows written per output.

    Warns:
        CalcminerWarning: W001 when report ids repeat (every row is kept).

    Raises:
        CalcminerError: Input, pattern or output problems; E225 when another run writes an
            output, E209 when a resume does not match, E224 for an unsafe work folder, E227
            when the rows written do not match the records read, E252 to resume a run that
            reads standard input.
    """
    from calcminer.nlp.io.atomic import remove_stale_temps

    chosen = options or EngineOptions()
    if chosen.resume and any(is_stdin(raw) for raw in inputs):
        raise InputError(Errors.E252)
    targets = [*outputs.values(), *([errors_default] if errors_default is not None else [])]
    duplicates = DuplicateIds()
    with locked(targets):
        for path in targets:
            remove_stale_temps(path)
        result = _run_locked(
            inputs,
            outputs,
            errors_default=errors_default,
            id_col=id_col,
            text_col=text_col,
            patterns_dir=patterns_dir,
            options=chosen,
            miner_factory=miner_factory,
            duplicates=duplicates,
            delimiter=delimiter,
            encoding=encoding,
        )
    duplicates.warn()  # W001 for the caller, once the outputs are written and unlocked
    return result


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
    duplicates: DuplicateIds,
    delimiter: str | None,
    encoding: str | None,
) -> EngineResult:
    """:func:`run_engine` once the outputs are locked (``duplicates`` notes repeated ids)."""
    from calcminer.nlp.rules.patterns import load_patterns

    opts = options
    # Loaded once, here: invalid rules fail before reading or forking, and the workers get
    # these rules, not the folder's path.
    patterns = load_patterns(patterns_dir)
    limits = input_limits(patterns_dir)
    items = duplicates.watch(
        read_reports(
            list(inputs),
            id_col=id_col,
            text_col=text_col,
            limits=limits,
            delimiter=delimiter,
            encoding=encoding,
        )
    )
    fingerprint = run_fingerprint(
        inputs,
        id_col=id_col,
        text_col=text_col,
        chunk_size=opts.chunk_size,
        patterns_dir=patterns_dir,
        prefilter=opts.prefilter,
        delimiter=delimiter,
        encoding=encoding,
    )
    store = open_store(work_dir_for(outputs["reports"]), fingerprint, opts.resume)
    try:
        done = recorded_stats(store)
        result = _mine_and_assemble(
            store,
            done,
            items,
            lambda: count_records(inputs, encoding=encoding),
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
    count: Callable[[], int | None],
    outputs: Mapping[str, Path],
    errors_default: Path | None,
    patterns: PatternSet,
    opts: EngineOptions,
    miner_factory: Callable[[], Mining] | None,
) -> EngineResult:
    """Mine the chunks not done yet, save their parts, then write the outputs (``count``
    counts the records for the progress bar, if it is shown)."""
    from calcminer.nlp.io.formats import output_format

    totals = RunTotals()
    progress = ProgressBar(count, opts.progress)

    def on_chunk(stats: ChunkStats) -> None:
        totals.add(stats)
        progress.advance(stats.records)

    def save(chunk: MinedChunk) -> None:
        store.save(chunk.stats.index, chunk.part, chunk.stats.to_json())
        on_chunk(chunk.stats)

    counted = ChunkCount()
    todo = chunks_to_mine(
        items,
        opts.chunk_size,
        {index: stats.records for index, stats in done.items()},
        lambda index: store.path / PART_NAME.format(index),
        lambda index: on_chunk(done[index]),
        counted,
    )

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
            run_dask(todo, opts, patterns, save, render)
        else:
            factory = miner_factory or default_factory
            run_local(todo, opts, patterns, save, factory, render)
    final = dict(outputs)
    if "errors" not in final and errors_default is not None and totals.errors:
        final["errors"] = errors_default
    store.check()
    expected = {role: totals.rows.get(role, 0) for role in final}
    rows = assemble(store, counted.chunks, final, totals.columns, expected, counted.records)
    return EngineResult(
        totals=totals,
        rows=rows,
        outputs=final,
        resumed_chunks=len(done),
        records=counted.records,
    )


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
