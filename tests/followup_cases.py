"""Shared helpers of the follow-up wording test files (``test_real_phrasing_followup8.py`` to
``test_real_phrasing_followup10.py``): a case names the two report fields and, where it
matters, the recommendation rows as ``(modality, interval_days, conditional)``."""

from __future__ import annotations

from typing import Any

import pytest

from calcminer.nlp.mining.miner import Miner

Row = tuple[str, int | None, bool]

#: A clause about the liver's calcification before each recommendation.
LIVER = "Impression: 6 mm calcified granuloma in segment VII. "


def followup_case(
    text: str,
    case_id: str,
    *,
    followup: bool,
    liver: bool,
    rows: list[Row] | None = None,
) -> Any:
    """One parametrized case: the text, both report fields and the rows expected (or None)."""
    return pytest.param(text, followup, liver, rows, id=case_id)


def check_followup(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """The report fields are as expected, the rows too when given; no row when no follow-up."""
    result = miner.mine_text(text)
    got_rows = [(r.modality, r.interval_days, r.conditional) for r in result.recommendations]
    assert (result.followup_recommended, result.liver_followup_recommended) == (
        followup,
        liver,
    ), f"rows: {got_rows}"
    if rows is not None:
        assert got_rows == rows
    if not followup:
        assert got_rows == []
