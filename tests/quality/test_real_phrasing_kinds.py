"""Kinds of wording found while extending the real-phrasing corpus (issue 11, dev_c and dev_d).

Each case is written for this file (not copied from a gold report) and names only the fields it
is about; expectations follow ../shared/GOLD_GUIDE.md and its "Clarifications (2026-12-06)".
"""

from __future__ import annotations

import json

import pytest
import spacy
from test_real_phrasing_cases import Expect, _case, _check

from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.rules.patterns import load_patterns

PREDICATES = [
    _case(
        "LIVER: Several hypodense metastases, some of which are now centrally calcified, in"
        " segments II and V.",
        "plural_subject_some_of_which",
        calcification=True,
        count_category="multiple",
        segments=["II", "V"],
        triage="workup",
    ),
    _case(
        "LIVER: A 3.6 cm lesion in segment VIII is densely calcified.",
        "subject_lends_size_and_segment",
        count=1,
        max_size_mm=36.0,
        segments=["VIII"],
        triage="urgent",
    ),
    _case(
        "LIVER: There is a 34 mm mass in the right lobe. It is coarsely calcified.",
        "pronoun_takes_previous_lesion",
        count=1,
        max_size_mm=34.0,
        lobes=["right"],
        triage="urgent",
    ),
    _case(
        "The liver contains a 4.4 x 3.9 cm mass in segment 7. The lesion is heavily calcified.",
        "definite_subject_takes_previous_lesion",
        calcification=True,
        max_size_mm=44.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "LIVER: Two cysts in segment 3 are partially calcified, the larger 14 mm.",
        "counted_subject",
        count=2,
        max_size_mm=14.0,
        triage="workup",
    ),
    _case(
        "LIVER: There are calcified granulomas in segment VI.",
        "attributive_calcified_wins_over_predicate",
        count_category="multiple",
        segments=["VI"],
    ),
    _case(
        "GALLBLADDER: The wall is calcified.",
        "predicate_of_another_organ",
        calcification=False,
    ),
    _case(
        "LIVER: The known 2 cm lesion in segment 4 is not calcified.",
        "negated_predicate_is_no_mention",
        calcification=False,
    ),
]

RUN_ON_AND_CLAUSES = [
    _case(
        "us abd liver normal size no focal mass a small 5mm echogenic focus with posterior"
        " acoustic shadow seg 6 likely granuloma gb normal",
        "article_after_noun_ends_negation",
        calcification=True,
        max_size_mm=5.0,
        segments=["VI"],
    ),
    _case(
        "LIVER: No evidence of a calcified granuloma.",
        "article_after_of_keeps_negation",
        calcification=False,
    ),
    _case(
        "LIVER: We did not identify a calcification.",
        "article_after_verb_keeps_negation",
        calcification=False,
    ),
    _case(
        "LIVER: Should a calcified focus be confirmed, it would be a granuloma.",
        "article_after_cue_keeps_hypothetical",
        calcification=False,
    ),
    _case(
        "LIVER: No hyperechoic area in the right lobe of the liver parenchyma to suggest"
        " calcification.",
        "negation_carried_to_suggest",
        calcification=False,
    ),
    _case(
        "LIVER: Echogenic focus in segment 4 to suggest calcification.",
        "carrier_without_negation",
        calcification=True,
        segments=["IV"],
    ),
    _case(
        "LIVER: 6 mm calcified granuloma in segment II. Pancreas obscured by overlying bowel gas.",
        "bowel_gas_hiding_an_organ_is_no_mimic",
        calcification=True,
        max_size_mm=6.0,
    ),
]

COUNTS_AND_PARTS = [
    _case(
        "LIVER: A densely calcified hydatid cyst with a thick calcified wall in segment VII,"
        " 4.5 cm.",
        "calcified_part_of_the_lesion_is_no_second_focus",
        count=1,
        triage="urgent",
    ),
    _case(
        "LIVER: Two calcified granulomas, one in segment II and another in segment VI.",
        "another_lists_the_stated_two",
        count=2,
        segments=["II", "VI"],
    ),
    _case(
        "LIVER: A calcified granuloma in segment II, and another in segment VI.",
        "another_adds_to_one",
        count=2,
    ),
    _case(
        "liver: calcified foci (x4) right lobe, largest 6mm.",
        "multiplier_after_head",
        count=4,
        max_size_mm=6.0,
        lobes=["right"],
    ),
    _case(
        "FINDINGS: A single calcified granuloma in the liver (segment III) and several in the"
        " spleen.\nIMPRESSION: Calcified granulomas of the liver and spleen.",
        "plural_shared_with_spleen_is_no_liver_plural",
        count_category="single",
    ),
    _case(
        "Abdominal ultrasound.\nLIVER: multiple tiny calcs both lobes, largest 3mm.",
        "calcs_short_form",
        calcification=True,
        count_category="multiple",
        lobes=["left", "right"],
    ),
    _case(
        "LIVER: Several bright echogenic foci with shadowing in segment 2 and 3, appearing as"
        " calcified granulomas, up to 4 mm.",
        "appositive_shares_location_and_size",
        count_category="multiple",
        max_size_mm=4.0,
    ),
]

ORGANS_AND_VOCABULARY = [
    _case(
        "Conclusion: Hepatic arterial calcification in keeping with renal failure.",
        "hepatic_arterial_is_a_vessel",
        calcification=False,
    ),
    _case(
        "THYROID: A 16 mm calcified nodule in the left lobe of the thyroid.\nLIVER: Normal.",
        "lobe_of_another_organ",
        calcification=False,
    ),
    _case(
        "Liver of normal size. In segment V a calcific formation of 3,4 cm with posterior"
        " acoustic shadow.",
        "calcific_formation",
        calcification=True,
        max_size_mm=34.0,
        triage="urgent",
    ),
    _case(
        "LIVER: hyperechoic image of 7 mm with posterior acoustic shadow cone in segment III.",
        "hyperechoic_image_with_shadow",
        calcification=True,
        max_size_mm=7.0,
        segments=["III"],
    ),
    _case(
        "LIVER: hyper-echoic focus with posterior acoustic shadowing in segment 5.",
        "hyphenated_adjective",
        calcification=True,
        segments=["V"],
    ),
    _case(
        "LIVER: coarsely calcified space-occupying lesion of 5.5 cm in segment 8.",
        "hyphenated_lesion_words",
        max_size_mm=55.0,
        triage="urgent",
    ),
    _case(
        "LIVER: Intrahepatic lithiasis in the left lobe.",
        "intrahepatic_lithiasis",
        bile_duct=True,
        count_category="multiple",
        triage="workup",
    ),
    _case(
        "LIVER: Post resection. The calcified lesion previously seen in segment 3 was resected.",
        "resected_lesion_is_not_present",
        calcification=False,
    ),
    _case(
        "Findings\nLIVER: A calcified nodule of 12 mm at S8.\n[Conclusion]\n1. Calcified nodule"
        " of liver S8 (12 mm).",
        "bracketed_impression_header_restates",
        count=1,
    ),
    _case(
        "LIVER: A 3 cm haemangioma in segment IV. A coarse calcification of 2.5 cm lies"
        " centrally within it.",
        "within_it_takes_the_previous_lesion",
        calcification=True,
        segments=["IV"],
        max_size_mm=25.0,
    ),
]

FOLLOW_UP = [
    _case(
        "Assessment: Renal cyst. Sonographic control in 12 months.",
        "control",
        followup_recommended=True,
    ),
    _case(
        "Conclusion: To be re-evaluated with contrast CT of the abdomen.",
        "to_be_re_evaluated",
        followup_recommended=True,
    ),
    _case("Adv: X-ray KUB.", "x_ray", followup_recommended=True),
    _case(
        "Beurteilung:\nHepatolithiasis.\nEmpfehlung: MRCP.", "empfehlung", followup_recommended=True
    ),
    _case(
        "Impresión:\nCalcificaciones.\nSe sugiere control tomográfico en 6 meses.",
        "control_tomografico",
        followup_recommended=True,
    ),
    _case(
        "Impressão:\nCisto hepático.\nControle evolutivo por ultrassonografia em 12 meses.",
        "controle_por_ultrassonografia",
        followup_recommended=True,
    ),
    _case(
        "impression:\n1. 6 mm rll nodule, ct chest in 3 months given smoking history.",
        "exam_with_a_future_interval",
        followup_recommended=True,
    ),
    _case(
        "Findings: CT performed 3 months ago.", "past_exam_is_no_plan", followup_recommended=False
    ),
    _case(
        "LIVER: 2 x 3 mm calcification in segment 5. Adv: serology.",
        "x_of_a_size_is_no_x_ray",
        followup_recommended=False,
    ),
]


SECOND_BATCH = [
    _case(
        "Findings:\nA 6 mm focus of signal void in segment III, dark on all sequences, without"
        " enhancement, consistent with a calcification.",
        "identity_cue_hands_on_size_and_segment_past_without",
        calcification=True,
        max_size_mm=6.0,
        segments=["III"],
    ),
    _case(
        "LIVER: In segment VII a small area of signal void of 5 mm, hypointense on all"
        " sequences, attributable to calcification.",
        "attributable_to_is_an_identity_cue",
        max_size_mm=5.0,
        segments=["VII"],
    ),
    _case(
        "LIVER: Two calcific densities, 6 mm in segment 8 and 2 mm in the caudate lobe.",
        "segment_list_does_not_swallow_a_size",
        count=2,
        max_size_mm=6.0,
        segments=["VIII"],
        lobes=["caudate"],
    ),
    _case(
        "LIVER: Several strong echoes with acoustic shadow in the right lobe, not distributed"
        " along the course of the bile ducts.",
        "negated_duct_place",
        bile_duct=False,
    ),
    _case(
        "LIVER: In the right lobe a strong echo mass of about 3.3 x 2.8 cm with an acoustic"
        " shadow behind it, considered a large calcification.",
        "considered_is_an_identity_cue",
        count=1,
        max_size_mm=33.0,
        triage="urgent",
    ),
    _case(
        "LIVER: Multiple intrahepatic stones with posterior acoustic shadowing in the left lobe,"
        " within dilated ducts measuring up to 9 mm.",
        "duct_calibre_is_not_a_stone_size",
        bile_duct=True,
        max_size_mm=None,
    ),
    _case(
        "LIVER: The three small cysts in segment II show complete rim calcification.",
        "counted_cysts_with_calcified_rims",
        count=3,
        segments=["II"],
    ),
    _case(
        "liver: calcified granuloma segment 2 follow-up ct chest in 12 months stable calcified"
        " granuloma",
        "interval_number_is_no_count",
        count=1,
        followup_recommended=True,
    ),
    _case(
        "LIVER: A few scattered calcific foci in the right lobe, largest 4 mm; two further foci"
        " in S2.",
        "two_further_foci_continue_the_sentence",
        count_category="multiple",
        segments=["II"],
        lobes=["right"],
    ),
    _case(
        "Liver: 4 mm calcification in segment VI.\nConclusioni:\nSmall calcification in segment"
        " VI.",
        "translated_impression_header_restates",
        count=1,
    ),
    _case(
        "Liver: Two small echogenic foci are seen in segments V and VI. They cast posterior"
        " acoustic shadows and measure up to 6 mm.",
        "shadow_in_the_next_sentence",
        calcification=True,
        count=2,
        max_size_mm=6.0,
        segments=["V", "VI"],
    ),
    _case(
        "Liver: Two small echogenic foci are seen in segments V and VI. They do not cast"
        " acoustic shadows.",
        "no_shadow_in_the_next_sentence",
        calcification=False,
    ),
    _case(
        "Liver: Two small echogenic foci are seen in segments V and VI.\nThey cast posterior"
        " acoustic shadows.",
        "shadow_on_the_next_line_is_not_read",
        calcification=False,
    ),
    _case(
        "IMPRESSION:\nLeft renal calculus.\nFollow-up renal ultrasound in 6 months.",
        "follow_up_with_organ_before_modality",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Liver: 3 mm calcified granuloma in segment 4. No follow-up renal ultrasound needed.",
        "negated_follow_up_with_organ",
        followup_recommended=False,
    ),
]


