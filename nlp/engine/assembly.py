"""Assembling a run's outputs: its parts, read back in order, streamed into the final files.

:func:`read_part` reads a chunk's part from the work folder (checked against its digest) and
:func:`tables_of` decodes its tables; :func:`assemble` streams every part, in input order, into
the output files, each written to a temporary name and renamed into place only when all of
them are complete and their rows match the records read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calcminer.nlp.engine.chunks import ChunkTables, add_columns
from calcminer.nlp.engine.workfolder import PART_NAME, PartStore
from calcminer.nlp.errors import CalcminerError, Errors, OutputError

if TYPE_CHECKING:
    from calcminer.nlp.engine.parts import Part


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
        raise CalcminerError(Errors.E215.format(path=path, detail=e.detail)) from e


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
        raise CalcminerError(Errors.E215.format(path=path, detail=e.detail)) from e


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
    from calcminer.nlp.io.formats import output_format
    from calcminer.nlp.io.stream import TableStream, arrow_chunk, unify_schemas
    from calcminer.nlp.io.tables import (
        errors_frame,
        findings_frame,
        flagged_frame,
        recommendations_frame,
        reports_frame,
    )

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


__all__ = ["assemble", "load_tables", "read_part", "tables_of"]
