"""One pass over the sentences of a Doc, calling the linking steps in order.

:func:`link_targets` is the orchestration the component runs: for each sentence, the
heads, the attachments (:mod:`.attach`), tables (:mod:`.tables`), containers, hosts and
predicates (:mod:`.containers`, :mod:`.hosts`, :mod:`.predicates`), what earlier sentences
and list items lend (:mod:`.sentences`, :mod:`.lists`), then one record per target
(:mod:`.record`) and the groups (:mod:`.groups`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.attach import attach, without_appositive_heads
from calcminer.nlp.pipeline.linking.containers import (
    fronted_container,
    propagate_containers,
    take_duct_contents,
)
from calcminer.nlp.pipeline.linking.groups import echoes_named_elsewhere, group
from calcminer.nlp.pipeline.linking.hosts import host_contents, identified_lesion, lent_by_host
from calcminer.nlp.pipeline.linking.lists import (
    continuation_limit,
    heading_place,
    listed_stones,
    superlative_member,
    take_continuation,
    take_list_items,
)
from calcminer.nlp.pipeline.linking.model import (
    LIVER,
    Mention,
    SpanIndex,
    TargetState,
    mentions_by_sentence,
)
from calcminer.nlp.pipeline.linking.organ import line_topics
from calcminer.nlp.pipeline.linking.predicates import (
    colon_enumeration,
    colon_lead_in,
    drop_other_organ_sizes,
    merge_anaphoric_lesions,
    predicate_subjects,
    share_coreferent_location,
)
from calcminer.nlp.pipeline.linking.record import build_record_of
from calcminer.nlp.pipeline.linking.sentences import (
    described_by_same_foci,
    lend_previous_context,
    named_by_pronoun,
    names_lesion_definitely,
    refers_back,
    showing_same_foci,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.linking.tables import table_rows
from calcminer.nlp.pipeline.linking.words import (
    has_location,
    is_part,
    opens_on_definite_part,
    opens_on_refer_back,
    texts,
    words_between,
)
from calcminer.nlp.pipeline.records import ContextEdge, FindingRecord, Sentence
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    FOLLOWUP_LABELS,
    LOCATION_LABELS,
)
from calcminer.nlp.rules.rule_values import (
    LOBED_ORGANS,
)


def link_targets(
    cfg: LinkSettings,
    doc: Doc,
    sentences: Sequence[Sentence],
    targets: Sequence[Mention],
    mentions: Sequence[Mention],
    edges: Mapping[tuple[int, int], list[ContextEdge]],
    *,
    liver_exam: bool = False,
) -> list[FindingRecord]:
    """Return one record of primitive values per target, in document order.

    ``liver_exam``: the report's title names an exam of the liver only (``ExamTitle``),
    so a calcification that names no organ is the liver's."""
    # A bare "right lobe" is the liver's unless the report is about lungs or thyroid only
    # (an exam it recommends does not count: "Staging CT of the chest is recommended").
    lw = token_view(doc).lower
    advice = {m.sent for m in mentions if m.label in FOLLOWUP_LABELS}
    other_lobed = any(
        m.label == "ORGAN" and m.value in LOBED_ORGANS and m.sent not in advice for m in mentions
    )
    mentions_liver = any(m.label == "ORGAN" and m.value == LIVER for m in mentions)
    ambiguous_lobes = other_lobed and not mentions_liver
    records: list[FindingRecord] = []
    group_counter = 0
    targets_of = mentions_by_sentence(targets)
    mentions_of = mentions_by_sentence(mentions)
    # The places each sentence's targets took from the sentence before theirs.
    lent_places: dict[int, list[Mention]] = {}
    # Each sentence's line topic ("The liver is normal in size."), once a target needs it.
    topics: list[tuple[str, bool]] | None = None
    for k, (s_start, s_end, part, top, organ_sections) in enumerate(sentences):
        s_targets = targets_of.get(k, [])
        if not s_targets:
            continue
        s_mentions = mentions_of.get(k, [])
        # A prior cue speaks of sizes in its own sentence only ("previously 8 mm").
        prior_cue_ends = frozenset(m.end for m in s_mentions if m.label == "PRIOR_CUE")
        heads = sorted(
            [*s_targets, *(m for m in s_mentions if m.is_head)], key=lambda h: (h.start, h.end)
        )
        heads = without_appositive_heads(cfg, doc, heads)
        attached = attach(cfg, doc, heads, s_mentions)
        states: list[TargetState] = []
        for hk, h in enumerate(heads):
            if not h.is_target:
                continue
            state = TargetState(h, tuple(lw[h.start : h.end]))
            state.attachments.extend(attached.get(hk, []))
            states.append(state)
        drop_other_organ_sizes(cfg, doc, states, s_mentions)
        propagate_containers(cfg, doc, heads, attached, states, s_mentions)
        lent_by_host(cfg, doc, heads, attached, states)
        fronted_container(cfg, doc, s_start, heads, attached, states)
        colon_lead_in(cfg, doc, heads, attached, states)
        identified_lesion(cfg, doc, heads, attached, states, s_mentions)
        take_duct_contents(cfg, doc, states, s_mentions)
        merge_anaphoric_lesions(cfg, doc, heads, attached, states)
        subjectless = predicate_subjects(cfg, doc, heads, attached, states, s_mentions)
        colon_enumeration(cfg, doc, heads, attached, states)
        share_coreferent_location(cfg, doc, states, s_mentions)
        superlative_member(cfg, doc, states)
        listed_stones(cfg, doc, states, s_mentions)
        if (
            k > 0
            and any(not has_location(st) for st in states)
            and (refers_back(cfg, doc, s_start, s_end, heads) or subjectless)
        ):
            first = words_between(doc, s_start, s_end, 1)
            distributive = bool(first) and first[0] in cfg.neighbours.distributive
            # "...; they correspond to the calcified granulomas on the prior CT": the
            # pronoun names the previous sentence's foci as the calcifications.
            named = (
                bool(first)
                and first[0] in cfg.predicate_pronouns | cfg.neighbours.refer_back
                and any(
                    m.label == "COREF" and m.end <= min(st.mention.start for st in states)
                    for m in s_mentions
                )
            )
            lend_previous_context(
                cfg,
                doc,
                k - 1,
                states,
                targets_of,
                mentions_of,
                distributive=distributive,
                # "...; this corresponds to a calcified hydatid cyst": the lesion named is
                # the calcified one, with its size.
                sized=[
                    *subjectless,
                    *named_by_pronoun(cfg, doc, s_start, s_end, states, s_mentions, subjectless),
                ],
                named=named,
                chained=lent_places.get(k - 1, ()),
                described_before=(
                    k - 2
                    if k >= 2
                    and (
                        opens_on_refer_back(cfg, doc, sentences[k - 1])
                        # "... a 9.2 cm mass in segment IV. The central scar is T2
                        # hypointense. ... the central scar is densely calcified": the
                        # sentence between speaks of a part of the same lesion.
                        or (
                            bool(subjectless)
                            and opens_on_definite_part(cfg, doc, sentences[k - 1])
                            and "\n" not in doc[sentences[k - 2].start : s_start].text
                        )
                        or (
                            names_lesion_definitely(cfg, doc, heads)
                            and not targets_of.get(k - 1)
                            and not any(m.is_head for m in mentions_of.get(k - 1, []))
                            # on one line, in one organ section: not across a
                            # paragraph or a header ("... pericolic nodes. Liver: ...")
                            and "\n" not in doc[sentences[k - 2].start : s_start].text
                            and sentences[k - 2].organ_sections == organ_sections
                        )
                    )
                    else None
                ),
            )
            lent_places[k] = [
                a.mention
                for st in states
                for a in st.attachments
                if a.tier == "context" and a.mention.label in LOCATION_LABELS
            ]
        # "...; the largest one, in segment VI, measures 6.5 x 5.3 cm and shows thick
        # eggshell calcification of its wall": a part of the lesions does not stop it. A
        # sentence that continues in turn follows ("... scattered through the right lobe.
        # The largest lies in segment VII. It measures 9 mm.").
        j = k + 1
        while (
            j < len(sentences)
            and (
                j - k <= cfg.max_continued_sentences
                or j - k <= continuation_limit(cfg, doc, sentences[j])
            )
            and mentions_of.get(j)
            and all(
                is_part(cfg, doc, t) or described_by_same_foci(cfg, doc, sentences[j], t)
                for t in targets_of.get(j, [])
            )
            and take_continuation(cfg, doc, sentences[j], mentions_of.get(j, []), states)
        ):
            j += 1
        # "Calcified foci with shadowing:" then "- segment 3, 4 mm;" on each line.
        if j == k + 1 and cfg.neighbours.opens_list(texts(doc, s_end - 3, s_end)):
            take_list_items(cfg, doc, k, sentences, targets_of, mentions_of, states)
        sentence_mimics = SpanIndex([m for m in s_mentions if m.label == "MIMIC"])
        if topics is None:
            topics = line_topics(cfg, doc, sentences, mentions_of)
        topic = topics[k]
        same_foci_showing = showing_same_foci(cfg, doc, s_start, s_end)
        cue_tokens = frozenset(
            i for m in s_mentions if m.label == "COREF" for i in range(m.start, m.end)
        )
        heading_place(cfg, doc, s_start, states, s_mentions)
        table_rows(cfg, doc, states, s_mentions, mentions)
        sent_records = [
            build_record_of(
                cfg,
                doc,
                st,
                sentence_start=s_start,
                part=part,
                top=top,
                organ_sections=organ_sections,
                mimics=sentence_mimics.near(st.mention, cfg.max_mimic_distance),
                edges=edges.get((st.mention.start_char, st.mention.end_char), []),
                ambiguous_lobes=ambiguous_lobes,
                prior_cue_ends=prior_cue_ends,
                liver_exam=liver_exam,
                topic=topic,
                same_foci_showing=same_foci_showing,
                cue_tokens=cue_tokens,
            )
            for st in states
        ]
        echoes_named_elsewhere(sent_records, states, s_mentions)
        host_contents(cfg, doc, sent_records, states)
        group_counter = group(cfg, doc, sent_records, states, s_mentions, group_counter)
        records.extend(sent_records)
    return records
