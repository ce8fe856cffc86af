"""The Python API: the commands' library functions, re-exported from ``nlp/commands/``.

``extract_tables`` is the Python API (inputs in, DataFrames out); ``run_extract``,
``run_review``, ``run_figures`` and ``run_audit`` run a command and return its summary, which
the command's ``format_*`` function renders. Each name is defined in its command's module
(``calcminer.nlp.commands.extract``, ``.review``, ``.figures``, ``.audit``; the miner and the
record stream in ``.batch``, output checks in ``.outputs``, the summary base in ``.summary``);
this module keeps the documented paths (``calcminer.nlp.api.extract_tables``, ...) working.
Nothing here builds a pipeline on import.
"""

from __future__ import annotations

from calcminer.nlp.commands.audit import (
    AUDIT_OUTPUT_OPTIONS,
    PLOT_SUFFIX,
    ArchiveColumns,
    AuditRunSummary,
    format_audit_failure,
    format_audit_notices,
    format_audit_summary,
    parse_as_of,
    run_audit,
)
from calcminer.nlp.commands.batch import (
    MinedBatch,
    load_miner,
    mine_batch,
    mine_records,
    resolve_miner,
)
from calcminer.nlp.commands.extract import (
    ExtractSummary,
    ExtractTables,
    extract_tables,
    format_extract_failure,
    format_extract_notices,
    format_extract_summary,
    run_extract,
)
from calcminer.nlp.commands.figures import FiguresRunSummary, format_figures_summary, run_figures
from calcminer.nlp.commands.outputs import (
    ERRORS_SUFFIX,
    OUTPUT_OPTIONS,
    check_outputs,
    default_errors_path,
)
from calcminer.nlp.commands.review import (
    ReviewRunSummary,
    format_review_notices,
    format_review_summary,
    run_review,
)
from calcminer.nlp.commands.summary import RunSummary, written_path

#: The name ``format_extract_summary`` had before the commands had one module each.
format_summary = format_extract_summary

__all__ = [
    "AUDIT_OUTPUT_OPTIONS",
    "ERRORS_SUFFIX",
    "OUTPUT_OPTIONS",
    "PLOT_SUFFIX",
    "ArchiveColumns",
    "AuditRunSummary",
    "ExtractSummary",
    "ExtractTables",
    "FiguresRunSummary",
    "MinedBatch",
    "ReviewRunSummary",
    "RunSummary",
    "check_outputs",
    "default_errors_path",
    "extract_tables",
    "format_audit_failure",
    "format_audit_notices",
    "format_audit_summary",
    "format_extract_failure",
    "format_extract_notices",
    "format_extract_summary",
    "format_figures_summary",
    "format_review_notices",
    "format_review_summary",
    "format_summary",
    "load_miner",
    "mine_batch",
    "mine_records",
    "parse_as_of",
    "resolve_miner",
    "run_audit",
    "run_extract",
    "run_figures",
    "run_review",
    "written_path",
]
