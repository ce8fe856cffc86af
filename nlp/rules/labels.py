"""The label table: what every target and mention label does, in one place.

Each rule in ``patterns/targets.jsonl`` and ``patterns/mentions.jsonl`` has a label. How the
pipeline treats a label (whether its rules carry a ``value``, how the linker attaches it to a
target, whether it places a finding, what suppresses it, whether ConText asserts it, what
the follow-up finder reads) is one :class:`LabelSpec` row of :data:`LABELS`. Every label set
the code tests against (``TARGET_LABELS``, ``PREMOD_LABELS``, ``FOLLOWUP_TRIGGER_LABELS``,
...) is derived from this table below, so adding a label is a rule in ``patterns/`` plus one
row here, and a label with no row fails when the rules load (E005), never silently later.

Follows medspaCy's ``DEFAULT_ATTRIBUTES`` (``medspacy/context/context.py``): one mapping of
category to behaviour that the components read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from calcminer.nlp.errors import CalcminerError, Errors

LabelKind = Literal["target", "mention"]
#: How the linker may attach a mention to a head (see ``calcminer.nlp.pipeline.linking``): before it
#: in its noun phrase ("a 3 mm calcified focus"), after it ("calcification ..., 8 mm"), or
#: before a later head with no head before the mention ("In segment VIII there is ...").
Tier = Literal["premod", "post", "fronted"]
TIERS: tuple[Tier, ...] = ("premod", "post", "fronted")


@dataclass(frozen=True)
class LabelSpec:
    """How one label behaves.

    Attributes:
        kind: ``"target"`` (a calcification the miner reports) or ``"mention"`` (an
            attribute, cue or structure the linker reads).
        valued: Its rules must carry a normalized ``value`` (checked when rules load).
        attaches: The tiers by which the linker attaches it to a head.
        location: It places a finding (segment, lobe, duct, organ, diffuse).
        identity_after_structure: After a structure ("a 4 cm lesion, which is ..."), it goes to
            the calcification that an identity cue names.
        identity_before_cue: Before an identity cue ("a 6 mm focus in segment VII, consistent
            with calcification"), it is taken by the calcification the cue names.
        lent: A sentence that continues the one before may lend it ("these lie in segments
            II and V"; an ORGAN only when it is the liver).
        suppressor: Read only to suppress other mentions ("not measured"); never linked.
        suppressed_by: Labels whose mention, overlapping this one, removes it.
        suppressed_by_longer_only: Only a longer overlapping mention suppresses it.
        inside_targets: False: a mention overlapping a target is dropped (a target's own
            words name no second structure).
        leftmost_first: Overlaps among its mentions keep the leftmost, not the longest.
        echo: A target that is an echo with acoustic shadow (its shadow may lie elsewhere).
        shadow_owner: A target that owns a shadow mentioned after it.
        stone: A duct stone target.
        asserted: ConText asserts it (negated, uncertain, historical, hypothetical).
        advice: It makes its sentence one of advice (the linker then ignores the organs there).
        followup_trigger: It can make a follow-up recommendation without any target (the
            prefilter keeps its lines; the recommendation finder starts from it).
        recommendation: The recommendation finder reads it.
        needs_in_clause: A trigger of this label recommends only with a mention of that label
            in its clause ("recommend" needs an exam).
    """

    kind: LabelKind
    valued: bool = False
    attaches: frozenset[Tier] = frozenset()
    location: bool = False
    identity_after_structure: bool = False
    identity_before_cue: bool = False
    lent: bool = False
    suppressor: bool = False
    suppressed_by: frozenset[str] = frozenset()
    suppressed_by_longer_only: bool = False
    inside_targets: bool = True
    leftmost_first: bool = False
    echo: bool = False
    shadow_owner: bool = False
    stone: bool = False
    asserted: bool = False
    advice: bool = False
    followup_trigger: bool = False
    recommendation: bool = False
    needs_in_clause: str | None = None


def _tiers(*tiers: Tier) -> frozenset[Tier]:
    return frozenset(tiers)


def _target(*, echo: bool = False, shadow_owner: bool = False, stone: bool = False) -> LabelSpec:
    """A target label: ConText asserts every target."""
    return LabelSpec(
        kind="target", asserted=True, echo=echo, shadow_owner=shadow_owner, stone=stone
    )


_PLACE = _tiers("premod", "post", "fronted")

#: Every label, targets first. Order is irrelevant; the derived sets are frozensets.
LABELS: Mapping[str, LabelSpec] = {
    # --- targets -----------------------------------------------------------------------------
    "CALCIFICATION": _target(shadow_owner=True),
    "ECHO_SHADOW": _target(echo=True, shadow_owner=True),
    "ECHO_CANDIDATE": _target(echo=True),
    "DUCT_STONE": _target(stone=True, shadow_owner=True),
    "DUCT_STONE_CANDIDATE": _target(stone=True),
    # --- attributes a target takes -------------------------------------------------------------
    "SIZE": LabelSpec(
        "mention",
        attaches=_tiers("premod", "post"),
        identity_after_structure=True,
        identity_before_cue=True,
        lent=True,
        suppressed_by=frozenset({"NOT_SIZE"}),
    ),
    "SEGMENT": LabelSpec(
        "mention",
        attaches=_PLACE,
        location=True,
        identity_after_structure=True,
        identity_before_cue=True,
        lent=True,
        suppressed_by=frozenset({"ORGAN"}),
        suppressed_by_longer_only=True,
    ),
    "LOBE": LabelSpec(
        "mention",
        valued=True,
        attaches=_PLACE,
        location=True,
        identity_after_structure=True,
        identity_before_cue=True,
        lent=True,
        suppressed_by=frozenset({"ORGAN"}),
        suppressed_by_longer_only=True,
    ),
    "DUCT": LabelSpec(
        "mention",
        valued=True,
        attaches=_tiers("post", "fronted"),
        location=True,
        identity_after_structure=True,
    ),
    "ORGAN": LabelSpec("mention", valued=True, attaches=_PLACE, location=True, lent=True),
    "DIFFUSE": LabelSpec("mention", attaches=_PLACE, location=True, lent=True),
    "COUNT": LabelSpec(
        "mention",
        valued=True,
        attaches=_tiers("premod", "post"),
        suppressed_by=frozenset({"SIZE", "SEGMENT", "LOBE", "QUANTIFIER", "INTERVAL"}),
    ),
    "QUANTIFIER": LabelSpec("mention", attaches=_tiers("premod")),
    "MORPHOLOGY": LabelSpec("mention", valued=True, attaches=_tiers("premod", "post")),
    "TEMPORAL": LabelSpec("mention", valued=True, attaches=_tiers("premod", "post")),
    "MIMIC": LabelSpec(
        "mention", valued=True, attaches=_tiers("premod"), suppressed_by=frozenset({"NOT_MIMIC"})
    ),
    "SHADOW": LabelSpec("mention", suppressed_by=frozenset({"NO_SHADOW"})),
    "DENSITY": LabelSpec("mention"),
    "PRIOR_CUE": LabelSpec("mention"),
    # --- structures and cues the linker reads --------------------------------------------------
    "BLOCKER": LabelSpec("mention", inside_targets=False),
    "CONTAINER": LabelSpec("mention", inside_targets=False),
    "COREF": LabelSpec("mention", inside_targets=False),
    # --- suppressors: read only to remove the mentions they overlap ----------------------------
    "NOT_SIZE": LabelSpec("mention", suppressor=True),
    "NOT_MIMIC": LabelSpec("mention", suppressor=True),
    "NO_SHADOW": LabelSpec("mention", suppressor=True),
    # --- follow-up recommendations (calcminer.nlp.pipeline.recommendations) ----------------
    "FOLLOWUP_CUE": LabelSpec(
        "mention",
        advice=True,
        followup_trigger=True,
        recommendation=True,
        needs_in_clause="FOLLOWUP",
    ),
    "FOLLOWUP": LabelSpec("mention", valued=True, asserted=True, advice=True, recommendation=True),
    "FOLLOWUP_SCHEDULE": LabelSpec(
        "mention", asserted=True, advice=True, followup_trigger=True, recommendation=True
    ),
    "FOLLOWUP_PLAN": LabelSpec(
        "mention",
        asserted=True,
        advice=True,
        followup_trigger=True,
        recommendation=True,
        leftmost_first=True,
    ),
    "FOLLOWUP_CONDITION": LabelSpec("mention", recommendation=True),
    "FOLLOWUP_CONDITIONAL": LabelSpec(
        "mention", followup_trigger=True, recommendation=True, needs_in_clause="FOLLOWUP"
    ),
    "FOLLOWUP_NOT_CUE": LabelSpec("mention", recommendation=True),
    "INTERVAL": LabelSpec("mention", valued=True, recommendation=True),
}


def labels_where(test: Callable[[LabelSpec], object]) -> frozenset[str]:
    """The labels whose spec passes ``test``, e.g. ``labels_where(lambda s: s.location)``."""
    return frozenset(label for label, spec in LABELS.items() if test(spec))


def _check_table() -> None:
    """Fail at import on a table that contradicts itself (a programming error, not user input)."""
    for label, spec in LABELS.items():
        named = set(spec.suppressed_by) | ({spec.needs_in_clause} - {None})
        unknown = sorted(str(n) for n in named if n not in LABELS)
        if unknown:
            raise CalcminerError(
                Errors.E905.format(detail=f"{label} names unknown label(s) {unknown}")
            )
        if spec.suppressor and (spec.attaches or spec.asserted or spec.recommendation):
            raise CalcminerError(
                Errors.E905.format(detail=f"suppressor {label} is linked or asserted")
            )
        if spec.kind == "target" and (spec.attaches or spec.valued or spec.suppressor):
            raise CalcminerError(
                Errors.E905.format(detail=f"target {label} takes mention behaviour")
            )


_check_table()

# --- derived sets: read these, never write a label list again --------------------------------
TARGET_LABELS = labels_where(lambda s: s.kind == "target")
MENTION_LABELS = labels_where(lambda s: s.kind == "mention")
#: Mention labels whose rules must carry a normalized ``value``.
VALUED_LABELS = labels_where(lambda s: s.valued)
PREMOD_LABELS = labels_where(lambda s: "premod" in s.attaches)
POST_LABELS = labels_where(lambda s: "post" in s.attaches)
FRONTED_LABELS = labels_where(lambda s: "fronted" in s.attaches)
ATTACHED_LABELS = PREMOD_LABELS | POST_LABELS | FRONTED_LABELS
LOCATION_LABELS = labels_where(lambda s: s.location)
IDENTITY_POST_LABELS = labels_where(lambda s: s.identity_after_structure)
IDENTITY_BEFORE_CUE_LABELS = labels_where(lambda s: s.identity_before_cue)
LENT_LABELS = labels_where(lambda s: s.lent)
SUPPRESSOR_LABELS = labels_where(lambda s: s.suppressor)
#: The mentions the linker keeps and links (every mention label but the suppressors).
ATTRIBUTE_LABELS = MENTION_LABELS - SUPPRESSOR_LABELS
#: label -> (labels that suppress it, whether only a longer mention does).
SUPPRESSED_BY: Mapping[str, tuple[frozenset[str], bool]] = {
    label: (spec.suppressed_by, spec.suppressed_by_longer_only)
    for label, spec in LABELS.items()
    if spec.suppressed_by
}
NOT_INSIDE_TARGETS = labels_where(lambda s: not s.inside_targets)
LEFTMOST_FIRST_LABELS = labels_where(lambda s: s.leftmost_first)
ECHO_LABELS = labels_where(lambda s: s.echo)
SHADOW_OWNER_LABELS = labels_where(lambda s: s.shadow_owner)
STONE_LABELS = labels_where(lambda s: s.stone)
#: The spans ConText asserts (its ``input_labels``).
ASSERTED_LABELS = labels_where(lambda s: s.asserted)
#: Labels that make their sentence one of advice.
FOLLOWUP_LABELS = labels_where(lambda s: s.advice)
#: Mention labels that decide ``followup_recommended`` without any target.
FOLLOWUP_TRIGGER_LABELS = labels_where(lambda s: s.followup_trigger)
#: Labels of the mentions the recommendation finder reads.
RECOMMENDATION_LABELS = labels_where(lambda s: s.recommendation)
#: A trigger label -> the label it needs in its clause.
CUE_NEEDS: Mapping[str, str] = {
    label: spec.needs_in_clause for label, spec in LABELS.items() if spec.needs_in_clause
}

__all__ = [
    "ASSERTED_LABELS",
    "ATTACHED_LABELS",
    "ATTRIBUTE_LABELS",
    "CUE_NEEDS",
    "ECHO_LABELS",
    "FOLLOWUP_LABELS",
    "FOLLOWUP_TRIGGER_LABELS",
    "FRONTED_LABELS",
    "IDENTITY_BEFORE_CUE_LABELS",
    "IDENTITY_POST_LABELS",
    "LABELS",
    "LEFTMOST_FIRST_LABELS",
    "LENT_LABELS",
    "LOCATION_LABELS",
    "MENTION_LABELS",
    "NOT_INSIDE_TARGETS",
    "POST_LABELS",
    "PREMOD_LABELS",
    "RECOMMENDATION_LABELS",
    "SHADOW_OWNER_LABELS",
    "STONE_LABELS",
    "SUPPRESSED_BY",
    "SUPPRESSOR_LABELS",
    "TARGET_LABELS",
    "TIERS",
    "VALUED_LABELS",
    "LabelSpec",
    "Tier",
    "labels_where",
]
