"""What a run notes about its inputs, beside reading them: a fingerprint of inputs, options and
rules (a resumed run must match it), a quick record count (the progress bar's total), and the
report ids that repeat (W001).

Standard input (``-``) is read once, by the reader: it is neither fingerprinted (a run reading
it cannot be resumed, E252) nor counted (the progress bar shows no total).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from calcminer import __version__
from calcminer.nlp.errors import CalcminerWarning, Warnings
from calcminer.nlp.io.sources import FileSource, compression_of, is_stdin
from calcminer.nlp.rules.patterns import default_patterns_dir
from calcminer.nlp.schema import RecordError, Report

#: Bytes read at a time when fingerprinting or counting an input.
_DIGEST_BLOCK_BYTES = 1 << 20
#: Suffixes counted by lines (JSON Lines) and by rows (CSV, TSV), under any compression.
_LINE_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_ROW_SUFFIXES = frozenset({".csv", ".tsv"})


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
    delimiter: str | None = None,
    encoding: str | None = None,
) -> str:
    """A digest of everything that decides the parts: inputs, options, rules, version.

    A compressed input is digested as stored (its compressed bytes); standard input is not
    read (its runs are not resumed).
    """
    files: list[list[Any]] = []
    for raw in inputs:
        if is_stdin(raw):
            files.append([str(raw), "standard input"])
            continue
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
    # Only when given, so that the runs without them keep the fingerprint they had.
    if delimiter is not None:
        payload["delimiter"] = delimiter
    if encoding is not None:
        payload["encoding"] = encoding
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def count_records(inputs: Sequence[str | Path], *, encoding: str | None = None) -> int | None:
    """A quick record count for the progress bar; None if unknown.

    JSON Lines: lines; CSV and TSV: line ends outside quotes, less the header (an estimate
    where quoting is broken or blank lines are skipped); compressed files are decompressed,
    in memory, to be counted; Parquet: the row count of its metadata; ``.txt``: one per file.
    Standard input, ``.xlsx`` workbooks, CSV in an encoding that is not ASCII-compatible
    (UTF-16 ...) and files that cannot be read to the end are not counted (None).

    Args:
        inputs: The run's inputs.
        encoding: The inputs' codec (``--encoding``); None: UTF-8.
    """
    total = 0
    for raw in inputs:
        counted = _count_input(raw, encoding)
        if counted is None:
            return None
        total += counted
    return total


def _count_input(raw: str | Path, encoding: str | None) -> int | None:
    """The records of one input, or None if not counted."""
    if is_stdin(raw):
        return None
    path = Path(raw)
    if path.is_dir():
        return sum(1 for _ in path.glob("*.txt"))
    compression = compression_of(path)
    suffix = (Path(path.stem) if compression is not None else path).suffix.lower()
    if suffix in _LINE_SUFFIXES or suffix in _ROW_SUFFIXES:
        if encoding is not None and '\n"'.encode(encoding, "replace") != b'\n"':
            return None
        counter = _count_lines if suffix in _LINE_SUFFIXES else _count_rows
        try:
            with FileSource(path, compression).open() as handle:
                return counter(iter(lambda: handle.read(_DIGEST_BLOCK_BYTES), b""))
        except OSError:
            return None  # the reader reports it (E105)
    if compression is not None:
        return None
    if suffix in {".parquet", ".pq"}:
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    if suffix == ".txt":
        return 1
    return None


def _count_lines(blocks: Iterable[bytes]) -> int:
    """Line ends in a stream (JSON Lines: one record per line)."""
    return sum(block.count(b"\n") for block in blocks)


def _count_rows(blocks: Iterable[bytes]) -> int:
    """Data rows of a CSV stream: line ends outside quoted cells, plus a last line without
    one, less the header. A doubled quote inside a cell flips twice, so it counts right."""
    inside = False
    ends = 0
    last = b"\n"
    for block in blocks:
        parts = block.split(b'"')
        ends += sum(part.count(b"\n") for part in parts[1 if inside else 0 :: 2])
        if len(parts) % 2 == 0:  # an odd number of quotes
            inside = not inside
        last = block[-1:]
    lines = ends + (0 if last == b"\n" else 1)
    return max(lines - 1, 0)


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

    def message(self) -> str:
        """W001's message for the repeated ids seen so far (its one wording: the CLI prints it
        from the run's summary, :meth:`warn` raises it)."""
        return duplicate_ids_message(self.count, self.examples)

    def warn(self, stacklevel: int = 2) -> None:
        """Raise W001 (:class:`~calcminer.nlp.errors.CalcminerWarning`) when an id repeated.

        Args:
            stacklevel: As for :func:`warnings.warn`, counted from the caller of this method.
        """
        if self.count:
            warnings.warn(self.message(), CalcminerWarning, stacklevel=stacklevel + 1)


def duplicate_ids_message(count: int, examples: Sequence[str]) -> str:
    """W001's message: ``count`` records repeat an earlier report id, ``examples`` name some."""
    return Warnings.W001.format(count=count, examples=", ".join(repr(e) for e in examples))


__all__ = [
    "DUPLICATE_EXAMPLES_SHOWN",
    "DuplicateIds",
    "count_records",
    "duplicate_ids_message",
    "run_fingerprint",
]
