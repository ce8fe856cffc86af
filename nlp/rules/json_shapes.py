"""Shapes of loaded JSON, and the checker that says what does not fit and where.

A shape is a string (:class:`Text`), a regular expression (:class:`Regex`), an integer, a
number, true/false, a list (:class:`ListOf`), an object of any keys whose values share one
shape (:class:`MapOf`) or a table with fixed keys (:class:`Table`). A table may also hold
documentation keys (:data:`DOC_KEYS`, or a name ending in :data:`DOC_SUFFIX`) whose values are
strings; any other key is an error, as is a missing key or a value of the wrong shape.
:func:`first_problem` checks loaded data against a shape and says what is wrong and where (the
key path, e.g. ``duct_context.max_gap_tokens``). The shape of ``normalization.json`` built
from them is :data:`calcminer.nlp.rules.normalization_schema.NORMALIZATION_SCHEMA`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

#: Keys a table may hold to document itself (JSON has no comments).
DOC_KEYS = frozenset({"description", "_comment"})
#: A key ending so documents the key it is named after (``max_row_chars_description``).
DOC_SUFFIX = "_description"

#: A part of a key path: a key of an object or an index of a list.
PathPart: TypeAlias = str | int
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def key_path(path: tuple[PathPart, ...]) -> str:
    """Write a key path as ``a.b[2]`` (other keys quoted: ``text_char_map['\\xa0']``)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out or "the top level"


