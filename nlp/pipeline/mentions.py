"""Pipeline step 3: attribute and cue mentions, matched only where the linker will read them.

The linker reads mentions in sentences that hold a calcification target and follow-up cues
wherever they are; nothing else. So this component matches the mention rules of
``patterns/mentions.jsonl`` only in those sentences (sentences with a target, and the
sentences of a clause with a word a follow-up rule needs), which is most of the matching saved
on a long report. A few organ rules (the organs whose lobes a report could also mean: liver,
lung, thyroid) are matched over the whole document, as the linker checks them report-wide.
"""

from __future__ import annotations

import bisect

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from calcminer.nlp.pipeline.component import RuleComponent
from calcminer.nlp.pipeline.extensions import sentence_starts
from calcminer.nlp.pipeline.gated import GatedMatcher, split_rules
from calcminer.nlp.pipeline.neighbours import CONTINUATION_WORDS, NeighbourCues, first_words
from calcminer.nlp.pipeline.recommendations import clause_around, ends_clause
from calcminer.nlp.pipeline.text_tables import (
    LinesOfLast,
    is_table_row,
    rows_below,
    table_rows_above,
)
from calcminer.nlp.pipeline.token_view import doc_text, token_view
from calcminer.nlp.rules.labels import FOLLOWUP_TRIGGER_LABELS
from calcminer.nlp.rules.line_tests import anchor_words
from calcminer.nlp.rules.patterns import PatternSet
from calcminer.nlp.rules.rule_values import LESION_VALUES, LOBED_ORGANS, ORGAN_LIVER

#: ORGAN rule values the linker checks over the whole report: the liver, and the organs with
#: lobes of their own (``LOBED_ORGANS``: a bare "right lobe" is not the liver's beside them).
DOCUMENT_WIDE_ORGANS = frozenset({ORGAN_LIVER}) | LOBED_ORGANS


