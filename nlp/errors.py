"""Catalogue of coded error messages used across calcminer (patterns, input, CLI)."""

from __future__ import annotations


class Errors:
    """Coded messages: what happened, what was expected, what was got, how to fix it.

    Ranges: E0xx pattern and configuration files, E1xx input records and files,
    E2xx command line and outputs. Messages never include report text.
    """

    # --- E0xx: pattern and configuration files -------------------------------------------
    E001 = (
        "E001 Pattern file {path} not found. Expected it in the patterns directory {patterns_dir}."
    )
    E002 = (
        "E002 Invalid JSON in {path} at line {line}: {detail}. Fix the syntax or restore the file "
        "from the calcminer distribution."
    )
    E003 = "E003 Rule {rule_id!r} in {path} has unknown key(s) {keys}. Allowed keys: {allowed}."
    E004 = "E004 Duplicate rule id {rule_id!r} in {path} (first defined in {first_path})."
    E005 = "E005 Rule {rule_id!r} in {path} has unknown label {label!r}. Known labels: {known}."
    E006 = "E006 Rule at {path}:{line} has no 'id'. Every rule needs a stable snake_case id."
    E007 = "E007 Rule {rule_id!r} in {path}: {detail}."
    E008 = (
        "E008 Configuration {path}: {detail}. See the comments in patterns/config.toml for the "
        "expected keys and units."
    )

    # --- E1xx: input files and records -----------------------------------------------------
    E101 = "E101 Input {path} does not exist. Expected a .jsonl, .csv or .parquet file or a folder."
    E102 = (
        "E102 Input {path} has an unsupported type ({kind}). Expected a .jsonl (or .ndjson), "
        ".csv or .parquet file, a .txt file, or a folder of .txt files."
    )
    E103 = (
        "E103 Input {path} has no {role} column {column!r}. Columns present: {present}. "
        "Name the right column with --{role}-col."
    )
    E104 = "E104 Input folder {path} holds no .txt files. Expected one report per .txt file."
    E105 = "E105 Cannot read input {path}: {detail}. Check that the file is complete and readable."
    E106 = (
        "E106 Input {path} has duplicate column name(s) {columns}. Expected unique column "
        "names; rename the duplicates."
    )
    # Record-level codes: one row of the errors table each, reading goes on.
    E110 = "E110 Malformed JSON: {detail}. Expected one JSON object per line."
    E111 = "E111 Line holds a JSON {kind}, not an object. Expected one JSON object per line."
    E112 = "E112 Text column {column!r} is missing or null. Every record needs a report text."
    E113 = "E113 Text column {column!r} holds a value of type {kind}. Expected a string."
    E114 = "E114 Text column {column!r} is empty. Expected a report text; drop empty records."
    E115 = (
        "E115 Id column {column!r} is missing or empty. Every record needs an id; "
        "fill it in or choose another column with --id-col."
    )
    E116 = "E116 Id column {column!r} holds a value of type {kind}. Expected a string or integer."
    E117 = "E117 Record is not valid UTF-8 text ({detail}). Re-save the file as UTF-8."
    E118 = (
        "E118 CSV row has {got} fields, the header has {expected}. Check the quoting of "
        "this row (an unescaped quote or delimiter)."
    )
    E119 = "E119 Text file is empty. Expected one report per .txt file."
    # Gold files (calcminer evaluate): any problem stops the evaluation.
    E120 = "E120 Gold file {path} line {line}: {detail}. See GOLD_GUIDE.md for the format."
    E121 = "E121 Gold file {path} holds no records. Expected one JSON object per line."
    E122 = (
        "E122 Gold file {path} repeats report_id {report_id!r} (lines {first} and {line}). "
        "Expected unique ids."
    )
    E123 = "E123 Cannot read gold file {path}: {detail}. Expected a JSON Lines file."

    # --- E2xx: command line and outputs ------------------------------------------------------
    E201 = (
        "E201 Output {path} has an unsupported extension {suffix!r}. Expected .csv, .parquet "
        "or .jsonl."
    )
    E202 = "E202 Cannot write output {path}: {detail}."
    E203 = (
        "E203 Output {path} is given for both {first} and {second}. Expected a separate "
        "file for each output."
    )
    E204 = (
        "E204 Output {path} ({option}) is also an input file. Choose an output path that "
        "does not overwrite the input."
    )
    E205 = (
        "E205 Row check failed: {records} records were read but the tables hold {reports} "
        "report rows and {errors} error rows. Expected one row per record; this is a bug."
    )
    E206 = (
        "E206 The miner returned report {got!r} where {expected!r} was expected. Expected one "
        "result per report, in input order; this is a bug."
    )
    E207 = "E207 {metric} accuracy {accuracy:.3f} is below --min-accuracy {minimum:.3f}."
    E208 = (
        "E208 {count} input record(s) could not be read (codes: {codes}); they are listed in "
        "{path}. The other records were processed."
    )
    E209 = (
        "E209 Cannot resume: the work folder {path} belongs to a run with other inputs, options "
        "or rules. Run again without --resume to start over."
    )
    E210 = (
        "E210 --workers must be at least 1 (got {workers}); --chunk-size at least 1 (got {size})."
    )
    E211 = (
        "E211 The Dask engine needs the 'dask[distributed]' package: install calcminer[dask] "
        "(pip install 'calcminer[dask]')."
    )


class CalcminerError(Exception):
    """Base class for calcminer errors; ``code`` holds the catalogue code (e.g. ``E003``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.code = message.split(" ", 1)[0]


class PatternError(CalcminerError):
    """A pattern or configuration file is missing or invalid."""


class InputError(CalcminerError):
    """An input file cannot be read as a whole (e.g. the id or text column is missing)."""


class OutputError(CalcminerError):
    """An output cannot be written, or the command-line options for outputs conflict."""
