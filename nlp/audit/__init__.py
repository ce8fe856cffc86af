"""Follow-up audit: of the exams that needed work-up, which got it, how fast, and who is overdue.

The flow: every exam of an archive is mined (triage and ``followup_recommended``), dated,
given a modality and tied to its patient (:func:`make_exam`); :func:`audit_exams` then picks
the *index exams* and looks, for each, for the first later exam of the same patient whose
modality qualifies for the index exam's level; :func:`summarize` counts the outcomes.

Levels, qualifying modalities and windows come from ``patterns/audit.toml``; the modality
vocabulary from ``patterns/modalities.jsonl``. This package holds no pandas and opens only the
rule files; tables are built by :mod:`calcminer.nlp.io.tables`. Its modules: ``config.py``
(the audit's rules), ``dates.py`` (the date layouts, and the day/month order of a date
column), ``exams.py`` (modality, date and patient of an exam) and ``followup.py``
(index exams, their follow-up and the summary); every name is importable from here, as
before ``calcminer.nlp.audit`` was a package.

Definitions (documented in the README):

- *Index exam*: triage ``urgent`` or ``workup`` (level = the triage), or a report whose
  radiologist recommended imaging follow-up (level ``recommended``).
- *Later exam*: a later date, or the same date and later in the archive (exams carry no time
  of day, so archive order breaks ties within a day).
- *Follow-up*: the first later exam of the same patient, on or before the as-of date, whose
  modality is one of the level's qualifying modalities. An exam can be a follow-up and an index
  exam at once.
- *Status*: ``completed`` (follow-up on or before the due date = index date + window),
  ``late`` (follow-up after the due date), ``overdue`` (no follow-up and the due date is before
  the as-of date) or ``pending`` (no follow-up, due date on or after the as-of date).
- Exams dated after the as-of date are left out of the audit (counted in the result).
"""

from __future__ import annotations

from calcminer.nlp.audit.config import (
    AUDIT_CONFIG_FILE,
    LEVELS,
    MODALITY_FILE,
    AuditConfig,
    LevelRule,
    ModalityRule,
    load_audit_config,
)
from calcminer.nlp.audit.dates import DayMonthOrder
from calcminer.nlp.audit.exams import (
    ISO_DATE_PATTERN,
    ArchiveColumns,
    Exam,
    ModalityDetector,
    UndatedExam,
    make_exam,
    parse_exam_date,
    undated_exam,
)
from calcminer.nlp.audit.followup import (
    CONCORDANCE_GROUPS,
    RECOMMENDED_LEVEL,
    STATUSES,
    AuditResult,
    AuditRow,
    AuditStatus,
    SummaryRow,
    audit_exams,
    audit_level,
    concordance,
    summarize,
    summary_row,
)

__all__ = [
    "AUDIT_CONFIG_FILE",
    "CONCORDANCE_GROUPS",
    "ISO_DATE_PATTERN",
    "LEVELS",
    "MODALITY_FILE",
    "RECOMMENDED_LEVEL",
    "STATUSES",
    "ArchiveColumns",
    "AuditConfig",
    "AuditResult",
    "AuditRow",
    "AuditStatus",
    "DayMonthOrder",
    "Exam",
    "LevelRule",
    "ModalityDetector",
    "ModalityRule",
    "SummaryRow",
    "UndatedExam",
    "audit_exams",
    "audit_level",
    "concordance",
    "load_audit_config",
    "make_exam",
    "parse_exam_date",
    "summarize",
    "summary_row",
    "undated_exam",
]
