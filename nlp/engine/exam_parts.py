"""Part files of an audit run: one chunk's exams and error rows, kept for ``--resume``.

An audit chunk becomes a list of ``(order, item)`` pairs in archive order, where ``item`` is
an :class:`~calcminer.nlp.audit.exams.UndatedExam` or a
:class:`~calcminer.nlp.schema.RecordError`. The list is stored whole, with whatever fields
those dataclasses have (new fields need no change here), as a *restricted* pickle:

* Written with :class:`_ExamPickler`: values of a type that is not on the allow-list
  (:func:`allowed_instance`) are stored as their text, as the CSV writers would write them;
  a time zone other than a fixed offset becomes the fixed offset it had at that time (the
  wall-clock time, and so the exam's day, is unchanged).
* Read with :class:`_ExamUnpickler`, which resolves only the allow-listed names
  (:data:`SAFE_GLOBALS`) and calcminer's own dataclasses and enums: nothing in a part can
  run other code, whoever wrote it. Anything else is refused (:class:`PartFormatError`).

Both the chunks mined in this run and the resumed ones are read back from their parts, so a
resumed run gives exactly what an uninterrupted one gives.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import io
import pickle
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from calcminer.nlp.engine.parts import PartFormatError

#: The first bytes of every audit part; a part of another format is refused.
EXAM_PART_FORMAT = b"calcminer-exams/1\n"
#: Pickle protocol of the parts.
_PROTOCOL = 5
#: Module prefix of the classes a part may name besides :data:`SAFE_GLOBALS`.
_OWN_PREFIX = "calcminer.nlp."

#: The only names (module, name) other than calcminer's dataclasses a part may name.
SAFE_GLOBALS: frozenset[tuple[str, str]] = frozenset(
    {
        ("builtins", "str"),
        ("builtins", "set"),
        ("builtins", "frozenset"),
        ("builtins", "bytearray"),
        ("builtins", "complex"),
        ("collections", "OrderedDict"),
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "time"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("decimal", "Decimal"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("pandas._libs.tslibs.timestamps", "_unpickle_timestamp"),
        ("pandas._libs.tslibs.nattype", "__nat_unpickle"),
        ("pandas._libs.tslibs.timedeltas", "_timedelta_unpickle"),
        ("pandas._libs.missing", "NA"),
    }
)
#: Instances of these types are stored as they are (besides the plain JSON-like types).
_SAFE_TYPES: frozenset[type] = frozenset(
    {
        set,
        frozenset,
        bytearray,
        complex,
        dt.date,
        dt.datetime,
        dt.time,
        dt.timedelta,
        dt.timezone,
        Decimal,
    }
)
#: Modules whose instances are stored as they are (their pickles name only SAFE_GLOBALS).
_SAFE_INSTANCE_MODULES = (
    "numpy",
    "pandas._libs.tslibs.timestamps",
    "pandas._libs.tslibs.nattype",
    "pandas._libs.tslibs.timedeltas",
    "pandas._libs.missing",
)


def _own_class(value: Any) -> bool:
    """Whether ``value`` is one of calcminer's dataclasses or enums."""
    return (
        isinstance(value, type)
        and value.__module__.startswith(_OWN_PREFIX)
        and (dataclasses.is_dataclass(value) or issubclass(value, enum.Enum))
    )


def allowed_instance(value: Any) -> bool:
    """Whether a value is stored as it is (else as its text).

    Args:
        value: Any value of an exam or error row.

    Returns:
        True for the allow-listed types, numpy scalars and dtypes, pandas timestamps,
        durations and missing values, and calcminer's dataclasses and enums.
    """
    kind = type(value)
    if kind in _SAFE_TYPES or _own_class(kind):
        return True
    module = kind.__module__
    if module == "numpy":
        import numpy as np

        return isinstance(value, np.generic | np.dtype) and not isinstance(value, np.object_)
    return module.startswith(_SAFE_INSTANCE_MODULES)


def _fixed_offset(value: dt.datetime | dt.time) -> Any:
    """A time with its zone replaced by the fixed offset it has (same wall-clock time)."""
    offset = value.utcoffset()
    zone = dt.UTC if offset is None or not offset else dt.timezone(offset)
    return value.replace(tzinfo=zone)


