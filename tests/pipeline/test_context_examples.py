"""Every ConText rule of patterns/context_rules.json exercised by one report sentence.

The table is tests/data/context_examples.jsonl, one row a case:

- ``case``: the test id (for a rule row, the rule id); ``kind``: ``rule`` (the example of
  ``rules[0]``) or ``combination`` (rules that interact);
- ``text``: a short report; ``on``: ``target`` (a calcification) or ``followup`` (a follow-up
  mention); ``target``: the words of that target, as the finding's text;
- ``assertion``: the finding's assertion (``present``, ``negated``, ``uncertain``,
  ``historical``, ``hypothetical``); for a follow-up, ``negated`` means not recommended;
  ``counted``: whether the finding counts;
- ``rules``: rule ids that must act on that target (assertion rules: in
  ``Finding.modifier_ids`` and ``modifier_spans``; CURRENT: a ConText edge on the target;
  PSEUDO, TERMINATE and CONTENTS, which make no edge: among the sentence's modifiers);
- ``absent_rules``: rule ids that must not be recorded on the target;
- ``cue``: the words of the ``rules[0]`` modifier (default: the rule's literal);
- ``without``: the target's assertion when the PSEUDO, TERMINATE and CONTENTS rules are removed
  (their observable effect: "no change" keeps a finding counted that "no" alone would negate);
- ``control``: for a follow-up row, the same report without the negation, which recommends
  follow-up.

A new rule needs its row (``test_context_rule_has_example``). Mining the ~300 short texts with
the session miner takes a few seconds.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from functools import cache
from typing import Any

import pytest
from suite_env import DATA_DIR

from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.pipeline.context import ContextAssertion
from calcminer.nlp.pipeline.extensions import CONTEXT_EDGES
from calcminer.nlp.pipeline.linking.model import ASSERTION_CATEGORIES
from calcminer.nlp.rules.patterns import CONTEXT_FILE, default_patterns_dir, load_patterns
from calcminer.nlp.schema import Finding, ReportResult, parse_modifier_span

EXAMPLES_FILE = DATA_DIR / "context_examples.jsonl"
EXAMPLES: list[dict[str, Any]] = [
    json.loads(line) for line in EXAMPLES_FILE.read_text(encoding="utf-8").splitlines() if line
]
RULE_ROWS = [r for r in EXAMPLES if r["kind"] == "rule"]
COMBINATION_ROWS = [r for r in EXAMPLES if r["kind"] == "combination"]
#: Categories whose rules make no edge; their effect shows only against a rule set without them.
EDGELESS = frozenset({"PSEUDO", "TERMINATE", "CONTENTS"})


@cache
def _rules() -> dict[str, Mapping[str, Any]]:
    """The packaged ConText rules by id."""
    return {str(r["metadata"]["id"]): r for r in load_patterns().context_rules}


@pytest.fixture(scope="module")
def without_edgeless(tmp_path_factory: pytest.TempPathFactory) -> Miner:
    """A miner on a copy of the packaged patterns without the edgeless rules (``EDGELESS``)."""
    directory = tmp_path_factory.mktemp("patterns") / "patterns"
    shutil.copytree(default_patterns_dir(), directory)
    path = directory / CONTEXT_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    data["context_rules"] = [
        r for r in data["context_rules"] if r["category"].upper() not in EDGELESS
    ]
    path.write_text(json.dumps(data), encoding="utf-8")
    return Miner(patterns_dir=directory)


def _squash(words: str) -> str:
    """Words compared without case or spacing ("R/O" and "r / o" are the same cue)."""
    return "".join(words.lower().split())


def _finding(result: ReportResult, target: str) -> Finding:
    found = [f for f in result.findings if f.text == target]
    assert found, f"no finding {target!r}; findings: {[f.text for f in result.findings]}"
    return found[0]


def _cue_of(row: Mapping[str, Any]) -> str | None:
    """The words the first rule's modifier must cover (None: a token pattern, not checked)."""
    if "cue" in row:
        return str(row["cue"])
    rule = _rules()[row["rules"][0]]
    return None if "pattern" in rule else str(rule["literal"])


