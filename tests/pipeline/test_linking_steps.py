"""The linking steps called directly, without the Miner (scispaCy's abbreviation tests style).

Each step of :mod:`calcminer.nlp.pipeline.linking` is a function of the rules' settings and
working records. Attachment is tested on hand-built mentions over a tokenized sentence; the
organ decision on hand-built target states (no Doc at all); counts, groups and follow-up on
the mentions the earlier components found (the linker itself is not run).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from calcminer.nlp.pipeline.build import build_pipeline
from calcminer.nlp.pipeline.linking import Attachment, LinkSettings, Mention, TargetState
from calcminer.nlp.pipeline.linking.attach import attach
from calcminer.nlp.pipeline.linking.collect import find_mentions
from calcminer.nlp.pipeline.linking.component import Linker
from calcminer.nlp.pipeline.linking.followup import find_followup
from calcminer.nlp.pipeline.linking.groups import count_foci, group
from calcminer.nlp.pipeline.linking.organ import resolve_organ
from calcminer.nlp.pipeline.linking.record import assertion_of
from calcminer.nlp.pipeline.records import FindingRecord, Sentence

LINKER = "calcminer_linker"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_pipeline()


@pytest.fixture(scope="module")
def cfg(nlp: Language) -> LinkSettings:
    settings = nlp.get_pipe(LINKER).settings
    assert isinstance(settings, LinkSettings)
    return settings


def _span(doc: Doc, words: str, occurrence: int = 0) -> tuple[int, int]:
    """The token range of ``words`` (its ``occurrence``-th match) in ``doc``."""
    wanted = words.split()
    found = [
        i
        for i in range(len(doc) - len(wanted) + 1)
        if [t.text for t in doc[i : i + len(wanted)]] == wanted
    ]
    assert len(found) > occurrence, f"{words!r} not in {doc.text!r}"
    start = found[occurrence]
    return start, start + len(wanted)


def _mention(
    doc: Doc, words: str, label: str, *, value: str | None = None, target: bool = False
) -> Mention:
    start, end = _span(doc, words)
    return Mention(
        start=start,
        end=end,
        label=label,
        rule_id=f"test_{label.lower()}",
        value=value,
        sent=0,
        start_char=doc[start].idx,
        end_char=doc[end - 1].idx + len(doc[end - 1].text),
        is_target=target,
        is_head=not target,
    )


def _before_linking(nlp: Language, text: str) -> Doc:
    """The Doc as the linker receives it (sentences, span groups, ConText edges)."""
    with nlp.select_pipes(disable=[LINKER]):
        return nlp(text)


def _staged(nlp: Language, cfg: LinkSettings, text: str) -> tuple[Doc, list[Sentence], list, list]:
    """The Doc before linking, its sentences, and the targets and mentions the linker reads."""
    doc = _before_linking(nlp, text)
    sentences = Linker._sentence_table(doc)
    targets, mentions = find_mentions(cfg, doc, sentences)
    return doc, sentences, targets, mentions


def _states(cfg: LinkSettings, doc: Doc, targets: Sequence[Mention], mentions: Sequence[Mention]):
    """One target state per target, with what :func:`attach` gave it (one sentence)."""
    heads = sorted([*targets, *(m for m in mentions if m.is_head)], key=lambda h: (h.start, h.end))
    attached = attach(cfg, doc, heads, mentions)
    states = []
    for k, head in enumerate(heads):
        if head.is_target:
            words = tuple(t.lower_ for t in doc[head.start : head.end])
            states.append(TargetState(head, words, list(attached.get(k, []))))
    return states


# --- attach: one head per attribute mention, with its tier -------------------------------------
@pytest.mark.parametrize(
    ("text", "heads", "attributes", "expected"),
    [
        # premod before its head, post after it
        (
            "A 3 mm calcified focus in segment VI.",
            [("calcified focus", "CALCIFICATION", True)],
            [("3 mm", "SIZE"), ("segment VI", "SEGMENT")],
            {"3 mm": (0, "premod"), "segment VI": (0, "post")},
        ),
        # fronted: a place with no head before it goes to the next head
        (
            "In segment VIII there is a calcified focus.",
            [("calcified focus", "CALCIFICATION", True)],
            [("segment VIII", "SEGMENT")],
            {"segment VIII": (0, "fronted")},
        ),
        # post: the nearest head before it, here a structure that is not a target
        (
            "A calcified focus and a simple cyst in segment VI.",
            [("calcified focus", "CALCIFICATION", True), ("cyst", "BLOCKER", False)],
            [("segment VI", "SEGMENT")],
            {"segment VI": (1, "post")},
        ),
        # a size is never fronted: the liver span before a target is not its size
        (
            "Measuring 15 cm, there is a calcified focus.",
            [("calcified focus", "CALCIFICATION", True)],
            [("15 cm", "SIZE")],
            {"15 cm": None},
        ),
    ],
    ids=["premod-post", "fronted", "post-nearest-head", "size-never-fronted"],
)
def test_linking_attach_tiers(
    nlp: Language,
    cfg: LinkSettings,
    text: str,
    heads: list[tuple[str, str, bool]],
    attributes: list[tuple[str, str]],
    expected: dict[str, tuple[int, str] | None],
) -> None:
    doc = _before_linking(nlp, text)
    head_mentions = [_mention(doc, w, label, target=target) for w, label, target in heads]
    mentions = [_mention(doc, w, label) for w, label in attributes]
    for m in mentions:
        m.is_head = False
    attached = attach(cfg, doc, head_mentions, mentions)
    where = {
        doc[a.mention.start : a.mention.end].text: (k, a.tier)
        for k, items in attached.items()
        for a in items
    }
    for words, want in expected.items():
        assert where.get(words) == want, (words, where)


def test_linking_attach_each_mention_to_one_head(nlp: Language, cfg: LinkSettings) -> None:
    doc = _before_linking(nlp, "A 4 mm calcified focus and a 6 mm calcified focus in segment VII.")
    first = _mention(doc, "calcified focus", "CALCIFICATION", target=True)
    start, end = _span(doc, "calcified focus", 1)
    heads = [first, replace(first, start=start, end=end)]
    mentions = [_mention(doc, "4 mm", "SIZE"), _mention(doc, "6 mm", "SIZE")]
    for m in mentions:
        m.is_head = False
    attached = attach(cfg, doc, heads, mentions)
    sizes = {k: [doc[a.mention.start : a.mention.end].text for a in v] for k, v in attached.items()}
    assert sizes == {0: ["4 mm"], 1: ["6 mm"]}


# --- organ: from the attachments and the section, no Doc needed -------------------------------
def _state(*attachments: tuple[str, str | None, str, int]) -> TargetState:
    """A target with attachments given as (label, value, tier, distance)."""
    target = Mention(10, 12, "CALCIFICATION", "t", None, 0, 50, 60, is_target=True)
    state = TargetState(target, ("calcified", "granuloma"))
    for k, (label, value, tier, distance) in enumerate(attachments):
        m = Mention(k, k + 1, label, f"test_{label.lower()}", value, 0, k, k + 1)
        state.attachments.append(Attachment(m, tier, distance))
    return state


@pytest.mark.parametrize(
    ("attachments", "sections", "ambiguous", "expected"),
    [
        ([("ORGAN", "spleen", "premod", 1)], "", False, ("spleen", ())),
        ([("SEGMENT", None, "post", 2)], "", False, ("liver", ())),
        ([], "liver", False, ("liver", ())),
        ([], "spleen", False, ("spleen", ())),
        ([], "", False, ("unknown", ())),
        # "normal liver, splenic calcified granuloma": the organ word next to the head wins
        (
            [("ORGAN", "liver", "premod", 3), ("ORGAN", "spleen", "premod", 1)],
            "",
            False,
            ("spleen", ()),
        ),
        # a premodifier outranks a place named after the head
        (
            [("ORGAN", "spleen", "premod", 1), ("SEGMENT", None, "post", 2)],
            "",
            False,
            ("spleen", ()),
        ),
        # a lobe places the finding in the liver unless another lobed organ is in view
        ([("LOBE", "right", "post", 2)], "", False, ("liver", ())),
        ([("LOBE", "right", "post", 2)], "thyroid", False, ("thyroid", ())),
        ([("LOBE", "right", "post", 2)], "", True, ("unknown", ())),
    ],
    ids=[
        "organ-word",
        "segment",
        "liver-section",
        "other-section",
        "nothing",
        "nearest-premod",
        "premod-over-post",
        "lobe",
        "lobe-in-thyroid-section",
        "lobe-ambiguous",
    ],
)
def test_linking_organ_resolve(
    cfg: LinkSettings,
    attachments: list[tuple[str, str | None, str, int]],
    sections: str,
    ambiguous: bool,
    expected: tuple[str, tuple[str, ...]],
) -> None:
    assert resolve_organ(cfg, _state(*attachments), sections, ambiguous) == expected


def test_linking_organ_neighbour_does_not_place(cfg: LinkSettings) -> None:
    """ "adjacent to the gallbladder": a proximal organ is a neighbour, not the location."""
    state = _state(("ORGAN", "gallbladder", "post", 2))
    state.attachments[0].mention.proximal = True
    assert resolve_organ(cfg, state, "liver", False) == ("liver", ())


def test_linking_organ_coordinated_with_liver(cfg: LinkSettings) -> None:
    """ "the liver and spleen both contain granulomas": counted for the liver too."""
    state = _state(("ORGAN", "spleen", "premod", 1))
    state.attachments[0].mention.with_liver = True
    assert resolve_organ(cfg, state, "", False) == ("liver", ("spleen",))


# --- groups: counts and co-reference ------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two calcified granulomas in segment VI.", (2, True)),
        ("A calcified granuloma in segment VI.", (1, False)),
        ("Calcified granulomas in segment VI.", (None, True)),
    ],
)
def test_linking_groups_count_foci(
    nlp: Language, cfg: LinkSettings, text: str, expected: tuple[int | None, bool]
) -> None:
    doc, _, targets, mentions = _staged(nlp, cfg, text)
    (state,) = _states(cfg, doc, targets, mentions)
    by_label: dict[str, list[Attachment]] = {}
    for a in state.attachments:
        by_label.setdefault(a.mention.label, []).append(a)
    count, multiple, _definite = count_foci(cfg, doc, state, by_label, ())
    assert (count, multiple) == expected


def _grouped(nlp: Language, cfg: LinkSettings, text: str) -> list[int]:
    doc, _, targets, mentions = _staged(nlp, cfg, text)
    states = _states(cfg, doc, targets, mentions)
    records: list[FindingRecord] = [{"counted": True} for _ in states]  # type: ignore[typeddict-item]
    group(cfg, doc, records, states, mentions, 0)
    return [r["group"] for r in records]


def test_linking_groups_another_starts_a_new_focus(nlp: Language, cfg: LinkSettings) -> None:
    groups = _grouped(nlp, cfg, "A calcified granuloma in S5 and another calcified focus in S7.")
    assert groups == [1, 2]


def test_linking_groups_a_part_of_the_lesion_is_the_same_focus(
    nlp: Language, cfg: LinkSettings
) -> None:
    groups = _grouped(nlp, cfg, "A calcified cystic lesion with a thick calcified wall.")
    assert len(groups) == 2 and groups[0] == groups[1]


# --- follow-up ------------------------------------------------------------------------------------
def test_linking_followup_in_a_liver_exam_concerns_the_liver(
    nlp: Language, cfg: LinkSettings
) -> None:
    """A recommendation that names no organ is the liver's only in a liver exam."""
    doc, sentences, _, mentions = _staged(nlp, cfg, "Recommend MRI in 6 months.")
    (in_liver_exam,) = find_followup(cfg, doc, sentences, mentions, [], liver_exam=True)
    (elsewhere,) = find_followup(cfg, doc, sentences, mentions, [], liver_exam=False)
    assert in_liver_exam[2] == elsewhere[2] == "MRI"
    assert in_liver_exam[3] == elsewhere[3] == 182  # days: "in 6 months"
    assert in_liver_exam[7] is True and elsewhere[7] is False