class _ExamPickler(pickle.Pickler):
    """Pickles exams and error rows, storing any value of another type as its text."""

    def reducer_override(self, obj: Any) -> Any:
        """Store an allow-listed value as usual, anything else as its text.

        Args:
            obj: The value being pickled.

        Returns:
            ``NotImplemented`` (pickle it as usual), or how to rebuild its replacement.
        """
        if isinstance(obj, type) or (callable(obj) and hasattr(obj, "__qualname__")):
            # A name (a class, a function that rebuilds a value): kept if a part may name it.
            name = (getattr(obj, "__module__", None), obj.__qualname__)
            allowed = name in SAFE_GLOBALS or _own_class(obj)
            return NotImplemented if allowed else (str, (repr(obj),))
        zoned = isinstance(obj, dt.datetime | dt.time) and obj.tzinfo is not None
        if zoned and type(obj.tzinfo) is not dt.timezone:
            return _fixed_offset(obj).__reduce_ex__(_PROTOCOL)
        if allowed_instance(obj):
            return NotImplemented
        return str, (str(obj),)


class _ExamUnpickler(pickle.Unpickler):
    """Reads a part, resolving only the allow-listed names and calcminer's dataclasses."""

    def find_class(self, module: str, name: str) -> Any:
        """The named class or function, if a part may name it.

        Raises:
            PartFormatError: For any other name.
        """
        if (module, name) in SAFE_GLOBALS:
            return super().find_class(module, name)
        if module.startswith(_OWN_PREFIX) and "." not in name:
            found = super().find_class(module, name)
            if _own_class(found):
                return found
        raise PartFormatError(f"it names {module}.{name}, which a part may not name")


def encode_exam_part(index: int, items: Sequence[tuple[int, Any]]) -> bytes:
    """The bytes of one audit part: chunk ``index``'s ``(order, exam or error row)`` pairs.

    Args:
        index: The chunk's position in the run.
        items: The chunk's records, in archive order.

    Returns:
        The part's bytes.
    """
    buffer = io.BytesIO()
    buffer.write(EXAM_PART_FORMAT)
    _ExamPickler(buffer, protocol=_PROTOCOL).dump((index, list(items)))
    return buffer.getvalue()


def decode_exam_part(data: bytes, index: int) -> list[tuple[int, Any]]:
    """The ``(order, exam or error row)`` pairs of a part written by :func:`encode_exam_part`.

    Args:
        data: The part's bytes.
        index: The chunk the part must belong to.

    Returns:
        The pairs, in archive order.

    Raises:
        PartFormatError: When the data is not an audit part of chunk ``index``.
    """
    if not data.startswith(EXAM_PART_FORMAT):
        raise PartFormatError("it is not an audit part of this calcminer version")
    try:
        stored = _ExamUnpickler(io.BytesIO(data[len(EXAM_PART_FORMAT) :])).load()
    except PartFormatError:
        raise
    # Damaged data fails in many ways (UnpicklingError, EOFError, a TypeError or ValueError
    # from a constructor): each means a bad part.
    except (pickle.UnpicklingError, EOFError, TypeError, ValueError, AttributeError) as e:
        raise PartFormatError(f"its data cannot be read ({type(e).__name__})") from e
    except (ImportError, IndexError, KeyError, RecursionError, MemoryError) as e:
        raise PartFormatError(f"its data cannot be read ({type(e).__name__})") from e
    if not (
        isinstance(stored, tuple)
        and len(stored) == 2
        and stored[0] == index
        and isinstance(stored[1], list)
        and all(
            isinstance(pair, tuple) and len(pair) == 2 and type(pair[0]) is int
            for pair in stored[1]
        )
    ):
        raise PartFormatError(f"it is not the audit part of chunk {index}")
    pairs: list[tuple[int, Any]] = stored[1]
    return pairs


__all__ = [
    "EXAM_PART_FORMAT",
    "SAFE_GLOBALS",
    "allowed_instance",
    "decode_exam_part",
    "encode_exam_part",
]
