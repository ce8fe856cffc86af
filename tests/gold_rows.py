"""A GOLD_GUIDE row for hand-made gold files in tests (one definition for every test module)."""

from __future__ import annotations

from typing import Any


def gold_row(report_id: str, **fields: Any) -> dict[str, Any]:
    """A GOLD_GUIDE row: by default a report without calcification; ``fields`` override."""
    row: dict[str, Any] = {
        "report_id": report_id,
        "calcification": False,
        "count": None,
        "count_category": "none",
        "max_size_mm": None,
        "segments": [],
        "lobes": [],
        "bile_duct": False,
        "diffuse": False,
        "followup_recommended": False,
        "triage": "none",
    }
    row.update(fields)
    return row