def json_kind(value: object) -> str:
    """The JSON kind of a loaded value, for messages ("a string", "a list" ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def is_doc_key(key: str) -> bool:
    """Whether a table key documents the table (its value is a string and is not read)."""
    return key in DOC_KEYS or key.endswith(DOC_SUFFIX)


def _expected(value: object, shape: Shape, path: tuple[PathPart, ...]) -> str:
    return f"{key_path(path)}: expected {shape.describe()}, got {json_kind(value)}"


@dataclass(frozen=True)
class Text:
    """A string, of ``min_chars`` to ``max_chars`` characters."""

    min_chars: int = 0
    max_chars: int | None = None

    def describe(self) -> str:
        """What the shape expects, for messages."""
        if self.min_chars == self.max_chars == 1:
            return "one character"
        if self.max_chars is not None and self.min_chars == self.max_chars:
            return f"a string of {self.max_chars} characters"
        if self.max_chars is not None:
            return f"a string of at most {self.max_chars} character(s)"
        if self.min_chars:
            return f"a string of at least {self.min_chars} character(s)"
        return "a string"

    def fits(self, value: str) -> bool:
        """Whether a string has an allowed length."""
        return self.min_chars <= len(value) and (
            self.max_chars is None or len(value) <= self.max_chars
        )

    def problems(self, value: object, path: tuple[PathPart, ...]) -> Iterator[str]:
        """What is wrong with ``value`` at ``path``; nothing when it fits."""
        if not isinstance(value, str):
            yield _expected(value, self, path)
        elif not self.fits(value):
            yield f"{key_path(path)}: expected {self.describe()}, got {len(value)} characters"


@dataclass(frozen=True)
class Regex:
    """A string that compiles as a Python regular expression with ``min_groups`` groups."""

    min_groups: int = 0

    def describe(self) -> str:
        """What the shape expects, for messages."""
        if self.min_groups:
            return f"a regular expression with at least {self.min_groups} group(s)"
        return "a regular expression"

    def problems(self, value: object, path: tuple[PathPart, ...]) -> Iterator[str]:
        """What is wrong with ``value`` at ``path``; nothing when it fits."""
        if not isinstance(value, str):
            yield _expected(value, self, path)
            return
        try:
            groups = re.compile(value).groups
        except re.error as e:
            yield f"{key_path(path)}: not a valid regular expression ({e})"
            return
        if groups < self.min_groups:
            yield f"{key_path(path)}: expected {self.describe()}, got {groups} group(s)"


@dataclass(frozen=True)
class Integer:
    """A whole number (a token count, a number of words)."""

    def describe(self) -> str:
        """What the shape expects, for messages."""
        return "an integer"

    def problems(self, value: object, path: tuple[PathPart, ...]) -> Iterator[str]:
        """What is wrong with ``value`` at ``path``; nothing when it fits."""
        if not isinstance(value, int) or isinstance(value, bool):
            yield _expected(value, self, path)


@dataclass(frozen=True)
class Number:
    """A number, whole or not (a size in mm, a unit's factor)."""

    def describe(self) -> str:
        """What the shape expects, for messages."""
        return "a number"

    def problems(self, value: object, path: tuple[PathPart, ...]) -> Iterator[str]:
        """What is wrong with ``value`` at ``path``; nothing when it fits."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            yield _expected(value, self, path)


@dataclass(frozen=True)
class Flag:
    """``true`` or ``false``."""

    def describe(self) -> str:
        """What the shape expects, for messages."""
        return "true or false"

    def problems(self, value: object, path: tuple[PathPart, ...]) -> Iterator[str]:
        """What is wrong with ``value`` at ``path``; nothing when it fits."""
        if not isinstance(value, bool):
            yield _expected(value, self, path)


@dataclass(frozen=True)
class ListOf:
    """A list whose items all have the shape ``item``."""

    item: Shape

    def describe(self) -> str:
        """What the shape expects, for messages."""
        return f"a list of {_plural(self.item)}"

    def problems(self, value: object, path: tuple[PathPart, ...]) -> Iterator[str]:
        """What is wrong with ``value`` at ``path``; nothing when it fits."""
        if not isinstance(value, list):
            yield _expected(value, self, path)
            return
        for i, item in enumerate(value):
            yield from self.item.problems(item, (*path, i))


@dataclass(frozen=True)
class MapOf:
    """An object of any keys (of the shape ``keys``) whose values have the shape ``value``.

    Attributes:
        value: The shape of every value.
        keys: The shape of every key.
        reserved: Keys that are not data, each with its own shape, all optional
            (``text_char_map``: ``_comment`` and ``_context``).
    """

    value: Shape
    keys: Text = Text()
    reserved: Mapping[str, Shape] = field(default_factory=dict)

    def describe(self) -> str:
        """What the shape expects, for messages."""
        return f"an object of {_plural(self.value)}"

    def problems(self, value: object, path: tuple[PathPart, ...]) -> Iterator[str]:
        """What is wrong with ``value`` at ``path``; nothing when it fits."""
        if not isinstance(value, dict):
            yield _expected(value, self, path)
            return
        for key, item in value.items():
            if key in self.reserved:
                yield from self.reserved[key].problems(item, (*path, key))
                continue
            if not self.keys.fits(key):
                yield f"{key_path((*path, key))}: the key must be {self.keys.describe()}"
            yield from self.value.problems(item, (*path, key))


@dataclass(frozen=True)
class Table:
    """An object with fixed keys, each with its shape; all required.

    Documentation keys (:func:`is_doc_key`) may be added, with string values; any other key
    is an error.
    """

    fields: Mapping[str, Shape]

    def describe(self) -> str:
        """What the shape expects, for messages."""
        return "a table"

    def problems(self, value: object, path: tuple[PathPart, ...]) -> Iterator[str]:
        """What is wrong with ``value`` at ``path``; nothing when it fits."""
        if not isinstance(value, dict):
            yield _expected(value, self, path)
            return
        missing = [
            f"{key_path((*path, key))} ({shape.describe()})"
            for key, shape in self.fields.items()
            if key not in value
        ]
        unknown = [
            key_path((*path, key))
            for key in value
            if key not in self.fields and not is_doc_key(key)
        ]
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"missing key(s) {', '.join(missing)}")
            if unknown:
                parts.append(
                    f"unknown key(s) {', '.join(unknown)} (not read by calcminer; the keys "
                    f"that document a table are {', '.join(sorted(DOC_KEYS))} and names "
                    f"ending in {DOC_SUFFIX})"
                )
            yield "; ".join(parts)
            return
        for key, item in value.items():
            if key in self.fields:
                yield from self.fields[key].problems(item, (*path, key))
            elif not isinstance(item, str):
                yield _expected(item, Text(), (*path, key))


#: Any shape.
Shape: TypeAlias = Text | Regex | Integer | Number | Flag | ListOf | MapOf | Table


def _plural(shape: Shape) -> str:
    """The shape's items, for "a list of ..." ("strings", "lists of strings" ...)."""
    if isinstance(shape, Text):
        return "strings"
    if isinstance(shape, ListOf):
        return f"lists of {_plural(shape.item)}"
    if isinstance(shape, MapOf | Table):
        return "objects"
    if isinstance(shape, Regex):
        return "regular expressions"
    if isinstance(shape, Integer):
        return "integers"
    if isinstance(shape, Number):
        return "numbers"
    return "true/false values"


def problems(data: object, schema: Shape) -> Iterator[str]:
    """What is wrong with loaded JSON data, checked against a shape, first found first.

    Args:
        data: The loaded JSON.
        schema: Its shape (:data:`~calcminer.nlp.rules.normalization_schema.NORMALIZATION_SCHEMA`
            for ``normalization.json``).

    Yields:
        One message per problem, each starting with the key path it is at.
    """
    yield from schema.problems(data, ())


def first_problem(data: object, schema: Shape) -> str | None:
    """The first problem :func:`problems` finds, or None when the data fits the shape."""
    return next(problems(data, schema), None)


def schema_key_paths(shape: Shape, path: tuple[PathPart, ...] = ()) -> set[str]:
    """The key paths of every table key of a shape (through tables, not other shapes)."""
    if not isinstance(shape, Table):
        return set()
    out = set()
    for key, sub in shape.fields.items():
        out.add(key_path((*path, key)))
        out |= schema_key_paths(sub, (*path, key))
    return out