class MentionMatcher(RuleComponent):
    """Matches mention rules in the sentences that need them; writes a span group.

    Args:
        nlp: The pipeline (for its vocab and tokenizer).
        name: Component name.
        patterns: The loaded rules.
        spans_key: Span group to write.
        target_spans_key: Span group of the targets (from the target ruler).
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        patterns: PatternSet | None = None,
        spans_key: str,
        target_spans_key: str,
    ) -> None:
        self.spans_key = spans_key
        self.target_spans_key = target_spans_key
        super().__init__(nlp, name, patterns=patterns)

    def _setup(self, nlp: Language, patterns: PatternSet) -> None:
        self.labels = {r.id: r.label for r in patterns.mentions}
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.document_phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        # A sentence runs only the token patterns whose required words it holds (see
        # calcminer.nlp.pipeline.gated), so a rule is matched only where it could match.
        phrase_rules, token_patterns = split_rules(nlp.make_doc, patterns.mentions)
        for rule, pattern_doc in phrase_rules:
            self.phrases.add(rule.id, [pattern_doc])
            if rule.label == "ORGAN" and rule.value in DOCUMENT_WIDE_ORGANS:
                self.document_phrases.add(rule.id, [pattern_doc])
        self.matcher = GatedMatcher(nlp.vocab, token_patterns, validate=True)  # type: ignore[arg-type]
        self.neighbours = neighbour_cues(patterns)
        strings = nlp.vocab.strings
        cues = self.neighbours
        self._refer_back_hashes = frozenset(
            strings.add(w) for w in (*cues.refer_back, *cues.inside_adverbs)
        )
        self._inside_adjective_hashes = frozenset(strings.add(w) for w in cues.inside_adjectives)
        self._definite_hashes = frozenset(strings.add(w) for w in cues.definite)
        self._lesion_hashes = frozenset(strings.add(w) for w in cues.lesion_starts)
        self._inside_pronoun_hashes = frozenset(strings.add(w) for w in cues.inside_pronouns)
        self._superlative_hashes = frozenset(
            strings.add(w) for w in patterns.normalization["superlative_sizes"]["words"]
        )
        predicate = patterns.normalization["predicate_targets"]
        # "the scar is densely calcified": a predicate may speak of the previous sentence.
        self._predicate_lead_hashes = frozenset(
            strings.add(w) for w in (*predicate["verbs"], *predicate["adverbs"])
        )
        # "The central scar corresponds to ...": a part of the previous sentence's lesion.
        self._part_hashes = frozenset(
            strings.add(w) for w in patterns.normalization["lesion_part_nouns"]["words"]
        )
        self._max_subject_modifiers = int(predicate["max_subject_modifiers"])
        # "A central stellate scar contains ...": an inner part after an indefinite article.
        inner = patterns.normalization["indefinite_inner_parts"]
        self._article_hashes = frozenset(strings.add(w) for w in inner["articles"])
        self._inner_hashes = frozenset(strings.add(w) for w in inner["parts"])
        # "- Segment VIII: 5.2 cm, ... Coarse calcification 2.4 cm.": the line's heading.
        self._segment_heading_hashes = frozenset(
            strings.add(w) for w in patterns.normalization["segment_headings"]["words"]
        )
        #: Most sentences in a row that continue a target's sentence (``config.toml``).
        self._max_continued = int(patterns.config["linking"]["max_continued_sentences"])
        #: Most list items after a target's sentence that opens a list ("foci:").
        self._max_list_items = int(patterns.config["linking"]["max_list_items"])
        self._table_marks = tuple(patterns.normalization["table_cell_marks"]["marks"])
        self._max_row_chars = int(patterns.normalization["table_cell_marks"]["max_row_chars"])
        #: The lines of the document being matched (``_title_row_members``).
        self._lines = LinesOfLast(self._max_row_chars, doc_text)
        self._continuation_hashes = frozenset(
            strings.add(phrase[0]) for phrases in cues.continuations.values() for phrase in phrases
        )
        followup_rules = [r for r in patterns.mentions if r.label in FOLLOWUP_TRIGGER_LABELS]
        self.followup_words = frozenset(anchor_words(followup_rules))
        # A phrase word the tokenizer splits ("f/u", "re-evaluated") is looked for by its
        # longest token: every token of the phrase must be there anyway.
        tokens = (
            [t.lower_ for t in nlp.make_doc(w)] if not w.isalpha() else [w]
            for w in self.followup_words
        )
        self._followup_hashes = frozenset(
            nlp.vocab.strings.add(max(pieces, key=len)) for pieces in tokens if pieces
        )

    def __call__(self, doc: Doc) -> Doc:
        self._require_rules()
        spans = self.find_mentions(doc)
        self.set_annotations(doc, spans)
        return doc

    def candidate_sentences(self, doc: Doc) -> list[Span]:
        """Sentences holding a target (and their neighbours) or a word a follow-up rule needs."""
        if len(doc) == 0:
            return []
        starts = sentence_starts(doc)
        target_sentences = {
            bisect.bisect_right(starts, t.start) - 1
            for t in doc.spans.get(self.target_spans_key, [])
        }
        needed = set(target_sentences)
        lowers = doc.to_array(LOWER).tolist()
        if target_sentences:
            needed |= self._neighbours_needed(doc, lowers, starts, target_sentences)
        followup = self._followup_hashes
        advice_tokens = [i for i, h in enumerate(lowers) if h in followup]
        advice = {bisect.bisect_right(starts, i) - 1 for i in advice_tokens}
        if advice:
            # A recommendation's clause may span sentences ("Recommendation:" then "contrast
            # CT."), so every sentence of such a clause is read.
            needed |= advice
            bounds = [*starts, len(doc)]
            for k in advice:
                # Only where a sentence edge is no clause edge does the clause go beyond it.
                if bounds[k] > 0 and not ends_clause(doc, bounds[k] - 1):
                    start = clause_around(doc, bounds[k])[0]
                    needed.update(range(bisect.bisect_right(starts, start) - 1, k))
                if not ends_clause(doc, bounds[k + 1] - 1):
                    end = clause_around(doc, bounds[k + 1] - 1)[1]
                    needed.update(range(k + 1, bisect.bisect_right(starts, end - 1)))
        if not needed:
            return []
        bounds = [*starts, len(doc)]
        return [doc[bounds[k] : bounds[k + 1]] for k in sorted(needed)]

    def _neighbours_needed(
        self, doc: Doc, lowers: list[int], starts: list[int], target_sentences: set[int]
    ) -> set[int]:
        """The sentences next to target sentences that the linker reads (``nlp/neighbours``):
        the one before a sentence that may refer back (a referring first word, a definite
        determiner before a word that starts a lesion rule or a target, or a pronoun such as
        the "it" of "within it": a superset of the linker's test),
        and the one after that continues it ("; these lie in segments II and V"). Compares
        word hashes."""
        lw = token_view(doc).lower
        bounds = [*starts, len(doc)]
        target_starts = {t.start for t in doc.spans.get(self.target_spans_key, [])}
        ordered_starts = sorted(target_starts)
        out: set[int] = set()
        for k in target_sentences:
            start, end = bounds[k], bounds[k + 1]
            if k > 0:
                before = self._first_word(doc, bounds[k - 1], start)
                if (
                    before is not None
                    and lowers[before] in self._segment_heading_hashes
                    and "\n" not in token_view(doc).text_of(bounds[k - 1], start)
                ):
                    out.add(k - 1)  # "- Segment VIII: 5.2 cm, ...": the line's heading
                first = self._first_word(doc, start, end)
                # Each test below first asks whether its words occur at all (most sentences
                # hold none of them).
                hashes = lowers[start:end]
                definite_lesion = not self._definite_hashes.isdisjoint(hashes[:-1]) and any(
                    lowers[i] in self._definite_hashes
                    and (
                        lowers[i + 1] in self._lesion_hashes
                        # "within the involuted lesion"
                        or (i + 2 < end and lowers[i + 2] in self._lesion_hashes)
                        or i + 1 in target_starts
                        # "The largest calcified deposit measures 4.5 cm"
                        or (lowers[i + 1] in self._superlative_hashes and i + 2 in target_starts)
                    )
                    for i in range(start, end - 1)
                )
                if (
                    (first is not None and lowers[first] in self._refer_back_hashes)
                    or (
                        first is not None
                        and any(
                            lowers[i] in self._inside_adjective_hashes
                            for i in range(
                                first, min(end, first + self.neighbours.adjective_first_words)
                            )
                        )
                    )
                    or definite_lesion
                    or not self._inside_pronoun_hashes.isdisjoint(hashes)
                    or (
                        not self._part_hashes.isdisjoint(hashes[1:])
                        and any(
                            lowers[i] in self._part_hashes
                            and any(
                                lowers[j] in self._definite_hashes
                                or (
                                    lowers[j] in self._article_hashes
                                    and lowers[i] in self._inner_hashes
                                )
                                for j in range(max(start, i - 1 - self._max_subject_modifiers), i)
                            )
                            for i in range(start + 1, end)
                        )
                    )
                    or any(
                        lowers[i - 1] in self._predicate_lead_hashes
                        for i in ordered_starts[
                            bisect.bisect_right(ordered_starts, start) : bisect.bisect_left(
                                ordered_starts, end
                            )
                        ]
                    )
                ):
                    out.add(k - 1)
                    # "... a lesion occupies segments II and III. It is T2 bright. A coarse
                    # calcification is present within the lesion": the lesion two back.
                    # or "Segment IVa lesion of 26 mm ... Pseudo-washout ... Inside the lesion
                    # a 5 mm signal void": the lesion two back, past a sentence naming none.
                    if k >= 2:
                        before = self._first_word(doc, bounds[k - 1], start)
                        if definite_lesion or (
                            before is not None
                            and (
                                lowers[before] in self._refer_back_hashes
                                # "The central scar is T2 hypointense." between the lesion
                                # and "... the central scar is densely calcified"
                                or (
                                    lowers[before] in self._definite_hashes
                                    and any(
                                        lowers[j] in self._part_hashes
                                        for j in range(
                                            before + 1,
                                            min(start, before + 2 + self._max_subject_modifiers),
                                        )
                                    )
                                )
                            )
                        ):
                            out.add(k - 2)
            # Sentences that continue it, one after another ("... The largest lies in
            # segment VII. It measures 9 mm.").
            nxt = k + 1
            while nxt < len(starts) and nxt not in target_sentences:
                first = self._first_word(doc, bounds[nxt], bounds[nxt + 1])
                if first is None or lowers[first] not in self._continuation_hashes:
                    break
                end_word = min(first + CONTINUATION_WORDS, bounds[nxt + 1])
                words = lw[first:end_word]
                kind = self.neighbours.continuation_kind(
                    first_words(words, 0, len(words), CONTINUATION_WORDS)
                )
                # "Segment II: 0.6 cm.": members by segment go on as far as list items.
                limit = self._max_list_items if kind == "member_place" else self._max_continued
                if not kind or nxt - k > limit:
                    break
                out.add(nxt)
                nxt += 1
            # "Calcified liver lesions    Size" over "Lesion A (segment VII)     32 mm": the
            # table rows below a title row.
            out |= self._title_row_members(doc, starts, doc[start].idx)
            # "Calcified foci with shadowing:" then "- segment 3, 4 mm;" on each line.
            if self.neighbours.opens_list(token_view(doc).text[max(start, end - 3) : end]):
                nxt = k + 1
                while (
                    nxt < len(starts)
                    and nxt - k <= self._max_list_items
                    and nxt not in target_sentences
                    and self.neighbours.starts_item(
                        token_view(doc).text[bounds[nxt] : min(bounds[nxt + 1], bounds[nxt] + 8)]
                    )
                ):
                    out.add(nxt)
                    # "1." alone, then "Segment II: 4 mm.": the item goes on in the next one.
                    if (
                        self.neighbours.marker_only(
                            token_view(doc).text[bounds[nxt] : bounds[nxt + 1]]
                        )
                        and nxt + 1 < len(starts)
                        and nxt + 1 not in target_sentences
                    ):
                        nxt += 1
                        out.add(nxt)
                    nxt += 1
        return out

    def _title_row_members(self, doc: Doc, starts: list[int], char: int) -> set[int]:
        """The sentences of the table rows below the line holding ``char`` when that line is
        the first row of a table (``calcminer.nlp.pipeline.text_tables``)."""
        lines = self._lines(doc)
        if not lines.may_be_row(char):
            return set()
        text = lines.text
        line_start, line_end = lines.span(char)
        if not is_table_row(text[line_start:line_end], self._table_marks) or table_rows_above(
            text, line_start, self._table_marks
        ):
            return set()
        rows = rows_below(text, char, self._table_marks, self._max_list_items)
        if not rows:
            return set()
        first, last = rows[0][0].start, rows[-1][-1].end
        span = doc.char_span(first, last, alignment_mode="expand")
        if span is None:
            return set()
        return {bisect.bisect_right(starts, i) - 1 for i in range(span.start, span.end)}

    @staticmethod
    def _first_word(doc: Doc, start: int, end: int) -> int | None:
        """Index of the first word of ``doc[start:end]``: the token
        ``calcminer.nlp.pipeline.neighbours.first_words`` takes first (it starts with a letter or
        digit)."""
        text = token_view(doc).text
        for i in range(start, end):
            if text[i][:1].isalnum():
                return i
        return None

    def find_mentions(self, doc: Doc) -> list[Span]:
        """Mention spans, each labelled with its rule's label and carrying the rule id."""
        # (start, end, rule id hash) of every match, in the document's token offsets: the
        # token Matcher gives offsets within the sentence, the PhraseMatcher within the
        # document. Spans are made once per distinct match (as_spans would make one each).
        matched: set[tuple[int, int, int]] = set()
        sentences = self.candidate_sentences(doc)
        lowers = doc.to_array(LOWER).tolist() if sentences else []
        for sent in sentences:
            offset = sent.start
            words = set(lowers[offset : sent.end])
            matched.update(
                (start + offset, end + offset, key)
                for key, start, end in self.matcher.matches(sent, words)
            )
            matched.update((start, end, key) for key, start, end in self.phrases(sent))
        matched.update((start, end, key) for key, start, end in self.document_phrases(doc))
        strings = doc.vocab.strings
        # By start, end and rule id: the same rule over the same tokens is one span.
        found = sorted({(start, end, strings[key]) for start, end, key in matched})
        return [
            Span(doc, start, end, label=self.labels[rule_id], span_id=rule_id)
            for start, end, rule_id in found
        ]

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        """Write the mentions to their span group."""
        doc.spans[self.spans_key] = spans


def neighbour_cues(patterns: PatternSet) -> NeighbourCues:
    """The neighbour-sentence cues of a rule set (its lesion and cyst structure phrases)."""
    lesions = [
        r.pattern
        for r in patterns.mentions
        if r.label == "BLOCKER" and r.value in LESION_VALUES and isinstance(r.pattern, str)
    ]
    return NeighbourCues.from_tables(patterns.normalization, lesions)
