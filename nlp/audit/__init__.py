"""Follow-up audit: of the exams that needed work-up, which got it, how fast, and who is overdue.

The flow: every exam of an archive is mined (triage and ``followup_recommended``), dated,
given a modality and tied to its patient (:func:`make_exam`); :func:`audit_exams` then picks
the *index exams* and looks, for each, for the first later exam of the same patient whose
modality qualifies for the index exam's level; :func:`summarize` counts the outcomes.

Levels, qualifying modalities and windows come from ``patterns/audit.toml``; the modality
vocabulary from ``patterns/modalities.jsonl``. This package holds no pandas and opens only the
rule files; tables are built by :mod:`calcminer.nlp.io.tables`. Its modules: ``config.py``
(the audit's rules), ``dates.py`` (the date layouts, and the day/month order of a date
column), ``exams.py`` (modality, date, patient and recommendations of an exam),
``followup.py`` (index exams, their due date and follow-up, and the summary) and
``worklist.py`` (the worklist kept across runs, imported from its module); every other name
is importable from here, as before ``calcminer.nlp.audit`` was a package.

Definitions (documented in the README):

- *Scope*: ``liver`` (the default, ``patterns/audit.toml``) or ``all`` (``--scope all``).
- *Index exam*: triage ``urgent`` or ``workup`` (level = the triage), or a report whose
  radiologist recommended imaging follow-up (level ``recommended``): of the liver or its
  calcification (``liver_followup_recommended``) in scope ``liver``, of any organ in scope
  ``all``. ``--levels`` keeps some levels only; ``--since``/``--until`` keep the index exams
  of a period (follow-ups are still searched after it).
- *Due date and qualifying modalities*: the index exam's recommendation (in scope) sets them
  when it states them ("MRI in 6 months": due 182 days after the index exam; an MRI
  qualifies, and "or better" modalities per ``patterns/audit.toml``); otherwise the level's
  window and modalities (:func:`due_rule`).
- *Later exam*: a later date, or the same date and later in the archive (exams carry no time
  of day, so archive order breaks ties within a day).
- *Follow-up*: the first later exam of the same patient, on or before the as-of date, whose
  modality is one of the level's qualifying modalities. An exam can be a follow-up and an index
  exam at once.
- *Status*: ``completed`` (follow-up on or before the due date),
  ``late`` (follow-up after the due date), ``overdue`` (no follow-up and the due date is before
  the as-of date) or ``pending`` (no follow-up, due date on or after the as-of date).
- Exams dated after the as-of date are left out of the audit (counted in the result).
"""

from __future__ import annotations

from calcminer.nlp.audit.config import (
    AUDIT_CONFIG_FILE,
    LEVELS,
    MODALITY_FILE,
    SCOPES,
    AuditConfig,
    AuditScope,
    LevelRule,
    ModalityRule,
    load_audit_config,
)
from calcminer.nlp.audit.dates import DayMonthOrder
from calcminer.nlp.audit.exams import (
    ISO_DATE_PATTERN,
    ArchiveColumns,
    Exam,
    ExamRecommendation,
    ModalityDetector,
    UndatedExam,
    exam_recommendations,
    make_exam,
    may_be_index,
    parse_exam_date,
    undated_exam,
)
from calcminer.nlp.audit.followup import (
    BY_AUDIT_COLUMNS,
    CONCORDANCE_GROUPS,
    FROM_LEVEL,
    FROM_RECOMMENDATION,
    MISSING_GROUP,
    RECOMMENDED_LEVEL,
    STATUSES,
    AuditResult,
    AuditRow,
    AuditStatus,
    DueRule,
    SummaryRow,
    audit_exams,
    audit_level,
    check_by_columns,
    check_levels,
    check_period,
    column_value,
    concordance,
    due_rule,
    group_of,
    recommended_in_scope,
    summarize,
    summary_row,
)

__all__ = [
    "AUDIT_CONFIG_FILE",
    "BY_AUDIT_COLUMNS",
    "CONCORDANCE_GROUPS",
    "FROM_LEVEL",
    "FROM_RECOMMENDATION",
    "ISO_DATE_PATTERN",
    "LEVELS",
    "MISSING_GROUP",
    "MODALITY_FILE",
    "RECOMMENDED_LEVEL",
    "SCOPES",
    "STATUSES",
    "ArchiveColumns",
    "AuditConfig",
    "AuditResult",
    "AuditRow",
    "AuditScope",
    "AuditStatus",
    "DayMonthOrder",
    "DueRule",
    "Exam",
    "ExamRecommendation",
    "LevelRule",
    "ModalityDetector",
    "ModalityRule",
    "SummaryRow",
    "UndatedExam",
    "audit_exams",
    "audit_level",
    "check_by_columns",
    "check_levels",
    "check_period",
    "column_value",
    "concordance",
    "due_rule",
    "exam_recommendations",
    "group_of",
    "load_audit_config",
    "make_exam",
    "may_be_index",
    "parse_exam_date",
    "recommended_in_scope",
    "summarize",
    "summary_row",
    "undated_exam",
]
