"""Streaming: one table written chunk by chunk into a temporary file (:class:`TableStream`),
renamed into place only when complete, with the encodings of a whole table written at once.

Rows may be encoded ahead, where a chunk is mined (:func:`render_rows`: CSV and JSON Lines
rows, :class:`RenderedRows`), and copied here; Parquet chunks are converted against the
schema of the whole table (:func:`unify_schemas`, :func:`arrow_chunk`).
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from calcminer.nlp.errors import CalcminerError, Errors, OutputError
from calcminer.nlp.io.atomic import create_temp, fsync_directory, io_detail
from calcminer.nlp.io.formats import (
    OutputFormat,
    arrow_column,
    column_values,
    output_format,
    text_array,
    write_csv,
    write_jsonl,
)

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def arrow_chunk(df: pd.DataFrame, schema: pa.Schema | None = None) -> pa.Table:
    """Convert a chunk to Arrow; columns with no value get the ``null`` type.

    With ``schema`` (from :func:`unify_schemas`), every column gets its type there: a column
    that becomes text is written from its values as a mixed chunk would be (never an Arrow
    cast, whose text for floats and booleans differs), so a value's text does not depend on
    the values that share its chunk.
    """
    import pyarrow as pa

    arrays = []
    for name in df.columns:
        array = arrow_column(str(name), df[name], empty_type=pa.null())
        target = None if schema is None else schema.field(str(name)).type
        if target is not None and array.type != target:
            if pa.types.is_string(target) and not pa.types.is_null(array.type):
                array = text_array(column_values(df[name]))
            elif pa.types.is_floating(target) and pa.types.is_integer(array.type):
                # As a whole table's int-and-float column is made (float() of each value):
                # an int beyond 2**53 rounds instead of failing Arrow's safe cast.
                values = array.to_pylist()
                array = pa.array([None if v is None else float(v) for v in values], type=target)
            else:
                array = array.cast(target)
        arrays.append(array)
    if schema is not None:
        return pa.Table.from_arrays(arrays, schema=schema)
    return pa.Table.from_arrays(arrays, names=[str(name) for name in df.columns])


def unify_schemas(schemas: list[pa.Schema], columns: list[str]) -> pa.Schema:
    """One Arrow schema for all chunks: ``null`` gives way, numbers widen, conflicts are text.

    Args:
        schemas: The chunks' schemas (from :func:`arrow_chunk`).
        columns: The table's columns, in order.

    Returns:
        The schema every chunk is cast to; a column with no value anywhere is ``string``.
    """
    import pyarrow as pa

    fields = []
    for name in columns:
        types = [s.field(name).type for s in schemas if name in s.names]
        types = [t for t in dict.fromkeys(types) if t != pa.null()]
        if not types:
            chosen = pa.string()
        elif len(types) == 1:
            chosen = types[0]
        elif all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in types):
            chosen = pa.float64()
        else:
            chosen = pa.string()
        fields.append(pa.field(name, chosen))
    return pa.schema(fields)


@dataclass(frozen=True)
class RenderedRows:
    """Rows of one table chunk, already encoded for an output (made where it was mined).

    Attributes:
        format: ``csv`` (rows without the header) or ``jsonl``.
        columns: The chunk's columns, in order.
        rows: Number of rows.
        data: The encoded rows, exactly as :class:`TableStream` would write them.
    """

    format: OutputFormat
    columns: tuple[str, ...]
    rows: int
    data: bytes


def render_rows(df: pd.DataFrame, fmt: OutputFormat) -> RenderedRows:
    """Encode a table chunk's rows for CSV (no header) or JSON Lines.

    Raises:
        CalcminerError: E911 for a format that is not text (Parquet): a bug.
    """
    buffer = io.BytesIO()
    if fmt == "csv":
        write_csv(df, buffer, header=False)
    elif fmt == "jsonl":
        write_jsonl(df, buffer)
    else:
        raise CalcminerError(Errors.E911.format(fmt=fmt))
    return RenderedRows(fmt, tuple(str(c) for c in df.columns), len(df), buffer.getvalue())


#: Rows per row group of a streamed Parquet table. Fixed, so that the file does not depend on
#: the chunks the rows came in: the same rows give the same bytes at any chunk size.
PARQUET_ROW_GROUP_ROWS = 10_000


class _RowGroups:
    """Collects Arrow tables and writes them to a Parquet writer in row groups of ``rows``."""

    def __init__(self, writer: Any, rows: int) -> None:
        self._writer = writer
        self._rows = rows
        self._pending: list[pa.Table] = []
        self._count = 0

    def add(self, table: pa.Table) -> None:
        """Add rows; every full row group is written."""
        self._pending.append(table)
        self._count += table.num_rows
        while self._count >= self._rows:
            self._write(self._rows)

    def flush(self) -> None:
        """Write the rows left (the last, shorter row group)."""
        if self._count:
            self._write(self._count)

    def _write(self, rows: int) -> None:
        import pyarrow as pa

        table = pa.concat_tables(self._pending)
        # One contiguous chunk per column: the pages do not depend on the chunks either.
        self._writer.write_table(table.slice(0, rows).combine_chunks(), row_group_size=rows)
        rest = table.slice(rows)
        self._pending = [rest] if rest.num_rows else []
        self._count -= rows


class TableStream:
    """Writes one table chunk by chunk into a temporary file; ``commit`` renames it into place.

    ``commit`` is :meth:`finish` (complete and sync the file) then :meth:`publish` (rename);
    several streams are finished first and then published, so that a failure leaves none of
    them under its final name. Until then, nothing exists under the final name, so an
    interrupted run (even ``kill -9``) never leaves a half-written table there. Cells are
    encoded as by :func:`write_table`, so the file is byte-identical to writing the whole
    table at once (CSV, JSONL); Parquet is written in row groups of
    ``PARQUET_ROW_GROUP_ROWS``, so its bytes do not depend on the chunks either.

    Args:
        path: Final path; the format comes from its extension.
        columns: The table's columns; every chunk is reindexed to them.
        schema: For Parquet, the Arrow schema of all chunks (see :func:`unify_schemas`).
    """

    def __init__(
        self, path: str | Path, columns: list[str], schema: pa.Schema | None = None
    ) -> None:
        self.path = Path(path)
        self.format = output_format(self.path)
        self.columns = columns
        self.rows = 0
        self._schema = schema
        self._parquet: Any = None
        if self.format == "parquet" and schema is None:
            raise CalcminerError(Errors.E912.format(path=self.path))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._temp = create_temp(self.path)
        except OSError as e:
            raise OutputError(Errors.E202.format(path=self.path, detail=io_detail(e))) from e
        try:
            self._handle: BinaryIO = self._temp.open("wb")
            if self.format == "csv":
                import pandas as pd

                write_csv(pd.DataFrame(columns=columns), self._handle)
            elif self.format == "parquet":
                import pyarrow.parquet as pq

                self._parquet = pq.ParquetWriter(self._handle, schema)
                self._row_groups = _RowGroups(self._parquet, PARQUET_ROW_GROUP_ROWS)
        except OSError as e:
            self.abort()
            raise OutputError(Errors.E202.format(path=self.path, detail=io_detail(e))) from e

    def accepts(self, rendered: RenderedRows | None) -> bool:
        """Whether rows encoded ahead (:func:`render_rows`) can be copied into this stream:
        same format (CSV or JSON Lines) and same columns. Parquet chunks are always converted
        here, against the schema of the whole table (:func:`arrow_chunk`), so that a value
        does not depend on the chunk it came in."""
        return (
            rendered is not None
            and self.format != "parquet"
            and rendered.format == self.format
            and list(rendered.columns) == self.columns
        )

    def write_rendered(self, rendered: RenderedRows) -> None:
        """Append rows encoded ahead; they must be :meth:`accepts`-ed.

        Raises:
            CalcminerError: E913 for rows the stream does not accept (a bug).
        """
        if not self.accepts(rendered):
            raise CalcminerError(
                Errors.E913.format(
                    got=rendered.format,
                    columns=len(rendered.columns),
                    path=self.path,
                    fmt=self.format,
                    expected=len(self.columns),
                )
            )
        try:
            self._handle.write(rendered.data)
        except OSError as e:
            self.abort()
            raise OutputError(Errors.E202.format(path=self.path, detail=io_detail(e))) from e
        self.rows += rendered.rows

    def write(self, df: pd.DataFrame) -> None:
        """Append a chunk of rows."""
        chunk = df.reindex(columns=self.columns)
        try:
            if self.format == "csv":
                write_csv(chunk, self._handle, header=False)
            elif self.format == "jsonl":
                write_jsonl(chunk, self._handle)
            elif len(chunk):
                self._row_groups.add(arrow_chunk(chunk, self._schema))
        except OSError as e:
            self.abort()
            raise OutputError(Errors.E202.format(path=self.path, detail=io_detail(e))) from e
        self.rows += len(chunk)

    def finish(self) -> None:
        """Complete the temporary file and sync it to disk (nothing under the final name yet).

        A full disk or another write error shows here at the latest, so a run that finishes
        every stream before it publishes any (:meth:`publish`) leaves no final file when one
        of them fails.
        """
        try:
            if self._parquet is not None:
                self._row_groups.flush()
                self._parquet.close()
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
        except OSError as e:
            self.abort()
            raise OutputError(Errors.E202.format(path=self.path, detail=io_detail(e))) from e

    def publish(self) -> Path:
        """Move the finished temporary file onto its final name (after :meth:`finish`)."""
        try:
            os.replace(self._temp, self.path)
        except OSError as e:
            self.abort()
            raise OutputError(Errors.E202.format(path=self.path, detail=io_detail(e))) from e
        fsync_directory(self.path.parent)
        return self.path

    def commit(self) -> Path:
        """Finish the file and move it onto its final name."""
        self.finish()
        return self.publish()

    def abort(self) -> None:
        """Drop the temporary file (nothing once it is published)."""
        writer, self._parquet = self._parquet, None
        if writer is not None and writer.is_open:
            try:
                writer.close()
            except OSError:
                writer.is_open = False  # so that collecting it does not try again
        handle = getattr(self, "_handle", None)
        if handle is not None and not handle.closed:
            # A full disk fails the final flush too; the file is removed all the same.
            with contextlib.suppress(OSError):
                handle.close()
        self._temp.unlink(missing_ok=True)


__all__ = [
    "PARQUET_ROW_GROUP_ROWS",
    "RenderedRows",
    "TableStream",
    "arrow_chunk",
    "render_rows",
    "unify_schemas",
]
