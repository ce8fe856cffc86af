"""The triage-rule table: what each rule of the source article checks, at which level.

One :class:`TriageRule` row per rule, read by :func:`calcminer.nlp.mining.triage.triage`, by
``calcminer rules --kind triage`` and by the review page; the ``[triage]`` keys of
``patterns/config.toml`` that :func:`~calcminer.nlp.rules.patterns.load_patterns` accepts are
the rows' setting keys. A new rule is one row here and its setting (if any) in ``[triage]``
of ``patterns/config.toml``: for example a rule "work-up when a calcification lies in the
caudate lobe" would be a row with ``setting_key="workup_if_caudate"``, ``setting_default=True``,
``applies=lambda facts, on: bool(on) and facts.caudate`` (with ``caudate`` added to
:class:`TriageFacts`).

This module holds data and pure predicates only; it is in the rules layer so that loading
``patterns/`` can check ``[triage]`` against it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

from calcminer.nlp.schema import TriageLevel

#: A setting's value in ``[triage]``: a size threshold (float, with its unit in the key) or a
#: switch (bool).
Setting = float | bool


class TriageFacts(NamedTuple):
    """What triage reads of a report: its aggregated fields.

    Attributes:
        calcification: At least one counted intrahepatic calcification.
        multiple: Two or more calcified foci.
        max_size_mm: Largest dimension of the largest counted calcification (None: no size).
        bile_duct: A calcification lies in or along the intrahepatic bile ducts.
        diffuse: The calcifications are diffuse or throughout the liver.
    """

    calcification: bool
    multiple: bool
    max_size_mm: float | None
    bile_duct: bool
    diffuse: bool


#: How a rule takes part: ``gate`` decides alone when it applies (no calcification: nothing
#: else is checked); ``rule`` fires beside others; ``fallback`` fires when no ``rule`` did.
RuleKind = Literal["gate", "rule", "fallback"]


@dataclass(frozen=True)
class TriageRule:
    """One triage rule.

    Attributes:
        id: Stable snake_case id, recorded in ``ReportResult.triage_rules``.
        level: The triage level the rule gives when it fires.
        description: What the rule is for (``calcminer rules --kind triage``).
        threshold_key: The ``[triage]`` key of ``patterns/config.toml`` that sets or switches
            the rule; None when no setting governs it.
        default: The setting's packaged value (its type is the setting's type).
        kind: ``gate``, ``rule`` or ``fallback`` (:data:`RuleKind`).
        applies: Whether the rule fires, given the facts and the setting's value (None when
            ``threshold_key`` is None).
        reason: The clause the report row's reason gets when the rule fires.
    """

    id: str
    level: TriageLevel
    description: str
    threshold_key: str | None
    default: Setting | None
    kind: RuleKind
    applies: Callable[[TriageFacts, Setting | None], bool]
    reason: Callable[[TriageFacts, Setting | None], str]


def _no_calcification(facts: TriageFacts, _setting: Setting | None) -> bool:
    return not facts.calcification


def _over_threshold(facts: TriageFacts, limit: Setting | None) -> bool:
    return limit is not None and facts.max_size_mm is not None and facts.max_size_mm > limit


def _switched(fact: str) -> Callable[[TriageFacts, Setting | None], bool]:
    """A work-up rule: fires when its switch is on and the fact holds."""

    def applies(facts: TriageFacts, on: Setting | None) -> bool:
        return bool(on) and bool(getattr(facts, fact))

    return applies


def _always(_facts: TriageFacts, _setting: Setting | None) -> bool:
    return True


def _said(text: str) -> Callable[[TriageFacts, Setting | None], str]:
    def reason(_facts: TriageFacts, _setting: Setting | None) -> str:
        return text

    return reason


def _size_reason(facts: TriageFacts, limit: Setting | None) -> str:
    return (
        f"calcified focus of {facts.max_size_mm:g} mm (> {limit:g} mm): possible metastasis, "
        "confirm with CT/MRI"
    )


def _benign_reason(facts: TriageFacts, _setting: Setting | None) -> str:
    size = f"{facts.max_size_mm:g} mm" if facts.max_size_mm is not None else "size not stated"
    return f"single focal calcification ({size}): benign, no treatment needed"


NONE_NO_CALCIFICATION = TriageRule(
    id="none_no_calcification",
    level="none",
    description="no counted intrahepatic calcification",
    threshold_key=None,
    default=None,
    kind="gate",
    applies=_no_calcification,
    reason=_said("no intrahepatic calcification"),
)
URGENT_SIZE_OVER_THRESHOLD = TriageRule(
    id="urgent_size_over_threshold",
    level="urgent",
    description="a calcified focus larger than triage.urgent_size_mm: possible metastasis, CT/MRI",
    threshold_key="urgent_size_mm",
    default=30.0,
    kind="rule",
    applies=_over_threshold,
    reason=_size_reason,
)
WORKUP_MULTIPLE = TriageRule(
    id="workup_multiple",
    level="workup",
    description="two or more calcified foci",
    threshold_key="workup_if_multiple",
    default=True,
    kind="rule",
    applies=_switched("multiple"),
    reason=_said("multiple calcifications: further work-up"),
)
WORKUP_BILE_DUCT = TriageRule(
    id="workup_bile_duct",
    level="workup",
    description="along the intrahepatic bile ducts (possible duct stones)",
    threshold_key="workup_if_bile_duct",
    default=True,
    kind="rule",
    applies=_switched("bile_duct"),
    reason=_said("along the intrahepatic bile ducts (possible duct stones): further work-up"),
)
WORKUP_DIFFUSE = TriageRule(
    id="workup_diffuse",
    level="workup",
    description="diffuse calcification",
    threshold_key="workup_if_diffuse",
    default=True,
    kind="rule",
    applies=_switched("diffuse"),
    reason=_said("diffuse calcification: further work-up"),
)
BENIGN_SINGLE_FOCAL = TriageRule(
    id="benign_single_focal",
    level="benign",
    description="single, small, focal calcification: no treatment",
    threshold_key=None,
    default=None,
    kind="fallback",
    applies=_always,
    reason=_benign_reason,
)

#: Every triage rule, in the order triage checks them (and ``calcminer rules`` lists them).
TRIAGE_RULES: tuple[TriageRule, ...] = (
    NONE_NO_CALCIFICATION,
    URGENT_SIZE_OVER_THRESHOLD,
    WORKUP_MULTIPLE,
    WORKUP_BILE_DUCT,
    WORKUP_DIFFUSE,
    BENIGN_SINGLE_FOCAL,
)
RULES_BY_ID: Mapping[str, TriageRule] = {rule.id: rule for rule in TRIAGE_RULES}
#: The ``[triage]`` keys of ``patterns/config.toml`` and their packaged values.
TRIAGE_SETTINGS: Mapping[str, Setting] = {
    rule.threshold_key: rule.default
    for rule in TRIAGE_RULES
    if rule.threshold_key is not None and rule.default is not None
}
