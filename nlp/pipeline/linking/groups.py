"""How many foci a target names, and which targets name the same foci.

:func:`count_foci` reads "two calcifications", "another in segment 7" and numbered lists
("1) ... 2) ..."); :func:`group` puts targets that name the same foci ("A calcified
granuloma ... This granuloma") in one co-reference group, so a report's count is not
inflated.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.model import (
    GLOSS_MARKS,
    VESSEL,
    Attachment,
    Mention,
    SpanIndex,
    TargetState,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.linking.words import alternatives
from calcminer.nlp.pipeline.normalize import (
    parse_count_value,
    parse_digit_count,
)
from calcminer.nlp.pipeline.records import FindingRecord
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    ECHO_LABELS,
)
from calcminer.nlp.rules.rule_values import (
    COUNT_ANOTHER,
    COUNT_ENUMERATED,
    COUNT_MULTIPLIER,
)


def _list_number(doc: Doc, count: Mention) -> bool:
    """Whether a count of two or more written in digits is the number of a list item
    ("impression 1 hepatic steatosis 2 small calcified granuloma"): before a singular
    head it cannot count the foci."""
    text = doc[count.start : count.end].text
    return text.isdigit() and int(text) >= 2


def count_foci(
    cfg: LinkSettings,
    doc: Doc,
    st: TargetState,
    by_label: Mapping[str, list[Attachment]],
    other_organs: tuple[str, ...],
    prior_cue_ends: frozenset[int] = frozenset(),
) -> tuple[int | None, bool, bool]:
    """Return (exact count or None, multiple, definite) the mention itself states."""
    lw = token_view(doc).lower
    t = st.mention
    premods = [a for a in st.attachments if a.tier in {"premod", "internal"}]
    plural = cfg.normalizer.is_plural_head(st.words)
    counts = [
        parse_count_value(a.mention.value)
        for a in premods
        if a.mention.label == "COUNT"
        and a.mention.value != COUNT_ANOTHER
        and not (not plural and _list_number(doc, a.mention))
    ]
    counts += [
        1 for a in premods if a.mention.label == "COUNT" and a.mention.value == COUNT_ANOTHER
    ]
    # "calcified foci (x3)": the number stands after the head.
    counts += [
        parse_digit_count(
            "".join(ch for ch in doc[a.mention.start : a.mention.end].text if ch.isdigit())
        )
        for a in st.attachments
        if a.mention.label == "COUNT" and a.mention.value == COUNT_MULTIPLIER and a.tier == "post"
    ]
    exact = max((c for c in counts if c is not None), default=None)
    quantified = any(a.mention.label == "QUANTIFIER" for a in premods)
    first = min((a.mention.start for a in premods), default=t.start)
    definite = first > 0 and lw[first - 1] in cfg.definite
    if exact in {None, 1} and st.partitive_count is not None and not st.more_foci:
        return st.partitive_count, True, definite  # "three of them show calcification"
    if st.more_foci or st.per_lesion:
        return None, True, definite  # "... Similar lesions are present in the left lobe."
    if exact is None and st.listed_items >= 2 and (plural or quantified):
        return st.listed_items, True, definite  # "Calcified foci:" and one line per focus
    if quantified:
        # "Few calcified deposits, the largest ..., the others ...": named one by one.
        sizes = by_label.get("SIZE", [])
        return _enumerated_count(cfg, doc, st, sizes, by_label, prior_cue_ends), True, definite
    if exact is not None:
        return exact, exact >= 2, definite
    if st.plural_container:
        return None, True, definite  # "further metastases contain calcification"
    if any(
        a.mention.label == "COUNT" and a.mention.value == COUNT_ENUMERATED for a in st.attachments
    ):
        # "Calcified granulomas: one in segment V and one in segment VIII": the listed
        # items are the foci (each further "and one" adds through ``another``).
        return 1, False, definite
    if cfg.normalizer.is_mass_noun(st.words):
        # "hepatolithiasis", "septal calcification": more than one, number unknown.
        return None, True, definite
    if plural:
        # "hepatic and splenic granulomas": the plural spans organs, not liver foci.
        if other_organs:
            return None, False, definite
        sizes = by_label.get("SIZE", [])
        listed = _listed_count(cfg, doc, sizes)
        if listed is None:
            listed = _enumerated_count(
                cfg, doc, st, sizes, by_label, prior_cue_ends, each_placed=True
            )
        return listed, True, definite
    return 1, False, definite


def _enumerated_count(
    cfg: LinkSettings,
    doc: Doc,
    st: TargetState,
    sizes: Sequence[Attachment],
    by_label: Mapping[str, list[Attachment]],
    prior_cue_ends: frozenset[int],
    *,
    each_placed: bool = False,
) -> int | None:
    """The number of foci a plural names one by one with their sizes, or None.

    Either the sizes close with the rest of the foci ("Few calcified deposits, the largest
    in segment VI measuring 2.6 cm, the others in segments IVa and VIII measuring 1.5 cm
    and 1.1 cm": 3), or each size follows its own segment ("calcified nodules at S5
    (7 mm), S7 (5 mm) and S8 (3 mm)": 3), or, with ``each_placed`` (a bare plural), each
    size comes before its own segment ("measuring 8 mm in segment V and 11 mm in segment
    VI": 2).
    """
    lw = token_view(doc).lower
    t = st.mention
    after = sorted(
        (
            a.mention
            for a in sizes
            if a.mention.start >= t.end
            and not any(
                a.mention.start - cfg.max_prior_gap <= end <= a.mention.start
                for end in prior_cue_ends
            )
        ),
        key=lambda m: (m.start, -m.end),
    )
    distinct: list[Mention] = []
    for m in after:
        if distinct and m.start < distinct[-1].end:
            continue  # "2.9 cm" inside "3.4 x 2.9 cm"
        distinct.append(m)
    if len(distinct) < 2:
        return None
    closer = next(
        (i for i in range(t.end, distinct[-1].start) if lw[i] in cfg.enumeration_closers),
        None,
    )
    if closer is not None:
        # "the others measuring 2-4 mm": one size (or a range) for the rest counts nothing.
        rest = [m for m in distinct if m.start > closer]
        ranges = any(
            doc[i].text == "-" or lw[i] == "to" for m in rest for i in range(m.start, m.end)
        )
        return len(distinct) if len(rest) >= 2 and not ranges else None
    segment_ends = {a.mention.end for a in by_label.get("SEGMENT", [])}
    if all(
        m.start >= 2 and doc[m.start - 1].text == "(" and m.start - 1 in segment_ends
        for m in distinct
    ):
        return len(distinct)
    if not each_placed or any(
        doc[i].lower_ in cfg.superlatives for i in range(t.end, distinct[0].start)
    ):
        return None
    # A bare plural, "measuring 8 mm in segment V and 11 mm in segment VI": each size
    # before its own place (not "Numerous ..., the largest 4.1 cm in segment 8, ...").
    segment_starts = {a.mention.start for a in by_label.get("SEGMENT", [])}
    if all(_place_after(cfg, doc, m.end) in segment_starts for m in distinct):
        return len(distinct)
    return None


def _place_after(cfg: LinkSettings, doc: Doc, i: int) -> int:
    """The token after a location preposition and determiners at ``i`` ("in the
    segment V": the "segment"); ``i`` itself when no preposition stands there."""
    if i >= len(doc) or doc[i].lower_ not in cfg.location_prepositions:
        return i
    i += 1
    while i < len(doc) and doc[i].lower_ in cfg.determiners:
        i += 1
    return i


def echoes_named_elsewhere(
    records: Sequence[FindingRecord],
    states: Sequence[TargetState],
    s_mentions: Sequence[Mention],
) -> None:
    """Exclude an echogenic finding that an identity cue names a vessel's calcification.

    "Parallel echogenic lines with shadowing along the hepatic artery branches, in keeping
    with arterial wall calcification": the echoes are the vessel wall's calcification, so
    they are excluded as it is.
    """
    cues = sorted(m.start for m in s_mentions if m.label == "COREF")
    if not cues:
        return
    for j, (rec, st) in enumerate(zip(records, states, strict=True)):
        if st.mention.label not in ECHO_LABELS or not rec["counted"] or j + 1 >= len(states):
            continue
        named, named_rec = states[j + 1], records[j + 1]
        reason = named_rec["exclusion_reason"]
        # Only a vessel: in run-on dictation the named calcification's organ may be the
        # next organ heading's ("likely calcified granuloma gallbladder normal").
        if named.mention.label in ECHO_LABELS or reason != f"organ_{VESSEL}":
            continue
        k = bisect.bisect_left(cues, st.mention.end)
        if k < len(cues) and cues[k] < named.mention.start:
            rec["organ"] = named_rec["organ"]
            rec["counted"] = False
            rec["exclusion_reason"] = reason


def _listed_count(cfg: LinkSettings, doc: Doc, sizes: Sequence[Attachment]) -> int | None:
    """The number of sizes a list gives one per focus ("measuring 8, 14 and 22 mm"), or
    None (no such list, or alternatives: "8 or 10 mm")."""
    for a in sizes:
        m = a.mention
        if m.rule_id not in cfg.listed_size_rules:
            continue
        tokens = doc[m.start : m.end]
        if any(t.lower_ == "or" for t in tokens):
            return None
        return sum(1 for t in tokens if t.like_num)
    return None


def group(
    cfg: LinkSettings,
    doc: Doc,
    records: list[FindingRecord],
    states: Sequence[TargetState],
    s_mentions: Sequence[Mention],
    counter: int,
) -> int:
    """Give co-referent counted targets of one sentence the same group number."""
    corefs = SpanIndex([m for m in s_mentions if m.label == "COREF"])
    previous: TargetState | None = None
    for rec, st in zip(records, states, strict=True):
        if not rec["counted"]:
            continue
        if previous is None:
            counter += 1
        else:
            # "A granuloma in S5, and another calcified focus in S7": "another" starts a
            # new focus, like a count or quantifier of its own.
            own_determiner = any(
                a.tier == "premod" and a.mention.label in {"COUNT", "QUANTIFIER"}
                for a in st.attachments
            )
            linked = (
                corefs.any_within(previous.mention.end, st.mention.start)
                or alternatives(cfg, doc, previous.mention, st.mention)
                or (
                    # "trois kystes hydatiques calcifiés / three calcified hydatid cysts": a
                    # translation right after the words it translates.
                    0 < st.mention.start - previous.mention.end <= cfg.max_gloss_tokens
                    and doc[previous.mention.end].text in GLOSS_MARKS
                    and all(
                        doc[i].is_alpha for i in range(previous.mention.end + 1, st.mention.start)
                    )
                )
            )
            # "a calcified cystic lesion with a thick calcified wall": a part of the lesion.
            part = bool(st.words) and (
                st.words[-1] in cfg.lesion_parts
                # "... with an echogenic rim and posterior acoustic shadowing": its outline
                or (st.mention.label in ECHO_LABELS and not cfg.lesion_parts.isdisjoint(st.words))
            )
            if own_determiner and not linked and not part:
                counter += 1
        rec["group"] = counter
        previous = st
    return counter
