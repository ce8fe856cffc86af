"""The plant script (tests/plant_bugs.py) can still plant each bug in today's code.

The script itself runs the suite once per bug (about a minute); here only its edits are
checked, so that moving the code a plant targets fails the suite instead of the next plant run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from plant_bugs import PLANTS, REPO_ROOT, Plant, PlantError, drop_context_rule, replace_once


@pytest.mark.parametrize("plant", PLANTS, ids=[p.key for p in PLANTS])
def test_plant_bugs_each_edit_applies_to_the_current_code(plant: Plant) -> None:
    original = (REPO_ROOT / plant.path).read_text(encoding="utf-8")
    planted = plant.edit(original)
    assert planted != original
    assert any(list(REPO_ROOT.glob(pattern)) for pattern in plant.tests)


def test_plant_bugs_edits_refuse_a_missing_or_repeated_target() -> None:
    with pytest.raises(PlantError, match="found 0"):
        replace_once(r"no such code", "x")("some code\n")
    with pytest.raises(PlantError, match="found 2"):
        replace_once(r"a > b", "a >= b")("a > b\na > b\n")
    rules = '{"context_rules": [{"literal": "no", "category": "NEGATED_EXISTENCE"}]}'
    with pytest.raises(PlantError, match="found 0"):
        drop_context_rule("without", "NEGATED_EXISTENCE")(rules)
    assert '"no"' not in drop_context_rule("NO", "NEGATED_EXISTENCE")(rules)


def test_plant_bugs_copies_leave_out_blind_sets_and_caches(tmp_path: Path) -> None:
    from plant_bugs import COPY_IGNORE

    names = ["blind_a.jsonl", "dev_a.jsonl", "__pycache__", ".git", "x.py"]
    assert set(COPY_IGNORE(str(tmp_path), names)) == {"blind_a.jsonl", "__pycache__", ".git"}
