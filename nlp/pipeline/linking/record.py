"""The finding record of one target (:class:`~calcminer.nlp.pipeline.records.FindingRecord`).

:func:`build_record_of` turns a :class:`~calcminer.nlp.pipeline.linking.model.TargetState`
into the record: the assertion (ConText categories with the precedence of
``ASSERTION_CATEGORIES``), the exclusion reason, the organ (:mod:`.organ`), the sizes of
this exam (:func:`sizes`: "8 mm, previously 6 mm" gives 8), and the count
(:mod:`.groups`).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.containers import without_container_size
from calcminer.nlp.pipeline.linking.groups import count_foci
from calcminer.nlp.pipeline.linking.model import (
    ASSERTION_CATEGORIES,
    ASSERTION_PRECEDENCE,
    CURRENT_CATEGORIES,
    LIVER,
    NOT_PRESENT,
    POST_COUNT_VALUES,
    TABLE_CELL_SIZE_RULE,
    Attachment,
    Mention,
    TargetState,
)
from calcminer.nlp.pipeline.linking.organ import resolve_organ
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.linking.tables import current_columns, nearest_size_cell
from calcminer.nlp.pipeline.linking.words import inside_lesion
from calcminer.nlp.pipeline.normalize import (
    sort_lobes,
    sort_segments,
)
from calcminer.nlp.pipeline.records import ContextEdge, FindingRecord
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    ECHO_LABELS,
)
from calcminer.nlp.rules.rule_values import (
    COUNT_AND_ONE,
    COUNT_ANOTHER,
    DUCT_AMBIGUOUS,
    DUCT_INTRAHEPATIC,
    LOBE_CAUDATE,
)
from calcminer.nlp.schema import Assertion, ModifierSpan


def _mimic_reach(cfg: LinkSettings, m: Mention) -> int:
    """How many tokens from a target a mimic explains it (``adjacent_mimic_values``)."""
    return cfg.max_adjacent_mimic_gap if m.value in cfg.adjacent_mimics else cfg.max_mimic_distance


def assertion_of(categories: AbstractSet[str]) -> Assertion:
    """The assertion of a target from the ConText categories of its edges.

    The first category of ``ASSERTION_PRECEDENCE`` present wins ("no previous calcification"
    is negated, not historical); a ``CURRENT`` cue overrides a ``HISTORICAL`` one ("known
    calcified granuloma, unchanged from the prior CT, corresponding to ..."). None of them:
    "present".
    """
    for category in ASSERTION_PRECEDENCE:
        if category in categories:
            if category == "HISTORICAL" and not categories.isdisjoint(CURRENT_CATEGORIES):
                continue
            return ASSERTION_CATEGORIES[category]
    return "present"


def build_record_of(
    cfg: LinkSettings,
    doc: Doc,
    st: TargetState,
    *,
    sentence_start: int,
    part: str,
    top: str,
    organ_sections: str,
    mimics: Sequence[Mention],
    edges: Sequence[ContextEdge],
    ambiguous_lobes: bool,
    prior_cue_ends: frozenset[int],
    liver_exam: bool = False,
    topic: tuple[str, bool] = ("", False),
    same_foci_showing: int | None = None,
    cue_tokens: frozenset[int] = frozenset(),
) -> FindingRecord:
    """The finding record of target ``st`` (the keys of :class:`FindingRecord`).

    The organ (:func:`~calcminer.nlp.pipeline.linking.organ.resolve_organ`, the line's topic
    or the exam title when the target names none), the assertion from the target's ConText
    edges (:func:`assertion_of`), the exclusion reason (an excluded section, a mimic near
    the target, an assertion of absence, another organ), the sizes of this exam
    (:func:`sizes`), the count (:func:`~calcminer.nlp.pipeline.linking.groups.count_foci`),
    the places, the distribution and the evidence spans for review outputs.

    Args:
        cfg: The rules' settings.
        doc: The processed document.
        st: The target with everything linked to it.
        sentence_start: The first token of the target's sentence.
        part: The report part of the sentence ("body", "excluded", ...).
        top: The section of the sentence ("findings", "history", ...).
        organ_sections: The sentence's section organs, joined by "|".
        mimics: The sentence's mimic mentions ("ligamentum teres").
        edges: The ConText edges of the target.
        ambiguous_lobes: Whether another lobed organ and not the liver is named.
        prior_cue_ends: Where the sentence's prior-exam cues end ("previously 8 mm").
        liver_exam: Whether the exam title is an exam of the liver.
        topic: The organ of the line's topic sentence and whether a reduced text left out
            a nearer piece of the line.
        same_foci_showing: Where a "the same foci show ..." phrase starts, if any.
        cue_tokens: Tokens of co-reference cues of the sentence.
    """
    lw = token_view(doc).lower
    t = st.mention
    by_label: dict[str, list[Attachment]] = {}
    for a in st.attachments:
        by_label.setdefault(a.mention.label, []).append(a)

    organ, other_organs = resolve_organ(cfg, st, organ_sections, ambiguous_lobes)
    if organ == "unknown" and liver_exam:
        organ = LIVER  # "CT LIVER", then "Densely calcified central scar measuring 3.3 cm."
    assertion = assertion_of({e.category for e in edges})
    if organ == "unknown" and part != "excluded" and assertion not in NOT_PRESENT:
        # "The liver is normal in size. A 5 mm calcified granuloma is seen.": the line's
        # topic. A reduced text may lack the sentences before it: the whole text decides.
        topic_organ, unsure = topic
        organ = topic_organ or organ
        st.context_sensitive = st.context_sensitive or unsure
    asserting = [e for e in edges if e.category in ASSERTION_CATEGORIES]
    modifier_ids = tuple(sorted({e.rule_id for e in asserting}))
    # Where the modifier words are ("no" in "No calcification"), for review outputs.
    modifier_spans = tuple(
        sorted(
            {
                str(ModifierSpan(e.category, e.rule_id, e.modifier_start_char, e.modifier_end_char))
                for e in asserting
            }
        )
    )

    duct_values = {a.mention.value for a in by_label.get("DUCT", [])}
    bile_duct = (
        t.label == "DUCT_STONE"
        or DUCT_INTRAHEPATIC in duct_values
        or (DUCT_AMBIGUOUS in duct_values and organ == LIVER)
    )
    if bile_duct and organ == "unknown":
        organ = LIVER

    reason: str | None = None
    if part == "excluded":
        reason = cfg.excluded_reasons.get(top, f"section_{top}")
    elif near := [
        m
        for m in mimics
        # A normal structure explains an echo ("corresponds to fat in the ligamentum
        # teres"); as a landmark ("near the falciform ligament") it explains nothing.
        if (m.value not in cfg.echo_only_mimics or (t.label in ECHO_LABELS and not m.proximal))
        # "now densely calcified ... (previously 5.9 cm, non-calcified)": the prior state.
        and not (m.start >= t.end and any(t.end <= e <= m.start for e in prior_cue_ends))
        and (
            m.overlaps(t)
            or 0 <= m.start - t.end <= _mimic_reach(cfg, m)
            or 0 <= t.start - m.end <= _mimic_reach(cfg, m)
        )
    ]:
        # Only a mimic near the target: in run-on dictation one "sentence" may hold a
        # whole report ("... focus with shadow seg 8 ... pancreas obscured by gas").
        reason = f"mimic_{near[0].value}"
    elif assertion in {"negated", "hypothetical", "historical"}:
        reason = assertion
    elif organ != LIVER:
        reason = "no_liver_context" if organ == "unknown" else f"organ_{organ}"
    elif t.label == "DUCT_STONE_CANDIDATE" and not bile_duct:
        reason = "stone_not_intrahepatic"

    inside = inside_lesion(cfg, st)
    size_attachments = by_label.get("SIZE", [])
    if inside and st.plural_container:
        # "multiple lesions with coarse intralesional calcifications, ..., the largest in S8
        # with a diameter of 22 mm": the largest lesion's size, not a focus's.
        size_attachments = [
            a
            for a in size_attachments
            if not (
                a.tier == "post"
                and any(lw[i] in cfg.superlatives for i in range(t.end, a.mention.start))
            )
        ]
    size_attachments = current_columns(cfg, doc, t, size_attachments)
    size_attachments = nearest_size_cell(cfg, doc, t, size_attachments)
    size_attachments = without_container_size(cfg, doc, st, size_attachments, cue_tokens)
    sizes = _sizes(cfg, doc, size_attachments, prior_cue_ends, inside=inside)
    count, multiple, definite = count_foci(cfg, doc, st, by_label, other_organs, prior_cue_ends)
    if not definite and same_foci_showing is not None:
        # "...: the larger in segment VII measures 5.6 cm; the smaller in segment VI
        # measures 2.1 cm and is completely calcified", "Both show thick peripheral
        # calcification": the foci named before, described again.
        definite = t.rule_id in cfg.predicate_rules or same_foci_showing < t.start
    definite = definite or _anaphoric(cfg, doc, sentence_start, t.start)
    segments = sort_segments(
        s
        for a in by_label.get("SEGMENT", [])
        for s in cfg.normalizer.parse_segments(doc[a.mention.start : a.mention.end].text)
    )
    lobes = sort_lobes(a.mention.value or "" for a in by_label.get("LOBE", []))
    return {
        "start_char": t.start_char,
        "end_char": t.end_char,
        "label": "ECHO_SHADOW" if t.label == "ECHO_CANDIDATE" else t.label,
        "pattern_id": t.rule_id,
        "section_name": organ_sections.split("|")[0] if organ_sections else top,
        "part": part,
        "organ": organ,
        "other_organs": other_organs,
        "assertion": assertion,
        "modifier_ids": modifier_ids,
        "modifier_spans": modifier_spans,
        "counted": reason is None,
        "exclusion_reason": reason,
        "count": count,
        "multiple": multiple,
        "definite": definite,
        "plural": cfg.normalizer.is_plural_head(st.words),
        "size_mm": max(sizes) if sizes else None,
        "segments": segments,
        "lobes": lobes,
        "bile_duct": bool(bile_duct),
        "diffuse": bool(by_label.get("DIFFUSE")),
        "morphology": tuple(
            sorted({a.mention.value or "" for a in by_label.get("MORPHOLOGY", [])})
        ),
        "temporal": tuple(sorted({a.mention.value or "" for a in by_label.get("TEMPORAL", [])})),
        # A bare hedge ("a tiny calcification cannot be excluded") re-describes, not adds.
        "hedge_only": assertion == "uncertain" and not sizes and not segments and not lobes,
        "another": sum(
            1
            for a in by_label.get("COUNT", [])
            if a.tier == "post"
            and a.mention.value in (COUNT_ANOTHER, COUNT_AND_ONE)
            # "two calcifications, one in segment V and one (another) in VIII" lists the two
            and (count is None or count <= 1)
        ),
        # "Another calcified granuloma ...": a focus of its own, never a restatement.
        "new_focus": any(
            a.tier == "premod"
            and a.mention.label == "COUNT"
            and a.mention.value in POST_COUNT_VALUES
            for a in st.attachments
        ),
        "group": -1,
        "context_sensitive": st.context_sensitive,
        # Whether the organ could depend on ambiguous_lobes, a report-wide fact (see
        # calcminer.nlp.mining.reduce: a reduced text is then mined again whole).
        "lobe_sensitive": any(
            a.mention.label == "LOBE" and a.mention.value != LOBE_CAUDATE and not a.mention.proximal
            for a in st.attachments
        ),
    }


def _anaphoric(cfg: LinkSettings, doc: Doc, sentence_start: int, target_start: int) -> bool:
    """Whether the sentence refers back ("This may be a calcified hepatic cyst.", "The
    appearances are of a calcified hydatid cyst.")."""
    lw = token_view(doc).lower
    i = sentence_start
    while i < target_start and (doc[i].is_space or doc[i].is_punct):
        i += 1
    # "I think this is a calcified granuloma": past an opinion phrase.
    for opener in cfg.anaphoric_openers.get(lw[i], ()):
        end = i + len(opener)
        if end <= target_start and all(lw[i + k] == word for k, word in enumerate(opener)):
            i = end
            break
    if i >= target_start:
        return False
    if lw[i] in cfg.anaphoric_starts:
        return True
    # "The appearance is of a calcified hydatid cyst."
    return i + 1 < target_start and lw[i] in cfg.definite and lw[i + 1] in cfg.anaphoric_starts


def _sizes(
    cfg: LinkSettings,
    doc: Doc,
    attachments: Sequence[Attachment],
    prior_cue_ends: frozenset[int],
    *,
    inside: bool = False,
) -> list[float]:
    """Plausible sizes in mm; sizes of a prior exam ("previously 8 mm") only as a fallback,
    and not for a target ``inside`` a lesion ("a 6.1 cm mass with internal calcifications,
    previously 6.6 cm": the lesion's earlier size)."""
    current: list[float] = []
    prior: list[float] = []
    # "ablation zone, 1.9 cm, ..., with a 3 mm calcification inside": a size of its own
    # before the target wins over one that an identity or opener gave it from before.
    if any(a.tier in {"premod", "internal"} for a in attachments):
        attachments = [a for a in attachments if a.tier != "fronted"]
    # "previously 35 mm and 41 mm": a size right after a prior one and a conjunction.
    chained: set[int] = set()
    for a in sorted(attachments, key=lambda a: a.mention.start):
        m = a.mention
        is_prior = m.start in chained or any(
            m.start - cfg.max_prior_gap <= end <= m.start for end in prior_cue_ends
        )
        if is_prior:
            chained.add(_coordinated_after(cfg, doc, m.end))
        value = (
            float(m.value or "nan")
            if m.rule_id == TABLE_CELL_SIZE_RULE
            else cfg.normalizer.parse_size_mm(doc[m.start : m.end].text)
        )
        if value is None or not (cfg.min_size_mm <= value <= cfg.max_size_mm):
            continue
        (prior if is_prior else current).append(value)
    return current or ([] if inside else prior)


def _coordinated_after(cfg: LinkSettings, doc: Doc, end: int) -> int:
    """The token after the ``size_list_joiners`` ("and", ",") right after ``end`` (the
    next item of a list of sizes), or 0."""
    lw = token_view(doc).lower
    i = end
    # "33 mm four months ago and 42 mm": a few words about when, then the joiner.
    while (
        i < len(doc)
        and i - end < cfg.max_joiner_words
        and (doc[i].is_alpha or doc[i].like_num)
        and lw[i] not in cfg.size_list_joiners
        and lw[i] not in cfg.current_size_words
    ):
        i += 1
    if i >= len(doc) or lw[i] not in cfg.size_list_joiners:
        return 0
    while i < len(doc) and lw[i] in cfg.size_list_joiners:
        i += 1
    return i
