"""The shape of ``patterns/normalization.json``, checked when the patterns load (error E011).

:data:`NORMALIZATION_SCHEMA` lists every table the code reads, with its shape: a string, a
regular expression, an integer, a number, true/false, a list, an object of any keys whose
values share one shape (``unit_to_mm``), or a table with fixed keys (``duct_context``). A
table may also hold documentation keys (:data:`DOC_KEYS`, or a name ending in
:data:`DOC_SUFFIX`) whose values are strings; any other key is an error, as is a missing key
or a value of the wrong shape. :func:`first_problem` checks a loaded file against a shape
and says what is wrong and where (the key path, e.g. ``duct_context.max_gap_tokens``).

The shapes and the checker are in :mod:`calcminer.nlp.rules.json_shapes` (their names are
importable from here too); this module holds the schema itself, one entry per table.
"""

from __future__ import annotations

from types import MappingProxyType

from calcminer.nlp.rules.json_shapes import (
    DOC_KEYS,
    DOC_SUFFIX,
    Flag,
    Integer,
    ListOf,
    MapOf,
    Number,
    PathPart,
    Regex,
    Shape,
    Table,
    Text,
    first_problem,
    is_doc_key,
    json_kind,
    key_path,
    problems,
    schema_key_paths,
)

# --- the schema ---------------------------------------------------------------------------------
#: A list of words or phrases.
WORDS = ListOf(Text())
#: A list of rule ids (of ``targets.jsonl`` or ``mentions.jsonl``).
RULE_IDS = ListOf(Text())


def _words_table(key: str = "words") -> Table:
    """A table of one list of words (and its description)."""
    return Table({key: WORDS})


