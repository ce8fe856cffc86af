"""The follow-up audit's rules: its levels (qualifying modalities and window of each), from
``patterns/audit.toml``, and the modality vocabulary, from ``patterns/modalities.jsonl``
(:func:`load_audit_config`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from calcminer.nlp.errors import Errors, PatternError
from calcminer.nlp.rules.patterns import default_patterns_dir
from calcminer.nlp.rules.rule_files import jsonl_rules

AUDIT_CONFIG_FILE = "audit.toml"
MODALITY_FILE = "modalities.jsonl"

#: Audit levels in reporting order (most urgent first).
LEVELS: tuple[str, ...] = ("urgent", "workup", "recommended")
#: Which reports are index exams: ``liver`` (flagged, or a liver follow-up recommended) or
#: ``all`` (flagged, or any follow-up recommended).
AuditScope = Literal["liver", "all"]
SCOPES: tuple[AuditScope, ...] = ("liver", "all")

_AUDIT_KEYS = frozenset({"header_max_chars", "scope", "worklist_keep_closed_days"})
_RECOMMENDATION_KEYS = frozenset({"use_conditional", "or_better"})
_LEVEL_KEYS = frozenset({"qualifying_modalities", "window_days"})
_MODALITY_RULE_KEYS = frozenset({"id", "label", "pattern", "case_sensitive", "description"})


@dataclass(frozen=True)
class LevelRule:
    """What completes the work-up of one level.

    Attributes:
        name: Level name (``urgent``, ``workup``, ``recommended``).
        modalities: Modalities of a qualifying follow-up exam.
        window_days: Days from the index exam to the due date.
    """

    name: str
    modalities: frozenset[str]
    window_days: int


@dataclass(frozen=True)
class ModalityRule:
    """One modality phrase of ``patterns/modalities.jsonl``."""

    id: str
    label: str
    pattern: str
    case_sensitive: bool = False


@dataclass(frozen=True)
class AuditConfig:
    """The audit's rules: levels with windows, and the modality vocabulary.

    Attributes:
        levels: Level name -> rule, for every level in :data:`LEVELS`.
        modality_rules: Modality phrases, in file order.
        header_max_chars: How much of a report's start is searched for its modality.
        scope: Which reports are index exams (:data:`SCOPES`).
        worklist_keep_closed_days: Days a closed case stays on the worklist.
        use_conditional: Whether a conditional recommendation sets the due date and modality.
        or_better: Modality a recommendation names -> other modalities that also complete it.
    """

    levels: Mapping[str, LevelRule]
    modality_rules: tuple[ModalityRule, ...]
    header_max_chars: int
    scope: AuditScope = "liver"
    worklist_keep_closed_days: int = 90
    use_conditional: bool = True
    or_better: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def with_window(self, window_days: int | None) -> AuditConfig:
        """The same rules with every window set to ``window_days`` (None: unchanged)."""
        if window_days is None:
            return self
        levels = {
            name: LevelRule(rule.name, rule.modalities, window_days)
            for name, rule in self.levels.items()
        }
        return replace(self, levels=levels)

    def with_scope(self, scope: AuditScope | None) -> AuditConfig:
        """The same rules with another scope (None: unchanged)."""
        return self if scope is None else replace(self, scope=scope)

    def qualifying(self, named: str) -> frozenset[str]:
        """Modalities that complete a recommendation naming ``named`` (it, and "or better")."""
        return frozenset({named}) | self.or_better.get(named, frozenset())

    @property
    def modalities(self) -> frozenset[str]:
        """Every modality label the vocabulary knows."""
        return frozenset(rule.label for rule in self.modality_rules)


def load_audit_config(patterns_dir: str | Path | None = None) -> AuditConfig:
    """Load and validate ``audit.toml`` and ``modalities.jsonl``.

    Args:
        patterns_dir: Folder of rule files; None for the packaged ``patterns/``.

    Returns:
        The audit rules.

    Raises:
        PatternError: E001 for a missing file, E002/E008 for unreadable ones, E003-E007 for
            a bad modality rule, E009 for a bad audit setting; messages name the file.
    """
    directory = Path(patterns_dir) if patterns_dir is not None else default_patterns_dir()
    rules = _load_modality_rules(directory / MODALITY_FILE, directory)
    labels = frozenset(rule.label for rule in rules)
    path = directory / AUDIT_CONFIG_FILE
    if not path.is_file():
        raise PatternError(Errors.E001.format(path=path, patterns_dir=directory))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise PatternError(Errors.E008.format(path=path, detail=str(e))) from e

    def bad(detail: str) -> PatternError:
        return PatternError(Errors.E009.format(path=path, detail=detail))

    unknown = set(data) - {"audit", "levels", "recommendation"}
    if unknown:
        raise bad(f"unknown table(s) {sorted(unknown)}")
    audit = data.get("audit", {})
    if set(audit) != _AUDIT_KEYS:
        raise bad(f"[audit] needs exactly {sorted(_AUDIT_KEYS)}, got {sorted(audit)}")
    header_max_chars = audit["header_max_chars"]
    if (
        isinstance(header_max_chars, bool)
        or not isinstance(header_max_chars, int)
        or header_max_chars < 1
    ):
        raise bad("[audit] header_max_chars must be a positive integer")
    scope = audit["scope"]
    if scope not in SCOPES:
        raise bad(f"[audit] scope must be one of {list(SCOPES)}, got {scope!r}")
    keep_days = audit["worklist_keep_closed_days"]
    if isinstance(keep_days, bool) or not isinstance(keep_days, int) or keep_days < 0:
        raise bad("[audit] worklist_keep_closed_days must be a whole number of days >= 0")
    recommendation = data.get("recommendation", {})
    if not isinstance(recommendation, dict) or set(recommendation) != _RECOMMENDATION_KEYS:
        got = sorted(recommendation) if isinstance(recommendation, dict) else recommendation
        raise bad(f"[recommendation] needs exactly {sorted(_RECOMMENDATION_KEYS)}, got {got}")
    use_conditional = recommendation["use_conditional"]
    if not isinstance(use_conditional, bool):
        raise bad("[recommendation] use_conditional must be true or false")
    or_better: dict[str, frozenset[str]] = {}
    raw_better = recommendation["or_better"]
    if not isinstance(raw_better, dict):
        raise bad("[recommendation.or_better] must be a table of modality lists")
    for named, better in raw_better.items():
        if (
            named not in labels
            or not isinstance(better, list)
            or not all(isinstance(m, str) for m in better)
            or not set(better) <= labels
        ):
            raise bad(
                f"[recommendation.or_better] {named} = {better!r}: keys and values must be "
                f"modality labels from {MODALITY_FILE} ({sorted(labels)})"
            )
        or_better[named] = frozenset(better)
    raw_levels = data.get("levels", {})
    if set(raw_levels) != set(LEVELS):
        raise bad(f"[levels] needs exactly {list(LEVELS)}, got {sorted(raw_levels)}")
    levels: dict[str, LevelRule] = {}
    for name in LEVELS:
        level = raw_levels[name]
        if set(level) != _LEVEL_KEYS:
            raise bad(f"[levels.{name}] needs exactly {sorted(_LEVEL_KEYS)}, got {sorted(level)}")
        window = level["window_days"]
        if isinstance(window, bool) or not isinstance(window, int) or window < 0:
            raise bad(f"[levels.{name}] window_days must be a whole number of days >= 0")
        modalities = level["qualifying_modalities"]
        if not isinstance(modalities, list) or not modalities or not set(modalities) <= labels:
            raise bad(
                f"[levels.{name}] qualifying_modalities must be a non-empty list of "
                f"modality labels from {MODALITY_FILE} ({sorted(labels)})"
            )
        levels[name] = LevelRule(name, frozenset(modalities), window)
    return AuditConfig(
        levels,
        rules,
        header_max_chars,
        scope=scope,
        worklist_keep_closed_days=keep_days,
        use_conditional=use_conditional,
        or_better=or_better,
    )


def _load_modality_rules(path: Path, directory: Path) -> tuple[ModalityRule, ...]:
    rules: list[ModalityRule] = []
    seen: dict[str, str] = {}
    for rule_id, raw in jsonl_rules(
        path, directory, _MODALITY_RULE_KEYS, seen, not_an_object="E002"
    ):
        label, pattern = raw.get("label"), raw.get("pattern")
        if not isinstance(label, str) or not label:
            raise PatternError(
                Errors.E007.format(rule_id=rule_id, path=path, detail="'label' must be a string")
            )
        if not isinstance(pattern, str) or not pattern.strip():
            raise PatternError(
                Errors.E007.format(rule_id=rule_id, path=path, detail="'pattern' must be a phrase")
            )
        case_sensitive = raw.get("case_sensitive", False)
        if not isinstance(case_sensitive, bool):
            raise PatternError(
                Errors.E007.format(
                    rule_id=rule_id, path=path, detail="'case_sensitive' must be true or false"
                )
            )
        rules.append(ModalityRule(rule_id, label, pattern, case_sensitive))
    if not rules:
        raise PatternError(Errors.E002.format(path=path, line=1, detail="no rules"))
    return tuple(rules)


__all__ = [
    "AUDIT_CONFIG_FILE",
    "LEVELS",
    "MODALITY_FILE",
    "SCOPES",
    "AuditConfig",
    "AuditScope",
    "LevelRule",
    "ModalityRule",
    "load_audit_config",
]
