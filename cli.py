"""Command line (``calcminer``): parses arguments and calls one library function per command.

``calcminer extract`` -> :func:`calcminer.nlp.api.run_extract`;
``calcminer evaluate`` -> :func:`calcminer.nlp.evaluate.evaluate`.
Errors go to stderr with exit code 1; no report text is ever printed.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from calcminer import __version__
from calcminer.nlp.errors import CalcminerError, Errors

app = typer.Typer(
    name="calcminer",
    help="Mine radiology reports for intrahepatic calcifications and triage them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"calcminer {__version__}")
        raise typer.Exit()


class EngineChoice(StrEnum):
    """Where ``extract`` mines: this machine, or a Dask cluster."""

    local = "local"
    dask = "dask"


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


PatternsOption = Annotated[
    Path | None,
    typer.Option(
        "--patterns",
        help="Folder of pattern files (default: the packaged patterns/).",
        file_okay=False,
    ),
]


@app.command()
def extract(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="JSONL, CSV or Parquet files, .txt files or folders of .txt files.",
            show_default=False,
        ),
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
    errors_out: Annotated[
        Path | None,
        typer.Option(
            "--errors-out",
            help="Errors table (default: <stem>.errors.csv beside --output, if any errors).",
        ),
    ] = None,
    id_col: Annotated[str, typer.Option("--id-col", help="Id column of tabular inputs.")] = (
        "report_id"
    ),
    text_col: Annotated[
        str, typer.Option("--text-col", help="Text column of tabular inputs.")
    ] = "text",
    patterns: PatternsOption = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            help="Worker processes (default: all cores). Output is the same for any number.",
            show_default=False,
        ),
    ] = 0,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", help="Records per chunk (a unit of work and of resume).")
    ] = 2000,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted run of the same command from its finished chunks.",
        ),
    ] = False,
    engine: Annotated[
        EngineChoice,
        typer.Option(
            "--engine", help="local (this machine) or dask (a Dask cluster: local, or --scheduler)."
        ),
    ] = EngineChoice.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Address of an existing Dask scheduler (with --engine dask)."
        ),
    ] = None,
    prefilter: Annotated[
        bool,
        typer.Option(
            "--prefilter/--no-prefilter",
            help="Skip the NLP pipeline for reports that cannot contain a target (same results).",
        ),
    ] = True,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print no summary and no progress bar.")
    ] = False,
) -> None:
    """Extract calcification fields and triage for every report; write the tables."""
    from calcminer.nlp.api import format_summary, run_extract
    from calcminer.nlp.engine import EngineOptions

    options = EngineOptions(
        engine="dask" if engine is EngineChoice.dask else "local",
        workers=workers if workers else (os.cpu_count() or 1),
        chunk_size=chunk_size,
        resume=resume,
        scheduler=scheduler,
        prefilter=prefilter,
        progress=not quiet,
    )
    try:
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
        )
    except CalcminerError as e:
        raise _fail(e) from e
    if not quiet:
        typer.echo(format_summary(summary))
    if summary.errors:
        codes = ", ".join(f"{code} x{n}" for code, n in summary.error_codes.items())
        message = Errors.E208.format(count=summary.errors, codes=codes, path=summary.errors_path)
        typer.echo(message, err=True)


@app.command()
def evaluate(
    gold: Annotated[
        Path, typer.Argument(help="Gold JSONL file (GOLD_GUIDE.md format).", show_default=False)
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
) -> None:
    """Score the miner against a gold file: per-field accuracy and triage confusion."""
    from calcminer.nlp.evaluate import evaluate as run_evaluate
    from calcminer.nlp.evaluate import format_evaluation

    try:
        result = run_evaluate(gold, patterns_dir=patterns)
    except CalcminerError as e:
        raise _fail(e) from e
    typer.echo(format_evaluation(result, show_mismatches=show_mismatches))
    if min_accuracy is None:
        return
    failures = result.below(min_accuracy)
    for name, accuracy in failures:
        metric = "triage" if name == "triage" else f"field {name!r}"
        typer.echo(
            Errors.E207.format(metric=metric, accuracy=accuracy, minimum=min_accuracy), err=True
        )
    if failures:
        raise typer.Exit(code=1)


def main() -> None:
    """Entry point of the ``calcminer`` console script."""
    app()


if __name__ == "__main__":
    main()