TRANSLATED_AND_ENGLISH_PRACTICE = [
    _case(
        "Liver: not enlarged. In S6 a hyperechoic inclusion 5 mm with acoustic shadow is"
        " determined (calcinate).",
        "calcinate_and_inclusion",
        calcification=True,
        max_size_mm=5.0,
        segments=["VI"],
    ),
    _case(
        "Liver: in the parenchyma of both lobes multiple calcinates, size up to 4 mm.",
        "calcinates_plural",
        count_category="multiple",
        max_size_mm=4.0,
        lobes=["left", "right"],
    ),
    _case(
        "УЗИ / ULTRASOUND\nLiver: calcinate 3 mm in S7.\nЗаключение / Conclusion:\nSingle"
        " calcinate of the liver, S7.",
        "header_after_a_slash_restates",
        count=1,
        segments=["VII"],
    ),
    _case(
        "Fegato: al VII segmento epatico a calcified hydatid cyst of 45 mm.",
        "numeral_before_segment_and_foreign_words",
        calcification=True,
        max_size_mm=45.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "Liver: A large coarse calcified lesion measuring 4.5 x 3.8 cms in segment VII.",
        "cms_unit",
        max_size_mm=45.0,
        triage="urgent",
    ),
    _case(
        "Liver: Few calcified foci in the right lobe, largest measuring ~9 mm.",
        "approximate_sign_before_a_size",
        max_size_mm=9.0,
    ),
    _case(
        "Liver: The intrahepatic bile ducts of the left lobe are dilated and contain many"
        " hyperdense stones, the largest about 15 mm.",
        "ducts_are_dilated_and_contain_stones",
        bile_duct=True,
        max_size_mm=15.0,
        triage="workup",
    ),
    _case(
        "Liver: The intrahepatic ducts are not dilated and the gallbladder contains stones.",
        "gallbladder_stones_after_normal_ducts",
        calcification=False,
    ),
    _case(
        "Liver: Intrahepatic cholangiolithiasis in segment VI.",
        "intrahepatic_cholangiolithiasis",
        bile_duct=True,
        segments=["VI"],
    ),
    _case(
        "Liver: A well-defined hyperechoic lesion of 18 mm in segment VI without posterior"
        " acoustic shadow, in favour of haemangioma.",
        "without_singular_shadow",
        calcification=False,
    ),
    _case(
        "Liver: In the right lobe a strong echo mass about 4.0cm x 3.2cm is seen, arc-shaped"
        " strong echo at the front edge, with wide acoustic shadow behind.",
        "further_description_shares_the_shadow",
        count=1,
        max_size_mm=40.0,
        triage="urgent",
    ),
    _case(
        "Liver: a hyperechoic mass in segment 4, a small echogenic focus with posterior"
        " shadowing in segment 6.",
        "shadow_inside_a_later_target_is_its_own",
        count=1,
        segments=["VI"],
    ),
    _case(
        "Liver: A calcified mass lesion measuring 3.8 x 3.5 cm is seen in the right lobe.",
        "compound_head_mass_lesion",
        max_size_mm=38.0,
        triage="urgent",
    ),
    _case(
        "Findings: Liver: a 6 mm echogenic focus with shadowing in the right lobe.\nGallbladder"
        " normal.\nResult list:\nEchogenic focus with shadowing in the right lobe.",
        "restated_in_the_same_lobe",
        count=1,
    ),
    _case(
        "liver: in S7 single hyperechoic inclusion 3 mm with acoustic shadow (calcinate). focal"
        " formations not revealed.",
        "lower_case_sentence_after_a_bracket",
        calcification=True,
        max_size_mm=3.0,
        segments=["VII"],
    ),
    _case(
        "Liver: not enlarged. Calcinates in the liver are not determined.\nSpleen: multiple"
        " calcinates up to 4 mm.",
        "not_determined_is_a_negation",
        calcification=False,
    ),
    _case(
        "Liver: In segment 8 coarse calcification of 45x38 mm. Coarse calcification in liver"
        " segment 8 (45 mm); calcified hydatid cyst?",
        "same_segment_and_size_restates",
        count=1,
        triage="urgent",
    ),
    _case(
        "Abdomen: In the liver left lobe a calcific nodule of 6 mm.\nCalcific granulomas in lung"
        " and liver, sequelae of previous infection.",
        "plural_shared_with_the_lung_adds_no_number",
        count=1,
        triage="benign",
    ),
    _case(
        "Liver: Calcified nodule 8 mm in subsegment VI, no enhancement.",
        "subsegment",
        max_size_mm=8.0,
        segments=["VI"],
    ),
    _case(
        "Liver: multiple hyperechogenic images with posterior shadow cone in the right lobe,"
        " evocative of calcifications, the largest of 11 mm.",
        "evocative_of",
        count_category="multiple",
        max_size_mm=11.0,
        lobes=["right"],
    ),
    _case(
        "MRCP: Normal calibre intra- and extrahepatic ducts with no filling defect. The"
        " segment IVb focus is not associated with a duct and shows signal void, in keeping"
        " with a parenchymal calcification.",
        "negated_duct_relations",
        bile_duct=False,
        triage="benign",
    ),
    _case(
        "Liver: There is a calcified lesion in segment V. It measures 4.1 x 3.6 x 3.8 cm (AP x TR"
        " x CC) and shows a curvilinear echogenic wall.",
        "it_measures_continues",
        max_size_mm=41.0,
        triage="urgent",
    ),
    _case(
        "Liver: A 6 mm calcified granuloma is seen in segment VI, and a 2.1 cm gallstone is"
        " lodged in the gallbladder neck.",
        "gallstone_owns_its_size",
        max_size_mm=6.0,
    ),
    _case(
        "Liver: The left lateral section intrahepatic bile ducts (segments II and III) are dilated"
        " and contain multiple calcified stones, the largest about 1.2 cm.",
        "bracketed_segments_between_ducts_and_stones",
        bile_duct=True,
        max_size_mm=12.0,
        segments=["II", "III"],
    ),
    _case(
        "Liver: Multiple calcified hydatid cysts in both lobes; the largest one, in segment VI,"
        " measures 6.5 x 5.3 cm and shows thick eggshell calcification of its wall.",
        "continuation_naming_a_part_of_the_lesions",
        max_size_mm=65.0,
        triage="urgent",
    ),
    _case(
        "usg abdomen liver normal in size calcified hydatid cyst in left lobe of liver measuring"
        " 6.1 x 5.0 cm no free fluid impression calcified hydatid cyst left lobe liver adv",
        "run_on_title_is_no_advised_exam",
        followup_recommended=False,
    ),
    _case("Adv: USG guided biopsy.", "guided_biopsy_is_no_imaging", followup_recommended=False),
    _case(
        "Correlation with the CT of the abdomen performed on the same day confirms calcifications.",
        "comparison_with_an_exam_done",
        followup_recommended=False,
    ),
    _case(
        "Liver: In segment 7 of the liver a cystic lesion with complete peripheral calcification"
        " is seen. The calcified cyst measures 52 x 47 mm.",
        "definite_target_takes_the_previous_place",
        max_size_mm=52.0,
        segments=["VII"],
        triage="urgent",
    ),
]


def test_real_phrasing_no_token_pattern_literal_spans_two_tokens() -> None:
    """A word that the tokenizer splits ("hyper-echoic" -> hyper, -, echoic) never matches one
    token of a pattern: such entries were silently dead vocabulary."""
    patterns = load_patterns()
    nlp = spacy.blank("en")
    dead = []
    for rule in [*patterns.targets, *patterns.mentions]:
        if not isinstance(rule.pattern, list):
            continue
        for token in rule.pattern:
            for key in ("LOWER", "ORTH", "TEXT"):
                value = token.get(key)
                words = value.get("IN", []) if isinstance(value, dict) else [value]
                dead += [
                    (rule.id, w) for w in words if isinstance(w, str) and len(nlp.make_doc(w)) > 1
                ]
    assert not dead, json.dumps(dead)


