"""What every command's run summary shares: records read, error rows, the files written.

A command's summary (``ExtractSummary``, ``AuditRunSummary``, ...) is a frozen dataclass on
:class:`RunSummary`, which holds the row check and the written files; the ``format_*`` helpers
here render the lines every command prints the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from calcminer.nlp.errors import Errors

#: One written file: (role, path, rows); rows is 0 for a figure.
Written = tuple[str, Path, int]


def written_path(outputs: Sequence[Written], role: str) -> Path | None:
    """The path written for a role, from a summary's ``(role, path, rows)`` list."""
    return next((path for written, path, _ in outputs if written == role), None)


@dataclass(frozen=True)
class RunSummary:
    """Counts and files of one command run (no report text).

    A subclass adds its own counts and says in :attr:`rows_used` how many records became a
    row of its main output (a report, an exam).

    Attributes:
        records_read: Input records read.
        errors: Error rows (one per record that could not be used).
        outputs: Written files, as (role, path, rows), in the order written.
    """

    records_read: int
    errors: int
    outputs: tuple[Written, ...]

    @property
    def rows_used(self) -> int:
        """Records read that became a row of the main output."""
        raise NotImplementedError

    @property
    def rows_match(self) -> bool:
        """Whether every record read gave exactly one main row or one error row."""
        return self.records_read == self.rows_used + self.errors

    @property
    def errors_path(self) -> Path | None:
        """The errors table written, if any."""
        return written_path(self.outputs, "errors")

    @property
    def all_errors(self) -> bool:
        """Whether records were read and every one became an error row (the run failed)."""
        return self.records_read > 0 and self.rows_used == 0 and self.errors == self.records_read


def format_check(summary: RunSummary, rows: str) -> str:
    """The row check line: ``check: records in N = <rows> R + error rows E: ok``.

    Args:
        summary: A run summary.
        rows: What the main rows are called (``report rows``, ``exams``, ``reports``).
    """
    check = "ok" if summary.rows_match else "FAILED"
    return (
        f"check: records in {summary.records_read} = {rows} {summary.rows_used} "
        f"+ error rows {summary.errors}: {check}"
    )


def format_triage(triage: Mapping[str, int]) -> str:
    """Reports per triage level, e.g. ``none 3, benign 2, workup 1, urgent 0``."""
    return ", ".join(f"{level} {count}" for level, count in triage.items())


def format_error_codes(codes: Mapping[str, int]) -> str:
    """Error rows per code, e.g. ``E115 x2, E117 x1``."""
    return ", ".join(f"{code} x{n}" for code, n in codes.items())


def format_written(outputs: Sequence[Written]) -> list[str]:
    """One ``wrote <role>: <path> (<rows> rows)`` line per written table."""
    return [f"wrote {role}: {path} ({rows} rows)" for role, path, rows in outputs]


def format_all_errors(
    summary: RunSummary, codes: Mapping[str, int], rows: str, options: str
) -> str | None:
    """E255 for a run in which every record read became an error row, None otherwise (also
    for a run that read no record).

    Args:
        summary: A run summary.
        codes: Its error rows per code.
        rows: What its main rows are called (``reports``, ``exams``).
        options: The options that name and read the columns, for the message.
    """
    if not summary.all_errors:
        return None
    return Errors.E255.format(
        count=summary.records_read,
        codes=format_error_codes(codes),
        rows=rows,
        path=summary.errors_path,
        options=options,
    )