#: Every table of ``normalization.json``; the comments name the modules that read them.
NORMALIZATION_SCHEMA = Table(
    MappingProxyType(
        {
            # normalize.Normalizer: sizes and segments
            "number_regex": Regex(),
            "size_number_words": Table({"units": MapOf(Integer()), "tens": MapOf(Integer())}),
            # normalize.Normalizer, linking, sections
            # also the size units of the token patterns (word_lists.json keys_of)
            "unit_to_mm": MapOf(Number()),
            "segment_value_regex": Regex(min_groups=1),
            "segment_values": MapOf(Text()),
            "segment_keywords": WORDS,
            "plural_heads": WORDS,
            "mass_nouns": WORDS,
            # linking, neighbours
            "definite_determiners": WORDS,
            # sections, prefilter
            "sentence_abbreviations": WORDS,
            # linking
            "premodifier_break_words": WORDS,
            "premodifier_break_punct": WORDS,
            "excluded_part_reasons": MapOf(Text()),
            "location_prepositions": WORDS,
            "determiners": WORDS,
            "anaphoric_sentence_starts": WORDS,
            "echo_only_mimic_values": _words_table("values"),
            "adjacent_mimic_values": Table({"values": WORDS, "max_gap_tokens": Integer()}),
            "partitive_pronouns": _words_table(),
            # linking, mentions, prefilter
            "table_cell_marks": Table(
                {
                    "marks": WORDS,
                    "prior_headers": WORDS,
                    "current_headers": WORDS,
                    "max_row_chars": Integer(),
                    "segment_headers": WORDS,
                }
            ),
            # linking
            "duct_calibre_rules": Table({"rule_ids": RULE_IDS}),
            "alternative_words": _words_table(),
            "copula_identity_cues": Table({"rule_ids": RULE_IDS, "not_after": WORDS}),
            "size_bound_words": _words_table(),
            "listed_size_rules": Table({"rule_ids": RULE_IDS}),
            "identity_container_values": WORDS,
            "identity_container_nouns": _words_table(),
            "identity_morphology": WORDS,
            # linking, mentions, factories
            "predicate_targets": Table(
                {
                    "rule_ids": RULE_IDS,
                    "subject_labels": WORDS,
                    "max_subject_modifiers": Integer(),
                    "pronouns": WORDS,
                    "verbs": WORDS,
                    "comparatives": WORDS,
                    "adverbs": WORDS,
                }
            ),
            # context
            "clause_articles": Table(
                {
                    "after_punctuation": WORDS,
                    "articles": WORDS,
                    "not_after": WORDS,
                    "not_after_suffixes": WORDS,
                }
            ),
            # linking
            "lesion_outline_parts": Table({"words": WORDS, "partial_words": WORDS}),
            # linking, mentions
            "lesion_part_nouns": _words_table(),
            # context
            "negation_carriers": Table({"phrases": ListOf(WORDS), "breaks": WORDS}),
            # linking
            "proximity_words_needing_to": _words_table(),
            "proximity_words": WORDS,
            "duct_context": Table(
                {
                    "prepositions": WORDS,
                    "container_words": WORDS,
                    "gap_stop_words": WORDS,
                    "max_gap_tokens": Integer(),
                    "locative_words": WORDS,
                    "bridge_words": WORDS,
                    "max_bridge_tokens": Integer(),
                    "max_state_before_tokens": Integer(),
                    "bridge_states": WORDS,
                }
            ),
            "negation_words": _words_table(),
            "anaphoric_lesion_determiners": WORDS,
            "side_words": WORDS,
            "shared_organ_rules": Table({"rules": MapOf(Text())}),
            "irregular_singulars": MapOf(Text()),
            # sections
            "header_list_separators": WORDS,
            "header_qualifiers": Table({"max_words": Integer(), "words": WORDS}),
            # recommendations (organ_words: also normalize.ExamTitle, prefilter)
            "followup": Table(
                {
                    "plan_lead_words": WORDS,
                    "subject_prepositions": WORDS,
                    "subject_skip_words": WORDS,
                    "subject_stop_words": WORDS,
                    "number_words": MapOf(Integer()),
                    "plan_blocking_words": WORDS,
                    "exam_coordinators": WORDS,
                    "coordinated_procedure_words": WORDS,
                    "exam_modifier_stop_words": WORDS,
                    "plan_condition_done_words": WORDS,
                    "plan_clause_break_words": WORDS,
                    "organ_words": MapOf(Text()),
                    "denial_openers": WORDS,
                    "denial_breakers": WORDS,
                    "guided_words": WORDS,
                    "survey_region_words": WORDS,
                    "region_list_words": WORDS,
                }
            ),
            # miner (normalize.TextCleaner): one character for one (or for none)
            "text_char_map": MapOf(
                Text(max_chars=1),
                keys=Text(min_chars=1, max_chars=1),
                reserved={
                    "_comment": Text(),
                    "_context": MapOf(
                        Table({"to": Text(min_chars=1, max_chars=1), "before": Text()}),
                        keys=Text(min_chars=1, max_chars=1),
                    ),
                },
            ),
            # neighbours, prefilter
            "context_sentence_starts": Table(
                {
                    "refer_back": WORDS,
                    "same_foci": WORDS,
                    "more_foci": WORDS,
                    "member_place": WORDS,
                    "distributive": WORDS,
                    "inside_previous": Table(
                        {
                            "prepositions": WORDS,
                            "pronouns": WORDS,
                            "adjectives": WORDS,
                            "adjective_first_words": Integer(),
                            "adverbs": WORDS,
                        }
                    ),
                    "list_items": Table(
                        {
                            "introducers": WORDS,
                            "label_openers": WORDS,
                            "label_closers": WORDS,
                            "max_label_chars": Integer(),
                        }
                    ),
                }
            ),
            # sections
            "lower_case_sentence_starts": Table(
                {"not_after_period": WORDS, "dimension_words": WORDS}
            ),
            # linking
            "organ_measurement": Table(
                {
                    "min_size_mm_by_organ": MapOf(Number()),
                    "whole_organ_size_mm_by_organ": MapOf(Number()),
                    "words": WORDS,
                    "max_gap_tokens": Integer(),
                }
            ),
            "segment_code_guards": Table(
                {"rule_ids": RULE_IDS, "window_tokens": Integer(), "words": WORDS}
            ),
            # sections
            "run_on_headers": Table({"words": WORDS, "not_after": WORDS, "not_before": WORDS}),
            # sections, neighbours
            "header_bullets": WORDS,
            # linking
            "same_foci_showing_words": _words_table(),
            "fronted_container_openers": _words_table("phrases"),
            # normalize.ExamTitle
            "liver_exam_titles": Table(
                {"liver_words": WORDS, "exam_words": WORDS, "max_words": Integer()}
            ),
            # linking
            "topic_sentences": Table(
                {
                    "determiners": WORDS,
                    "nouns": MapOf(Text()),
                    "modifiers": WORDS,
                    "max_modifiers": Integer(),
                    "verbs": WORDS,
                }
            ),
            # linking, mentions
            "indefinite_inner_parts": Table({"articles": WORDS, "parts": WORDS}),
            # linking
            "identity_of_contents": Table({"joiners": WORDS, "content_nouns": WORDS}),
            "calcified_host_contents": Table(
                {
                    "host_rules": RULE_IDS,
                    "content_rules": RULE_IDS,
                    "joiners": WORDS,
                    "max_words_between": Integer(),
                }
            ),
            # mentions
            "segment_headings": _words_table(),
            # linking
            "placing_part_nouns": _words_table(),
            "size_list_joiners": Table(
                {"words": WORDS, "max_words_between": Integer(), "current_words": WORDS}
            ),
            "measured_size_verbs": Table({"words": WORDS, "hedges": WORDS}),
            # pipeline (the tokenizer)
            "tokenizer_unit_suffixes": _words_table("units"),
            # linking
            "fronted_pronoun_subjects": Table({"verbs": WORDS, "max_tokens_before": Integer()}),
            "organ_effect_words": _words_table(),
            "anaphoric_openers": _words_table("phrases"),
            "placing_blocker_verbs": _words_table(),
            # linking, mentions
            "superlative_sizes": Table(
                {"words": WORDS, "max_gap_tokens": Integer(), "member_links": WORDS}
            ),
            # linking
            "calcified_lesion_rules": Table({"rule_ids": RULE_IDS}),
            "enumeration_closers": _words_table(),
        }
    )
)


__all__ = [
    "DOC_KEYS",
    "DOC_SUFFIX",
    "NORMALIZATION_SCHEMA",
    "RULE_IDS",
    "WORDS",
    "Flag",
    "Integer",
    "ListOf",
    "MapOf",
    "Number",
    "PathPart",
    "Regex",
    "Shape",
    "Table",
    "Text",
    "first_problem",
    "is_doc_key",
    "json_kind",
    "key_path",
    "problems",
    "schema_key_paths",
]
