"""The linker's settings, read once from the loaded rules.

:class:`LinkSettings` holds every threshold of ``patterns/config.toml`` (``[linking]``,
``[sizes]``, ``[density]``) and every word table of ``patterns/normalization.json`` that the
linking steps read, as typed attributes. The steps take it as their first argument (``cfg``)
and never read the rule files themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from calcminer.nlp.pipeline.mentions import neighbour_cues
from calcminer.nlp.pipeline.normalize import (
    ExamTitle,
    Normalizer,
)
from calcminer.nlp.pipeline.recommendations import (
    RecommendationFinder,
    RecommendationSettings,
)
from calcminer.nlp.pipeline.text_tables import (
    LinesOfLast,
)
from calcminer.nlp.pipeline.token_view import doc_text
from calcminer.nlp.rules.patterns import PatternSet


class LinkSettings:
    """The thresholds and word tables of the linking steps (see the module docstring).

    Args:
        patterns: The loaded rules (``calcminer.nlp.rules.patterns.load_patterns``).
    """

    def __init__(self, patterns: PatternSet) -> None:
        self.patterns = patterns
        self.requires = {r.id: r.requires for r in patterns.targets if r.requires}
        self.normalizer = Normalizer(patterns.normalization)
        self.exam_title = ExamTitle(patterns.normalization)
        linking = patterns.config["linking"]
        sizes = patterns.config["sizes"]
        self.max_premod_gap = int(linking["max_premodifier_gap_tokens"])
        self.max_post_distance = int(linking["max_postmodifier_distance_tokens"])
        self.max_prior_gap = int(linking["max_prior_cue_gap_tokens"])
        self.max_continued_sentences = int(linking["max_continued_sentences"])
        self.max_list_items = int(linking["max_list_items"])
        self.min_calcific_density_hu = float(patterns.config["density"]["min_calcific_density_hu"])
        self.max_mimic_distance = int(linking["max_mimic_distance_tokens"])
        self.min_run_on_spaces = int(linking["min_run_on_double_spaces"])
        self.min_size_mm = float(sizes["min_plausible_size_mm"])
        self.max_size_mm = float(sizes["max_plausible_size_mm"])
        table = patterns.normalization
        self.break_words = frozenset(table["premodifier_break_words"])
        self.break_punct = frozenset(table["premodifier_break_punct"])
        self.definite = frozenset(table["definite_determiners"])
        self.excluded_reasons: Mapping[str, str] = table["excluded_part_reasons"]
        self.location_prepositions = frozenset(table["location_prepositions"])
        self.determiners = frozenset(table["determiners"])
        self.proximity_words = frozenset(table["proximity_words"])
        self.proximity_words_needing_to = frozenset(table["proximity_words_needing_to"]["words"])
        self.side_words = frozenset(table["side_words"])
        self.anaphoric_determiners = frozenset(table["anaphoric_lesion_determiners"])
        self.irregular_singulars: Mapping[str, str] = table["irregular_singulars"]
        self.shared_organs: Mapping[str, str] = table["shared_organ_rules"]["rules"]
        self.neighbours = neighbour_cues(patterns)
        duct = table["duct_context"]
        self.duct_prepositions = frozenset(duct["prepositions"])
        self.duct_containers = frozenset(duct["container_words"])
        self.duct_gap_stops = frozenset(duct["gap_stop_words"])
        self.duct_max_gap = int(duct["max_gap_tokens"])
        self.duct_locative = frozenset(duct["locative_words"])
        self.duct_bridge = frozenset(duct["bridge_words"])
        self.duct_bridge_states = frozenset(duct["bridge_states"])
        self.duct_max_bridge = int(duct["max_bridge_tokens"])
        self.duct_state_before = int(duct["max_state_before_tokens"])
        self.negation_words = frozenset(table["negation_words"]["words"])
        organ_measure = table["organ_measurement"]
        self.organ_measure_words = frozenset(organ_measure["words"])
        self.organ_measure_max_gap = int(organ_measure["max_gap_tokens"])
        self.organ_min_size_mm: Mapping[str, float] = {
            organ: float(mm) for organ, mm in organ_measure["min_size_mm_by_organ"].items()
        }
        self.whole_organ_size_mm: Mapping[str, float] = {
            organ: float(mm) for organ, mm in organ_measure["whole_organ_size_mm_by_organ"].items()
        }
        guards = table["segment_code_guards"]
        self.segment_guard_rules = frozenset(guards["rule_ids"])
        self.segment_guard_window = int(guards["window_tokens"])
        self.segment_guard_words = frozenset(guards["words"])
        self.anaphoric_starts = frozenset(table["anaphoric_sentence_starts"])
        self.identity_containers = frozenset(table["identity_container_values"])
        self.partitive_pronouns = frozenset(table["partitive_pronouns"]["words"])
        superlatives = table["superlative_sizes"]
        self.superlatives = frozenset(superlatives["words"])
        self.superlative_links = frozenset(superlatives["member_links"])
        self.placing_verbs = frozenset(table["placing_blocker_verbs"]["words"])
        self.organ_effect_words = frozenset(table["organ_effect_words"]["words"])
        holding = table["fronted_pronoun_subjects"]
        self.holding_verbs = frozenset(holding["verbs"])
        self.max_fronted_words = int(holding["max_tokens_before"])
        #: Opinion phrases by first word ("i" -> ("i", "think"), ...).
        self.anaphoric_openers: dict[str, list[tuple[str, ...]]] = {}
        for phrase in table["anaphoric_openers"]["phrases"]:
            words = tuple(phrase.split())
            if words:
                self.anaphoric_openers.setdefault(words[0], []).append(words)
        measured = table["measured_size_verbs"]
        self.measured_verbs = frozenset(measured["words"])
        self.measured_hedges = frozenset(measured["hedges"])
        self.size_list_joiners = frozenset(table["size_list_joiners"]["words"])
        self.max_joiner_words = int(table["size_list_joiners"]["max_words_between"])
        self.current_size_words = frozenset(table["size_list_joiners"]["current_words"])
        self.max_superlative_gap = int(superlatives["max_gap_tokens"])
        self.max_identity_gap = int(linking["max_identity_gap_tokens"])
        self.table_cell_marks = frozenset(table["table_cell_marks"]["marks"])
        self.table_prior_headers = frozenset(table["table_cell_marks"]["prior_headers"])
        self.table_current_headers = frozenset(table["table_cell_marks"]["current_headers"])
        self.unit_to_mm = dict(table["unit_to_mm"])
        self.max_apposition_tokens = int(linking["max_apposition_tokens"])
        self.max_gloss_tokens = int(linking["max_gloss_tokens"])
        self.alternative_words = frozenset(table["alternative_words"]["words"])
        self.max_duct_calibre_mm = float(sizes["max_duct_calibre_mm"])
        self.max_table_row_chars = int(table["table_cell_marks"]["max_row_chars"])
        #: The lines of the document being linked (table rows).
        self.lines = LinesOfLast(self.max_table_row_chars, doc_text)
        self.duct_calibre_rules = frozenset(table["duct_calibre_rules"]["rule_ids"])
        self.segment_header_words = frozenset(table["table_cell_marks"]["segment_headers"])
        self.cell_split = re.compile(
            "|".join(re.escape(mark) for mark in sorted(self.table_cell_marks))
        )
        self.listed_size_rules = frozenset(table["listed_size_rules"]["rule_ids"])
        self.size_bound_words = frozenset(table["size_bound_words"]["words"])
        copula = table["copula_identity_cues"]
        self.copula_cue_rules = frozenset(copula["rule_ids"])
        self.copula_cue_blockers = frozenset(copula["not_after"])
        self.identity_container_nouns = frozenset(table["identity_container_nouns"]["words"])
        self.echo_only_mimics = frozenset(table["echo_only_mimic_values"]["values"])
        adjacent = table["adjacent_mimic_values"]
        self.adjacent_mimics = frozenset(adjacent["values"])
        self.max_adjacent_mimic_gap = int(adjacent["max_gap_tokens"])
        self.identity_morphology = frozenset(table["identity_morphology"])
        predicate = table["predicate_targets"]
        self.predicate_rules = frozenset(predicate["rule_ids"])
        self.calcified_lesion_rules = frozenset(table["calcified_lesion_rules"]["rule_ids"])
        topics = table["topic_sentences"]
        self.topic_determiners = frozenset(topics["determiners"])
        self.topic_nouns: Mapping[str, str] = dict(topics["nouns"])
        self.topic_modifiers = frozenset(topics["modifiers"])
        self.max_topic_modifiers = int(topics["max_modifiers"])
        self.topic_verbs = frozenset(topics["verbs"])
        self.predicate_subject_labels = frozenset(predicate["subject_labels"])
        self.predicate_verbs = frozenset(predicate["verbs"])
        self.predicate_adverbs = frozenset(predicate["adverbs"])
        self.predicate_comparatives = frozenset(predicate["comparatives"])
        self.predicate_pronouns = frozenset(predicate["pronouns"])
        self.max_subject_modifiers = int(predicate["max_subject_modifiers"])
        self.lesion_parts = frozenset(table["lesion_part_nouns"]["words"])
        self.placing_parts = self.lesion_parts | frozenset(table["placing_part_nouns"]["words"])
        inner = table["indefinite_inner_parts"]
        self.inner_part_articles = frozenset(inner["articles"])
        self.inner_parts = frozenset(inner["parts"])
        contents = table["identity_of_contents"]
        self.contents_joiners = frozenset(contents["joiners"])
        self.content_nouns = frozenset(contents["content_nouns"]) | self.lesion_parts
        host = table["calcified_host_contents"]
        self.host_rules = frozenset(host["host_rules"])
        self.host_content_rules = frozenset(host["content_rules"])
        self.host_joiners = frozenset(host["joiners"])
        self.max_host_words = int(host["max_words_between"])
        self.showing_verbs = frozenset(table["same_foci_showing_words"]["words"])
        self.enumeration_closers = frozenset(table["enumeration_closers"]["words"])
        #: Phrases that open a sentence on a lesion, longest first ("at the site of").
        self.fronted_openers = sorted(
            (tuple(p.split()) for p in table["fronted_container_openers"]["phrases"]),
            key=len,
            reverse=True,
        )
        #: The first words of ``fronted_openers``: a sentence whose first word is none of
        #: them opens on no such phrase (None when an opener is empty and would always match).
        self.fronted_opener_firsts: frozenset[str] | None = (
            frozenset(p[0] for p in self.fronted_openers) if all(self.fronted_openers) else None
        )
        self.outline_parts = frozenset(table["lesion_outline_parts"]["words"])
        self.partial_outline_words = frozenset(table["lesion_outline_parts"]["partial_words"])
        self.recommendations = RecommendationFinder(
            RecommendationSettings.from_patterns(patterns.config, table)
        )
