"""The JSON Lines reader: one JSON object per line, one item per non-blank line.

Syntax, encoding and Python's own limits are record errors, not crashes: malformed JSON
(E110), a line that is no object (E111), bytes that are not UTF-8 (E117; E181 for a line that
is not in the encoding given with ``--encoding``), lone surrogates (E145), nesting past
``MAX_JSON_DEPTH_LEVELS`` (E146) and integers too long for Python (E147). The file comes from
a :class:`~calcminer.nlp.io.sources.Source`: plain, compressed, or standard input.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, BinaryIO

from calcminer.nlp.errors import Errors, InputError
from calcminer.nlp.io.records import (
    INPUT_ENCODING,
    InputLimits,
    Item,
    build_record,
    check_columns,
    kind_of,
)
from calcminer.nlp.io.sources import ReadOptions, Source
from calcminer.nlp.schema import RecordError

#: Deepest nesting of a JSON record (the record itself is level 1). Deeper records are an error
#: row (E146): no report export nests this deep, and deep values would strain the writers.
MAX_JSON_DEPTH_LEVELS = 64
#: Any lone surrogate (a JSON ``\\ud800`` escape without its pair decodes to one).
_SURROGATE = re.compile("[\ud800-\udfff]")
#: A JSON escape of a surrogate code point, in the raw bytes of a line.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _decode_line(raw: bytes, line: int) -> str:
    """Decode one JSONL line; a byte-order mark is allowed on the first line only."""
    return raw.decode(INPUT_ENCODING if line == 1 else "utf-8")


def _lines(handle: BinaryIO, options: ReadOptions) -> Iterable[bytes]:
    """The physical lines of a JSONL stream as UTF-8 bytes.

    Without ``--encoding`` they are the file's own bytes, decoded line by line (the fast path
    of archive runs). With one, the stream is decoded with that codec (so UTF-16 lines split
    right too) and each line encoded to UTF-8 again; a byte that does not decode comes back as
    an encoded lone surrogate, which no UTF-8 decoder accepts, so the line becomes E181.
    """
    if options.encoding is None:
        return handle
    text = io.TextIOWrapper(
        handle, encoding=options.encoding, errors="surrogateescape", newline="\n"
    )
    return (line.encode("utf-8", "surrogatepass") for line in text)


def _json_line_problem(error: ValueError | RecursionError, options: ReadOptions) -> tuple[str, str]:
    """Code and reason of a JSONL line that ``json.loads`` rejects (never its content).

    Besides syntax (E110) and encoding (E117, or E181 with ``--encoding``), Python's own
    limits are record errors, not crashes: nesting past the recursion limit (E146) and
    integers longer than ``sys.get_int_max_str_digits()`` (E147).
    """
    if isinstance(error, UnicodeDecodeError):
        if options.encoding is not None:
            detail = f"a byte that is not {options.encoding} text"
            return "E181", Errors.E181.format(encoding=options.encoding, detail=detail)
        return "E117", Errors.E117.format(detail=f"byte {error.start}")
    if isinstance(error, json.JSONDecodeError):
        return "E110", Errors.E110.format(detail=f"{error.msg} at column {error.colno}")
    if isinstance(error, RecursionError):
        return "E146", Errors.E146.format(limit=MAX_JSON_DEPTH_LEVELS)
    # The only other ValueError json raises: an integer over the int-to-str digit limit.
    return "E147", Errors.E147.format(limit=sys.get_int_max_str_digits())


def _json_record_problem(record: Mapping[str, Any], raw: bytes) -> tuple[str, str] | None:
    """A JSON object's first problem beyond syntax, as ``(code, reason)``: lone surrogates in
    a key or string (E145), or nesting deeper than ``MAX_JSON_DEPTH_LEVELS`` (E146)."""
    # Both are rare, so each is first looked for in the raw bytes (one C-level scan): a lone
    # surrogate can only come from a \uD800-\uDFFF escape, nesting needs a second bracket.
    if b"\\u" in raw and _SURROGATE_ESCAPE.search(raw):
        where = _surrogate_place(record)
        if where is not None:
            return "E145", Errors.E145.format(where=where)
    nested = b"[" in raw or raw.find(b"{", raw.find(b"{") + 1) >= 0
    if nested and _nesting_exceeds(record, MAX_JSON_DEPTH_LEVELS):
        return "E146", Errors.E146.format(limit=MAX_JSON_DEPTH_LEVELS)
    return None


def _nesting_exceeds(record: Mapping[str, Any], limit: int) -> bool:
    """Whether a JSON object nests more than ``limit`` levels (the object is level 1)."""
    stack: list[tuple[Any, int]] = [(record, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, list | dict))
    return False


def _surrogate_place(record: Mapping[str, Any]) -> str | None:
    """Where a record holds a lone surrogate ("Column 'x'", "A column name"), or None."""
    for key, value in record.items():
        if _SURROGATE.search(str(key)):
            return "A column name"
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                if _SURROGATE.search(item):
                    return f"Column {key!r}"
            elif isinstance(item, dict):
                if any(_SURROGATE.search(str(name)) for name in item):
                    return f"Column {key!r}"
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return None


def _shown_id(record: Mapping[str, Any], id_col: str, max_chars: int) -> str | None:
    """The record's id when it is safe to show next to an error: a plain, short string or
    integer (never a value that may be text)."""
    raw_id = record.get(id_col)
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        return None
    shown = str(raw_id)
    if not shown.strip() or len(shown) > max_chars or not shown.isprintable():
        return None
    return shown


def check_jsonl_columns(
    source: Source, id_col: str, text_col: str, options: ReadOptions | None = None
) -> None:
    """Raise E103 (E184) when no JSON object in the file has the id or text key (either).

    The scan stops at the first object that has both keys, so a well-formed file costs one
    line (standard input: after ``source.check_objects`` objects). A record that merely lacks
    a key is a record error, reported while reading.
    """
    chosen = options or ReadOptions()
    keys: dict[str, None] = {}
    objects = 0
    try:
        with source.open() as handle:
            for line, raw in enumerate(_lines(handle, chosen), start=1):
                if not raw.strip():
                    continue
                try:
                    value = json.loads(_decode_line(raw, line))
                except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
                    continue
                if not isinstance(value, dict):
                    continue
                objects += 1
                if id_col in value and text_col in value:
                    return
                keys.update(dict.fromkeys(value))
                if source.check_objects is not None and objects >= source.check_objects:
                    break
    except OSError as e:
        raise InputError(Errors.E105.format(path=source.label, detail=e.strerror or e)) from e
    except UnicodeDecodeError as e:  # only from a codec given with --encoding (UTF-16 ...)
        detail = f"not valid {chosen.encoding_name} text ({e.reason})"
        raise InputError(Errors.E105.format(path=source.label, detail=detail)) from e
    if objects:
        check_columns(source.label, list(keys), id_col, text_col)


def read_jsonl_file(
    source: Source,
    id_col: str,
    text_col: str,
    limits: InputLimits,
    options: ReadOptions | None = None,
) -> Iterator[Item]:
    """Yield one item per non-blank line of a JSON Lines file (line = physical line number)."""
    chosen = options or ReadOptions()
    name = source.name
    max_id = limits.max_report_id_chars
    try:
        with source.open() as handle:
            for line, raw in enumerate(_lines(handle, chosen), start=1):
                if not raw.strip():
                    continue
                try:
                    value = json.loads(_decode_line(raw, line))
                except (ValueError, RecursionError) as e:  # UnicodeDecodeError is a ValueError
                    yield RecordError(name, line, None, *_json_line_problem(e, chosen))
                    continue
                if not isinstance(value, dict):
                    reason = Errors.E111.format(kind=kind_of(value))
                    yield RecordError(name, line, None, "E111", reason)
                    continue
                problem = _json_record_problem(value, raw)
                if problem is not None:
                    shown = _shown_id(value, id_col, max_id)
                    yield RecordError(name, line, shown, *problem)
                    continue
                yield build_record(value, id_col, text_col, name, line, max_id)
    except OSError as e:
        raise InputError(Errors.E105.format(path=source.label, detail=e.strerror or e)) from e
    except UnicodeDecodeError as e:  # only from a codec given with --encoding (UTF-16 ...)
        detail = f"not valid {chosen.encoding_name} text ({e.reason})"
        raise InputError(Errors.E105.format(path=source.label, detail=detail)) from e


__all__ = ["MAX_JSON_DEPTH_LEVELS", "check_jsonl_columns", "read_jsonl_file"]
