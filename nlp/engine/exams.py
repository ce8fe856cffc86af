"""The audit on the archive engine: an archive's exams, mined in chunks like ``extract``'s.

:func:`archive_exams` cuts the record stream into chunks and has each mined where ``extract``
mines its chunks: this process, a pool of worker processes, or Dask (``run_local`` and
``run_dask`` of :mod:`calcminer.nlp.engine.run`). The job a worker does with a chunk is
:class:`ExamJob`: mine its reports and turn each into an ``UndatedExam`` (or an error row)
with :func:`~calcminer.nlp.audit.exams.undated_exam`, whose settings travel as one picklable
:class:`ExamSettings`. The chunk's exams come back as one part
(:mod:`calcminer.nlp.engine.exam_parts`), saved in the work folder beside the audit table,
so that ``resume`` reuses the finished chunks; the outputs are locked meanwhile.

Only the exams (ids, patient, raw date, modality, triage ...: no report text) are kept, in
archive order; a bounded number of chunks is in flight, so memory grows with the exam index
alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calcminer.nlp.audit.exams import ArchiveColumns, ModalityDetector, UndatedExam, undated_exam
from calcminer.nlp.engine.chunks import ChunkCount, chunks_to_mine
from calcminer.nlp.engine.exam_parts import decode_exam_part, encode_exam_part
from calcminer.nlp.engine.inputs import count_records, run_fingerprint
from calcminer.nlp.engine.parts import PartFormatError
from calcminer.nlp.engine.progress import ProgressBar
from calcminer.nlp.engine.run import EngineOptions, run_dask, run_local
from calcminer.nlp.engine.workfolder import PART_NAME, PartStore, locked, open_store, work_dir_for
from calcminer.nlp.errors import CalcminerError, Errors, InputError
from calcminer.nlp.io.sources import is_stdin
from calcminer.nlp.schema import RecordError, Report

if TYPE_CHECKING:
    from calcminer.nlp.audit.config import AuditConfig, ModalityRule
    from calcminer.nlp.mining.miner import Mining

#: Names the job in the run's fingerprint: a work folder of another job is never resumed.
EXAM_JOB_NAME = "audit-exams/1"


@dataclass(frozen=True)
class ExamSettings:
    """Everything :func:`undated_exam` needs besides the record: picklable, sent to workers.

    Attributes:
        modality_rules: The modality vocabulary (``patterns/modalities.jsonl``).
        header_max_chars: How much of a report's start is searched for its modality.
        columns: The archive's patient, date and modality columns.
        keywords: More keyword arguments of :func:`undated_exam`, passed as they are (a new
            option of the audit is one entry here; it is part of the run's fingerprint).
    """

    modality_rules: tuple[ModalityRule, ...]
    header_max_chars: int
    columns: ArchiveColumns = field(default_factory=ArchiveColumns)
    keywords: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(
        cls, config: AuditConfig, columns: ArchiveColumns | None = None, **keywords: Any
    ) -> ExamSettings:
        """The settings of an audit run from its rules (``patterns/audit.toml``).

        Args:
            config: The audit's rules.
            columns: The archive's columns; None: the default names.
            **keywords: More keyword arguments of :func:`undated_exam`.

        Returns:
            The settings.
        """
        return cls(
            tuple(config.modality_rules),
            config.header_max_chars,
            columns or ArchiveColumns(),
            dict(keywords),
        )

    def detector(self) -> ModalityDetector:
        """The modality detector these settings describe."""
        return ModalityDetector(self.modality_rules, self.header_max_chars)

    def digest(self) -> str:
        """A digest of the settings, for the run's fingerprint (from their ``repr``)."""
        keywords = sorted((str(k), repr(v)) for k, v in self.keywords.items())
        text = repr((self.modality_rules, self.header_max_chars, self.columns, keywords))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class MinedExams:
    """One chunk's exams as they travel back from a worker.

    Attributes:
        index: The chunk's position in the run.
        records: Records of the chunk.
        exams: Records that became exams.
        errors: Records that became error rows.
        part: The bytes of its part file (:func:`encode_exam_part`).
    """

    index: int
    records: int
    exams: int
    errors: int
    part: bytes

    def stats(self) -> dict[str, int]:
        """The counts recorded in the work folder's manifest."""
        return {
            "index": self.index,
            "records": self.records,
            "exams": self.exams,
            "errors": self.errors,
        }


def exam_items(
    start: int,
    items: Sequence[Report | RecordError],
    miner: Mining,
    settings: ExamSettings,
) -> list[tuple[int, UndatedExam | RecordError]]:
    """Mine a chunk's reports and make each record an exam or an error row, in order.

    Args:
        start: Archive position of the chunk's first record.
        items: The chunk's records, reports and record errors, in archive order.
        miner: The miner.
        settings: The settings of :func:`undated_exam`.

    Returns:
        ``(order, exam or error row)`` pairs, one per record.

    Raises:
        CalcminerError: E205/E206 when the miner breaks its one-result-per-report contract.
    """
    reports = [item for item in items if isinstance(item, Report)]
    results = list(miner.mine(reports))
    if len(results) != len(reports):
        raise CalcminerError(
            Errors.E205.format(records=len(reports), reports=len(results), errors=0)
        )
    detector = settings.detector()
    mined = iter(results)
    pairs: list[tuple[int, UndatedExam | RecordError]] = []
    for order, item in enumerate(items, start):
        if isinstance(item, RecordError):
            pairs.append((order, item))
            continue
        result = next(mined)
        if result.report_id != item.report_id:
            raise CalcminerError(Errors.E206.format(got=result.report_id, expected=item.report_id))
        exam = undated_exam(order, item, result, detector, settings.columns, **settings.keywords)
        pairs.append((order, exam))
    return pairs


@dataclass(frozen=True)
class ExamJob:
    """What a worker does with an audit chunk (a picklable ``job(index, items, miner)``).

    Attributes:
        settings: The settings of :func:`undated_exam`.
        chunk_size: Records per chunk (chunk ``index`` starts at ``index * chunk_size``).
    """

    settings: ExamSettings
    chunk_size: int

    def __call__(self, index: int, items: list[Report | RecordError], miner: Any) -> MinedExams:
        """Mine chunk ``index`` and encode its exams as a part.

        Args:
            index: The chunk's position in the run.
            items: Its records.
            miner: The worker's miner.

        Returns:
            The chunk's counts and part.
        """
        pairs = exam_items(index * self.chunk_size, items, miner, self.settings)
        errors = sum(1 for _, item in pairs if isinstance(item, RecordError))
        part = encode_exam_part(index, pairs)
        return MinedExams(index, len(items), len(pairs) - errors, errors, part)


@dataclass
class ArchiveExams:
    """The mined archive: its exams and error rows in archive order, and counts.

    Attributes:
        exams: The exams, dates as read, in archive order.
        errors: ``(order, error row)`` pairs, in archive order.
        records: Records read from the archive.
        chunks: Chunks of the run.
        resumed_chunks: Chunks taken from an interrupted run's work folder.
    """

    exams: list[UndatedExam]
    errors: list[tuple[int, RecordError]]
    records: int
    chunks: int
    resumed_chunks: int


def _recorded(store: PartStore) -> dict[int, int]:
    """Chunk -> records, of the chunks an interrupted run finished (from its manifest).

    Raises:
        CalcminerError: E214 when a chunk's counts are damaged.
    """
    done: dict[int, int] = {}
    for index, entry in store.entries.items():
        stats = entry.stats
        numbers = [stats.get(name) for name in ("index", "records", "exams", "errors")]
        if not all(type(n) is int and n >= 0 for n in numbers) or numbers[0] != index:
            detail = f"chunk {index} has no counts of an audit chunk"
            raise CalcminerError(Errors.E214.format(path=store.path, detail=detail))
        done[index] = int(stats["records"])
    return done


def _decoded(store: PartStore, index: int, data: bytes) -> list[tuple[int, Any]]:
    """A part's pairs; E215 naming the part file when it cannot be read."""
    try:
        return decode_exam_part(data, index)
    except PartFormatError as e:
        path = store.path / PART_NAME.format(index)
        raise CalcminerError(Errors.E215.format(path=path, detail=e.detail)) from e


def _mine(
    store: PartStore,
    items: Iterable[Report | RecordError],
    settings: ExamSettings,
    options: EngineOptions,
    patterns: Any,
    miner_factory: Callable[[], Mining],
    count: Callable[[], int | None] | None,
) -> ArchiveExams:
    """Mine the chunks not done yet, save their parts, and gather every chunk's exams."""
    done = _recorded(store)
    by_chunk: dict[int, list[tuple[int, Any]]] = {}
    progress = ProgressBar(count, options.progress)

    def save(chunk: MinedExams) -> None:
        store.save(chunk.index, chunk.part, chunk.stats())
        by_chunk[chunk.index] = _decoded(store, chunk.index, chunk.part)
        progress.advance(chunk.records)

    def resumed(index: int) -> None:
        by_chunk[index] = _decoded(store, index, store.read(index))
        progress.advance(done[index])

    counted = ChunkCount()
    todo = chunks_to_mine(
        items,
        options.chunk_size,
        done,
        lambda index: store.path / PART_NAME.format(index),
        resumed,
        counted,
    )

    job = ExamJob(settings, options.chunk_size)
    with progress:
        if options.engine == "dask":
            run_dask(todo, options, patterns, save, job=job)
        else:
            run_local(todo, options, patterns, save, miner_factory, job=job)
    store.check()
    exams: list[UndatedExam] = []
    errors: list[tuple[int, RecordError]] = []
    for index in range(counted.chunks):
        for order, item in by_chunk.pop(index, []):
            if isinstance(item, RecordError):
                errors.append((order, item))
            else:
                exams.append(item)
    return ArchiveExams(exams, errors, counted.records, counted.chunks, len(done))


@contextmanager
def archive_exams(
    items: Iterable[Report | RecordError],
    settings: ExamSettings,
    *,
    output: str | Path,
    locks: Sequence[str | Path] = (),
    inputs: Sequence[str | Path] | None = None,
    source_kind: str = "a database query",
    options: EngineOptions | None = None,
    miner_factory: Callable[[], Mining] | None = None,
    id_col: str = "report_id",
    text_col: str = "text",
    patterns_dir: str | Path | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> Iterator[ArchiveExams]:
    """Mine an archive's exams on the engine; the ``with`` block uses them.

    The outputs (``output`` and ``locks``) are locked, and the work folder beside ``output``
    kept, until the block ends: when it fails (an undecided date order, an interruption)
    the finished chunks stay for ``resume`` (of archive files; other sources cannot be
    resumed, their folder is removed); when it succeeds the folder is removed.

    Args:
        items: The archive's records, in order (read lazily, chunk by chunk).
        settings: The settings of :func:`undated_exam`.
        output: The audit table; the work folder goes beside it.
        locks: The run's other outputs, locked too.
        inputs: The archive's files (for the fingerprint of ``resume`` and the progress
            bar's total); None when the records come from a database or from data.
        source_kind: What the records come from when ``inputs`` is None, for E340.
        options: Engine, workers, chunk size, resume, progress (``prefilter`` is the
            workers' miner's).
        miner_factory: Builds the miner of in-process mining; None: the rule-based miner of
            ``patterns_dir``. Worker processes always build their own.
        id_col: Id column (for the fingerprint).
        text_col: Text column (for the fingerprint).
        patterns_dir: Pattern folder; None uses the packaged patterns.
        delimiter: Cell delimiter of the archive (for the fingerprint).
        encoding: Codec of the archive (for the fingerprint).

    Yields:
        The exams and error rows, in archive order, and counts.

    Raises:
        CalcminerError: E210 for bad workers or chunk size, E340 (data or a database) or
            E252 (standard input) to resume what cannot be, E225 when another run writes an
            output, E209/E214/E215 for a work folder that cannot be resumed, E205/E206 when
            the miner breaks its contract.
    """
    from calcminer.nlp.io.atomic import remove_stale_temps
    from calcminer.nlp.rules.patterns import load_patterns

    opts = options or EngineOptions()
    if opts.workers < 1 or opts.chunk_size < 1:
        raise CalcminerError(Errors.E210.format(workers=opts.workers, size=opts.chunk_size))
    if opts.resume and inputs is None:
        raise InputError(Errors.E340.format(kind=source_kind))
    if opts.resume and inputs is not None and any(is_stdin(raw) for raw in inputs):
        raise InputError(Errors.E252)
    patterns = load_patterns(patterns_dir)

    def default_factory() -> Mining:
        from calcminer.nlp.mining.miner import Miner

        return Miner(patterns=patterns, prefilter=opts.prefilter)

    base = run_fingerprint(
        inputs or [],
        id_col=id_col,
        text_col=text_col,
        chunk_size=opts.chunk_size,
        patterns_dir=patterns_dir,
        prefilter=opts.prefilter,
        delimiter=delimiter,
        encoding=encoding,
    )
    payload = f"{EXAM_JOB_NAME}\n{base}\n{settings.digest()}\n{inputs is None}"
    fingerprint = hashlib.sha256(payload.encode()).hexdigest()
    resumable = inputs is not None and not any(is_stdin(raw) for raw in inputs)
    targets = [Path(output), *(Path(path) for path in locks)]
    count = None if inputs is None else (lambda: count_records(inputs, encoding=encoding))
    with locked(targets):
        for path in targets:
            remove_stale_temps(path)
        store = open_store(work_dir_for(output), fingerprint, opts.resume)
        try:
            mined = _mine(
                store,
                items,
                settings,
                opts,
                patterns,
                miner_factory or default_factory,
                count,
            )
            yield mined
        except BaseException:
            if resumable:
                store.close()  # the parts stay, for resume (or were removed: E224)
            else:
                store.remove()  # a database, data or standard input is not resumed
            raise
        store.remove()


__all__ = [
    "EXAM_JOB_NAME",
    "ArchiveExams",
    "ExamJob",
    "ExamSettings",
    "MinedExams",
    "archive_exams",
    "exam_items",
]
