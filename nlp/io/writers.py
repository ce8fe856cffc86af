"""Writers at the output edge of the flow: DataFrames -> CSV, JSON Lines or Parquet files.

CSV follows the encodings of GOLD_GUIDE.md: booleans ``true``/``false``, lists joined with
``;`` in sorted order (empty string for none), missing values empty. Text cells that a
spreadsheet would run as a formula get a leading ``'``. Every write is atomic: the table
goes to a temporary file in the target directory, is synced, then renamed onto the target.

This module writes whole tables (:func:`write_table`, :func:`write_tables`); the encodings are
in :mod:`calcminer.nlp.io.formats`, the atomic replacement of files in
:mod:`calcminer.nlp.io.atomic`, and a table written chunk by chunk in
:mod:`calcminer.nlp.io.stream`. Their names stay importable from here (and from
``calcminer.nlp.writers``), as before they had modules of their own.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from calcminer.nlp.errors import Errors, OutputError

# The names of the writers' modules, importable from here as before. The underscored aliases
# are the old private names that the tests patch or call (``_write_csv`` ...): write_table
# looks them up here.
from calcminer.nlp.io.atomic import (  # noqa: F401
    create_temp,
    fsync_directory,
    io_detail,
    remove_stale_temps,
    write_atomic,
    write_temp,
)
from calcminer.nlp.io.formats import (  # noqa: F401
    FLOAT_SIGNIFICANT_DIGITS,
    FORMULA_ESCAPE,
    FORMULA_PREFIXES,
    LIST_SEPARATOR,
    OUTPUT_ENCODING,
    OUTPUT_FORMATS,
    OutputFormat,
    arrow_column,
    column_values,
    csv_cell,
    csv_column,
    format_float,
    neutralize_formula,
    output_format,
    plain_value,
    text_array,
    write_csv,
    write_csv_rows,
    write_jsonl,
    write_parquet,
)
from calcminer.nlp.io.formats import column_values as _column_values  # noqa: F401
from calcminer.nlp.io.formats import write_csv as _write_csv
from calcminer.nlp.io.formats import write_csv_rows as _write_csv_rows  # noqa: F401
from calcminer.nlp.io.formats import write_jsonl as _write_jsonl
from calcminer.nlp.io.formats import write_parquet as _write_parquet
from calcminer.nlp.io.stream import (  # noqa: F401
    PARQUET_ROW_GROUP_ROWS,
    RenderedRows,
    TableStream,
    arrow_chunk,
    render_rows,
    unify_schemas,
)
from calcminer.nlp.io.tables import LIST_COLUMNS  # noqa: F401

if TYPE_CHECKING:
    import pandas as pd


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a table atomically, in the format given by the path's extension.

    Parent directories are created. A reader never sees a half-written file: the table is
    written to a temporary file beside the target, synced to disk, then renamed onto it.

    Args:
        df: The table (from :mod:`calcminer.nlp.io.tables`).
        path: Output path ending in ``.csv``, ``.parquet`` or ``.jsonl``.

    Returns:
        The path written.

    Raises:
        OutputError: E201 for an unsupported extension, E202 when the file cannot be written.
    """
    target = Path(path)
    write = _table_writer(df, target)
    write_atomic(target, write)
    return target


def write_tables(
    tables: Sequence[tuple[pd.DataFrame, str | Path]],
    others: Sequence[tuple[str | Path, Callable[[BinaryIO], None]]] = (),
) -> list[Path]:
    """Write several tables atomically and together: all of them, or none.

    Each table goes to a synced temporary file beside its target, as with
    :func:`write_table`; the files are renamed onto their targets only when every table is
    written, so a full disk or a write error leaves none of them under its final name.

    Args:
        tables: (table, output path) pairs; the extension of each path gives its format.
        others: (output path, writer) pairs of files that are not tables (a worklist, a
            page), written and renamed with the tables, after them.

    Returns:
        The paths written, in order.

    Raises:
        OutputError: E201 for an unsupported extension, E202 when a file cannot be written.
    """
    jobs = [(Path(path), _table_writer(df, Path(path))) for df, path in tables]
    jobs += [(Path(path), write) for path, write in others]
    staged: list[tuple[Path, Path]] = []
    try:
        for target, write in jobs:
            staged.append((write_temp(target, write), target))
        while staged:
            temp, target = staged[0]
            try:
                os.replace(temp, target)
            except OSError as e:
                raise OutputError(Errors.E202.format(path=target, detail=io_detail(e))) from e
            staged.pop(0)
            fsync_directory(target.parent)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return [target for target, _ in jobs]


def _table_writer(df: pd.DataFrame, target: Path) -> Callable[[BinaryIO], None]:
    """The function that writes ``df`` to a binary handle in the format of ``target``."""
    writers: dict[OutputFormat, Callable[[pd.DataFrame, BinaryIO], None]] = {
        "csv": _write_csv,
        "jsonl": _write_jsonl,
        "parquet": _write_parquet,
    }
    write = writers[output_format(target)]
    return lambda handle: write(df, handle)
