"""Command line (``calcminer``): each command parses its arguments, calls one command function
and prints what the command's ``format_*`` functions return.

``calcminer X`` -> ``run_X`` in :mod:`calcminer.nlp.commands.X` (``evaluate`` ->
:func:`calcminer.nlp.commands.evaluate.evaluate`; ``rules`` and ``validate-patterns`` ->
:mod:`calcminer.nlp.commands.rules`). Summaries go to stdout, notices and errors to stderr
(errors with exit code 1); no report text is printed except by ``show`` and ``evaluate
--show-text``, which the user asks for.

One module for every command (about 600 lines, mostly Typer option declarations): the design
card fixes ``cli.py`` at the top level, and the logic lives in ``nlp/commands/``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from calcminer import __version__
from calcminer.nlp.errors import CalcminerError, CalcminerWarning, Errors, InputError

#: The help option's names, on the app and every command.
HELP_OPTION_NAMES = ["-h", "--help"]
#: Words a user may give an on/off option as a value; an on/off option takes none.
FLAG_VALUE_WORDS = frozenset({"true", "false", "yes", "no", "on", "off"})
#: Default of ``review --max-reports``: the page limit of the review command
#: (:data:`calcminer.nlp.views.review.MAX_REVIEW_REPORTS`; a test holds the two equal, as
#: cli.py imports the commands only when one runs, to start fast).
REVIEW_MAX_REPORTS = 2000


def _plain_flags(params: list[Any]) -> list[Any]:
    """Give every on/off option (``--strict``, ``--help`` ...) an empty metavar: Typer's help
    panel would otherwise show a ``<bool>`` value that the option does not take."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class FlagsGroup(TyperGroup):
    """The app: its help lists on/off options without a value placeholder."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_flags(super().get_params(ctx))


class FlagsCommand(TyperCommand):
    """A command: its help lists on/off options without a value placeholder."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_flags(super().get_params(ctx))


app = typer.Typer(
    name="calcminer",
    cls=FlagsGroup,
    help="Mine radiology reports for intrahepatic calcifications and triage them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Inherited by every command's context: `calcminer extract -h` works too.
    context_settings={"help_option_names": HELP_OPTION_NAMES},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"calcminer {__version__}")
        raise typer.Exit()


class EngineChoice(StrEnum):
    """Where ``extract`` mines: this machine, or a Dask cluster."""

    local = "local"
    dask = "dask"


class RuleKind(StrEnum):
    """The kinds of rule ``rules --kind`` picks (the same as
    :data:`calcminer.nlp.views.explain.RULE_KINDS`): Typer lists them and rejects others."""

    target = "target"
    mention = "mention"
    context = "context"
    section = "section"
    modality = "modality"
    triage = "triage"


