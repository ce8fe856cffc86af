"""What a run notes about its inputs, beside reading them: a fingerprint of inputs, options and
rules (a resumed run must match it), a quick record count (the progress bar's total), and the
report ids that repeat (W001).
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
from calcminer.nlp.rules.patterns import default_patterns_dir
from calcminer.nlp.schema import RecordError, Report

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