def _check_target(miner: Miner, row: Mapping[str, Any], without_edgeless: Miner | None) -> None:
    """Assert the row's outcome on its calcification target and the rules that acted on it."""
    text, target = row["text"], row["target"]
    finding = _finding(miner.mine_text(text), target)
    assert (finding.assertion, finding.counted) == (row["assertion"], row["counted"]), (
        f"{target!r}: {finding.assertion}, counted {finding.counted} "
        f"(modifiers {finding.modifier_spans})"
    )
    doc = miner.nlp(text)
    edges = [e for e in doc._.get(CONTEXT_EDGES) if e[:2] == (finding.start_char, finding.end_char)]
    context = miner.nlp.get_pipe("calcminer_context")
    assert isinstance(context, ContextAssertion)
    modifiers = context.find_modifiers(doc)
    spans = [parse_modifier_span(s) for s in finding.modifier_spans]
    for k, rule_id in enumerate(row["rules"]):
        category = str(_rules()[rule_id]["category"]).upper()
        if category in ASSERTION_CATEGORIES:
            assert rule_id in finding.modifier_ids, (rule_id, finding.modifier_ids)
            where = [(s.start, s.end) for s in spans if s.rule_id == rule_id]
        elif category in {"CURRENT", "CORRESPONDING"}:
            where = [(e[4], e[5]) for e in edges if e[2:4] == (category, rule_id)]
        else:
            where = [(m.start, m.end) for m in modifiers if m.rule_id == rule_id]
        assert where, f"{rule_id} did not act on {target!r}: edges {[e[2:4] for e in edges]}"
        cue = _cue_of(row) if k == 0 else None
        if cue is not None:
            assert any(_squash(text[a:b]) == _squash(cue) for a, b in where), (rule_id, where)
    for rule_id in row.get("absent_rules", ()):
        assert rule_id not in {e[3] for e in edges}, f"{rule_id} acted on {target!r}"
    if "without" in row:
        assert without_edgeless is not None
        other = _finding(without_edgeless.mine_text(text), target)
        assert other.assertion == row["without"], (
            f"without the edgeless rules {target!r} is {other.assertion}, so the rule "
            "has no observable effect here"
        )


def _check_followup(miner: Miner, row: Mapping[str, Any]) -> None:
    """Assert that the follow-up is not recommended, by the row's rule, and is without it."""
    text, target = row["text"], row["target"]
    assert row["assertion"] == "negated"
    assert not miner.mine_text(text).followup_recommended
    assert miner.mine_text(row["control"]).followup_recommended, "control recommends nothing"
    edges = miner.nlp(text)._.get(CONTEXT_EDGES)
    cue = _cue_of(row)
    acting = [
        e
        for e in edges
        if text[e[0] : e[1]] == target
        and e[2:4] == ("NEGATED_EXISTENCE", row["rules"][0])
        and (cue is None or _squash(text[e[4] : e[5]]) == _squash(cue))
    ]
    assert acting, f"{row['rules'][0]} did not negate {target!r}: {[e[2:4] for e in edges]}"


def _check(miner: Miner, row: Mapping[str, Any], without_edgeless: Miner) -> None:
    if row["on"] == "followup":
        _check_followup(miner, row)
    else:
        _check_target(miner, row, without_edgeless)


# --- the table matches the rule file ----------------------------------------------------------


def test_context_rule_has_example() -> None:
    """A rule without an example row fails here (so a new rule comes with its example)."""
    exemplified = {r["rules"][0] for r in RULE_ROWS}
    missing = sorted(set(_rules()) - exemplified)
    assert not missing, f"ConText rules without a row in {EXAMPLES_FILE.name}: {missing}"


def test_context_example_names_known_rules() -> None:
    """An example naming a rule id that patterns/context_rules.json lacks fails here."""
    named = {
        (r["case"], rid) for r in EXAMPLES for rid in (*r["rules"], *r.get("absent_rules", ()))
    }
    unknown = sorted((case, rid) for case, rid in named if rid not in _rules())
    assert not unknown, f"examples name rules that do not exist: {unknown}"


def test_context_example_rows_are_well_formed() -> None:
    """Unique case ids; a rule row is named after its rule; known outcomes and kinds."""
    cases = [r["case"] for r in EXAMPLES]
    assert len(cases) == len(set(cases))
    for row in EXAMPLES:
        assert row["kind"] in {"rule", "combination"}
        assert row["on"] in {"target", "followup"}
        assert row["assertion"] in {"present", *ASSERTION_CATEGORIES.values()}
        assert row["target"] in row["text"]
        if row["kind"] == "rule":
            assert row["case"] == row["rules"][0]


# --- every rule acts on its example -----------------------------------------------------------


@pytest.mark.parametrize("row", RULE_ROWS, ids=[r["case"] for r in RULE_ROWS])
def test_context_rule_example_fires(
    miner: Miner, without_edgeless: Miner, row: Mapping[str, Any]
) -> None:
    """The rule acts on its target and gives the expected assertion and counting."""
    _check(miner, row, without_edgeless)


@pytest.mark.parametrize("row", COMBINATION_ROWS, ids=[r["case"] for r in COMBINATION_ROWS])
def test_context_combination(miner: Miner, without_edgeless: Miner, row: Mapping[str, Any]) -> None:
    """Rules that interact: historical + current, negation + pseudo-negation, terminators,
    uncertainty inside negation, scope across a comma or a semicolon and at sentence end."""
    _check(miner, row, without_edgeless)