@app.callback()
def callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Mine radiology reports for intrahepatic calcifications and triage them."""


def _fail(error: CalcminerError) -> typer.Exit:
    """Print a coded error to stderr and return the exit to raise."""
    typer.echo(str(error), err=True)
    return typer.Exit(code=1)


def _check_inputs(paths: Sequence[Path | None]) -> None:
    """Stop (E261) when an input that does not exist is a word like ``true``: it was meant as
    the value of an on/off option, which takes none, so the parser took it for an input."""
    for path in paths:
        if path is not None and path.name.lower() in FLAG_VALUE_WORDS and not path.exists():
            raise _fail(InputError(Errors.E261.format(path=str(path))))


def _finish(
    summary: str | None,
    notices: list[str],
    *,
    strict: bool,
    errors: int,
    failure: str | None = None,
) -> None:
    """Print a run's summary (None with --quiet) to stdout and its notices to stderr; end with
    exit code 1 when every record became an error row (``failure``, E255), and with --strict
    when there were error rows."""
    if summary is not None:
        typer.echo(summary)
    for notice in notices:
        typer.echo(notice, err=True)
    if failure is not None:
        typer.echo(failure, err=True)
        raise typer.Exit(code=1)
    if strict and errors:
        typer.echo(Errors.E213.format(count=errors), err=True)
        raise typer.Exit(code=1)


PatternsOption = Annotated[
    Path | None,
    typer.Option(
        "--patterns",
        help="Folder of pattern files (default: the packaged patterns/).",
        file_okay=False,
    ),
]
ErrorsOutOption = Annotated[
    Path | None,
    typer.Option(
        "--errors-out",
        help="Errors table, one row per record that could not be used (default: "
        "<stem>.errors.csv beside the output; written if any).",
    ),
]
FiguresErrorsOutOption = Annotated[
    Path | None,
    typer.Option(
        "--errors-out",
        help="Errors table, one row per record that could not be used (default: "
        "errors.csv in --out-dir; written if any).",
    ),
]
IdColOption = Annotated[str, typer.Option("--id-col", help="Id column of tabular inputs.")]
TextColOption = Annotated[str, typer.Option("--text-col", help="Text column of tabular inputs.")]
DelimiterOption = Annotated[
    str | None,
    typer.Option(
        "--delimiter",
        help="Cell delimiter of CSV and TSV inputs: one character, e.g. ';' (Excel in many "
        "European locales), or tab (default: ',' for .csv and standard input, tab for .tsv).",
        show_default=False,
    ),
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Text encoding of JSONL, CSV, TSV and .txt inputs, e.g. cp1252 or latin-1 "
        "(default: UTF-8; a record that is not UTF-8 becomes an error row, E117).",
        show_default=False,
    ),
]
#: What the commands that mine reports read (their INPUTS argument).
INPUTS_HELP = (
    "JSONL, CSV or TSV files (each may be compressed: .gz, .bz2, .xz, .zst), Parquet or .xlsx "
    "files, .txt files, folders of .txt files, or - for standard input (JSONL or CSV)."
)
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict", help="Exit 1 when any record becomes an error row (outputs are still written)."
    ),
]


#: The engine options of the commands that mine an archive (extract, audit).
WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        "-w",
        help="Worker processes (default: all cores). Output is the same for any number.",
        show_default=False,
    ),
]
ChunkSizeOption = Annotated[
    int, typer.Option("--chunk-size", help="Records per chunk (a unit of work and of resume).")
]
ResumeOption = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="Continue an interrupted run of the same command from its finished chunks "
        "(not with standard input, which is read once).",
    ),
]
EngineOption = Annotated[
    EngineChoice,
    typer.Option(
        "--engine", help="local (this machine) or dask (a Dask cluster: local, or --scheduler)."
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="Address of an existing Dask scheduler (with --engine dask)."),
]
PrefilterOption = Annotated[
    bool,
    typer.Option(
        "--prefilter/--no-prefilter",
        help=(
            "Skip the NLP pipeline for reports that cannot contain a target, and mine only "
            "the candidate sentences of the others (same results)."
        ),
    ),
]


def _engine_options(
    engine: EngineChoice,
    workers: int,
    chunk_size: int,
    resume: bool,
    scheduler: str | None,
    prefilter: bool,
    quiet: bool,
) -> Any:
    """The ``EngineOptions`` of the engine options given (0 workers: all cores)."""
    from calcminer.nlp.engine.run import EngineOptions

    return EngineOptions(
        engine="dask" if engine is EngineChoice.dask else "local",
        workers=workers if workers else (os.cpu_count() or 1),
        chunk_size=chunk_size,
        resume=resume,
        scheduler=scheduler,
        prefilter=prefilter,
        progress=not quiet,
    )


@app.command(cls=FlagsCommand)
def extract(
    inputs: Annotated[
        list[Path],
        typer.Argument(help=INPUTS_HELP, show_default=False),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Report table (.csv, .parquet or .jsonl).", show_default=False
        ),
    ],
    findings_out: Annotated[
        Path | None, typer.Option("--findings-out", help="Findings table, one row per target.")
    ] = None,
    flagged_out: Annotated[
        Path | None,
        typer.Option("--flagged-out", help="Reports with triage workup or urgent."),
    ] = None,
    recommendations_out: Annotated[
        Path | None,
        typer.Option(
            "--recommendations-out",
            help="Recommendations table, one row per follow-up recommendation.",
        ),
    ] = None,
    errors_out: ErrorsOutOption = None,
    id_col: IdColOption = "report_id",
    text_col: TextColOption = "text",
    delimiter: DelimiterOption = None,
    encoding: EncodingOption = None,
    patterns: PatternsOption = None,
    workers: WorkersOption = 0,
    chunk_size: ChunkSizeOption = 2000,
    resume: ResumeOption = False,
    engine: EngineOption = EngineChoice.local,
    scheduler: SchedulerOption = None,
    prefilter: PrefilterOption = True,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print no summary and no progress bar.")
    ] = False,
    strict: StrictOption = False,
) -> None:
    """Extract calcification fields and triage for every report; write the tables."""
    from calcminer.nlp.commands.extract import (
        format_extract_failure,
        format_extract_notices,
        format_extract_summary,
        run_extract,
    )

    _check_inputs(inputs)
    options = _engine_options(engine, workers, chunk_size, resume, scheduler, prefilter, quiet)
    try:
        # The run's coded warnings (W001, W002) are printed once, from the summary, below.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CalcminerWarning)
            summary = run_extract(
                inputs,
                output,
                findings_out=findings_out,
                flagged_out=flagged_out,
                errors_out=errors_out,
                id_col=id_col,
                text_col=text_col,
                patterns_dir=patterns,
                engine=options,
                recommendations_out=recommendations_out,
                delimiter=delimiter,
                encoding=encoding,
            )
    except CalcminerError as e:
        raise _fail(e) from e
    text = None if quiet else format_extract_summary(summary)
    _finish(
        text,
        format_extract_notices(summary),
        strict=strict,
        errors=summary.errors,
        failure=format_extract_failure(summary),
    )


@app.command(cls=FlagsCommand)
def audit(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Audit table, one row per index exam (.csv, .parquet or .jsonl).",
            show_default=False,
        ),
    ],
    archive: Annotated[
        Path | None,
        typer.Argument(
            help="Archive (JSONL, CSV or TSV, each may be compressed; Parquet, .xlsx, or - for "
            "standard input) with report_id, patient_id, exam_date, text and optionally "
            "modality. Omit it with --db and --query.",
            show_default=False,
        ),
    ] = None,
    summary_out: Annotated[
        Path | None,
        typer.Option("--summary-out", help="Summary per level, month and concordance group."),
    ] = None,
    overdue_out: Annotated[
        Path | None, typer.Option("--overdue-out", help="Overdue index exams, longest first.")
    ] = None,
    plot_out: Annotated[
        Path | None,
        typer.Option("--plot-out", help="PNG: completion by level and cumulative follow-up."),
    ] = None,
    errors_out: ErrorsOutOption = None,
    report_out: Annotated[
        Path | None,
        typer.Option(
            "--report-out",
            help="One-page HTML report for a department head (printable; ids and dates only, "
            "never report text).",
            show_default=False,
        ),
    ] = None,
    report_title: Annotated[
        str | None,
        typer.Option(
            "--report-title",
            help="Title of the --report-out page (default: Follow-up audit).",
            show_default=False,
        ),
    ] = None,
    worklist: Annotated[
        Path | None,
        typer.Option(
            "--worklist",
            help="Worklist .csv kept across runs: one row per open or recently closed index "
            "exam; owner, note, action and closed_reason edits are kept (Excel copies read).",
            show_default=False,
        ),
    ] = None,
    window_days: Annotated[
        int | None,
        typer.Option(
            "--window-days",
            help="One follow-up window for every level, in days (default: patterns/audit.toml).",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Audit date YYYY-MM-DD (default: the latest exam date in the archive).",
            show_default=False,
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="SQLAlchemy database URL to read the archive from, e.g. sqlite:///exams.db.",
            show_default=False,
        ),
    ] = None,
    query: Annotated[
        str | None,
        typer.Option(
            "--query", help="SQL query giving one row per exam (with --db).", show_default=False
        ),
    ] = None,
    id_col: IdColOption = "report_id",
    text_col: TextColOption = "text",
    delimiter: DelimiterOption = None,
    encoding: EncodingOption = None,
    patient_col: Annotated[str, typer.Option("--patient-col", help="Patient id column.")] = (
        "patient_id"
    ),
    date_col: Annotated[str, typer.Option("--date-col", help="Exam date column.")] = "exam_date",
    modality_col: Annotated[
        str,
        typer.Option(
            "--modality-col",
            help="Modality column (US, CT, MR/MRI ...); when absent, read from the exam header.",
        ),
    ] = "modality",
    date_format: Annotated[
        str | None,
        typer.Option(
            "--date-format",
            help="strptime format of the exam dates, e.g. %d/%m/%Y (default: ISO, "
            "YYYY/MM/DD, DD.MM.YYYY, MM/DD/YYYY or DD/MM/YYYY, YYYYMMDD, with or without a "
            "time, are read).",
            show_default=False,
        ),
    ] = None,
    day_first: Annotated[
        bool | None,
        typer.Option(
            "--dayfirst/--monthfirst",
            help="Order of dates like 01/10/2019: day first (1 October) or month first "
            "(10 January). Default: decided by the column's dates (a day above 12); an "
            "undecided column stops the audit (E318).",
            show_default=False,
        ),
    ] = None,
    scope: Annotated[
        str | None,
        typer.Option(
            "--scope",
            help="Which reports are index exams: liver (reports triaged urgent or workup, and "
            "liver follow-up recommendations) or all (any recommendation, any organ). "
            "Default: patterns/audit.toml (liver).",
            show_default=False,
        ),
    ] = None,
    levels: Annotated[
        str | None,
        typer.Option(
            "--levels",
            help="Levels to audit, comma-separated (default: urgent,workup,recommended).",
            show_default=False,
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Break the summary down by these columns, comma-separated: archive columns "
            "(radiologist, site ...) or level, modality, triage, concordance, status.",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Audit the index exams of this day (YYYY-MM-DD) and later only.",
            show_default=False,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="Audit the index exams of this day (YYYY-MM-DD) and earlier only; "
            "follow-ups are still searched after it.",
            show_default=False,
        ),
    ] = None,
    patterns: PatternsOption = None,
    workers: WorkersOption = 0,
    chunk_size: ChunkSizeOption = 2000,
    resume: ResumeOption = False,
    engine: EngineOption = EngineChoice.local,
    scheduler: SchedulerOption = None,
    prefilter: PrefilterOption = True,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print no summary and no progress bar.")
    ] = False,
    strict: StrictOption = False,
) -> None:
    """Audit follow-up: did the exams that needed work-up get it, how fast, who is overdue."""
    from calcminer.nlp.commands.audit import (
        ArchiveColumns,
        format_audit_failure,
        format_audit_notices,
        format_audit_summary,
        parse_as_of,
        parse_list_option,
        parse_period_day,
        run_audit,
    )

    _check_inputs([archive])
    options = _engine_options(engine, workers, chunk_size, resume, scheduler, prefilter, quiet)
    try:
        summary = run_audit(
            archive,
            output,
            summary_out=summary_out,
            overdue_out=overdue_out,
            plot_out=plot_out,
            errors_out=errors_out,
            window_days=window_days,
            as_of=parse_as_of(as_of),
            db_url=db,
            query=query,
            id_col=id_col,
            text_col=text_col,
            columns=ArchiveColumns(patient=patient_col, date=date_col, modality=modality_col),
            date_format=date_format,
            patterns_dir=patterns,
            day_first=day_first,
            delimiter=delimiter,
            encoding=encoding,
            options=options,
            scope=scope,
            levels=parse_list_option(levels),
            by=parse_list_option(by) or (),
            since=parse_period_day("--since", since),
            until=parse_period_day("--until", until),
            worklist=worklist,
            report_out=report_out,
            report_title=report_title,
        )
    except CalcminerError as e:
        raise _fail(e) from e
    text = None if quiet else format_audit_summary(summary)
    _finish(
        text,
        format_audit_notices(summary),
        strict=strict,
        errors=summary.errors,
        failure=format_audit_failure(summary),
    )


@app.command(cls=FlagsCommand)
def show(
    text: Annotated[
        str | None,
        typer.Argument(help="Report text to explain (or use --file).", show_default=False),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            help="A .txt report, or a JSONL/CSV/TSV/Parquet/.xlsx file (or - for standard "
            "input) with --id to pick the report.",
            show_default=False,
        ),
    ] = None,
    report_id: Annotated[
        str | None,
        typer.Option("--id", help="Report id to show from a tabular --file.", show_default=False),
    ] = None,
    id_col: IdColOption = "report_id",
    text_col: TextColOption = "text",
    delimiter: DelimiterOption = None,
    encoding: EncodingOption = None,
    patterns: PatternsOption = None,
    color: Annotated[
        bool | None,
        typer.Option(
            "--color/--no-color",
            help="Highlight with colors (default: when writing to a terminal and NO_COLOR is "
            "unset). Without colors, targets are shown as [..] and modifiers as <..>.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Explain one report: its targets, their attributes and assertion, and the triage."""
    from rich.console import Console

    from calcminer.nlp.commands.show import format_show, run_show

    try:
        shown = run_show(
            text,
            file,
            report_id,
            id_col=id_col,
            text_col=text_col,
            patterns_dir=patterns,
            delimiter=delimiter,
            encoding=encoding,
        )
    except CalcminerError as e:
        raise _fail(e) from e
    console = Console(
        markup=False,
        highlight=False,
        no_color=color is False,
        force_terminal=True if color else None,
        soft_wrap=True,
    )
    use_color = bool(color) if color is not None else console.is_terminal and not console.no_color
    console.print(format_show(shown, color=use_color), end="")


