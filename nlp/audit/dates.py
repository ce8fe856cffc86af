"""Exam dates as archives hold them: :func:`parse_exam_date` reads one value, and
:class:`DayMonthOrder` decides, over a whole date column, whether its dates are day first or
month first.

Layouts read without a ``strptime`` format (a time of day may follow the date, after a space
or ``T``, and is dropped: ``08:08``, ``08:08:00``, ``8:08 PM``, ``08:08:00.000+01:00``):

- ISO ``2019-10-01`` (anything after a space or ``T`` is dropped, as it always was), and
  year first with ``-``, ``/`` or ``.`` and one- or two-digit month and day: ``2019/10/01``;
- ``yyyymmdd``, optionally with a time, also an HL7 one (``20191001``, ``201910010808``,
  ``20191001080800``);
- year last: ``dd.mm.yyyy`` (day first: the dotted dates of European exports), and
  ``dd/mm/yyyy`` or ``mm/dd/yyyy`` (also with ``-``), whose order is the column's
  (:class:`DayMonthOrder`), or the one given (``--dayfirst``, ``--monthfirst``).

Two-digit years are not read (``--date-format %d/%m/%y`` reads them). This module is the
audit's domain: no pandas (a ``pandas.Timestamp`` is a ``datetime``) and no files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from calcminer.nlp.errors import DataError, Errors, InputError

#: Date formats read without ``--date-format``: ISO date, or ISO date and time.
ISO_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

#: A time of day after a date: ``T`` or spaces, ``H:MM[:SS[.fff]]``, AM/PM, a time zone.
_TIME = (
    r"(?:(?:T|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<sec>\d{2})(?:[.,]\d+)?)?"
    r"(?:\s*(?P<half>[AaPp])\.?[Mm]\.?)?(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?)?"
)
#: Year first: ``2019/10/01``, ``2019.10.1``, ``2019-1-5`` (ISO itself is read before).
_YEAR_FIRST = re.compile(
    r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})" + _TIME
)
#: ``yyyymmdd``, then a time: HL7's ``HHMM[SS[.ffff]][+zzzz]`` or one after a space or ``T``.
_COMPACT = re.compile(
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
    r"(?:(?P<hl7_hour>\d{2})(?P<hl7_minute>\d{2})(?:(?P<hl7_sec>\d{2})(?:\.\d+)?)?"
    r"(?:[+-]\d{4})?|" + _TIME + ")"
)
#: Year last: ``01/10/2019``, ``1-10-2019``, ``01.10.2019``; which field is the day depends on
#: the order.
_YEAR_LAST = re.compile(
    r"(?P<first>\d{1,2})(?P<sep>[-/.])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4})" + _TIME
)
#: Separators of year-last dates whose order is not settled by convention (the column's
#: dates decide it); a dotted date is day first unless ``--monthfirst`` says otherwise.
ORDER_SEPARATORS = frozenset({"/", "-"})

#: The layouts, for messages (``detail`` of E302).
LAYOUTS = "YYYY-MM-DD, YYYY/MM/DD, DD.MM.YYYY, MM/DD/YYYY or DD/MM/YYYY, YYYYMMDD"
UNKNOWN_LAYOUT = f"not a date in a layout calcminer reads ({LAYOUTS}; a time may follow)"
BAD_TIME = "a date followed by a time that is no time of day"


@dataclass(frozen=True)
class YearLast:
    """A year-last date string, read but not yet ordered: ``first`` and ``second`` are its
    first two fields (day and month in some order)."""

    first: int
    second: int
    year: int
    separator: str

    def reading(self, day_first: bool) -> date | None:
        """The date in one order, None when that order gives no calendar date."""
        day, month = (self.first, self.second) if day_first else (self.second, self.first)
        return _calendar(self.year, month, day)

    @property
    def orders(self) -> tuple[bool, bool]:
        """Whether the date reads day first, and whether it reads month first."""
        return self.reading(True) is not None, self.reading(False) is not None


def _calendar(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _time_ok(match: re.Match[str], prefix: str = "") -> bool:
    """Whether the time of day a layout matched (if any) is one."""
    hour = match.group(prefix + "hour")
    if hour is None:
        return True
    half = None if prefix else match.group("half")
    second = match.group(prefix + "sec")
    hours_ok = 1 <= int(hour) <= 12 if half else int(hour) <= 23
    return hours_ok and int(match.group(prefix + "minute")) <= 59 and int(second or 0) <= 60


def year_last(text: str) -> YearLast | None:
    """The fields of a year-last date string (``01/10/2019 08:08``), None for any other."""
    match = _YEAR_LAST.fullmatch(text)
    if match is None or not _time_ok(match):
        return None
    return _year_last_fields(match)


def _year_last_fields(match: re.Match[str]) -> YearLast:
    return YearLast(int(match["first"]), int(match["second"]), int(match["year"]), match["sep"])


def parse_exam_date(
    value: Any, date_format: str | None = None, day_first: bool | None = None
) -> date:
    """Read an exam date from an archive value.

    Args:
        value: A ``date``/``datetime`` (databases, Parquet, DataFrames; a ``pandas.Timestamp``
            too) or a string in one of the module's layouts, or in ``date_format`` when given.
        date_format: A ``strptime`` format (e.g. ``%d/%m/%Y``); then no other layout is read.
        day_first: The order of ``dd/mm/yyyy``-like dates: True day first, False month first
            (also for dotted dates); None reads a date that fits one order only in that order,
            a dotted date day first, and rejects a date that fits both (E313, "ambiguous":
            the audit decides the order over the whole column, :class:`DayMonthOrder`).

    Returns:
        The date (any time of day is dropped).

    Raises:
        DataError: E313 for a missing, empty or unparseable value (a ``ValueError`` too); the
            message never repeats the value, and ``detail`` holds the reason alone.
    """

    def bad(detail: str) -> DataError:
        return DataError(Errors.E313.format(detail=detail), detail)

    if isinstance(value, datetime):
        if value != value:  # pandas.NaT is a datetime, and equal to nothing
            raise bad("missing")
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or (isinstance(value, float) and value != value):
        raise bad("missing")
    if not isinstance(value, str):
        raise bad(f"a value of type {type(value).__name__}")
    text = value.strip()
    if not text:
        raise bad("empty")
    if date_format is not None:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            raise bad(f"not in the format {date_format!r}") from None
    if ISO_DATE_PATTERN.fullmatch(text[:10]) and (len(text) == 10 or text[10] in "T "):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise bad("not a calendar date") from None
    for pattern in (_YEAR_FIRST, _COMPACT, _YEAR_LAST):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        if not _time_ok(match) or (pattern is _COMPACT and not _time_ok(match, "hl7_")):
            raise bad(BAD_TIME)
        if pattern is _YEAR_LAST:
            return _ordered(_year_last_fields(match), day_first, bad)
        found = _calendar(int(match["year"]), int(match["month"]), int(match["day"]))
        if found is None:
            raise bad("not a calendar date")
        return found
    raise bad(UNKNOWN_LAYOUT)


def _ordered(fields: YearLast, day_first: bool | None, bad: Callable[[str], DataError]) -> date:
    """A year-last date in the order given, or the one it fits (see :func:`parse_exam_date`)."""
    if day_first is None and fields.separator not in ORDER_SEPARATORS:
        day_first = True  # dd.mm.yyyy
    if day_first is not None:
        found = fields.reading(day_first)
        if found is None:
            order = "day first" if day_first else "month first"
            raise bad(f"not a calendar date read {order}")
        return found
    by_day, by_month = fields.reading(True), fields.reading(False)
    if by_day is not None and by_month is not None and by_day != by_month:
        raise bad("ambiguous between day first and month first (give the order: day_first)")
    found = by_day or by_month
    if found is None:
        raise bad("not a calendar date read day first or month first")
    return found


class DayMonthOrder:
    """The order of a date column's ``dd/mm/yyyy``-like dates, decided over all its values.

    :meth:`see` notes each value: a date that is a calendar date in one order only (a day above
    12) votes for that order; one that is a date in both orders, with day and month not equal,
    is ambiguous; the others (ISO, datetimes, ``01/01/2019``, dotted dates, non-dates) say
    nothing. :meth:`decide` then gives the order, or stops the run: a column whose dates vote
    for both orders (E319), or that has ambiguous dates and no vote (E318).

    Args:
        column: The date column's name, for messages.
    """

    def __init__(self, column: str) -> None:
        self.column = column
        self.votes: dict[bool, int] = {True: 0, False: 0}
        self.first_vote: dict[bool, str] = {}
        self.ambiguous = 0
        self.first_ambiguous: str | None = None

    def see(self, value: Any, where: str) -> None:
        """Note one value of the column; ``where`` names its record for messages (never the
        value)."""
        if not isinstance(value, str):
            return
        fields = year_last(value.strip())
        if fields is None or fields.separator not in ORDER_SEPARATORS:
            return
        day_first, month_first = fields.orders
        if day_first != month_first:
            self.votes[day_first] += 1
            self.first_vote.setdefault(day_first, where)
        elif day_first and fields.first != fields.second:
            self.ambiguous += 1
            if self.first_ambiguous is None:
                self.first_ambiguous = where

    def decide(self) -> bool | None:
        """The column's order: True day first, False month first, None when its values need
        none (no date of that layout, or none that reads both ways).

        Raises:
            InputError: E319 when some dates read only day first and others only month
                first; E318 when dates read both ways and none decides.
        """
        if self.votes[True] and self.votes[False]:
            raise InputError(
                Errors.E319.format(
                    column=self.column,
                    dayfirst=self.votes[True],
                    dayfirst_where=self.first_vote[True],
                    monthfirst=self.votes[False],
                    monthfirst_where=self.first_vote[False],
                )
            )
        if self.votes[True] or self.votes[False]:
            return bool(self.votes[True])
        if self.ambiguous:
            raise InputError(
                Errors.E318.format(
                    column=self.column, count=self.ambiguous, where=self.first_ambiguous
                )
            )
        return None


__all__ = [
    "BAD_TIME",
    "ISO_DATE_PATTERN",
    "LAYOUTS",
    "ORDER_SEPARATORS",
    "UNKNOWN_LAYOUT",
    "DayMonthOrder",
    "YearLast",
    "parse_exam_date",
    "year_last",
]
