"""How ConText cues decide a calcification's assertion, through the whole miner.

Focused guards for interactions that the gold sets exercise only once or never: a CURRENT cue
overriding a HISTORICAL one (``nlp/pipeline/linking/record.py``), and the "without" negation. The
one-example-per-rule table of ``patterns/context_rules.json`` lives beside this file.
"""

from __future__ import annotations

import pytest

from calcminer.nlp.mining.miner import Miner


def _only_finding_assertion(miner: Miner, text: str) -> tuple[bool, str, bool]:
    result = miner.mine_text(text)
    assert len(result.findings) == 1, [f.text for f in result.findings]
    finding = result.findings[0]
    return result.calcification, finding.assertion, finding.counted


@pytest.mark.parametrize(
    ("historical", "current"),
    [
        pytest.param(
            "LIVER: History of calcified granuloma in segment VI.",
            "LIVER: History of calcified granuloma in segment VI, unchanged.",
            id="history_of_unchanged",
        ),
        pytest.param(
            "LIVER: Known history of a calcified granuloma in segment VII.",
            "LIVER: Known history of a calcified granuloma in segment VII, again seen.",
            id="known_history_again_seen",
        ),
        pytest.param(
            "LIVER: Calcified granuloma in segment VI was described on the prior CT.",
            "LIVER: Calcified granuloma in segment VI was described on the prior CT and is still "
            "present.",
            id="described_on_prior_still_present",
        ),
    ],
)
def test_context_current_cue_overrides_historical(
    miner: Miner, historical: str, current: str
) -> None:
    """GOLD_GUIDE: purely historical mentions are not counted; "stable" or "unchanged" ones
    (described now) are. The historical cue alone makes it historical; with a current cue
    beside it, the calcification is present and counted."""
    assert _only_finding_assertion(miner, historical) == (False, "historical", False)
    assert _only_finding_assertion(miner, current) == (True, "present", True)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("LIVER: 12 mm lesion in segment VI without calcification.", id="lesion"),
        pytest.param(
            "LIVER: Simple cyst in the right lobe without calcification or septation.",
            id="cyst_or",
        ),
        pytest.param("LIVER: Normal echotexture without calcification.", id="normal_liver"),
    ],
)
def test_context_without_negates(miner: Miner, text: str) -> None:
    """'... without calcification' is a negated calcification: not counted, triage none."""
    result = miner.mine_text(text)
    assert [f.assertion for f in result.findings] == ["negated"]
    assert not result.calcification and result.triage == "none"


def test_context_without_change_is_not_a_negation(miner: Miner) -> None:
    """The pseudo-negation 'without change' leaves the calcification present."""
    result = miner.mine_text("LIVER: A 5 mm calcified granuloma in segment VI, without change.")
    assert [f.assertion for f in result.findings] == ["present"]
    assert result.calcification and result.triage == "benign"