@app.command(cls=FlagsCommand)
def rules(
    patterns: PatternsOption = None,
    kind: Annotated[
        RuleKind | None,
        typer.Option("--kind", help="Only rules of this kind.", show_default=False),
    ] = None,
    label: Annotated[
        str | None,
        typer.Option(
            "--label",
            help="Only rules whose label starts with this (e.g. SIZE).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """List the loaded rules with their ids, labels, patterns and descriptions."""
    from calcminer.nlp.commands.rules import format_rules, run_rules

    try:
        chosen = run_rules(patterns, kind=kind, label=label)
    except CalcminerError as e:
        raise _fail(e) from e
    typer.echo(format_rules(chosen))


@app.command("validate-patterns", cls=FlagsCommand)
def validate_patterns_command(
    directory: Annotated[
        Path | None,
        typer.Argument(
            help="Patterns folder to check (default: the packaged patterns/).",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check every rule file of a patterns folder; list problems by file and rule id."""
    from calcminer.nlp.commands.rules import format_patterns_check, run_validate_patterns

    check = run_validate_patterns(directory)
    typer.echo(format_patterns_check(check), err=not check.ok)
    if not check.ok:
        raise typer.Exit(code=1)


@app.command(cls=FlagsCommand)
def review(
    inputs: Annotated[
        list[Path],
        typer.Argument(help=INPUTS_HELP, show_default=False),
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Review page (.html).", show_default=False),
    ],
    errors_out: ErrorsOutOption = None,
    flagged_only: Annotated[
        bool, typer.Option("--flagged-only", help="Put only workup and urgent reports on the page.")
    ] = False,
    max_reports: Annotated[
        int,
        typer.Option(
            "--max-reports",
            min=0,
            help="Most reports on the page, so that it opens fast. A larger batch gets its "
            "flagged (urgent, then workup) reports only, at most this many; the page and the "
            "summary say so. 0: no limit.",
        ),
    ] = REVIEW_MAX_REPORTS,
    title: Annotated[
        str | None, typer.Option("--title", help="Page title.", show_default=False)
    ] = None,
    show_cols: Annotated[
        str | None,
        typer.Option(
            "--show-cols",
            help="Input columns to show on each card, as a comma list (e.g. "
            "MRN,exam_date,exam,radiologist); no other column is shown.",
            show_default=False,
        ),
    ] = None,
    id_col: IdColOption = "report_id",
    text_col: TextColOption = "text",
    delimiter: DelimiterOption = None,
    encoding: EncodingOption = None,
    patterns: PatternsOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no summary.")] = False,
    strict: StrictOption = False,
) -> None:
    """Write one self-contained HTML page to review and adjudicate a batch: flagged reports
    first; the page exports the adjudicated reports as a gold file for evaluate."""
    from calcminer.nlp.commands.review import (
        format_review_notices,
        format_review_summary,
        parse_show_cols,
        run_review,
    )

    _check_inputs(inputs)
    try:
        summary = run_review(
            inputs,
            output,
            errors_out=errors_out,
            flagged_only=flagged_only,
            max_reports=max_reports,
            title=title,
            show_cols=parse_show_cols(show_cols),
            id_col=id_col,
            text_col=text_col,
            patterns_dir=patterns,
            delimiter=delimiter,
            encoding=encoding,
        )
    except CalcminerError as e:
        raise _fail(e) from e
    text = None if quiet else format_review_summary(summary)
    _finish(text, format_review_notices(summary), strict=strict, errors=summary.errors)


@app.command(cls=FlagsCommand)
def figures(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Reports to mine (like extract), or report tables with --from-table.",
            show_default=False,
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out-dir",
            "-o",
            help="Folder for triage.png, sizes.png and segments.png.",
            file_okay=False,
            show_default=False,
        ),
    ],
    errors_out: FiguresErrorsOutOption = None,
    from_table: Annotated[
        bool,
        typer.Option(
            "--from-table",
            help="INPUTS are report tables written by calcminer extract (no mining).",
        ),
    ] = False,
    id_col: IdColOption = "report_id",
    text_col: TextColOption = "text",
    delimiter: DelimiterOption = None,
    encoding: EncodingOption = None,
    patterns: PatternsOption = None,
    strict: StrictOption = False,
) -> None:
    """Draw batch figures: triage distribution, calcification sizes, Couinaud segment map."""
    from calcminer.nlp.commands.figures import format_figures_summary, run_figures

    _check_inputs(inputs)
    try:
        summary = run_figures(
            inputs,
            out_dir,
            errors_out=errors_out,
            from_table=from_table,
            id_col=id_col,
            text_col=text_col,
            patterns_dir=patterns,
            delimiter=delimiter,
            encoding=encoding,
        )
    except CalcminerError as e:
        raise _fail(e) from e
    _finish(format_figures_summary(summary), [], strict=strict, errors=summary.errors)


@app.command(cls=FlagsCommand)
def evaluate(
    gold: Annotated[
        Path,
        typer.Argument(
            help="Gold file: JSON Lines, or CSV when named .csv (docs/annotation-guide.md).",
            show_default=False,
        ),
    ],
    min_accuracy: Annotated[
        float | None,
        typer.Option(
            "--min-accuracy",
            min=0.0,
            max=1.0,
            help="Exit 1 when any field accuracy (triage included) is below this.",
        ),
    ] = None,
    patterns: PatternsOption = None,
    show_mismatches: Annotated[
        bool,
        typer.Option("--show-mismatches", help="List report ids and values that disagree."),
    ] = False,
    show_text: Annotated[
        bool,
        typer.Option(
            "--show-text",
            help="With --show-mismatches, also print those reports' texts (patient data).",
        ),
    ] = False,
) -> None:
    """Score the miner against a gold file: per-field accuracy and triage confusion."""
    from calcminer.nlp.commands.evaluate import evaluate as run_evaluate
    from calcminer.nlp.commands.evaluate import format_below, format_evaluation

    try:
        result = run_evaluate(gold, patterns_dir=patterns)
    except CalcminerError as e:
        raise _fail(e) from e
    typer.echo(format_evaluation(result, show_mismatches=show_mismatches, show_text=show_text))
    failures = [] if min_accuracy is None else format_below(result, min_accuracy)
    for failure in failures:
        typer.echo(failure, err=True)
    if failures:
        raise typer.Exit(code=1)


#: Set (unless already set) before numpy and pyarrow load, so that they start no idle
#: threads: calcminer does no linear algebra (a BLAS thread pool) and Arrow allocates with
#: mimalloc (jemalloc, loaded all the same, starts a background thread). A process without
#: other threads forks its workers, the fastest start
#: (see :func:`calcminer.nlp.engine.run.worker_context`).
SINGLE_THREADED_LIBRARIES = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
}


def main() -> None:
    """Entry point of the ``calcminer`` console script."""
    for name, value in SINGLE_THREADED_LIBRARIES.items():
        os.environ.setdefault(name, value)
    app()


if __name__ == "__main__":
    main()