def test_linking_followup_none_without_a_cue(nlp: Language, cfg: LinkSettings) -> None:
    doc, sentences, _, mentions = _staged(nlp, cfg, "A 3 mm calcified focus in segment VI.")
    assert find_followup(cfg, doc, sentences, mentions, [], liver_exam=True) == ()


def test_linking_component_writes_what_the_steps_return(nlp: Language, cfg: LinkSettings) -> None:
    """The component adds nothing of its own: its records are the steps' records."""
    text = "Liver: two calcified granulomas in segment VI, 4 and 6 mm."
    doc = nlp(text)
    records = doc._.calcminer_findings
    assert len(records) == 1
    (record,) = records
    assert record["segments"] == ("VI",) and record["size_mm"] == 6.0 and record["count"] == 2


# --- record: the assertion precedence -----------------------------------------------------------
@pytest.mark.parametrize(
    ("categories", "expected"),
    [
        (set(), "present"),
        ({"NEGATED_EXISTENCE", "HISTORICAL"}, "negated"),
        ({"HYPOTHETICAL", "POSSIBLE_EXISTENCE"}, "hypothetical"),
        ({"HISTORICAL"}, "historical"),
        # a CURRENT (or CORRESPONDING) cue says the finding is of this exam
        ({"HISTORICAL", "CURRENT"}, "present"),
        ({"HISTORICAL", "CORRESPONDING", "POSSIBLE_EXISTENCE"}, "uncertain"),
        ({"POSSIBLE_EXISTENCE"}, "uncertain"),
        ({"CURRENT"}, "present"),
    ],
)
def test_linking_record_assertion_precedence(categories: set[str], expected: str) -> None:
    assert assertion_of(categories) == expected
