"""Rule values the code branches on: the ``value`` of rules in ``patterns/*.jsonl``, one place.

The linker, the mention matcher, the prefilter and the recommendation finder test a
mention's ``value`` against these names ("another", "lesion", "needs_modality" ...). When
the patterns load, :func:`calcminer.nlp.rules.patterns.check_required_values` checks that each value
of :data:`REQUIRED_VALUES` is the value of at least one rule of its label (error E013), so a
rule set that renames one fails there instead of quietly matching nothing later.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# --- BLOCKER: the structure a word names -----------------------------------------------------
BLOCKER_LESION = "lesion"
BLOCKER_CYST = "cyst"
BLOCKER_STRUCTURE = "structure"
#: BLOCKER values of lesions that hold or are calcifications (not organ measurements).
LESION_VALUES = frozenset({BLOCKER_LESION, BLOCKER_CYST})

# --- COUNT: how many foci (a digit string "2" ... stands for itself) --------------------------
#: "another", "a second": one more focus.
COUNT_ANOTHER = "another"
#: "... and one in segment V".
COUNT_AND_ONE = "and_one"
#: ": one in V, one in VII": foci listed one by one.
COUNT_ENUMERATED = "enumerated"
#: "calcified foci (x3)": the number of foci after the head.
COUNT_MULTIPLIER = "multiplier"
#: A bare number ("2 calcifications"): its text is the count.
COUNT_DIGIT = "digit"

# --- DIFFUSE ---------------------------------------------------------------------------------
#: "throughout the liver": the DIFFUSE value that may also be fronted (before its head).
DIFFUSE_THROUGHOUT = "throughout"

# --- DUCT ------------------------------------------------------------------------------------
DUCT_INTRAHEPATIC = "intrahepatic"
#: A duct word that names no side of the liver's edge ("the bile duct", "ducts").
DUCT_AMBIGUOUS = "ambiguous"

# --- LOBE ------------------------------------------------------------------------------------
LOBE_CAUDATE = "caudate"
LOBE_LEFT = "left"
LOBE_RIGHT = "right"
#: "both lobes": the left and the right.
LOBE_BOTH = "both"

# --- ORGAN -----------------------------------------------------------------------------------
ORGAN_LIVER = "liver"
ORGAN_CAPSULE = "capsule"
ORGAN_VESSEL = "vessel"
ORGAN_LUNG = "lung"
ORGAN_THYROID = "thyroid"
#: Organs with lobes of their own: when a report names one, the linker does not read a bare
#: "right lobe" as the liver's (``calcminer.nlp.pipeline.linking.Linker.link_targets``).
LOBED_ORGANS = frozenset({ORGAN_LUNG, ORGAN_THYROID})

# --- FOLLOWUP (the exam a recommendation names) ----------------------------------------------
#: "imaging": names no modality.
FOLLOWUP_IMAGING = "imaging"
#: "follow-up": names no modality.
FOLLOWUP_FOLLOWUP = "followup"

# --- FOLLOWUP_CUE ----------------------------------------------------------------------------
#: A cue that recommends only with a named modality ("continue").
FOLLOWUP_CUE_NEEDS_MODALITY = "needs_modality"
#: A header cue ("Plan:").
FOLLOWUP_CUE_HEADER = "header"
#: An advice header of translated reports that governs the next line ("Saran:").
FOLLOWUP_CUE_LINE_HEADER = "line_header"

# --- FOLLOWUP_PLAN ---------------------------------------------------------------------------
#: A verbless plan that ends with its condition ("MRI liver if").
FOLLOWUP_PLAN_CONDITION = "condition"

#: Label -> the values the code relies on; each must be the value of at least one rule of
#: that label in the loaded target and mention rules.
REQUIRED_VALUES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "BLOCKER": frozenset({BLOCKER_LESION, BLOCKER_CYST, BLOCKER_STRUCTURE}),
        "COUNT": frozenset(
            {COUNT_ANOTHER, COUNT_AND_ONE, COUNT_ENUMERATED, COUNT_MULTIPLIER, COUNT_DIGIT}
        ),
        "DIFFUSE": frozenset({DIFFUSE_THROUGHOUT}),
        "DUCT": frozenset({DUCT_INTRAHEPATIC, DUCT_AMBIGUOUS}),
        "LOBE": frozenset({LOBE_CAUDATE, LOBE_LEFT, LOBE_RIGHT, LOBE_BOTH}),
        "ORGAN": frozenset({ORGAN_LIVER, ORGAN_CAPSULE, ORGAN_VESSEL, ORGAN_LUNG, ORGAN_THYROID}),
        "FOLLOWUP": frozenset({FOLLOWUP_IMAGING, FOLLOWUP_FOLLOWUP}),
        "FOLLOWUP_CUE": frozenset(
            {FOLLOWUP_CUE_NEEDS_MODALITY, FOLLOWUP_CUE_HEADER, FOLLOWUP_CUE_LINE_HEADER}
        ),
        "FOLLOWUP_PLAN": frozenset({FOLLOWUP_PLAN_CONDITION}),
    }
)
