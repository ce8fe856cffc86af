"""The progress bar of a run: reports mined, reports/s and time left, on stderr, shown only
on a terminal (its total comes from :func:`calcminer.nlp.engine.inputs.count_records`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


class ProgressBar:
    """A progress bar with reports/s and ETA on stderr, shown only on a terminal.

    Args:
        total: The records to mine, None if unknown (no time left is shown), or a function
            that counts them: called only when the bar is shown, so a run whose stderr is no
            terminal does not read its inputs to count them.
        enabled: Whether to show the bar (on a terminal).
    """

    def __init__(self, total: int | Callable[[], int | None] | None, enabled: bool) -> None:
        self._bar: Any = None
        if enabled and sys.stderr.isatty():
            if callable(total):
                total = total()
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("mining"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} reports/s"),
                TimeRemainingColumn(),
                transient=True,
            )
            self._task = self._bar.add_task("mining", total=total, rate="-")

    def __enter__(self) -> ProgressBar:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, records: int) -> None:
        """Count ``records`` more records mined (nothing when no bar is shown)."""
        if self._bar is None:
            return
        self._bar.advance(self._task, records)
        task = self._bar.tasks[0]
        speed = task.speed
        self._bar.update(self._task, rate=f"{speed:,.0f}" if speed else "-")


__all__ = ["ProgressBar"]
