"""Readers at the input edge of the flow: files -> one ``Report`` (or ``RecordError``) each.

Supported inputs: a JSON Lines, CSV or TSV file (each maybe compressed: ``.gz``, ``.bz2``,
``.xz``, ``.zst``, decompressed while read), a Parquet file, an ``.xlsx`` workbook, a single
``.txt`` file, a folder of ``.txt`` files, and standard input (``-``: JSON Lines or CSV, maybe
compressed, read once). Whole-file problems (missing path, unknown type, a FIFO, missing id
or text column) raise :class:`~calcminer.nlp.errors.InputError` when :func:`read_reports` is
called, before any record is read. Record-level problems become :class:`RecordError` items
in the stream and reading goes on: CSV is parsed strictly and resumes after broken quoting,
rows that are fragments of a text cut by a line break outside quotes are recognised by their
id, and values Python cannot hold as text (lone surrogates, huge integers, deep nesting) are
error rows. Limits come from the ``[input]`` table of ``config.toml`` (:class:`InputLimits`);
how text is decoded and split from ``--encoding`` and ``--delimiter`` (:class:`ReadOptions`).
Messages never contain report text, nor a value that may be report text.

This module checks the inputs and reads them in order (:func:`read_reports`), and reads
Parquet files; each other format has its reader module (:mod:`calcminer.nlp.io.jsonl_reader`,
:mod:`calcminer.nlp.io.csv_reader`, :mod:`calcminer.nlp.io.xlsx_reader`,
:mod:`calcminer.nlp.io.txt_reader`), where the bytes come from is
:mod:`calcminer.nlp.io.sources`, and what they share is in :mod:`calcminer.nlp.io.records`.
Their names stay importable from here (and from ``calcminer.nlp.io``), as before they had
modules of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Literal

from calcminer.nlp.errors import Errors, InputError

# The names of the readers' modules, importable from here as before (``_IdShape`` too, the
# old private name the tests use).
from calcminer.nlp.io.csv_reader import (  # noqa: F401
    CSV_FIELD_LIMIT_CHARS,
    DELIMITERS,
    IdShape,
    csv_header,
    read_csv_file,
)
from calcminer.nlp.io.csv_reader import IdShape as _IdShape  # noqa: F401
from calcminer.nlp.io.jsonl_reader import (  # noqa: F401
    MAX_JSON_DEPTH_LEVELS,
    check_jsonl_columns,
    read_jsonl_file,
)
from calcminer.nlp.io.records import (  # noqa: F401
    INPUT_ENCODING,
    UNDECODED,
    InputLimits,
    Item,
    build_record,
    check_columns,
    column_names,
    describe_error,
    kind_of,
)
from calcminer.nlp.io.sources import (  # noqa: F401
    COMPRESSION_SUFFIXES,
    DECOMPRESS_COMMANDS,
    STDIN,
    FileSource,
    ReadOptions,
    Source,
    StdinSource,
    compression_of,
    content_kind,
    is_stdin,
    read_options,
)
from calcminer.nlp.io.txt_reader import (  # noqa: F401
    TXT_SUFFIXES,
    mode_kind,
    read_txt_file,
    skipped_files,
    skipped_files_message,
    special_kind,
    txt_files,
)
from calcminer.nlp.io.xlsx_reader import XLSX_SUFFIXES, read_xlsx_file, xlsx_header
from calcminer.nlp.rules.patterns import CONFIG_FILE, default_patterns_dir, load_config
from calcminer.nlp.schema import MAX_REPORT_CHARS, RecordError, Report  # noqa: F401

InputKind = Literal["jsonl", "csv", "tsv", "parquet", "xlsx", "txt", "folder", "stdin"]

JSONL_SUFFIXES: frozenset[str] = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES: frozenset[str] = frozenset({".csv"})
TSV_SUFFIXES: frozenset[str] = frozenset({".tsv"})
PARQUET_SUFFIXES: frozenset[str] = frozenset({".parquet", ".pq"})
#: The kinds read as a stream of text: they may be compressed, and come from standard input.
STREAM_KINDS: frozenset[str] = frozenset({"jsonl", "csv", "tsv"})
#: The file kind of each suffix (the suffix under a compression's, for a compressed file).
_KIND_OF_SUFFIX: dict[str, InputKind] = {
    **dict.fromkeys(JSONL_SUFFIXES, "jsonl"),
    **dict.fromkeys(CSV_SUFFIXES, "csv"),
    **dict.fromkeys(TSV_SUFFIXES, "tsv"),
    **dict.fromkeys(PARQUET_SUFFIXES, "parquet"),
    **dict.fromkeys(XLSX_SUFFIXES, "xlsx"),
    **dict.fromkeys(TXT_SUFFIXES, "txt"),
}
#: The suffix of each compression, for messages.
_COMPRESSION_SUFFIX = {kind: suffix for suffix, kind in COMPRESSION_SUFFIXES.items()}

#: How to convert what calcminer does not read (E102), by suffix.
_SPREADSHEET_HINT = (
    "Save the sheet as .xlsx or as CSV UTF-8 in the spreadsheet program (or convert it: "
    "libreoffice --headless --convert-to xlsx FILE)."
)
_ARCHIVE_HINT = "Unpack the archive (unzip, tar -xf, 7z x ...) and give the files or folder inside."
_DOCUMENT_HINT = (
    "Export the reports as text: one .txt file per report in a folder, or a CSV or JSON "
    "Lines table with an id and a text column."
)
_CONVERT_HINTS: dict[str, str] = {
    **dict.fromkeys((".xls", ".xlsm", ".xlsb", ".ods", ".numbers"), _SPREADSHEET_HINT),
    **dict.fromkeys((".zip", ".tar", ".tgz", ".7z", ".rar"), _ARCHIVE_HINT),
    **dict.fromkeys((".doc", ".docx", ".rtf", ".pdf", ".odt", ".html", ".htm"), _DOCUMENT_HINT),
    ".json": (
        "Write it as JSON Lines, one record per line (for a JSON array of records: "
        "jq -c '.[]' FILE > reports.jsonl)."
    ),
}
_DEFAULT_HINT = (
    "Export the reports as CSV (UTF-8) or JSON Lines with an id and a text column, or give "
    "a folder of .txt files."
)

#: Rows per Parquet batch: bounds memory on large files.
PARQUET_BATCH_ROWS = 1024


def input_limits(patterns_dir: str | Path | None = None) -> InputLimits:
    """Read the input limits of a patterns folder (None: the packaged ``patterns/``).

    Raises:
        PatternError: When ``config.toml`` is missing or invalid.
    """
    directory = Path(patterns_dir) if patterns_dir is not None else default_patterns_dir()
    path = directory / CONFIG_FILE
    return InputLimits.from_config(load_config(path, directory)["input"], path)


def input_kind(path: Path) -> InputKind:
    """Classify an input path by its type and extension (a compressed file by the extension
    under its compression's: ``reports.csv.gz`` is ``csv``).

    Args:
        path: A file or folder given as input, or ``-`` for standard input.

    Returns:
        The kind of reader the path needs.

    Raises:
        InputError: E101 when the path does not exist, E102 when its type is unsupported
            (the message says how to convert it), E149 when it is neither a regular file nor
            a folder (a FIFO, socket or device: reading it could wait forever).
    """
    if is_stdin(path):
        return "stdin"
    if not path.exists():
        raise InputError(Errors.E101.format(path=path))
    if path.is_dir():
        return "folder"
    if not path.is_file():
        raise InputError(Errors.E149.format(path=path, kind=special_kind(path)))
    suffix = path.suffix.lower()
    compression = compression_of(path)
    if compression is None:
        kind = _KIND_OF_SUFFIX.get(suffix)
        if kind is not None:
            return kind
        what = f"extension {suffix!r}" if suffix else "no extension"
        hint = _CONVERT_HINTS.get(suffix, _DEFAULT_HINT)
        raise InputError(Errors.E102.format(path=path, kind=what, hint=hint))
    inner = Path(path.stem).suffix.lower()
    kind = _KIND_OF_SUFFIX.get(inner)
    if kind in STREAM_KINDS:
        return kind
    what = f"extension {inner + suffix!r}" if inner else f"extension {suffix!r}"
    raise InputError(
        Errors.E102.format(path=path, kind=what, hint=_compressed_hint(compression, inner))
    )


def _compressed_hint(compression: str, inner: str) -> str:
    """How to convert a compressed file calcminer does not read (E102)."""
    command = DECOMPRESS_COMMANDS[compression]  # type: ignore[index]
    if inner in PARQUET_SUFFIXES or inner in XLSX_SUFFIXES:
        return (
            "Parquet files and .xlsx workbooks are compressed inside already: decompress it "
            f"({command} FILE) and give the {inner} file."
        )
    if inner in TXT_SUFFIXES:
        return (
            f"Decompress it ({command} FILE) and give the .txt file, or put the reports in a "
            "compressed JSON Lines or CSV file."
        )
    if inner == ".tar":
        return _ARCHIVE_HINT
    if not inner:
        return "Name it after its content, e.g. reports.jsonl.gz or reports.csv.gz."
    return _CONVERT_HINTS.get(inner, _DEFAULT_HINT)


def _check_content(source: FileSource) -> None:
    """E182 when a file's first bytes contradict its name: compressed data under a plain
    name (or another compression's), a workbook or Parquet file named as text, or plain data
    named as compressed."""
    try:
        head = source.head()
    except OSError as e:
        raise InputError(Errors.E105.format(path=source.label, detail=describe_error(e))) from e
    found = content_kind(head)
    if found == source.compression or (found is None and not head):
        return
    path = source.path
    base = path.name if source.compression is None else path.stem
    if source.compression is None:
        named = f"as an uncompressed {path.suffix} file"
    else:
        named = f"as a {source.compression}-compressed file ({path.suffix})"
    if found is None:
        found_text, fix = "not compressed", f"rename it to {base}"
    elif found in _COMPRESSION_SUFFIX:
        found_text = f"{found}-compressed"
        fix = f"rename it to {base}{_COMPRESSION_SUFFIX[found]}"
    elif found == "zip":
        found_text = "a zip archive (an .xlsx workbook, or a .zip archive)"
        fix = "give a workbook a name ending in .xlsx, and unpack a .zip archive first"
    else:
        found_text, fix = "a Parquet file", "give it a name ending in .parquet"
    raise InputError(Errors.E182.format(path=path, named=named, found=found_text, fix=fix))


def _stdin_kind(source: StdinSource, options: ReadOptions) -> InputKind:
    """What standard input holds: JSON Lines when its first character (after white space) is
    ``{``, else CSV; E183 for a workbook or Parquet file."""
    text, head = source.head_text(options)
    found = content_kind(head)
    if found == "zip":
        raise InputError(Errors.E183.format(found="a zip archive (an .xlsx workbook?)"))
    if found == "parquet":
        raise InputError(Errors.E183.format(found="a Parquet file"))
    return "jsonl" if text.startswith("{") else "csv"


def read_reports(
    inputs: Sequence[str | Path],
    id_col: str = "report_id",
    text_col: str = "text",
    *,
    limits: InputLimits | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> Iterator[Report | RecordError]:
    """Read reports from one or more inputs, in the order given and in file order.

    Every input is checked first (it exists, has a supported type, and holds the id and text
    columns), so a bad input fails before any record is read. Records are then read lazily.

    Args:
        inputs: JSONL, CSV or TSV files (each maybe compressed: ``.gz``, ``.bz2``, ``.xz``,
            ``.zst``), Parquet files, ``.xlsx`` workbooks (the first sheet), ``.txt`` files,
            folders of ``.txt`` files, or ``-`` for standard input (JSON Lines when it starts
            with ``{``, else CSV; maybe compressed; read once, so given once). In a folder,
            each ``.txt`` file is one report whose id is the file stem; files are read sorted
            by name, hidden files and other extensions are skipped.
        id_col: Column (or JSON key) holding the report id.
        text_col: Column (or JSON key) holding the report text.
        limits: Input limits; None reads them from the packaged ``patterns/config.toml``
            (:func:`input_limits` reads those of another patterns folder).
        delimiter: Cell delimiter of CSV and TSV inputs (one character, or ``tab``); None:
            ``,`` for ``.csv`` and standard input, tab for ``.tsv``.
        encoding: Codec of JSON Lines, CSV, TSV and ``.txt`` inputs (``cp1252``,
            ``latin-1`` ...); None: strict UTF-8, where a record that is not UTF-8 is an
            error row (E117). A record that does not decode with the codec given is E181.

    Returns:
        An iterator over one item per input record: a :class:`Report`, or a
        :class:`RecordError` when the record cannot be used. Other columns are carried in
        ``Report.meta``, in column order.

    Raises:
        InputError: E101/E102 for a missing or unsupported input, E149 for a FIFO, socket or
            device, E103 when a file lacks the id or text column (E184 both), E104 for a
            folder without ``.txt`` files, E105 when a file cannot be read, E106 for duplicate
            column names, E180 when a needed package is missing, E182 when a file's bytes
            contradict its name, E183 for a workbook or Parquet file on standard input;
            E250/E251 for an unknown encoding or a delimiter that is not one character,
            E253 when ``-`` is given twice, E254 when standard input is a terminal.
    """
    options = read_options(delimiter, encoding)
    stdin_count = sum(1 for raw in inputs if is_stdin(raw))
    if stdin_count > 1:
        raise InputError(Errors.E253.format(count=stdin_count))
    chosen = limits if limits is not None else input_limits()
    readers = [_reader_for(Path(raw), id_col, text_col, chosen, options) for raw in inputs]
    items = chain.from_iterable(reader() for reader in readers)
    if chosen.max_carried_columns is None:
        return items
    return cap_carried_columns(items, chosen.max_carried_columns)


def cap_carried_columns(items: Iterable[Item], limit: int) -> Iterator[Item]:
    """Pass records through while the run carries at most ``limit`` distinct columns.

    The columns are counted in stream order, so which records pass does not depend on how the
    stream is later cut into chunks. A report that would bring a column beyond the limit
    becomes an error row (E150); its columns are not counted.

    Args:
        items: Reports and record errors, in input order.
        limit: Most distinct carried columns.

    Returns:
        The same items, with the reports over the limit replaced by error rows.
    """
    known: set[str] = set()
    for item in items:
        if isinstance(item, Report) and item.meta and not known.issuperset(item.meta):
            new = [key for key in item.meta if key not in known]
            if len(known) + len(new) > limit:
                reason = Errors.E150.format(limit=limit)
                yield RecordError(item.source, item.line, item.report_id, "E150", reason)
                continue
            known.update(new)
        yield item


def _reader_for(
    path: Path, id_col: str, text_col: str, limits: InputLimits, options: ReadOptions
) -> Callable[[], Iterator[Item]]:
    """Check one input and return a function that starts reading it."""
    kind = input_kind(path)
    if kind == "stdin" or kind in STREAM_KINDS:
        return _stream_reader(path, kind, id_col, text_col, limits, options)
    if kind == "xlsx":
        check_columns(path, xlsx_header(path), id_col, text_col)
        return lambda: read_xlsx_file(path, id_col, text_col, limits)
    if kind == "parquet":
        check_columns(path, _parquet_columns(path), id_col, text_col)
        return lambda: _read_parquet(path, id_col, text_col, limits)
    if kind == "txt":
        return lambda: iter([read_txt_file(path, options.encoding)])
    files = txt_files(path)
    return lambda: (read_txt_file(file, options.encoding) for file in files)


def _stream_reader(
    path: Path,
    kind: InputKind,
    id_col: str,
    text_col: str,
    limits: InputLimits,
    options: ReadOptions,
) -> Callable[[], Iterator[Item]]:
    """Check a JSON Lines, CSV or TSV input (a file, maybe compressed, or standard input)
    and return a function that starts reading it."""
    source: Source
    if kind == "stdin":
        stdin = StdinSource()
        kind = _stdin_kind(stdin, options)
        source = stdin
    else:
        file = FileSource(path, compression_of(path))
        _check_content(file)
        source = file
    if kind == "jsonl":
        check_jsonl_columns(source, id_col, text_col, options)
        return lambda: read_jsonl_file(source, id_col, text_col, limits, options)
    delimiter = options.delimiter or DELIMITERS[f".{kind}"]
    check_columns(source.label, csv_header(source, limits, delimiter, options), id_col, text_col)
    return lambda: read_csv_file(source, id_col, text_col, limits, delimiter, options)


# --- Parquet -----------------------------------------------------------------------------------


def _parquet_columns(path: Path) -> list[str]:
    """Return the column names of a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as e:
        raise InputError(Errors.E105.format(path=path, detail=describe_error(e))) from e


def _read_parquet(path: Path, id_col: str, text_col: str, limits: InputLimits) -> Iterator[Item]:
    """Yield one item per row of a Parquet file (row 1 = first row), batch by batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = str(path)
    row_number = 0
    max_id = limits.max_report_id_chars
    try:
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for fields in batch.to_pylist():
                row_number += 1
                yield build_record(fields, id_col, text_col, source, row_number, max_id)
    except (OSError, pa.ArrowException) as e:
        detail = f"{describe_error(e)} after row {row_number}"
        raise InputError(Errors.E105.format(path=path, detail=detail)) from e