# Follow-up kinds of dev_i and dev_j (issue 11). Each is about a recommendation's wording or
# the organ it is about; liver_followup_recommended follows the brief of the task: a follow-up
# about the liver, or a non-specific one in a report whose only finding is the liver's.
FOLLOW_UP_DEV_I_J = [
    # An exam whose list of body regions holds the abdomen surveys the body: no organ.
    _case(
        "Liver: 7 mm calcified granuloma in segment VI.\nSpleen: normal.\nImpression: A CT of"
        " the thorax, abdomen and pelvis is recommended.",
        "survey_exam_of_thorax_abdomen_pelvis",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "liver: calcified nodule seg 4 6 mm  kidneys ok  rec ct chest abd pelvis w contrast",
        "survey_exam_run_on_abbreviated",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Liver: 5 mm calcified focus in segment II.\nUterus: normal.\nImpression: Abdominal and"
        " pelvic ultrasound in 6 months is advised.",
        "survey_regions_before_the_exam",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Liver: 5 mm calcified focus in segment II.\nChest: 6 mm nodule in the right lower"
        " lobe.\nImpression: CT chest in 12 months is recommended.",
        "chest_exam_alone_is_no_survey",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    # An organ word right before the exam is its organ.
    _case(
        "Liver: 4 mm calcified granuloma in segment VIII.\nUterus: 3 cm fibroid.\nImpression: A"
        " repeat pelvic ultrasound in 3 months is recommended to assess growth.",
        "organ_adjective_before_the_exam",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Liver: 4 mm calcified granuloma in segment VIII.\nUterus: 3 cm fibroid.\nImpression: A"
        " repeat ultrasound in 3 months is recommended to assess growth.",
        "no_organ_before_the_exam_is_non_specific",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    # A recommendation naming no organ takes the organ of its numbered impression item.
    _case(
        "Liver: 3 mm calcified granuloma in segment V.\nIMPRESSION:\n1. 12 mm adrenal nodule,"
        " likely adenoma. Follow-up CT in 12 months is recommended.\n2. Calcified hepatic"
        " granuloma.",
        "numbered_item_of_another_organ",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Liver: 3 mm calcified granuloma in segment V.\nIMPRESSION:\n1) Pancreatic cyst of 9 mm,"
        " likely side-branch IPMN. MRI in 1 year is advised.",
        "numbered_item_with_a_bracket",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "IMPRESSION:\n1) Calcified granuloma in segment 6 and a small renal cyst. Follow-up"
        " ultrasound in 12 months.",
        "numbered_item_naming_the_liver",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "IMPRESSION:\n1. Adrenal adenoma.\n2. Calcified granuloma in segment 6. Follow-up"
        " ultrasound in 12 months.",
        "earlier_numbered_item_is_not_read",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Impression:\n1. Calcified stones in the left intrahepatic ducts.\n2. Normal pancreas.\n"
        "Recommendation: MRCP for further evaluation.",
        "numbered_item_on_the_line_before_is_not_read",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    # "Repeat <exam> <interval>" without "in"; "f/u us 1 yr".
    _case(
        "Liver: 6 mm calcified granuloma in segment VII.\nConclusion: Benign calcification.\n"
        "Repeat sonography 6 months.",
        "repeat_exam_interval_without_in",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Liver: 6 mm calcified granuloma in segment VII. Repeat ultrasound 3 months ago.",
        "repeat_exam_in_the_past_is_no_plan",
        followup_recommended=False,
    ),
    _case(
        "liver: calcified focus seg 6 5mm  imp calcified granuloma  f/u us 6 mo",
        "abbreviated_follow_up_exam_interval",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "liver: calcified focus seg 6 5mm  f/u us shows stable focus",
        "abbreviated_follow_up_exam_described",
        followup_recommended=False,
    ),
    _case(
        "Liver: 6 mm calcified granuloma in segment VII. Impression: Benign calcification; no"
        " repeat ultrasound is needed.",
        "no_repeat_exam_needed",
        followup_recommended=False,
    ),
    # An exam that could settle a reading, conditional or not.
    _case(
        "Conclusion: Possible renal calculus; a CT of the kidneys could confirm this if"
        " clinically relevant.",
        "exam_could_confirm_if_clinically_relevant",
        followup_recommended=True,
    ),
    _case(
        "Gallbladder: 4 mm echogenic focus. A dedicated ultrasound would clarify its nature.",
        "exam_would_clarify",
        followup_recommended=True,
    ),
    _case(
        "Conclusion: Probable gallstones. Clinical correlation if clinically relevant.",
        "if_clinically_relevant_without_imaging",
        followup_recommended=False,
    ),
    _case(
        "Conclusion: Possible metastasis; a biopsy could confirm this if clinically relevant.",
        "biopsy_could_confirm_is_no_imaging",
        followup_recommended=False,
    ),
    _case(
        "Findings: The CT could not confirm the calcification seen on ultrasound.",
        "exam_could_not_confirm",
        followup_recommended=False,
    ),
]


# --- dev_i and dev_j: ducts, run-on headers, lower-case segments, organ sizes -----------------

DUCT_STONES = [
    _case(
        "CT: Dilated bile ducts of the right posterior section (segments VI and VII) containing"
        " several dense calculi, the largest 9 mm.",
        "stones_contained_by_the_ducts_of_a_section",
        calcification=True,
        count_category="multiple",
        bile_duct=True,
        max_size_mm=9.0,
        segments=["VI", "VII"],
        lobes=["right"],
    ),
    _case(
        "MRCP: There is dilatation of the ducts of the left lobe containing numerous"
        " low-attenuation calculi, the largest 13 mm.",
        "attenuation_word_before_the_stones_is_no_head",
        bile_duct=True,
        count_category="multiple",
        max_size_mm=13.0,
        lobes=["left"],
    ),
    _case(
        "mrcp  dilated intrahepatic ducts in segments 2 and 3 containing several dark calculi up"
        " to 6 mm  cbd normal",
        "run_on_ducts_in_segments_containing_stones",
        calcification=True,
        bile_duct=True,
        max_size_mm=6.0,
        segments=["II", "III"],
    ),
    _case(
        "MRI: Mild dilatation of the intrahepatic ducts, with rounded low signal filling defects"
        " within the right anterior section ducts, the largest 10 mm, compatible with intraductal"
        " stones.",
        "place_and_size_before_the_identity_cue",
        calcification=True,
        bile_duct=True,
        max_size_mm=10.0,
        lobes=["right"],
    ),
    _case(
        "us abd  a 7 mm echogenic calculus in a dilated ihbr of the right lobe  cbd 4 mm",
        "ihbr_is_an_intrahepatic_duct",
        calcification=True,
        bile_duct=True,
        max_size_mm=7.0,
    ),
    _case(
        "MRCP: The common bile duct is dilated containing two calculi, the largest 8 mm. The"
        " intrahepatic ducts are normal.",
        "common_duct_containing_stones_stays_excluded",
        calcification=False,
    ),
    _case(
        "CT: Dilatation of the extrahepatic bile duct containing multiple calculi up to 7 mm.",
        "extrahepatic_duct_containing_stones_stays_excluded",
        calcification=False,
    ),
    _case(
        "CT: Dilatation of the pancreatic duct containing several calculi, the largest 5 mm.",
        "pancreatic_duct_containing_stones_stays_excluded",
        calcification=False,
    ),
]

RUN_ON_HEADERS = [
    _case(
        "CT ABDOMEN\nFindings: Two calcified granulomas in the liver, 4 mm in segment II and 6 mm"
        " in segment V.\nResult: Two old calcified hepatic granulomas (segments II and V).",
        "result_opens_the_impression",
        count=2,
        segments=["II", "V"],
    ),
    _case(
        "Results:\nLiver of normal size. A calcified granuloma of 5 mm in segment III.",
        "results_open_the_findings",
        count=1,
        max_size_mm=5.0,
    ),
    _case(
        "us abd  no mass  pancreas normal  right lobe 6 mm calcified granuloma",
        "two_spaces_end_a_negation",
        calcification=True,
        max_size_mm=6.0,
        lobes=["right"],
    ),
    _case(
        "us abd  pancreas normal no mass or calcified granuloma in the liver",
        "one_space_keeps_the_negation",
        calcification=False,
    ),
    _case(
        "Liver: Calcified granuloma  in segment VI, 5 mm. Spleen normal.",
        "lone_double_space_is_no_clause_break",
        max_size_mm=5.0,
        segments=["VI"],
    ),
    _case(
        "Liver: normal size, no focal lesion or  calcified granuloma.",
        "lone_double_space_keeps_the_negation",
        calcification=False,
    ),
    _case(
        "us abdomen complete  impression 1 fatty liver 2 calcified granuloma right lobe",
        "list_number_before_a_singular_is_no_count",
        count=1,
        count_category="single",
    ),
]

#: Run-on dictation: the part (findings or impression) of each calcification, in text order.
RUN_ON_PARTS = [
    pytest.param(
        "CT upper abdomen\nImaging findings: A 6 mm calcification in segment VII.\nImaging"
        " diagnosis: Calcification in segment VII.",
        ["findings", "impression"],
        id="modality_qualified_impression_header",
    ),
    pytest.param(
        "Abdominal ultrasound\nUltrasound description: A 5 mm calcification in segment II.\n"
        "Ultrasound prompt:\n1. Calcification focus of the liver.",
        ["findings", "impression"],
        id="translated_prompt_header",
    ),
    pytest.param(
        "Health screening ultrasound\nLiver: A 5 mm calcification in segment II.\nJudgement:\n"
        "Hepatic calcification, no change.",
        ["liver", "impression"],
        id="judgement_header",
    ),
    pytest.param(
        "us abdomen liver normal 5 mm calcified granuloma seg 3 gb normal impression calcified"
        " granuloma segment 3",
        ["findings", "impression"],
        id="lower_case_impression_opens_the_impression",
    ),
    pytest.param(
        "us abd  no ascites  imp calcified granuloma seg 3",
        ["impression"],
        id="imp_after_two_spaces",
    ),
    pytest.param(
        "LIVER: Normal. The impression of a calcified focus in segment 6 is due to a fissure.",
        ["liver"],
        id="the_impression_of_is_no_header",
    ),
    pytest.param(
        "us abd liver shows an impression calcified granuloma seg 3",
        ["findings"],
        id="impression_after_an_article_is_no_header",
    ),
]

#: Lower-case dictation: the words that start a sentence.
LOWER_CASE_SENTENCES = [
    pytest.param(
        "us abd.  8mm calcific focus s7.  gb nl no stones.",
        ["us", "8", "gb"],
        id="period_two_spaces",
    ),
    pytest.param(
        "LIVER: calcified focus 8 mm.  No other lesion.", ["LIVER", "calcified", "No"], id="capital"
    ),
    pytest.param("us abd.  focus 8 mm vs.  granuloma", ["us", "focus"], id="abbreviation"),
]

LOWER_CASE_SEGMENTS = [
    _case(
        "us abd.  liver 13 cm.  6mm calcified focus s6.  gb nl.  imp: calcified focus s6 liver.",
        "lower_case_s_code",
        calcification=True,
        count=1,
        max_size_mm=6.0,
        segments=["VI"],
    ),
    _case(
        "us abd  liver normal  tiny calcific focus s4a with shadowing",
        "lower_case_s_code_with_subsegment",
        segments=["IV"],
    ),
    _case(
        "LUMBAR SPINE CT: Calcified disc at L5-S1. Liver: a calcified granuloma.",
        "spine_level_is_no_segment",
        calcification=True,
        segments=[],
    ),
    _case(
        "CHEST: S1 and S2 heard. Calcified granuloma in the liver.",
        "heart_sounds_are_no_segments",
        segments=[],
    ),
]

ORGAN_SIZES = [
    _case(
        "us abd liver normal size echogenic focus with shadowing seg 5 spleen 11 cm kidneys"
        " normal impression left lobe calcified granuloma",
        "spleen_length_is_no_lesion_size",
        max_size_mm=None,
        triage="benign",
    ),
    _case(
        "us abdomen liver normal 14 cm homogeneous single calcified focus seg 2 measuring 5mm",
        "liver_span_before_the_focus_is_no_lesion_size",
        max_size_mm=5.0,
        triage="benign",
    ),
    _case(
        "us abdomen liver measures 16.2 cm one calcified focus seg 7 with shadowing",
        "liver_measures_is_no_lesion_size",
        max_size_mm=None,
        triage="benign",
    ),
    _case(
        "us abd liver 5 mm calcified granuloma seg 6",
        "size_right_before_the_target_stays_its_size",
        max_size_mm=5.0,
    ),
    _case(
        "us abd  coarse calcification seg 7 liver approx 4 cm dense shadow",
        "liver_as_a_place_keeps_the_lesion_size",
        max_size_mm=40.0,
        triage="urgent",
    ),
    _case(
        "Liver: Several calcified granulomas, the largest in the liver measuring 7 mm.",
        "in_the_liver_measuring_keeps_the_lesion_size",
        max_size_mm=7.0,
    ),
]


#: Kinds found in dev_m, dev_n and dev_o (fourth issue-11 session).
DEV_M_N_O = [
    _case(
        "Ultrasound description: A strong echo of about 0.8cm×0.5cm is seen in the right lobe of"
        " the liver, with acoustic shadow behind it.",
        "unit_glued_to_each_dimension",
        max_size_mm=8.0,
        lobes=["right"],
        triage="benign",
    ),
    _case(
        "CT: A calcified focus of 3.4cmx2.2cmx2.0cm is seen in segment 6 of the liver.",
        "unit_glued_to_three_dimensions",
        max_size_mm=34.0,
        triage="urgent",
    ),
    _case(
        "MRI LIVER\nFINDINGS: A 9 mm nodule in segment V is dark on all sequences and shows no"
        " enhancement, corresponding to the calcified granuloma seen on the prior CT.\nIMPRESSION:"
        " Calcified granuloma of segment V.",
        "no_enhancement_then_corresponding_to",
        count=1,
        max_size_mm=9.0,
        segments=["V"],
        triage="benign",
    ),
    _case(
        "Ultrasound findings: A strong echo mass of about 3.6 x 2.9 cm is seen in the right lobe"
        " of the liver, with arc-shaped strong echo at its front edge and wide acoustic shadow"
        " behind it.",
        "rim_echo_after_a_location_shares_the_shadow",
        count=1,
        max_size_mm=36.0,
        triage="urgent",
    ),
    _case(
        "CT upper abdomen\nImaging findings: A 6 mm calcification is seen in segment VII of the"
        " liver.\nImaging diagnosis: Calcification in segment VII of the liver.",
        "qualified_impression_header_restates",
        count=1,
        max_size_mm=6.0,
        segments=["VII"],
        triage="benign",
    ),
    _case(
        "Abdominal ultrasound\nLiver: A strong echo with acoustic shadow, 7 mm, in S3.\nUltrasound"
        " prompt:\n1. Calcification focus of the liver (S3).",
        "prompt_header_restates",
        count=1,
        max_size_mm=7.0,
        triage="benign",
    ),
    _case(
        "CT PLAIN SCAN\nFindings: A patchy calcified shadow about 3.5 x 2.0 cm is seen in the left"
        " lobe of the liver.",
        "calcified_shadow_is_a_calcification",
        count=1,
        max_size_mm=35.0,
        lobes=["left"],
        triage="urgent",
    ),
    _case(
        "LIVER: A calcified nodule-like lesion measuring 3.8 cm lies in segment VIII.",
        "calcified_like_lesion_keeps_its_size",
        count=1,
        max_size_mm=38.0,
        segments=["VIII"],
        triage="urgent",
    ),
    _case(
        "Liver: In the right liver lobe, echogenic reflexes with dorsal acoustic shadow in"
        " slightly dilated segmental bile ducts, consistent with intrahepatic concrements"
        " (largest about 7 mm).",
        "translated_reflexes_and_concrements",
        calcification=True,
        count_category="multiple",
        max_size_mm=7.0,
        bile_duct=True,
        triage="workup",
    ),
    _case(
        "Findings:\nSeveral calcium-dense concrements in the dilated intrahepatic bile ducts of"
        " segment III, the largest 8 mm.",
        "concrements_in_intrahepatic_ducts",
        count_category="multiple",
        max_size_mm=8.0,
        bile_duct=True,
        triage="workup",
    ),
    _case(
        "ULTRASOUND LIVER\nFindings: On review of the stored cine clips, the segment V focus casts"
        " posterior acoustic shadowing and represents a 5 mm calcified granuloma.",
        "cine_clips_are_no_surgical_clips",
        calcification=True,
        max_size_mm=5.0,
        triage="benign",
    ),
    _case(
        "LIVER: Three cystic lesions with calcified walls in the right lobe. Features s/o"
        " calcified (inactive) hydatid cysts.",
        "features_s_o_restates_the_cysts",
        count=3,
        triage="workup",
    ),
    _case(
        "Impression:\nCalcified hydatid cysts of the liver (segment VII, 4.2 cm) and spleen"
        " (2.0 cm).",
        "liver_parenthesis_then_spleen_shares_the_plural",
        count=None,
        max_size_mm=42.0,
        segments=["VII"],
    ),
    _case(
        "Liver: A well defined cystic SOL is seen in left lobe of liver measuring 4.6 x 4.1 cm"
        " with thick calcified wall showing dense posterior acoustic shadowing.",
        "sol_with_calcified_wall_lends_its_size",
        count=1,
        max_size_mm=46.0,
        lobes=["left"],
        triage="urgent",
    ),
    _case(
        "ULTRASOUND ABDOMEN\nFindings: A rounded shadowing echogenic lesion in segment 7.\n"
        "ADDENDUM: The segment 7 lesion corresponds to a coarse calcification measuring 3.6 cm"
        " on the prior CT.",
        "identified_lesion_lends_its_place_to_a_sized_calcification",
        max_size_mm=36.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "CT ABDOMEN\nReport:\nIn the right hepatic lobe, in segments VI and VII, there is a solid"
        " lesion of 8,4 x 7,9 cm with a central scar. The scar is densely calcified; the"
        " calcification measures 3,3 x 2,0 cm.",
        "place_lent_on_through_a_predicate_sentence",
        count=1,
        max_size_mm=33.0,
        segments=["VI", "VII"],
        triage="urgent",
    ),
    _case(
        "Findings:\nLiver: Several calcified metastases in both lobes. The largest, in S7,"
        " measures 3.4 x 2.8 cm and shows dense amorphous calcification.",
        "largest_of_the_foci_shows_calcification",
        count_category="multiple",
        max_size_mm=34.0,
        triage="urgent",
    ),
    _case(
        "ULTRASOUND OF THE LIVER\nReason: Known calcified liver lesion.\nFindings: A 9 mm"
        " calcified granuloma in the right lobe, unchanged.",
        "reason_header_is_no_finding",
        count=1,
        triage="benign",
    ),
    _case(
        "LIVER: An infiltrative lesion of segments V and VI measuring 7 x 6 cm with multiple"
        " clustered peripheral microcalcifications.",
        "peripheral_microcalcifications_are_no_rim",
        count_category="multiple",
        max_size_mm=None,
        triage="workup",
    ),
    _case(
        "CT plain scan\nFindings: A punctate calcification about 0.4 cm is seen in the left inner"
        " lobe of the liver.",
        "left_inner_lobe",
        lobes=["left"],
        max_size_mm=4.0,
    ),
    _case(
        "MRI LIVER\nFindings: Segment III: 2.2 cm T2 bright lesion with nodular peripheral"
        " enhancement, typical of a haemangioma. It contains a 3 mm phlebolith (signal void,"
        " calcified on the prior CT).\nNo other lesion.",
        "phlebolith_in_the_lesion_of_the_sentence_before",
        calcification=True,
        max_size_mm=3.0,
        triage="benign",
    ),
    _case(
        "CT CHEST\nUpper abdomen: A calcified granuloma in the right lobe of the liver measures"
        " 1.4 cm.",
        "in_the_liver_measures_keeps_the_lesion_size",
        max_size_mm=14.0,
        triage="benign",
    ),
    _case(
        "CT: Several small calcified granulomas are scattered through the right hepatic lobe."
        " The largest lies in segment VI. It measures 8 mm. No soft tissue lesion.",
        "continued_over_two_sentences",
        max_size_mm=8.0,
        segments=["VI"],
    ),
    _case(
        "LIVER: A solitary calcified granuloma in the left lobe. This measures 6 mm.",
        "this_measures",
        max_size_mm=6.0,
        triage="benign",
    ),
    _case(
        "CECT: A 3.6 x 3.0 cm calcified hydatid cyst with thick peripheral wall calcification is"
        " seen in segment II of the left lobe.",
        "wall_part_lends_its_place_to_the_cyst",
        count=1,
        max_size_mm=36.0,
        segments=["II"],
        triage="urgent",
    ),
    _case(
        "MRCP: Multiple low-signal filling defects are seen in the intrahepatic bile ducts of the"
        " right posterior lobe, the larger about 0.8 cm, with mild upstream dilatation.",
        "filling_defects_in_intrahepatic_ducts",
        count_category="multiple",
        max_size_mm=8.0,
        bile_duct=True,
        triage="workup",
    ),
    _case(
        "CT: Filling defect in the right portal vein, consistent with bland thrombus. The"
        " intrahepatic bile ducts are not dilated.",
        "portal_vein_filling_defect_is_no_stone",
        calcification=False,
        triage="none",
    ),
    _case(
        "MRI LIVER\nFindings: The 8 mm hyperdense focus in segment II on CT corresponds to a focus"
        " of signal void on all sequences without enhancement, consistent with a calcified"
        " granuloma.",
        "chain_of_identity_cues_from_the_opening_focus",
        max_size_mm=8.0,
        segments=["II"],
        triage="benign",
    ),
    _case(
        "US LIVER\nFINDINGS:\nAt the site of the previously treated abscess in the right lobe"
        " (segment VI) there is now a coarse calcification measuring 36 mm with dense posterior"
        " acoustic shadowing.",
        "at_the_site_of_a_lesion",
        max_size_mm=36.0,
        segments=["VI"],
        triage="urgent",
    ),
    _case(
        "CT: The known segment VIII metastasis is now densely calcified and measures 4.1 x 3.5 cm"
        " (previously 4.6 x 4.0 cm, non-calcified).",
        "non_calcified_prior_state_is_no_mimic",
        calcification=True,
        max_size_mm=41.0,
        triage="urgent",
    ),
    _case(
        "MRI LIVER\nReport: The 2.8 cm segment VI lesion is T2 bright with nodular peripheral"
        " enhancement, consistent with a haemangioma. A 4 mm signal void within it corresponds"
        " to the phlebolith seen on CT.",
        "within_it_after_the_subject",
        calcification=True,
        max_size_mm=4.0,
        segments=["VI"],
        triage="benign",
    ),
    _case(
        "Findings:\nA 8.9 x 7.7 cm lobulated lesion occupies segments V and VI. It is markedly T2"
        " hyperintense with peripheral nodular enhancement. A coarse central calcification"
        " measuring 3.3 cm is present within the lesion.",
        "lesion_two_sentences_back_through_a_description",
        max_size_mm=33.0,
        segments=["V", "VI"],
        triage="urgent",
    ),
    _case(
        "USG ABDOMEN\nLiver: Dilated IHBR are seen in the left lobe of liver (segments II/III)"
        " with multiple small calculi within them.\nThe largest calculus measures 8 mm.",
        "ducts_seen_in_a_lobe_with_calculi",
        count_category="multiple",
        max_size_mm=8.0,
        segments=["II", "III"],
        bile_duct=True,
        triage="workup",
    ),
    _case(
        "CT: Several small calcified granulomata in the liver and spleen; in the liver they lie in"
        " segments 3, 5 and 8, the largest 7 mm.",
        "in_the_liver_they_continue_the_foci",
        max_size_mm=7.0,
        segments=["III", "V", "VIII"],
    ),
    _case(
        "LIVER: Calcified granuloma in segment 7 with a maximal diameter of 3.3 cm.",
        "with_a_maximal_diameter_of",
        max_size_mm=33.0,
        triage="urgent",
    ),
    _case(
        "LIVER: A coarse calcification in segment 4, diameter 1.4 cm.",
        "comma_diameter",
        max_size_mm=14.0,
        triage="benign",
    ),
    _case(
        "Liver: a strong echo with acoustic shadow in the right lobe. Portal vein inner diameter"
        " 1.2cm. CBD diameter 6 mm.",
        "vessel_and_duct_diameters_are_no_lesion_size",
        calcification=True,
        max_size_mm=None,
    ),
    _case(
        "LIVER: Few calcified hepatic deposits are seen, the largest in segment V measuring 2.4 x"
        " 2.0 cm, the others in segments II and VII measuring 1.3 cm and 0.9 cm.",
        "the_others_named_one_by_one",
        count=3,
        max_size_mm=24.0,
    ),
    _case(
        "Liver: Small calcified nodules at S2 (6 mm), S6 (4 mm) and S7 (3 mm), unchanged.",
        "each_segment_with_its_own_size",
        count=3,
        max_size_mm=6.0,
    ),
    _case(
        "LIVER: Multiple calcified granulomas, the largest 9 mm, the others 2-4 mm.",
        "the_others_with_one_range_count_nothing",
        count=None,
        count_category="multiple",
        max_size_mm=9.0,
    ),
]

#: Follow-up wordings found in dev_m, dev_n and dev_o.
FOLLOW_UP_DEV_M_N_O = [
    _case(
        "Conclusion: Coarse calcification of 3.2 cm in segment VI. Given its size, a hepatic MRI"
        " is proposed to rule out an underlying lesion.",
        "exam_is_proposed",
        followup_recommended=True,
        triage="urgent",
    ),
    _case(
        "Comment: No cause for the pain is seen. If biliary pathology is still suspected, MRCP"
        " would be the next step.",
        "next_step_is_a_conditional_recommendation",
        followup_recommended=True,
    ),
    _case(
        "Imp:\n1. Small calcified granuloma in segment VI of liver.\n2. Left ovarian cyst -"
        " Advised TVS for better evaluation.",
        "transvaginal_sonography_abbreviated",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Judgement:\nHepatic calcification (S2): no change, no further examination required.\n"
        "Gallbladder polyp 5 mm: annual screening ultrasound.",
        "annual_screening_ultrasound_after_a_colon",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Conclusion:\nInfiltrative lesion of segment VI with microcalcifications, suggestive of"
        " alveolar echinococcosis.\nTo be completed with Echinococcus serology and liver MRI.",
        "to_be_completed_with_an_exam",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "LIVER: A 4 mm calcified granuloma in segment VII.\nGALLBLADDER: 6 mm polyp.\n\n"
        "Impression:\n6 mm gallbladder polyp, unchanged. Follow-up ultrasound in 12 months.\n"
        "Calcified granuloma of the liver.",
        "recommendation_after_the_clause_that_opens_its_line",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "LUNG BASES: 6 mm nodule in the left lower lobe.\nLIVER: 3 mm calcified granuloma in"
        " segment II.\nIMPRESSION:\n1. 6 mm left lower lobe nodule. Per Fleischner guidelines,"
        " follow-up CT at 6-12 months is recommended.\n2. Calcified hepatic granuloma.",
        "fleischner_names_the_lung",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Imp:\n- Left renal calculus (6 mm), non-obstructing.\n- Tiny calcific focus in liver"
        " (seg V).\nAdv: X-ray KUB.",
        "kub_names_the_kidneys",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "PET-CT\nLiver: A 6 mm calcified granuloma in segment IV, no uptake.\nImpression:\n"
        "Complete metabolic response. Calcified hepatic granuloma.\nFollow-up CT of the neck and"
        " chest nodes in 6 months.",
        "neck_and_nodes_name_no_liver",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "MRCP\nFindings: Beaded intrahepatic ducts in both lobes, stable. No stones.\n"
        "IMPRESSION:\nStable PSC. Continue annual MRCP surveillance.",
        "psc_surveillance_is_the_liver",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "FINDINGS: Liver: 5 mm calcified granuloma in segment 6.\nIMPRESSION:\n1. Calcified hepatic"
        " granuloma.\n2. An MRI of the liver would be of benefit.",
        "modal_would_be_of_benefit",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "FINDINGS: Liver: 5 mm calcified granuloma in segment 6.\nIMPRESSION:\n1. Calcified hepatic"
        " granuloma.\n2. Could be further assessed with ultrasound.",
        "modal_could_be_further_assessed",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "FINDINGS: Liver: 5 mm calcified granuloma in segment 6.\nIMPRESSION:\n1. Calcified hepatic"
        " granuloma.\n2. Could be followed up with an ultrasound.",
        "modal_could_be_followed_up",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "FINDINGS: Liver: 5 mm calcified granuloma in segment 6.\nIMPRESSION:\n1. Calcified hepatic"
        " granuloma.\n2. Small renal calculus. Non-contrast CT KUB if symptoms recur.",
        "condition_on_symptoms_for_another_organ",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "FINDINGS: Liver: 5 mm calcified granuloma in segment 6.\nIMPRESSION:\n1. Calcified hepatic"
        " granuloma.\n2. Appendix not visualised; if symptoms persist, repeat ultrasound or CT"
        " could be considered.",
        "appendix_names_the_bowel",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "FINDINGS: Liver: 5 mm calcified granuloma in segment 6.\nIMPRESSION:\n1. Calcified hepatic"
        " granuloma.\n2. Annual low-dose CT for lung cancer screening as per programme.",
        "annual_low_dose_ct",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "FINDINGS: Liver: 5 mm calcified granuloma in segment 6.\nIMPRESSION:\n1. Calcified hepatic"
        " granuloma.\n2. No further imaging is needed; follow up clinically if symptoms persist.",
        "clinical_follow_up_if_symptoms_persist_is_no_imaging",
        followup_recommended=False,
        liver_followup_recommended=False,
    ),
]

#: Kinds found in the dev sets' remaining mismatches (fifth issue-11 session).
DEV_FIFTH = [
    _case(
        "LIVER: Normal size. Calcified foci with acoustic shadowing:\n - segment 3, 4 mm;\n -"
        " segment 6, 7 mm;\n - segment 7, 2 mm.\nGALLBLADDER: Normal.",
        "list_items_after_colon_lend_sizes_places_and_count",
        count=3,
        max_size_mm=7.0,
        segments=["III", "VI", "VII"],
        triage="workup",
    ),
    _case(
        "Liver: Normal echotexture. Echogenic foci with posterior acoustic shadowing:\r\n (i)"
        " segment 2, 5 mm;\r\n (ii) segment 4a, 3 mm.\r\nSpleen: Normal.",
        "bracketed_roman_list_labels_with_crlf",
        count=2,
        max_size_mm=5.0,
        segments=["II", "IV"],
    ),
    _case(
        "Liver: Normal echotexture. Calcified granuloma:\n a) segment 5, 8 mm\nSpleen: 11 cm.",
        "single_list_item_lends_size",
        count=1,
        max_size_mm=8.0,
        segments=["V"],
        triage="benign",
    ),
    _case(
        "Liver: Several calcified granulomas:\n 1) segment II, 4 mm\n 2) segment V, 9 mm\n 3)"
        " segment VIII, 2 mm\n 4) spleen, 12 mm\nImpression: hepatic and splenic granulomas.",
        "list_stops_at_an_item_of_another_organ",
        count=3,
        max_size_mm=9.0,
        segments=["II", "V", "VIII"],
    ),
    _case(
        "Liver: Two calcified granulomas:\n1. segment 6, 35 mm\n2. segment 2, 4 mm",
        "numbered_items_carry_an_urgent_size",
        count=2,
        max_size_mm=35.0,
        triage="urgent",
    ),
    _case(
        "Liver: Calcified foci with shadowing, unchanged.\n - Spleen: 11 cm.\n - Kidneys:"
        " normal, 10 mm cortex.",
        "bullets_after_a_sentence_that_opens_no_list_lend_nothing",
        max_size_mm=None,
        segments=[],
    ),
    _case(
        "Liver: in segment VI there is a single hyperechoic focus of 7 mm with posterior"
        " acoustic shadow, referable to an intrahepatic stone.",
        "referable_to_names_the_same_focus",
        count=1,
        max_size_mm=7.0,
        bile_duct=True,
    ),
    _case(
        "Liver: a bright echogenic focus with shadowing in segment 5, 6 mm, interpreted as a"
        " calcified granuloma.",
        "interpreted_as_names_the_same_focus",
        count=1,
        max_size_mm=6.0,
        triage="benign",
    ),
    _case(
        "CONCLUSIONS: Small calcification of the VIII hepatic segment, of benign significance.",
        "numeral_first_segment_with_hepatic_between",
        segments=["VIII"],
    ),
    _case(
        "Liver: normal size. A calcification is seen at the VIII segment.  A hyperechoic image"
        " of 5 mm with posterior shadow is seen at the VIII segment, in keeping with"
        " calcification.\nIMPRESSION: Small calcification of the VIII hepatic segment.",
        "sized_restatement_of_an_unsized_focus_in_the_same_segment",
        count=1,
        max_size_mm=5.0,
        triage="benign",
    ),
    _case(
        "Findings: The liver is normal in size. A punctate high-density focus is seen in S6 of"
        " the right lobe, approximately 0.3 cm in diameter, CT value about 280 HU.",
        "high_density_focus_with_calcific_ct_value",
        calcification=True,
        max_size_mm=3.0,
        segments=["VI"],
        triage="benign",
    ),
    _case(
        "Liver: a nodular high-density shadow in segment 7, 3.4 x 2.8 cm, CT value 320 HU.",
        "high_density_shadow_over_3_cm_is_urgent",
        max_size_mm=34.0,
        triage="urgent",
    ),
    _case(
        "Liver: hyperdense focus in segment 2 (density 300-400 HU), 5 mm.",
        "hyperdense_focus_with_a_range_of_attenuation",
        count=1,
        max_size_mm=5.0,
    ),
    _case(
        "Liver: a slightly high-density nodule in segment 7, 2.1 cm, CT value 65 HU, with"
        " arterial enhancement.",
        "high_density_nodule_below_calcific_attenuation_is_no_calcification",
        calcification=False,
        triage="none",
    ),
    _case(
        "Liver: a high-density focus in segment 4, 6 mm, without a CT value.",
        "high_density_focus_without_attenuation_is_no_calcification",
        calcification=False,
    ),
    _case(
        "CT LIVER TRIPHASIC\n\nFINDINGS:\nGiant haemangioma in the right lobe, 11 cm, with"
        " peripheral nodular enhancement. Densely calcified central scar measuring 3.4 cm.\n"
        "IMPRESSION: Giant haemangioma.",
        "liver_exam_title_places_an_unplaced_calcification",
        calcification=True,
        max_size_mm=34.0,
        triage="urgent",
    ),
    _case(
        "EXAM: MRI liver with gadoxetate\r\nFINDINGS: A 4.0 cm lesion is T2 bright. On the prior"
        " CT there is a coarse calcification measuring 3.2 cm at its margin.",
        "liver_exam_title_after_a_colon_with_crlf",
        calcification=True,
        max_size_mm=32.0,
        triage="urgent",
    ),
    _case(
        "CT CHEST\nFINDINGS: Densely calcified nodule measuring 8 mm.",
        "no_liver_exam_title_keeps_an_unplaced_calcification_out",
        calcification=False,
    ),
    _case(
        "US LIVER AND KIDNEYS\nFINDINGS: A coarse calcification measuring 6 mm.",
        "a_title_naming_another_organ_places_nothing",
        calcification=False,
    ),
    _case(
        "MRI LIVER\nFINDINGS: Segment VIII: 2 cm haemangioma. Calcifications are not delineable."
        " Calcification cannot be pointed out on this sequence. MRI is insensitive to"
        " calcification.",
        "liver_exam_statements_about_calcification_that_is_not_shown",
        calcification=False,
        triage="none",
    ),
    _case(
        "CT ABDOMEN AND MRI LIVER\nCT: A 36 mm calcified cyst in segment IVa.\nMRI: The lesion is"
        " a 36 x 30 mm cyst with a hypointense calcified rim.",
        "same_size_again_without_a_place_is_the_same_focus",
        count=1,
        max_size_mm=36.0,
        triage="urgent",
    ),
    _case(
        "Liver: Normal size. Calcifications, unchanged:\n1. Segment II: 4 mm.\n2. Segment III:"
        " 6 mm.\n3. Segment VI: 3 mm.\nNo new focal lesion.",
        "numbered_items_whose_number_is_a_sentence_of_its_own",
        count=3,
        max_size_mm=6.0,
        segments=["II", "III", "VI"],
    ),
    _case(
        "Liver: The two treated metastases are now densely calcified: the segment 4B lesion"
        " measures 3.2 cm (previously 3.9 cm) and the segment 7 lesion measures 1.4 cm.",
        "lesions_named_one_by_one_after_a_calcified_predicate_and_colon",
        count=2,
        max_size_mm=32.0,
        segments=["IV", "VII"],
        triage="urgent",
    ),
    _case(
        "Liver: Two calcified metastases: the segment 6 lesion measures 34 mm and the segment 2"
        " lesion 12 mm.",
        "lesions_named_one_by_one_after_calcified_lesions_and_colon",
        count=2,
        max_size_mm=34.0,
        segments=["II", "VI"],
        triage="urgent",
    ),
    _case(
        "Liver: Two metastases contain calcifications: the segment 6 lesion measures 34 mm and"
        " the segment 2 lesion 12 mm.",
        "lesions_that_contain_calcifications_lend_no_size",
        max_size_mm=None,
        triage="workup",
    ),
    _case(
        "FINDINGS:\nThe liver is normal in size. A 5 mm calcified granuloma is seen. The spleen"
        " is normal.",
        "the_line_topic_places_an_unplaced_calcification",
        calcification=True,
        max_size_mm=5.0,
        triage="benign",
    ),
    _case(
        "FINDINGS:\nThe liver is dysmorphic with atrophy of the right lobe. Linear calcified septa"
        " run perpendicular to the capsule.",
        "the_line_topic_places_calcified_septa",
        calcification=True,
        triage="workup",
    ),
    _case(
        "FINDINGS:\nLiver parenchyma appears homogeneous. Echotexture is normal. A coarse"
        " calcification measuring 34 mm is noted.",
        "the_topic_sentence_two_sentences_back",
        max_size_mm=34.0,
        triage="urgent",
    ),
    _case(
        "FINDINGS:\nThe spleen is normal in size. A 5 mm calcified granuloma is seen.",
        "another_organ_as_topic_keeps_the_calcification_out",
        calcification=False,
    ),
    _case(
        "FINDINGS:\nThe liver is normal in size.\nA 5 mm calcified granuloma is seen.",
        "a_line_break_ends_the_topic",
        calcification=False,
    ),
    _case(
        "Findings:\nThe tumour centred on segments V and VI has decreased from 9.8 cm to 5.5 cm."
        " The residual tumour is now densely calcified, measuring 5.5 x 4.0 cm.",
        "a_definite_subject_with_a_modifier_and_its_own_size_refers_back",
        segments=["V", "VI"],
        max_size_mm=55.0,
        triage="urgent",
    ),
    _case(
        "Findings:\nThe tumour in segments V and VI has decreased from 9.8 cm to 2.5 cm. The"
        " tumour is now densely calcified.",
        "a_prior_size_of_the_previous_sentence_is_not_lent",
        max_size_mm=25.0,
        triage="benign",
    ),
    _case(
        "Liver: Multiple densely calcified (ossified) hepatic metastases, the largest 4.8 x 4.0"
        " cm in segment V.",
        "parenthetical_then_modifier_between_calcified_and_its_noun",
        calcification=True,
        max_size_mm=48.0,
        triage="urgent",
    ),
    _case(
        "Findings:\nA 3 cm haemangioma in segment VI. A 4 mm calcification is seen at its"
        " periphery.",
        "at_its_periphery_refers_to_the_previous_lesion",
        segments=["VI"],
        max_size_mm=4.0,
        triage="benign",
    ),
    _case(
        "Liver: There are now four calcified granulomas in the liver, in segments II, III, VI and"
        " VIII, each measuring 3 to 6 mm.",
        "a_list_of_four_segments",
        count=4,
        segments=["II", "III", "VI", "VIII"],
    ),
    _case(
        "Liver: Five calcified granulomas in segments II, III, IVa, VI and VIII.",
        "a_list_of_five_segments",
        count=5,
        segments=["II", "III", "IV", "VI", "VIII"],
    ),
    _case(
        "Impression:\nInactive calcified hydatid cysts of the liver (two, up to 3.5 cm) and"
        " spleen (5.2 cm).",
        "a_size_in_brackets_after_another_organ_is_that_organs",
        max_size_mm=35.0,
        triage="urgent",
    ),
    _case(
        "Liver: Several lesions contain punctate calcifications. The largest lesion measures"
        " 3.8 cm.",
        "the_largest_lesion_after_calcifications_inside_lesions_lends_no_size",
        max_size_mm=None,
        triage="workup",
    ),
    _case(
        "Liver: Multiple low attenuation lesions, several of which contain small stippled"
        " calcifications, in segments II, IVb and V. The largest lesion measures 3.6 cm.",
        "several_of_which_contain_calcifications_lends_no_lesion_size",
        max_size_mm=None,
        segments=["II", "IV", "V"],
        triage="workup",
    ),
    _case(
        "Liver: Several hyperechoic foci with posterior acoustic shadowing are seen in segments V"
        " and VI at the site of the previous abscess, the largest 1.2 cm.",
        "the_largest_past_a_singular_lesion_is_the_plural_foci_size",
        max_size_mm=12.0,
    ),
    _case(
        "Liver: Several hypodense lesions with small stippled calcifications in segments II and"
        " V, the largest lesion 3.8 cm.",
        "the_largest_lesion_keeps_its_own_size",
        max_size_mm=None,
        triage="workup",
    ),
    _case(
        "IMPRESSION: The liver and spleen both contain multiple calcified granulomas, the largest"
        " hepatic one 4 mm (largest splenic one 6 mm).",
        "the_largest_splenic_one_is_not_the_livers",
        max_size_mm=4.0,
    ),
    _case(
        "Liver: Two calcified metastases in segments IV and VII measuring 28 mm and 30 mm"
        " respectively (previously 35 mm and 41 mm).",
        "a_prior_cue_covers_a_list_of_sizes",
        max_size_mm=30.0,
        triage="workup",
    ),
    _case(
        "Liver: A calcified metastasis in segment IV (previously 25 mm, now 34 mm).",
        "a_current_size_after_a_prior_one_is_current",
        max_size_mm=34.0,
        triage="urgent",
    ),
    _case(
        "Findings:\nThe liver is normal in size. Two calcified hydatid cysts are seen in the"
        " right lobe: the larger in segment VII measures 5.6 x 4.9 cm with thick peripheral"
        " calcification; the smaller in segment VI measures 2.1 cm and is completely calcified.",
        "the_smaller_is_calcified_is_one_of_the_foci_named_before",
        count=2,
        max_size_mm=56.0,
        segments=["VI", "VII"],
    ),
    _case(
        "FINDINGS:\nA large lobulated mass in the left lobe measures 11.2 x 9.6 cm with arterial"
        " hyperenhancement. A central stellate scar contains a coarse calcification; the"
        " calcified component of the scar measures 3.4 x 2.1 cm.",
        "an_indefinite_central_scar_is_the_previous_masss",
        calcification=True,
        count=1,
        max_size_mm=34.0,
        lobes=["left"],
        triage="urgent",
    ),
    _case(
        "Findings:\nThe post-radiotherapy lesion in S4 of the liver appears as a dense calcified"
        " lesion, about 3.5 cm x 3.0 cm.",
        "appears_as_names_the_same_lesion",
        segments=["IV"],
        max_size_mm=35.0,
        triage="urgent",
    ),
    _case(
        "Findings:\nThe treated segment 7 metastasis is now represented by a 14 mm calcified"
        " scar, unchanged.",
        "represented_by_names_the_same_lesion",
        segments=["VII"],
        max_size_mm=14.0,
        triage="benign",
    ),
    _case(
        "Liver: Multiple calcified hepatic lesions in both lobes. The largest, in segment VI,"
        " measures 18 mm (previously a 25 mm soft tissue lesion) and is now photopenic.",
        "a_prior_states_words_do_not_stop_a_continuation",
        max_size_mm=18.0,
        segments=["VI"],
    ),
    _case(
        "Findings:\nSegment IVa lesion of 26 x 22 mm, markedly T2 hyperintense, with peripheral"
        " nodular enhancement. Pseudo-washout in the transitional phase. Inside the lesion a"
        " single 5 mm signal void with blooming, corresponding to the phlebolith seen on CT.",
        "the_lesion_two_sentences_back_past_one_naming_none",
        segments=["IV"],
        max_size_mm=5.0,
        triage="benign",
    ),
    _case(
        "liver normal size. there is a bright echogenic focus in the right lobe with posterior"
        " acoustic shadowing measuring 4 mm likely calcified granuloma. another similar"
        " shadowing focus in the left lobe measuring 3 mm. spleen 9 cm. impression two small"
        " calcified granulomas in the liver right and left lobes otherwise normal.",
        "lower_case_impression_after_a_period_opens_the_impression",
        count=2,
        max_size_mm=4.0,
    ),
    _case(
        "Findings:\n1. S8 RFA site: well-defined low attenuating ablation zone, 1.9 cm, smaller"
        " than before (2.3 cm), with a 3 mm calcification inside.",
        "a_size_of_its_own_wins_over_one_from_before",
        max_size_mm=3.0,
        segments=["VIII"],
        triage="benign",
    ),
    _case(
        "Report:\nThe treated segment II observation has contracted to 14 mm. It contains a 9 mm"
        " calcification.",
        "an_li_rads_observation_is_a_lesion",
        segments=["II"],
        max_size_mm=9.0,
    ),
    _case(
        "Findings:\nSegment VIII ablation zone measures 2.8 x 2.5 cm (previously 3.0 cm). It is"
        " hypoattenuating without enhancement; a small peripheral calcification of 4 mm at its"
        " lateral margin is unchanged.",
        "an_ablation_zone_is_a_lesion",
        segments=["VIII"],
        max_size_mm=4.0,
        triage="benign",
    ),
    _case(
        "Liver: The segment IV ablation zone has involuted to 19 mm. There is a single"
        " calcification at the margin of the ablation zone measuring 5 mm, unchanged.",
        "a_size_after_the_lesion_a_part_of_which_places_the_calcification",
        max_size_mm=5.0,
        triage="benign",
    ),
    _case(
        "FINDINGS: Cirrhotic liver. The ablation zone in segment VII is now a densely calcified"
        " lesion measuring 3.3 cm with posterior acoustic shadowing, unchanged.",
        "is_now_a_names_the_same_lesion",
        segments=["VII"],
        max_size_mm=33.0,
        triage="urgent",
    ),
    _case(
        "FINDINGS:\nA large mass in the left lobe measures 11 cm. A central stellate scar"
        " contains a coarse calcification measuring 34 mm.\nSpleen, pancreas, kidneys normal.\n"
        "IMPRESSION:\n1. Left lobe mass with a calcified central scar.\n2. Staging CT of the"
        " chest is recommended.",
        "a_recommended_chest_exam_leaves_a_bare_lobe_the_livers",
        calcification=True,
        lobes=["left"],
        triage="urgent",
    ),
    _case(
        "Findings:\nTreated hepatic metastases: three of them show coarse calcification, in"
        " segments II, IV and VIII; the largest calcification, in segment VIII, measures 12 mm.",
        "a_number_of_them_shows_calcification",
        count=3,
        max_size_mm=12.0,
    ),
    _case(
        "Liver: Several metastases; two of which contain calcification.",
        "a_number_of_which_contain_calcification",
        count=2,
        count_category="multiple",
    ),
    _case(
        "Liver: In the right lobe there are two calcified hydatid cysts: one in segment VI"
        " measuring 31 x 24 mm, and one in segment VIII measuring 18 x 15 mm. Both show thick"
        " peripheral calcification with posterior acoustic shadowing.",
        "both_show_describes_the_foci_named_before",
        count=2,
        max_size_mm=31.0,
        triage="urgent",
    ),
    _case(
        "MRI LIVER WITH CONTRAST\nFINDINGS: A 2 cm T2-bright lesion in segment VI with"
        " nodular enhancement.\nIMPRESSION: Probable atypical haemangioma. Repeat MRI in 6"
        " months.",
        "a_liver_exam_s_recommendation_naming_no_organ_concerns_the_liver",
        calcification=False,
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "CT ABDOMEN\nFINDINGS: Simple renal cyst.\nIMPRESSION: Repeat CT in 12 months.",
        "another_exam_s_recommendation_naming_no_organ_does_not",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
]


# Sixth session: kinds read in dev_ac ... dev_ah (blind sets read after their arrival scores).
DEV_SIXTH = [
    _case(
        "Findings: There is a 5 cm mass in segment 6 of the liver. It has a central stellate"
        " scar. Within the scar there is a densely calcified component measuring 3.6 cm.",
        "inside_a_definite_part_two_sentences_back_takes_the_lesion_place",
        count=1,
        max_size_mm=36.0,
        segments=["VI"],
        triage="urgent",
    ),
    _case(
        "Liver: A 3 cm haemangioma lies in segment 2. Centrally there is a 7 mm calcification.",
        "an_inside_adverb_opens_on_the_previous_lesion",
        count=1,
        max_size_mm=7.0,
        segments=["II"],
        triage="benign",
    ),
    _case(
        "Many calcified metastases throughout the liver. The largest calcified deposit spans"
        " segments 7/8 and measures 4.2 x 3.0 cm.",
        "definite_superlative_member_and_a_spanning_verb",
        max_size_mm=42.0,
        segments=["VII", "VIII"],
        triage="urgent",
    ),
    _case(
        "Abdomen: the spleen spans 11 cm. A calcified granuloma sits in the spleen.",
        "spans_with_a_size_still_measures_an_organ",
        calcification=False,
    ),
    _case(
        "Liver: 33 mm coarsely and densely calcified nodule of segment 5.",
        "two_coordinated_adverbs_between_size_and_head",
        max_size_mm=33.0,
        triage="urgent",
    ),
    _case(
        "Liver: Four calcified metastases. Segment 2: 1.5 cm. Segment 3: 0.9 cm. Segment 6: 2.4"
        " cm (previously 3.1 cm). Segment 8: 0.7 cm.",
        "members_listed_by_segment_after_a_counted_plural",
        count=4,
        max_size_mm=24.0,
        segments=["II", "III", "VI", "VIII"],
    ),
    _case(
        "Liver: Both treated metastases are now calcified. The segment 4 lesion measures 1.6 cm"
        " and the segment 7 lesion measures 2.9 cm.",
        "definite_segment_lesion_member_of_a_calcified_plural",
        count=2,
        max_size_mm=29.0,
        segments=["IV", "VII"],
    ),
    _case(
        "Liver: Several metastases; the lesions in segments 2 and 5 contain coarse"
        " calcifications; the segment 8 lesion does not.",
        "a_member_sentence_that_denies_lends_nothing",
        segments=["II", "V"],
    ),
    _case(
        "Liver: A 5.5 x 4.9 cm mass with internal calcifications in segment 6, previously 6.0 x"
        " 5.1 cm.",
        "a_prior_size_after_a_contained_target_is_the_lesion_s",
        max_size_mm=None,
        segments=["VI"],
    ),
    _case(
        "Liver: the treated seg 6 lesion is now a densely calcified lesion of 28 mm, it measured"
        " 30 mm in march and 45 mm at baseline.",
        "a_pronoun_s_past_measurements_are_prior_sizes",
        max_size_mm=28.0,
        triage="benign",
    ),
    _case(
        "Liver: A cyst in segment 3 and a haemangioma in segment 5. Each contains a tiny"
        " calcification.",
        "each_after_two_placed_lesions_counts_one_per_lesion",
        count=2,
        segments=["III", "V"],
        triage="workup",
    ),
    _case(
        "Liver: Calcifications at the sites of treated metastases in segments 4 and 7.",
        "places_of_the_lesions_a_part_noun_names",
        segments=["IV", "VII"],
    ),
    _case(
        "Findings: Dilated left intrahepatic ducts containing dense calcified debris.",
        "calcified_debris_in_intrahepatic_ducts",
        calcification=True,
        bile_duct=True,
    ),
    _case(
        "Liver: Numerous lesions, some containing fine calcifications; these lesions lie in"
        " segments 2 and 6, the largest measuring 4.1 cm.",
        "the_lesions_size_after_a_contained_plural_is_not_the_foci_s",
        max_size_mm=None,
        segments=["II", "VI"],
    ),
    _case(
        "Liver: Several hypodense lesions with coarse intralesional calcifications, the largest in"
        " segment 5 with a diameter of 36 mm.",
        "a_superlative_size_after_contained_foci_is_the_largest_lesion_s",
        max_size_mm=None,
        triage="workup",
    ),
    _case(
        "Liver: Within segment 8, at the resection margin, there is a densely calcified old"
        " collection measuring 36 x 20 mm, with no enhancing soft tissue component.",
        "a_denied_organ_word_places_nothing",
        max_size_mm=36.0,
        triage="urgent",
    ),
    _case(
        "Liver: The known metastasis in segment 3 has regressed, now presenting only as a"
        " calcification of 9 mm.",
        "presenting_only_as_names_the_same_focus",
        count=1,
        max_size_mm=9.0,
        segments=["III"],
    ),
    _case(
        "Liver: The metastases in segments 2 and 8 now present as calcified residues up to 7 mm.",
        "calcified_residues",
        max_size_mm=7.0,
        segments=["II", "VIII"],
    ),
    _case(
        "Liver: Segment 6 HCC after RFA. The calcified ablation zone measures 33 mm.",
        "calcified_ablation_zone",
        max_size_mm=33.0,
        triage="urgent",
    ),
    _case(
        "Thyroid: 1.9 cm nodule in the right lobe with coarse calcification.\nUpper abdomen: 3"
        " mm calcified granuloma in hepatic segment 7.",
        "lobes_in_a_thyroid_section_are_the_thyroid_s",
        count=1,
        lobes=[],
        segments=["VII"],
    ),
    _case(
        "Liver: Multiple calcified foci are seen within the treated lesions in segments 3 and 5.",
        "foci_inside_lesions_take_their_places",
        segments=["III", "V"],
    ),
    _case(
        "Liver: The intrahepatic ducts of the right lobe are moderately dilated, and one contains"
        " a stone measuring 33 mm.",
        "a_stone_in_one_of_the_dilated_ducts",
        max_size_mm=33.0,
        bile_duct=True,
        triage="urgent",
    ),
    _case(
        "liver there is a calcification in segment 3 measuring 3.2 x 2.5 cm probably old healed"
        " abscess. no other lesion.",
        "a_measured_size_is_not_a_later_head_s",
        max_size_mm=32.0,
        triage="urgent",
    ),
    _case(
        "ct abdomen. liver normal. impression 1 no acute finding. 2 coarse 3.4 cm calcification"
        " segment 7 of the liver.",
        "a_run_on_numbered_item_is_its_own_sentence",
        max_size_mm=34.0,
        triage="urgent",
    ),
    _case(
        "US liver. few calcified granulomas seg 5, 6 largest 4mm.",
        "two_segment_numbers_joined_by_a_comma",
        segments=["V", "VI"],
    ),
    _case(
        "Liver: A 7 cm mass in the right lobe containing fat, cystic areas and a single coarse"
        " calcification measuring 34 mm.",
        "a_listed_content_of_a_mass",
        max_size_mm=34.0,
        lobes=["right"],
        triage="urgent",
    ),
    _case(
        "Liver: 4 mm calcification in segment 2.\nPlan: Repeat growth scan in 6 weeks.",
        "a_plan_header_recommends_its_exam",
        followup_recommended=True,
    ),
    _case(
        "HCC SCREENING ABDOMINAL ULTRASOUND\nVisualization score: A.\nRecommendation: Return"
        " to routine surveillance ultrasound in 6 months.",
        "an_hcc_surveillance_title_is_a_liver_exam",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Liver: 8 cm mass in the left lobe (segments II/III), typical of an adenoma, and with a"
        " coarse central calcification measuring 2.2 cm.",
        "a_container_naming_the_lesion_again_takes_the_earlier_place",
        max_size_mm=22.0,
        segments=["II", "III"],
        lobes=["left"],
    ),
    _case(
        "Liver: Three treated metastases have shrunk. None of these lesions contains"
        " calcification.",
        "none_of_negates_the_partitive",
        calcification=False,
    ),
    _case(
        "Liver: A 6 mm echogenic focus with a posterior acoustic shadow lies in segment 2; I"
        " believe this is a calcified granuloma.",
        "an_opinion_phrase_before_an_anaphoric_start",
        count=1,
        triage="benign",
    ),
    _case(
        "Dilated left lateral sectoral ducts packed with calcified stones, the largest 14 mm.",
        "sectoral_ducts_are_intrahepatic",
        bile_duct=True,
        max_size_mm=14.0,
        triage="workup",
    ),
    _case(
        "ct abdomen trauma. findings: spleen intact no laceration, a tiny calcified granuloma in"
        " segment 3, incidental. kidneys normal.",
        "a_comma_and_an_article_end_a_negation",
        count=1,
        segments=["III"],
        triage="benign",
    ),
    _case(
        "Liver: The segment 5 abscess has resolved. At its site there is now an 11 mm focus of"
        " coarse calcification with capsular retraction.",
        "capsular_retraction_is_no_capsule_location",
        max_size_mm=11.0,
        segments=["V"],
        triage="benign",
    ),
    _case(
        "Liver: A 7 cm cystic lesion in segment 2 with daughter cysts and a few specks of"
        " calcification in the wall.",
        "specks_of_calcification_in_the_wall_of_a_lesion_with_daughter_cysts",
        count_category="multiple",
        segments=["II"],
    ),
    _case(
        "Liver: Normal. The 2017 report described a tiny calcification in segment 4; it is not"
        " seen on this MRI.",
        "what_a_prior_report_described",
        calcification=False,
    ),
    _case(
        "Liver: Two small calcifications in segment VII, 3 and 4 mm.",
        "an_arabic_size_after_a_roman_segment_is_no_segment",
        segments=["VII"],
        max_size_mm=4.0,
    ),
    _case(
        "There is a 5 cm mass in segment 3 of the left lobe. On unenhanced images it contains"
        " punctate calcifications.",
        "a_pronoun_subject_after_a_fronted_phrase_refers_back",
        segments=["III"],
        lobes=["left"],
    ),
    _case(
        "Liver S7 see dense high density focus, size about 3.2cm\u00d72.6cm, CT value about 380HU.",
        "an_attenuation_written_against_its_number",
        max_size_mm=32.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "Presence in segment II of a formation of 45 x 40 mm with hyperechogenic calcified wall"
        " in eggshell.",
        "a_formation_with_a_calcified_wall_is_the_calcified_thing",
        max_size_mm=45.0,
        triage="urgent",
    ),
    _case(
        "CONCLUSION: Calcified focus of segment VI. To evaluate with TC with contrast medium.",
        "tc_is_ct",
        followup_recommended=True,
    ),
    _case(
        "Conclusion: Calcinate of segment 4. RMN of the liver is suggested.",
        "rmn_is_mri",
        followup_recommended=True,
    ),
    _case(
        "Conclusion: Calcified granuloma in the right hepatic lobe. Annual ecographic control.",
        "an_ecographic_control",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Liver: at segment 5 a hyperechogenic spot with posterior cone of shadow of 4 mm. At"
        " segment 3 a hyperechogenic formation of 14 mm, without cone of shadow, angioma.",
        "without_cone_of_shadow_is_no_shadow",
        count=1,
        max_size_mm=4.0,
        segments=["V"],
    ),
    _case(
        "Thyroid gland: In right lobe hypoechoic nodule with hyperechoic inclusions with"
        " acoustic shadow.\nLiver: no focal formations or calcinates.",
        "a_thyroid_gland_section",
        calcification=False,
    ),
    _case(
        "Motive: possible hepatic calcification on radiography.\nLiver: normal, no"
        " calcification. Gallbladder: stones.",
        "a_motive_header_is_the_indication",
        calcification=False,
    ),
    _case(
        "Liver: The calcification in segment 6 described in the previous CT cannot be seen on MRI.",
        "a_finding_described_in_a_prior_exam",
        calcification=False,
    ),
    _case(
        "Marked IHD dilatation in the right lobe with calcified stones, the largest 33 mm.",
        "ducts_dilatation_with_stones",
        bile_duct=True,
        max_size_mm=33.0,
        triage="urgent",
    ),
    _case(
        "Liver: in S7 is determined formation with calcinated wall 44x39 mm, eggshell symptom,"
        " posterior acoustic shadow.",
        "a_calcinated_wall",
        max_size_mm=44.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "Liver: in S2 and S5 multiple petrificates up to 4 mm with acoustic shadow.",
        "petrificates",
        count_category="multiple",
        segments=["II", "V"],
        max_size_mm=4.0,
    ),
    _case(
        "Liver: Several small calcified dots in the right lobe, the largest 3 mm.",
        "calcified_dots",
        count_category="multiple",
        lobes=["right"],
    ),
    _case(
        "Findings: In segment 8 a rounded lesion of 39 x 35 mm is observed, with complete"
        " calcification of its wall, without enhancement.",
        "calcification_of_its_wall_is_the_lesion_outline",
        max_size_mm=39.0,
        triage="urgent",
    ),
    _case(
        "Conclusion: Hepatic calcification of 4 mm in the left lobe. Control ecography in 1 year.",
        "control_first_then_the_exam",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Conclusion: Intrahepatic lithiasis of the right lobe. To complete the study with MRCP.",
        "to_complete_the_study_with",
        followup_recommended=True,
    ),
    _case(
        "Conclusion: Two calcified hydatid cysts of the right lobe. CT to complete the study.",
        "an_exam_to_complete_the_study",
        followup_recommended=True,
    ),
    _case(
        "Conclusion: Nodular lesion in segment 6, probably haemangioma. RM for characterization.",
        "rm_for_characterization",
        followup_recommended=True,
    ),
    _case(
        "Liver: In segment 7 a 7 cm mass. The mass contains coarse calcifications; the largest"
        " conglomerate of calcification measures 34 x 20 mm.",
        "the_largest_conglomerate_of_calcification",
        max_size_mm=34.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "In segment 5 a 8,5 cm lobulated mass with central scar. The central scar is T2"
        " hypointense. On the CT of last week the central scar is densely calcified and"
        " measures 3,4 x 2,1 cm.",
        "a_part_sentence_between_the_lesion_and_its_calcified_part",
        max_size_mm=34.0,
        segments=["V"],
        triage="urgent",
    ),
    _case(
        "UZV ABDOMENA\nLiver: one hyperechoic focus with acoustic shadow in segment 3 (4 mm),"
        " calcification.\nKidneys: without concrements.\nZaklju\u010dak:\nSmall liver"
        " calcification.",
        "a_croatian_conclusion_header",
        count=1,
        triage="benign",
    ),
    _case(
        "Liver: Calcified granuloma in segment 3 and an indeterminate 12 mm lesion in segment"
        " 6.\nSaran:\nContrast CT or MRI of the liver for confirmation.",
        "an_advice_header_alone_on_its_line",
        followup_recommended=True,
    ),
    _case(
        "Liver: calcified granuloma in segment 3.\nPLAN:\n1. Treat the infection given the CT"
        " appearance.",
        "a_plan_header_alone_on_its_line_reaches_no_further",
        followup_recommended=False,
    ),
    _case(
        "CT: Two hydatid cysts in the liver: the first in segment VI, 8 cm, active; the second in"
        " segment II, completely calcified, measuring 3.4 x 3 cm.",
        "an_appositive_calcified_after_a_comma",
        max_size_mm=34.0,
        triage="urgent",
    ),
    _case(
        "Liver: Multiple metastases in both lobes with coarse calcification, more calcified than"
        " before. The dominant segment 8 lesion measures 5.1 cm.",
        "more_calcified_than_before_is_no_appositive",
        max_size_mm=None,
    ),
    _case(
        "Calcified hepatic metastases in the right lobe, the largest calcified metastasis"
        " measuring 3.3 cm.",
        "the_largest_member_in_the_same_sentence",
        max_size_mm=33.0,
        lobes=["right"],
        triage="urgent",
    ),
    _case(
        "Intrahepatic stones in the left lateral bile ducts: a large stone cast of 3,2 cm and"
        " several smaller stones, with duct dilatation.",
        "stones_a_colon_lists_after_intrahepatic_stones",
        max_size_mm=32.0,
        bile_duct=True,
        triage="urgent",
    ),
    _case(
        "Comparison: 01/2024.\nLIVER LESIONS\n| Lesion | Segment | Prior | Current | Comment"
        " |\n| L1 | VI | 44 mm | 35 mm | now densely calcified lesion |\nNo new lesion.",
        "a_capitals_header_and_the_size_cell_nearest_the_target",
        max_size_mm=35.0,
        triage="urgent",
    ),
]


# --- dev_aq, dev_ar, dev_as (seventh session): the kinds, in wordings of my own -----------------

DEV_SEVENTH = [
    _case(
        "Liver: In segment III an echogenic focus of 5 mm with posterior shadow, in sense of a"
        " calcification.",
        "in_sense_of_without_article_is_an_identity_cue",
        count=1,
        max_size_mm=5.0,
        segments=["III"],
        triage="benign",
    ),
    _case(
        "TAC DE ABDOMEN\nHallazgos: Hepatic granuloma, calcified, segment 4, 6 mm.\n"
        "Impresión diagnóstica: Calcified hepatic granuloma.",
        "a_two_word_translated_impression_header_restates",
        count=1,
        max_size_mm=6.0,
        triage="benign",
    ),
    _case(
        "Liver: a macrocalcification of 9 mm in segment VII with posterior shadowing.",
        "macrocalcification_is_a_calcification",
        count=1,
        max_size_mm=9.0,
        segments=["VII"],
        triage="benign",
    ),
    _case(
        "CT ABDOMEN\nBefund: Leber: Zwei verkalkte Metastasen im Segment VI, groesste 3.8 cm"
        " (Vorbefund 4.4 cm).",
        "untranslated_german_calcified_metastases_and_a_prior_size",
        count=2,
        max_size_mm=38.0,
        segments=["VI"],
        triage="urgent",
    ),
    _case(
        "Liver: A 6.4 cm mass in segment 8 with necrotic areas and dark foci corresponding to"
        " microcalcifications on CT.",
        "an_identity_cue_after_the_contents_does_not_lend_the_mass_size",
        max_size_mm=None,
        segments=["VIII"],
        triage="workup",
    ),
    _case(
        "Liver of normal size. In segment II, a calcified lesion with coarse calcifications"
        " measuring 3.4 x 2.9 cm.",
        "calcifications_inside_a_calcified_lesion_are_that_lesion",
        count=1,
        max_size_mm=34.0,
        segments=["II"],
        triage="urgent",
    ),
    _case(
        "Liver: index lesions:\n Seg VI 4.1 cm (prior 4.5 cm), now with a central calcification"
        " of 1.2 cm.\n Seg II 2.0 cm (prior 2.2 cm).",
        "a_row_size_before_with_is_the_lesions_not_the_contents",
        count=1,
        max_size_mm=12.0,
        segments=["VI"],
        triage="benign",
    ),
    _case(
        "CT ABDOMEN\nFINDINGS:\nTreated metastases:\n- Segment VI: 4.0 cm, no enhancement."
        " Dense calcification 1.8 cm.\n- Segment III: 1.1 cm, enhancing.",
        "a_segment_heading_on_the_line_places_the_next_sentence",
        count=1,
        max_size_mm=18.0,
        triage="benign",
    ),
    _case(
        "Findings: In segment V, at the site of the drained abscess, there is a 1.6 cm"
        " calcification.",
        "a_place_before_a_site_of_opener_is_the_lesions",
        count=1,
        max_size_mm=16.0,
        segments=["V"],
        triage="benign",
    ),
    _case(
        "Findings: Large cholangiocarcinoma in the left lobe, 9 cm, with tumour thrombus in the"
        " left portal vein. Dense internal calcifications. Ascites.",
        "an_inside_adjective_refers_to_the_lesion_not_the_thrombus_vessel",
        calcification=True,
        lobes=["left"],
        triage="workup",
    ),
    _case(
        "MRI LIVER\nObservation 1\n  Location: segment VIII\n  Size: 21 mm\n"
        "  Calcification: absent\n  Category: LR-4",
        "absent_as_a_structured_fields_value_negates",
        calcification=False,
        triage="none",
    ),
    _case(
        "Liver: coarse calcification in segment 4 with absent internal vascularity.",
        "absent_before_another_noun_does_not_negate",
        calcification=True,
        count=1,
        triage="benign",
    ),
    _case(
        "ct abd  liver calcified met seg 3 now 33 mm previously 36 mm  rec mri",
        "calcified_met_abbreviation_in_run_on_dictation",
        count=1,
        max_size_mm=33.0,
        segments=["III"],
        triage="urgent",
    ),
    _case(
        "CT CAP\n\nLesion | Location | Prior | Current\nT1 | Lung RUL | 9 mm | 8 mm\n"
        "T2 | Liver seg V, calcified metastasis | 35 mm | 28 mm\n\nNo new lesions.",
        "a_table_header_names_the_prior_column",
        count=1,
        max_size_mm=28.0,
        segments=["V"],
        triage="benign",
    ),
    _case(
        "Liver: a new 5.0 cm lesion in segment VII with a 3.3 cm densely calcified centre.",
        "a_calcified_centre_is_a_calcification_with_its_own_size",
        count=1,
        max_size_mm=33.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "TC ADDOME\nReperto: Fegato regolare. Calcificazioni della capsula glissoniana lungo il"
        " VI segmento.",
        "translated_capsule_words_exclude_the_calcification",
        calcification=False,
        triage="none",
    ),
    _case(
        "CT: In segment III a rim-calcified collection. It measures 2.1 x 1.7 cm, much smaller"
        " than the 6 cm haematoma on the first CT.",
        "the_size_a_lesion_is_compared_with_is_a_prior_one",
        count=1,
        max_size_mm=21.0,
        triage="benign",
    ),
    _case(
        "Findings: A 9 cm hyperechoic mass occupies the right lobe. It contains scattered"
        " calcifications casting acoustic shadows.",
        "a_shadow_that_the_next_sentences_calcifications_cast_is_theirs",
        max_size_mm=None,
        lobes=["right"],
        triage="workup",
    ),
    _case(
        "liver 15.2 cm calcified granuloma seg 7 5 mm spleen 10 cm",
        "a_whole_organ_size_before_a_target_is_the_organs",
        count=1,
        max_size_mm=5.0,
        segments=["VII"],
        triage="benign",
    ),
    _case(
        "ECOGRAFIA ABDOMINAL\nHigado de ecogenicidad normal, sin lesiones focales ni"
        " calcificaciones. Vesicula con litiasis.",
        "untranslated_without_negates",
        calcification=False,
        triage="none",
    ),
    _case(
        "TC ABDOMINAL\nDescriere: In segment VII, granulom calcificat (calcified granuloma) of"
        " 8 mm.\nConcluzie: Calcified hepatic granuloma.",
        "an_accent_free_or_romanian_conclusion_header_restates",
        count=1,
        max_size_mm=8.0,
        triage="benign",
    ),
    _case(
        "Findings: In segment II a densely calcified lesion of 3.3 cm, not seen on the CT of"
        " 2020.\nImpression: New calcified lesion, segment II.",
        "absent_on_a_prior_exam_means_new_not_negated",
        count=1,
        max_size_mm=33.0,
        triage="urgent",
    ),
    _case(
        "Findings: The earlier report (2017) described a calcified granuloma in segment III."
        " Today the liver is homogeneous without focal lesion.",
        "a_prior_reports_description_with_its_year_is_historical",
        calcification=False,
        triage="none",
    ),
    _case(
        "ULTRASONIDO\nEn el lobulo izquierdo imagen ecogenica de 4 mm con sombra posterior,"
        " probable calcified granuloma.",
        "a_translated_lobe_places_the_finding_in_the_liver",
        count=1,
        lobes=["left"],
        triage="benign",
    ),
    _case(
        "Liver: A strongly echogenic nodule-like lesion with posterior acoustic shadow in"
        " segment IV, size 33x27mm.",
        "an_echogenic_mass_like_lesion_is_one_candidate_with_its_size",
        count=1,
        max_size_mm=33.0,
        segments=["IV"],
        triage="urgent",
    ),
    _case(
        "Ultrasound findings:\nIn left lobe of liver a strong echo crescent-shaped mass with"
        " sound shadow, about 4.1cm x 3.2cm.\nUltrasound tips:\nLeft liver calcified lesion.",
        "a_shape_word_in_a_b_mode_echo_and_an_ultrasound_tips_header",
        count=1,
        max_size_mm=41.0,
        lobes=["left"],
        triage="urgent",
    ),
    _case(
        "Findings: The right lobe ducts are dilated. A 3.2 cm stone cast lies within the dilated"
        " segment VI duct.",
        "a_stone_cast_is_one_stone_with_its_size",
        count=1,
        max_size_mm=32.0,
        bile_duct=True,
        triage="urgent",
    ),
    _case(
        "Findings: The two calcified liver lesions have changed: segment III, previously 2.0 cm,"
        " now 1.8 cm; segment VI, previously 2.9 cm, now 3.2 cm.",
        "a_member_after_a_semicolon_takes_its_place_and_size",
        count=2,
        max_size_mm=32.0,
        segments=["III", "VI"],
        triage="urgent",
    ),
    _case(
        "Liver: 4 mm calcified granuloma in segment 2.\nImpression: Small calcified granulomas in"
        " segment 2 and spleen, incidental.",
        "a_plural_shared_by_a_liver_place_and_another_organ_restates",
        count=1,
        triage="benign",
    ),
    _case(
        "Findings: The cyst in segment VI has collapsed to a small scar. A tiny calcified focus"
        " lies within the collapsed cyst.",
        "inside_a_definite_lesion_with_a_modifier_refers_back",
        count=1,
        segments=["VI"],
        triage="benign",
    ),
    _case(
        "Liver: Retained contrast in the parenchyma; it should not be mistaken for calcification.",
        "not_to_be_mistaken_for_negates",
        calcification=False,
        triage="none",
    ),
    _case(
        "Liver: segment V metastasis measuring 6.1 x 5.0 cm overall; the calcified part measures"
        " 3.6 x 2.2 cm and is central.",
        "a_calcified_part_is_a_calcification_with_its_own_size",
        count=1,
        max_size_mm=36.0,
        segments=["V"],
        triage="urgent",
    ),
    _case(
        "Findings: Segment VI lesion measuring 3.9 x 3.1 cm, low signal on all sequences, no"
        " enhancement; this corresponds to a calcified granuloma on the prior CT.",
        "a_pronoun_named_as_the_calcified_lesion_lends_its_size",
        count=1,
        max_size_mm=39.0,
        segments=["VI"],
        triage="urgent",
    ),
    _case(
        "MRI: Liver S6 see round low signal on T1WI and T2WI, about 3.3cmx2.9cm, no enhancement;"
        " combine CT, calcified focus.",
        "combine_ct_names_the_finding_just_described",
        count=1,
        max_size_mm=33.0,
        segments=["VI"],
        triage="urgent",
    ),
    _case(
        "IMPRESSION: Partial response. New calcification of the liver metastases in segment 4.",
        "a_calcification_of_liver_lesions_is_the_livers",
        calcification=True,
        segments=["IV"],
    ),
    _case(
        "CT RESTAGING\n\nLIVER - TARGET LESIONS (RECIST 1.1)\nLesion | Segment | Description"
        " | Now | Previously\nT1 | VI | calcified metastasis | 36 mm | 39 mm\n\nNo new lesion.",
        "an_organ_dash_title_header_and_a_previously_column",
        count=1,
        max_size_mm=36.0,
        triage="urgent",
    ),
    _case(
        "Liver: in segment VIII a large formation of 47 mm with coarse peripheral calcifications,"
        " compatible with calcified hydatid cyst.",
        "an_identity_cue_after_a_lesions_contents_names_the_lesion",
        max_size_mm=47.0,
        segments=["VIII"],
        triage="urgent",
    ),
    _case(
        "Liver: nodular lesion completely calcified in segment III measuring 3.3 x 2.8 cm.",
        "calcified_after_the_lesion_and_an_adverb",
        count=1,
        max_size_mm=33.0,
        segments=["III"],
        triage="urgent",
    ),
    _case(
        "IMPRESSION: Treated liver metastases; the largest (segment VI, 37 mm) is now densely"
        " calcified.",
        "a_superlative_subject_without_a_noun_lends_its_size",
        count=1,
        max_size_mm=37.0,
        segments=["VI"],
        triage="urgent",
    ),
    _case(
        "CT: Liver S7 shows a large mass-like calcification, about 3.9cm x 3.1cm, no enhancement.",
        "a_mass_like_calcification_is_one_calcification",
        count=1,
        max_size_mm=39.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "Impression: Two calcified CE5 cysts, largest 3.4 cm in segment VI.",
        "a_who_stage_between_calcified_and_its_noun",
        count=2,
        max_size_mm=34.0,
        triage="urgent",
    ),
    _case(
        "Ultrasound liver: at the site of the old laceration a curvilinear echogenic line,"
        " measuring 3.2 cm, in keeping with a calcified capsule of the old haematoma, segment"
        " VI.",
        "a_lesions_capsule_is_not_the_liver_capsule",
        count=1,
        max_size_mm=32.0,
        triage="urgent",
    ),
    _case(
        "Liver: calcification of the liver capsule at segment VI.",
        "the_liver_capsule_stays_excluded",
        calcification=False,
        triage="none",
    ),
]


# Eighth issue-11 session: kinds of wording from dev_bd to dev_bm, one case each (written for
# this file, not copied from the reports).
DEV_EIGHTH = [
    _case(
        "CT ABDOMEN\nIn hepatic segment VII a calcified nodule with diameters of 41/36 mm.",
        "slash_separated_diameters",
        count=1,
        max_size_mm=41.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "Liver: several calcified granulomas are scattered in the right lobe; none larger than"
        " 6 mm.",
        "none_larger_than_bounds_the_size_and_negates_nothing",
        count=None,
        max_size_mm=6.0,
        triage="workup",
    ),
    _case(
        "impression normal liver splenic calcified granuloma no follow up",
        "the_organ_word_next_to_the_head_wins",
        calcification=False,
        triage="none",
    ),
    _case(
        "CT LIVER\nCyst   Segment   Size   Aspect\n"
        "1      V         2.4 cm   cyst wholly calcified\n",
        "a_cyst_wholly_calcified_is_a_calcified_lesion",
        calcification=True,
        count=1,
        segments=["V"],
    ),
    _case(
        "ECOGRAFIA: Higado: quiste hepatico calcificado de 3,6 cm en el segmento VII.",
        "untranslated_postposed_calcified_and_segmento",
        count=1,
        max_size_mm=36.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "FIGADO: granuloma calcificado no lobo esquerdo, 5 mm.",
        "portuguese_no_is_in_the_not_a_negation",
        count=1,
        max_size_mm=5.0,
        lobes=["left"],
        triage="benign",
    ),
    _case(
        "TAC: Masa de 6,5 cm en el segmento VI con calcificacion central de 9 mm.",
        "a_romance_lesion_with_con_owns_its_size",
        count=1,
        max_size_mm=9.0,
        segments=["VI"],
        triage="benign",
    ),
    _case(
        "US ABDOMEN\nLiver: calcified granuloma 4 mm in segment III.\nSpleen: normal.\n"
        "结论: hepatic calcified granuloma.",
        "a_chinese_conclusion_header_restates",
        count=1,
        triage="benign",
    ),
    _case(
        "ECOGRAFIA: Figado: ponto de calcificacao de 3 mm no segmento II.",
        "unaccented_portuguese_calcification_noun",
        count=1,
        max_size_mm=3.0,
        segments=["II"],
        triage="benign",
    ),
    _case(
        "US: Liver normal. Coledoco dilatado with an echogenic focus of 7 mm with posterior"
        " acoustic shadow.",
        "an_echogenic_focus_in_the_untranslated_common_duct_is_not_the_livers",
        calcification=False,
        triage="none",
    ),
    _case(
        "FEGATO: confronto con TC del 2020 che segnalava una calcificazione nel segmento VI;"
        " oggi non visibile.",
        "italian_what_a_prior_exam_showed_is_historical",
        calcification=False,
        triage="none",
    ),
    _case(
        "Fegato: calcificazione di 6 mm nel VI segmento.\nConclusioni: calcificazione epatica."
        "\nDa rivalutare con RM.",
        "italian_to_be_re_evaluated_with_mri_is_a_follow_up",
        count=1,
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "LIVER: Ablation zone in segment VIII without enhancement, with a rim calcification of 4"
        " mm.",
        "comma_with_ends_a_negation_scope",
        calcification=True,
        count=1,
        max_size_mm=4.0,
    ),
    _case(
        "Figado: duas calcificacoes: uma no segmento III e uma no segmento V.\n(Two calcifications:"
        " one in segment III and one in segment V.)",
        "a_translated_sentence_names_the_same_foci_again",
        count=2,
        segments=["III", "V"],
        triage="workup",
    ),
    _case(
        "CT: in segment IV a 6.1 x 5.0 cm cystic lesion with partial calcification of its wall.",
        "a_partial_wall_calcification_takes_no_lesion_size",
        count=1,
        max_size_mm=None,
        triage="benign",
    ),
    _case(
        "ECOGRAFIA: Higado: en el segmento VI imagen hiperecogenica de 8 mm con sombra acustica"
        " posterior.",
        "untranslated_echogenic_image_with_shadow",
        count=1,
        max_size_mm=8.0,
        segments=["VI"],
        triage="benign",
    ),
    _case(
        "CT CAP\n| Lesion | Site | Look | Baseline (mm) | Today (mm) |\n|---|---|---|---|---|\n"
        "| 1 | Liver S7 | calcified | 29 | 33 |\n| 2 | Lung RLL | solid | 10 | 12 |\n",
        "a_calcified_cell_and_sizes_whose_unit_is_in_the_header",
        count=1,
        max_size_mm=33.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "CT ABDOMEN\nLesion     Location      Now        Prior\n"
        "A          segment II    calcified, 2.2 cm   2.6 cm\n"
        "B          segment VI    1.0 cm     1.1 cm\n",
        "an_aligned_table_row_keeps_its_current_size",
        count=1,
        max_size_mm=22.0,
        segments=["II"],
        triage="benign",
    ),
    _case(
        "CT LIVER\nNo\tSeg\tSize\tAspect\n1\tVIII\t3.4 cm\tcalcified, no enhancement\n",
        "a_tab_table_with_a_segment_column",
        count=1,
        max_size_mm=34.0,
        segments=["VIII"],
        triage="urgent",
    ),
    _case(
        "CT ABDOMEN\nCalcified liver metastases     Size\nOne (segment III)              14 mm\n"
        "Two (segment V)                36 mm\n",
        "the_rows_below_a_title_row_are_its_members",
        count=2,
        max_size_mm=36.0,
        segments=["III", "V"],
        triage="urgent",
    ),
    _case(
        "Impression: A calcified treated segment VI lesion, 12 mm.",
        "calcified_then_a_treatment_word_before_the_head",
        count=1,
        max_size_mm=12.0,
        segments=["VI"],
        triage="benign",
    ),
    _case(
        "MRI LIVER\nCalcified lesion: present\nSegment: VII\nLongest diameter: 3.2 cm\n",
        "a_structured_template_places_and_sizes_its_lesion",
        count=1,
        max_size_mm=32.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "Liver: a calcified stone cast of 3.3 cm in the left lobe intrahepatic ducts.",
        "a_calcified_stone_cast_is_one_duct_stone",
        bile_duct=True,
        max_size_mm=33.0,
        triage="urgent",
    ),
    _case(
        "Liver: coarsely calcified lesion (probably old abscess) segment V, 3.5 cm.",
        "a_parenthesis_after_the_target_names_it_again",
        count=1,
        max_size_mm=35.0,
        segments=["V"],
        triage="urgent",
    ),
    _case(
        "УЗИ: Liver: in S6 a hyperechoic inclusion 3,3 см with acoustic shadow (calcinate).",
        "cyrillic_centimetres",
        count=1,
        max_size_mm=33.0,
        triage="urgent",
    ),
    _case(
        "CT: Liver: a calcified tuberculoma of 2.2 cm in segment IV.",
        "a_calcified_tuberculoma",
        count=1,
        max_size_mm=22.0,
        triage="benign",
    ),
    _case(
        "ADDENDUM: The segment VIII lesion is a calcified metastasis; it measures 3.9 cm.",
        "a_copula_names_the_described_lesion",
        count=1,
        max_size_mm=39.0,
        segments=["VIII"],
        triage="urgent",
    ),
    _case(
        "CT\nTreated metastasis segment VII, now calcified\nBaseline 41 mm / Current 24 mm\n",
        "a_prior_current_line_continues_the_target",
        count=1,
        max_size_mm=24.0,
        triage="benign",
    ),
    _case(
        "CT: Liver: a 5 cm mixed lesion in the right lobe, with a 2 cm peripheral curvilinear"
        " calcification.",
        "a_size_of_its_own_wins_over_the_outline_lesion",
        count=1,
        max_size_mm=20.0,
        triage="benign",
    ),
    _case(
        "CT ABDOMEN\nLeft lobe: an 8 cm heterogeneous mass with a 3.4 cm calcified component.",
        "a_lobe_heading_places_its_sentence",
        count=1,
        max_size_mm=34.0,
        lobes=["left"],
        triage="urgent",
    ),
    _case(
        "Liver: innumerable hypodense metastases in both lobes. None are calcified.",
        "none_are_calcified_negates",
        calcification=False,
        triage="none",
    ),
    _case(
        "US: Liver: calcified focus in segment II, 9 mm, previously characterized on CT as a"
        " calcified granuloma.",
        "characterized_as_names_the_same_focus",
        count=1,
        max_size_mm=9.0,
        triage="benign",
    ),
    _case(
        "CT: non-calcified nodules in both lobes and a calcified nodule of 1.2 cm in segment III.",
        "non_calcified_speaks_of_its_own_target_only",
        count=1,
        max_size_mm=12.0,
        segments=["III"],
        triage="benign",
    ),
    _case(
        "Liver: calcification in segment IV, size thirty-two millimetres.",
        "a_size_in_words",
        count=1,
        max_size_mm=32.0,
        triage="urgent",
    ),
    _case(
        "Foie: deux kystes calcifiés / two calcified cysts: segment II 1,4 cm, segment VI 1,9 cm.",
        "a_translation_after_a_slash_is_the_same_focus",
        count=2,
        max_size_mm=19.0,
        triage="workup",
    ),
    _case(
        "Ήπαρ: αποτιτάνωση 8 χιλ. στο τμήμα VII.",
        "untranslated_greek_liver_calcification_segment_and_millimetres",
        count=1,
        max_size_mm=8.0,
        segments=["VII"],
        triage="benign",
    ),
]


DEV_NINTH = [
    # An appositive "..., heavily calcified" after a stone's duct: the duct and its segment
    # are the stone's, not the predicate's.
    _case(
        "CT ABDOMEN\nFindings: A 4.2 cm calculus lying in the dilated segment VI duct, heavily"
        " calcified, with smaller stones in the segment VII ducts.",
        "appositive_predicate_after_a_stone_duct_leaves_the_place_to_the_stone",
        calcification=True,
        max_size_mm=42.0,
        segments=["VI", "VII"],
        bile_duct=True,
        triage="urgent",
    ),
    _case(
        "CT LIVER\nA 3.6 cm stone within the segment II duct, densely calcified.",
        "appositive_predicate_after_one_stone_in_a_segment_duct",
        count=1,
        max_size_mm=36.0,
        segments=["II"],
        bile_duct=True,
        triage="urgent",
    ),
    _case(
        "CT ABDOMEN\nA 12 mm lesion in segment II, densely calcified.",
        "appositive_predicate_after_a_lesion_keeps_the_lesion_size",
        count=1,
        max_size_mm=12.0,
        segments=["II"],
        triage="benign",
    ),
    # A bilingual line whose original-language half opens with a size word: the sentence
    # continues the one before and gives its size.
    _case(
        "TC ABDOMEN / CT ABDOMEN\nHígado: lesión calcificada en el segmento V / calcified"
        " lesion in segment V. Tamaño 3,4 x 2,8 cm / measuring 3.4 x 2.8 cm.",
        "size_word_of_a_translated_line_continues_the_lesion",
        count=1,
        max_size_mm=34.0,
        segments=["V"],
        triage="urgent",
    ),
    _case(
        "CT ABDOMEN\nLeber: verkalkter Herd in Segment 8 / a calcified focus in segment 8. "
        "Größe 33 mm / It measures 33 mm.",
        "german_size_word_continues_the_lesion",
        count=1,
        max_size_mm=33.0,
        segments=["VIII"],
        triage="urgent",
    ),
    # "hepatosplenic" is a plural shared with the spleen: it adds no liver foci.
    _case(
        "CT ABDOMEN\nFindings: one calcified granuloma in the liver, many more in the spleen."
        "\nImpression: old hepatosplenic calcified granulomas.",
        "hepatosplenic_plural_counts_only_the_liver_foci",
        count=1,
        count_category="single",
        triage="benign",
    ),
    # A bare plural whose sizes each come before their own segment names that many foci.
    _case(
        "CT ABDOMEN\nCalcified foci are seen, measuring 5 mm in segment II and 9 mm in"
        " segment VII.",
        "each_size_before_its_own_segment_counts_the_foci",
        count=2,
        count_category="multiple",
        max_size_mm=9.0,
        segments=["II", "VII"],
        triage="workup",
    ),
    _case(
        "CT ABDOMEN\nNumerous calcified granulomas, the largest 7 mm in segment VI, another"
        " 4 mm in segment III.",
        "sizes_of_examples_among_numerous_foci_count_nothing",
        count=None,
        count_category="multiple",
        max_size_mm=7.0,
        triage="workup",
    ),
    # A planned exam without a verb of advice.
    _case(
        "Liver: calcified granuloma in segment III. Contrast CT to be planned.",
        "exam_to_be_planned_is_a_follow_up",
        followup_recommended=True,
    ),
    _case(
        "Foie / Liver: granulome calcifié / calcified granuloma, segment VII. IRM à prévoir.",
        "french_a_prevoir_is_a_follow_up",
        followup_recommended=True,
    ),
    _case(
        "Liver: calcified granuloma in segment III. A CT of the liver to be scheduled.",
        "exam_to_be_scheduled_is_a_follow_up",
        followup_recommended=True,
    ),
    # "ducts dilated up to 9 mm" is the ducts' calibre, not a stone's size.
    _case(
        "US ABDOMEN\nLiver: calculi in the right intrahepatic ducts with shadowing, ducts"
        " dilated up to 9 mm.",
        "ducts_dilated_up_to_is_a_calibre",
        max_size_mm=None,
        bile_duct=True,
        triage="workup",
    ),
    # Its own size before "within a lesion in segment N": the lesion still lends its place.
    _case(
        "CT ABDOMEN\nDense calcification measuring 3.4 cm within a large haemangioma in"
        " segment VII.",
        "own_size_before_within_a_lesion_keeps_the_lesion_place",
        count=1,
        max_size_mm=34.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "CT ABDOMEN\nA coarse calcification of 9 mm inside a cyst in segment IVb.",
        "own_size_of_before_inside_a_cyst_keeps_the_cyst_place",
        count=1,
        max_size_mm=9.0,
        segments=["IV"],
        triage="benign",
    ),
    # A measured size after a lesion named again with "the": the calcification inside it.
    _case(
        "CT LIVER\nKnown segment VI metastasis, 5.0 cm. Interval development of a dense"
        " calcification within the known metastasis measuring 3.3 x 2.1 cm.",
        "measured_size_after_a_definite_host_is_the_contents_size",
        count=1,
        max_size_mm=33.0,
        segments=["VI"],
        triage="urgent",
    ),
    _case(
        "CT ABDOMEN\nA calcification within a mass in segment VI measuring 4 cm.",
        "measured_size_after_an_indefinite_host_stays_the_host_size",
        count=1,
        max_size_mm=None,
        segments=["VI"],
        triage="benign",
    ),
    # "occupying most of the lesion, measuring ...": the calcification's size.
    _case(
        "MRI LIVER\nA 5 cm lesion in segment II with dense calcification filling most of the"
        " lesion, measuring 3.9 cm.",
        "size_after_most_of_the_lesion_is_the_calcification_size",
        count=1,
        max_size_mm=39.0,
        segments=["II"],
        triage="urgent",
    ),
    _case(
        "CT LIVER\nA 6 cm mass in segment VIII with calcification replacing the bulk of the"
        " mass, measuring 4.4 cm.",
        "size_after_the_bulk_of_the_lesion_is_the_calcification_size",
        count=1,
        max_size_mm=44.0,
        segments=["VIII"],
        triage="urgent",
    ),
    # An exam recommended to confirm a calcification, or one that could: no finding.
    _case(
        "MRI LIVER\nA 7 mm signal void in segment III, likely a calcified granuloma.\n"
        "IMPRESSION: Likely calcified granuloma. Plain CT for confirmation of calcification.",
        "exam_for_confirmation_of_calcification_adds_no_focus",
        count=1,
        count_category="single",
        triage="benign",
        followup_recommended=True,
    ),
    _case(
        "MRI LIVER\nA 5 mm dark focus in segment VIII is probably a calcified granuloma.\n"
        "Conclusion: Probable calcified granuloma. A low-dose CT might verify calcification if"
        " required.",
        "exam_that_might_verify_calcification_adds_no_focus",
        count=1,
        count_category="single",
        triage="benign",
    ),
    # Lower-case run-on dictation: "opinion" / "conclusion" open the impression.
    _case(
        "us abdomen.  liver normal echotexture, one 6mm calcified granuloma in seg 3.  spleen"
        " normal.  conclusion benign calcified granuloma in the liver, nothing further.",
        "run_on_conclusion_restates_the_same_focus",
        count=1,
        count_category="single",
        triage="benign",
    ),
    _case(
        "ct abdomen.  liver a single 4mm calcific focus in seg 7.  kidneys normal.  opinion"
        " stable tiny calcified focus in the liver.",
        "run_on_opinion_restates_the_same_focus",
        count=1,
        count_category="single",
        triage="benign",
    ),
    # "a focus of high attenuation (~900 HU)": noun first, approximate attenuation.
    _case(
        "CT ABDOMEN\nA 3 mm focus of high density (~650 HU) in segment V, probably a granuloma.",
        "focus_of_high_density_with_approximate_ct_value",
        calcification=True,
        count=1,
        max_size_mm=3.0,
        segments=["V"],
        triage="benign",
    ),
    _case(
        "CT ABDOMEN\nA 12 mm focus of high attenuation in segment V, likely haemorrhage.",
        "focus_of_high_attenuation_without_ct_value_is_no_calcification",
        calcification=False,
        triage="none",
    ),
    # A "cast stone" is one candidate: its fronted size and its duct are the same stone's.
    _case(
        "ULTRASOUND ABDOMEN\nDilated right-sided ducts with a 3.6 cm cast stone in the right"
        " hepatic duct, casting a dense shadow.",
        "cast_stone_in_a_hepatic_duct_keeps_its_size",
        calcification=True,
        max_size_mm=36.0,
        bile_duct=True,
        triage="urgent",
    ),
    _case(
        "CT ABDOMEN\nA 9 mm cast stone in the common bile duct. Liver normal.",
        "cast_stone_in_the_common_bile_duct_is_no_liver_stone",
        calcification=False,
        triage="none",
    ),
    # "calculi, the largest forming a 3.4 cm cast": the largest member takes the plural's place.
    _case(
        "CT ABDOMEN\nThe right lobe ducts are dilated and filled with dense calculi, the largest"
        " forming a 4.1 cm cast.",
        "largest_member_linked_by_forming_takes_the_plural_place",
        calcification=True,
        count_category="multiple",
        max_size_mm=41.0,
        bile_duct=True,
        triage="urgent",
    ),
    _case(
        "MRCP\nThe segment VI ducts contain several stones, the largest being a 12 mm stone.",
        "largest_member_linked_by_being_takes_the_plural_place",
        calcification=True,
        count_category="multiple",
        max_size_mm=12.0,
        segments=["VI"],
        triage="workup",
    ),
    # An interpretation after a comma ends a negation of the description before it.
    _case(
        "CT ABDOMEN\nIn segment VIII a 5.2 cm formation with thick wall completely calcified, in"
        " absence of enhancement, suggestive for an inactive calcified cyst.",
        "suggestive_for_after_in_absence_of_is_not_negated",
        calcification=True,
        count=1,
        max_size_mm=52.0,
        segments=["VIII"],
        triage="urgent",
    ),
    _case(
        "CT LIVER\nA 6 mm focus in segment III without enhancement, typical of a calcified"
        " granuloma.",
        "typical_of_after_without_is_not_negated",
        calcification=True,
        count=1,
        segments=["III"],
        triage="benign",
    ),
    # "Further no focal liver lesions." (a literal "Im Übrigen keine ..."): no more foci.
    _case(
        "MRI LIVER\nBefund: A 5 mm signal void in segment VII, corresponding to a calcification"
        " on the prior CT.\nFurther no focal liver lesions.",
        "further_no_lesions_adds_no_foci",
        count=1,
        count_category="single",
        triage="benign",
    ),
    _case(
        "CT LIVER\nA 4 mm calcified granuloma in segment III. Further, no focal liver lesions.",
        "further_comma_no_lesions_adds_no_foci",
        count=1,
        count_category="single",
        triage="benign",
    ),
    # A verbless conditional repeat of this exam, also abbreviated "rpt".
    _case(
        "US ABDOMEN\nLiver: normal, no calcification.\nGallbladder: poorly distended.\n"
        "Impression: Normal study. Rpt if the pain recurs.",
        "rpt_if_is_a_conditional_follow_up",
        calcification=False,
        followup_recommended=True,
    ),
    _case(
        "US ABDOMEN\nLiver: normal.\nImpression: Gallbladder not assessed. Rescan if symptoms"
        " continue.",
        "rescan_if_is_a_conditional_follow_up",
        followup_recommended=True,
    ),
    _case(
        "US ABDOMEN\nLiver: normal.\nImpression: Normal study. Rpt US in 8 weeks.",
        "rpt_us_in_weeks_is_a_follow_up",
        followup_recommended=True,
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *PREDICATES,
        *RUN_ON_AND_CLAUSES,
        *COUNTS_AND_PARTS,
        *ORGANS_AND_VOCABULARY,
        *FOLLOW_UP,
        *SECOND_BATCH,
        *TRANSLATED_AND_ENGLISH_PRACTICE,
        *FOLLOW_UP_DEV_I_J,
        *DUCT_STONES,
        *RUN_ON_HEADERS,
        *LOWER_CASE_SEGMENTS,
        *ORGAN_SIZES,
        *DEV_M_N_O,
        *FOLLOW_UP_DEV_M_N_O,
        *DEV_FIFTH,
        *DEV_SIXTH,
        *DEV_SEVENTH,
        *DEV_EIGHTH,
        *DEV_NINTH,
    ],
)
def test_real_phrasing_kind_of_wording(miner: Miner, text: str, expected: Expect) -> None:
    """Each kind of wording gives the fields its case names."""
    _check(miner, text, expected)


@pytest.mark.parametrize(("text", "parts"), RUN_ON_PARTS)
def test_real_phrasing_run_on_impression_header(miner: Miner, text: str, parts: list[str]) -> None:
    assert [f.section for f in miner.mine_text(text).findings] == parts


@pytest.mark.parametrize(("text", "firsts"), LOWER_CASE_SENTENCES)
def test_real_phrasing_lower_case_sentence_after_two_spaces(
    miner: Miner, text: str, firsts: list[str]
) -> None:
    assert [s[0].text for s in miner.nlp(text).sents] == firsts
