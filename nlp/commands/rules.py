"""``calcminer rules`` and ``calcminer validate-patterns``: the rule files, listed and checked.

:func:`run_rules` lists the loaded rules (the catalogue is
:mod:`calcminer.nlp.views.explain`), filtered by kind and label; :func:`format_rules` renders
them as a table. :func:`run_validate_patterns` checks every rule file of a folder and
:func:`format_patterns_check` renders the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from calcminer.nlp.errors import DataError, Errors
from calcminer.nlp.views.explain import (
    RULE_KINDS,
    PatternProblem,
    RuleInfo,
    format_rules,
    rule_catalogue,
    validate_patterns,
)

__all__ = [
    "PatternsCheck",
    "format_patterns_check",
    "format_rules",
    "run_rules",
    "run_validate_patterns",
]

#: How the packaged rule folder is named in messages.
PACKAGED_PATTERNS = "the packaged patterns/"


def run_rules(
    patterns_dir: str | Path | None = None,
    *,
    kind: str | None = None,
    label: str | None = None,
) -> list[RuleInfo]:
    """Run ``calcminer rules``: the rules of a pattern folder, in file order.

    Args:
        patterns_dir: Folder of rule files; None for the packaged ``patterns/``.
        kind: Only rules of this kind (``target``, ``mention``, ``context``, ``section``,
            ``modality`` or ``triage``); None for all.
        label: Only rules whose label starts with this; None for all.

    Returns:
        The rules chosen.

    Raises:
        DataError: E260 for a kind that is none of those (checked before any file is read).
        PatternError: When a rule file cannot be loaded.
    """
    if kind is not None and kind not in RULE_KINDS:
        raise DataError(Errors.E260.format(kind=kind, kinds=", ".join(RULE_KINDS)))
    return [
        rule
        for rule in rule_catalogue(patterns_dir)
        if (kind is None or rule.kind == kind) and (label is None or rule.label.startswith(label))
    ]


@dataclass(frozen=True)
class PatternsCheck:
    """The verdict on one rule folder.

    Attributes:
        directory: The folder checked; None for the packaged ``patterns/``.
        problems: The first problem of each file that has one.
    """

    directory: Path | None
    problems: tuple[PatternProblem, ...]

    @property
    def ok(self) -> bool:
        """Whether every rule file is valid."""
        return not self.problems


def run_validate_patterns(directory: Path | None = None) -> PatternsCheck:
    """Run ``calcminer validate-patterns``: check every rule file of a folder.

    Args:
        directory: The folder; None for the packaged ``patterns/``.

    Returns:
        The verdict, with every file's first problem.
    """
    return PatternsCheck(directory, tuple(validate_patterns(directory)))


def format_patterns_check(check: PatternsCheck) -> str:
    """Render the verdict: one ``ok`` line, or one line per problem (file and coded message)
    and their count.

    Args:
        check: The result of :func:`run_validate_patterns`.

    Returns:
        The lines (for stdout when ``check.ok``, else for stderr).
    """
    if check.ok:
        return f"ok: every rule file in {check.directory or PACKAGED_PATTERNS} is valid"
    lines = [f"{problem.file}: {problem.message}" for problem in check.problems]
    lines.append(f"{len(check.problems)} file(s) with problems")
    return "\n".join(lines)
