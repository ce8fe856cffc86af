"""Catalogue of coded error messages used across calcminer (patterns, input, CLI).

One module (about 500 lines, nearly all message text): a code is looked up in one place, and
``tests/test_errors.py`` checks the catalogue as a whole (each code once, each message starting
with its code).
"""

from __future__ import annotations


class Errors:
    """Coded messages: what happened, what was expected, what was got, how to fix it.

    Ranges: E0xx pattern and configuration files (and the rules and pipeline built from
    them), E1xx input records, files and the tables calcminer reads back, E2xx command line,
    outputs and figures, E3xx follow-up audit, E4xx review outputs, E9xx internal invariants:
    an E9xx error can only come from a bug in calcminer, never from its inputs, and says so.
    Messages never include report text.
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
    E009 = (
        "E009 Audit configuration {path}: {detail}. See the comments in patterns/audit.toml for "
        "the expected keys and units."
    )
    E010 = (
        "E010 The pipeline cannot be built from these rules ({kind}): {detail}. Check the token "
        "pattern of the rule named above against spaCy's Matcher syntax."
    )
    E011 = (
        "E011 Normalization table file {path}: {detail}. Expected every table calcminer reads, "
        "each in its shape (calcminer/nlp/rules/normalization_schema.py); restore the key or value "
        "from the packaged patterns/normalization.json, or fix its name or type."
    )
    E012 = (
        "E012 Component {name!r} has no rules yet. Build the pipeline with "
        "calcminer.nlp.pipeline.build_pipeline() (or calcminer.nlp.mining.miner.Miner()), or after "
        "nlp.add_pipe({name!r}) call nlp.initialize() (the packaged rules) or the component's "
        "initialize(patterns=load_patterns(DIR))."
    )
    E013 = (
        "E013 Rule file {path} has no {label} rule with the value {value!r}, which the miner "
        "branches on (calcminer/nlp/rules/rule_values.py). Expected at least one {label} rule with "
        "that value; restore the rule or its value from the packaged patterns/{name}."
    )
    E014 = (
        "E014 text_char_map entry {key!r}: {detail}. Expected single characters mapped to one "
        "character or to nothing (an empty value), and under _context single characters with a "
        "one-character replacement; fix the table in normalization.json."
    )
    E015 = (
        "E015 Rule {rule_id!r} in {path} has no required token with literal words, so the "
        "prefilter cannot be derived from it. Expected at least one token that every match "
        "needs (no OP ?, * or !) and that names its words (LOWER, ORTH or TEXT: a string or a "
        "non-empty IN list), not only regular expressions or flags."
    )
    E016 = (
        "E016 Offset {offset} of a reduced text lies in a placeholder, not in the original "
        "text. Expected an offset of a piece the reduction kept; from the miner, this is a bug."
    )
    E020 = (
        "E020 Unknown triage setting(s) {keys}. Known settings: {known}, the setting keys of "
        "the triage-rule table (calcminer/nlp/rules/triage_rules.py)."
    )

    # --- E1xx: input files and records -----------------------------------------------------
    E101 = (
        "E101 Input {path} does not exist. Expected a .jsonl, .csv, .tsv, .parquet or .xlsx "
        "file, a .txt file or a folder, or - for standard input."
    )
    E102 = (
        "E102 Input {path} has an unsupported type ({kind}). Expected a .jsonl (or .ndjson), "
        ".csv, .tsv, .parquet (or .pq) or .xlsx file, a .txt file, a folder of .txt files, or "
        "- for standard input; JSON Lines, CSV and TSV files may be compressed (.gz, .bz2, .xz "
        "or .zst after their extension, e.g. reports.jsonl.gz). {hint}"
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
    # Gold files (calcminer evaluate), JSON Lines or CSV: any problem stops the evaluation.
    E120 = (
        "E120 Gold file {path} line {line}: {detail}. See docs/annotation-guide.md for the "
        "fields and their encodings."
    )
    E121 = (
        "E121 Gold file {path} holds no records. Expected one JSON object per line (.jsonl) "
        "or one row per report under a header line (.csv)."
    )
    E122 = (
        "E122 Gold file {path} repeats report_id {report_id!r} (lines {first} and {line}). "
        "Expected unique ids."
    )
    E123 = (
        "E123 Cannot read gold file {path}: {detail}. Expected a UTF-8 JSON Lines file, or a "
        "UTF-8 CSV file named .csv."
    )
    E124 = (
        "E124 Report text has {length} characters, more than the {limit} calcminer mines. "
        "Check the record: it may hold several reports or an attachment."
    )

    # Gold CSV files (calcminer evaluate GOLD.csv): the header and the shape of each row.
    E125 = (
        "E125 Gold file {path} line 1: the CSV header {detail}. Expected the column names "
        "report_id, text and the ten fields of docs/annotation-guide.md, each once (other "
        "columns are ignored)."
    )
    E126 = (
        "E126 Gold file {path} line {line}: the CSV row {detail}. Expected one cell per header "
        "column; put a cell holding a comma, a double quote or a line break in double quotes, "
        "its own double quotes doubled."
    )

    # --- E13x: database inputs (calcminer.nlp.io.db); {url} always has its password hidden ------
    E130 = (
        "E130 Database URL {url} is not valid ({detail}). Expected "
        "dialect[+driver]://user:password@host:port/database, e.g. sqlite:///exams.db; "
        "URL-escape special characters in the password (e.g. @ as %40)."
    )
    E131 = (
        "E131 Database URL {url} needs a dialect or driver that is not installed ({detail}). "
        "Install the driver (e.g. pip install 'psycopg[binary]' for postgresql+psycopg://) "
        "or name an installed one in the URL."
    )
    E132 = (
        "E132 Cannot connect to database {url} ({detail}). Check the host, port, database "
        "name, user and password (in the URL, or where the driver looks, e.g. PGPASSWORD)."
    )
    E133 = (
        "E133 Query on database {url} failed {when} ({detail}). Check the table and column "
        "names and the SQL syntax; write a literal colon as \\: (SQLAlchemy text())."
    )
    E134 = (
        "E134 Statement on database {url} returns no rows. Expected a SELECT query giving "
        "one row per report."
    )
    E135 = (
        "E135 Query on database {url} gives no {role} column {column!r}. Columns present: "
        "{present}. Select it (e.g. ... AS {column}) or name the column with --{role}-col."
    )
    E136 = (
        "E136 Query on database {url} gives duplicate column name(s) {columns}. Expected "
        "unique names; give each an alias with AS."
    )
    # Record-level: one row of the errors table, reading goes on.
    E137 = (
        "E137 Column {column!r} holds bytes that are not valid UTF-8 ({detail}). Expected "
        "UTF-8 text; convert the column in the query or fix the stored value."
    )
    E138 = "E138 batch_rows must be at least 1 (got {value})."
    E139 = (
        "E139 Query on database {url} is not a single read-only statement ({detail}). "
        "calcminer runs one SELECT (or WITH ... SELECT) statement and nothing that writes: "
        "no INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, ATTACH, PRAGMA, VACUUM or SELECT INTO."
    )
    E140 = (
        "E140 SQLite database {url} does not exist. calcminer opens SQLite read-only and never "
        "creates a file: check the path in the URL."
    )

    # --- E141-E159: hostile and dirty input (record-level unless noted) ----------------------
    E141 = (
        "E141 The CSV row on file line {line} does not start with a report id like this file's "
        "({why}): it most likely continues the record above it, cut by a line break or carriage "
        "return outside quotes. Expected one record per row, line breaks only inside quoted "
        "cells: re-export the file with such cells quoted. If the ids really vary like this, set "
        "check_csv_id_shape = false in [input] of config.toml (a patterns folder given with "
        "--patterns)."
    )
    E142 = (
        "E142 CSV record is cut: the row on file line {line} continues it after a line break or "
        "carriage return outside quotes, so its text is incomplete. Expected line breaks only "
        "inside quoted cells: re-export the file with such cells quoted."
    )
    E143 = (
        "E143 A quoted CSV cell opened on file line {line} {how}: its closing quote is missing, "
        "and the cell would swallow the rows after it. Expected every quoted cell closed before "
        "its record ends; reading goes on at line {next}. Fix the quote, or raise "
        "max_csv_record_lines in [input] of config.toml if a record really spans that many "
        "lines."
    )
    E144 = (
        "E144 The CSV row on file line {line} has broken quoting ({detail}). Expected quoted "
        "cells to end with a quote followed by a delimiter or line end, and quotes inside them "
        'doubled (""); fix the row.'
    )
    E145 = (
        "E145 {where} holds a lone surrogate (a \\uD800-\\uDFFF escape without its pair), which "
        "is not text. Expected valid Unicode; fix the program that wrote the record."
    )
    E146 = (
        "E146 JSON line nests values more than {limit} levels deep. Expected a record of plain "
        "values (a JSON object of strings, numbers and shallow lists or objects); flatten it."
    )
    E147 = (
        "E147 JSON line holds an integer of more than {limit} digits. Expected ids, texts and "
        "ordinary values; fix the record (a number this long is no id or measurement)."
    )
    E148 = (
        "E148 The folder entry is {kind}, not a readable .txt file. Expected one report per "
        "regular .txt file; remove the entry or repair the link."
    )
    E149 = (
        "E149 Input {path} is {kind}, not a regular file or folder: calcminer reads an input more "
        "than once and would wait forever on a pipe. Write the data to a file first, or pipe "
        "it to standard input and give - as the input (read once, without --resume)."
    )
    E150 = (
        "E150 Record brings carried column(s) beyond the first {limit} of this run "
        "(max_carried_columns). Expected records that share their columns: records that each "
        "have their own keys make a table as wide as all their keys. Raise max_carried_columns "
        "in [input] of config.toml (a patterns folder given with --patterns) if the input really "
        "has that many columns."
    )
    E151 = (
        "E151 Id column {column!r} holds a value of {length} characters, more than the "
        "{limit} a report id may have (max_report_id_chars): it is likely a text, not an id. "
        "Check --id-col, or raise max_report_id_chars in [input] of config.toml (a patterns "
        "folder given with --patterns)."
    )

    # --- E160-E169: tables and cells read back (report, findings and recommendations tables) --
    E160 = (
        "E160 A table cell cannot be read: {detail}. Expected a cell as calcminer writes it: "
        "true or false for a flag, a finite number >= 0 (or nothing) for a size in mm."
    )
    E161 = (
        "E161 {value!r} is not a {shape} span. Expected the spans calcminer writes in its "
        "findings and recommendations tables; check that the table was not edited or cut."
    )

    # --- E17x: data handed to a library function (DataError: also a ValueError) -------
    E170 = "E170 There are no gold rows to score. Expected at least one gold row."
    E171 = (
        "E171 The {what} rows repeat report_id {report_id!r}. Expected one {what} row per "
        "report id."
    )
    E172 = (
        "E172 There is no prediction for report_id {ids}. Expected one predicted row for "
        "each gold row, paired by report_id."
    )
    E173 = (
        "E173 There is a prediction for unknown report_id {ids}. Expected predictions only "
        "for the report ids of the gold rows."
    )
    E174 = (
        "E174 Rows of report_id {report_id!r}: triage must be one of {levels}, on the gold "
        "and on the predicted row."
    )

    # --- E18x: input formats, compression, encodings and standard input -----------------
    E180 = (
        "E180 Input {path} is {what}, which needs the Python package {package}, not installed "
        "here. Install it (pip install {package}; calcminer's own installation brings it) or "
        "{fix}."
    )
    # Record-level: one row of the errors table, reading goes on.
    E181 = (
        "E181 Record is not valid {encoding} text ({detail}). Expected text in the encoding "
        "given with --encoding; check which encoding the file was exported in."
    )
    E182 = (
        "E182 Input {path} is named {named}, but its bytes are {found}. Expected a name that "
        "tells the format and compression: {fix}."
    )
    E183 = (
        "E183 Standard input holds {found}, which calcminer reads only from a file. Expected "
        "JSON Lines or CSV on standard input (compressed or not): give the file's path "
        "instead of -."
    )
    E184 = (
        "E184 Input {path} has neither the id column {id_col!r} nor the text column "
        "{text_col!r}. Columns present: {present}. Name the right columns with --id-col and "
        "--text-col."
    )
    E185 = (
        "E185 Query on database {url} gives neither the id column {id_col!r} nor the text "
        "column {text_col!r}. Columns present: {present}. Select them (e.g. ... AS {id_col}, "
        "... AS {text_col}) or name the columns with --id-col and --text-col."
    )
    # Record-level: one row of the errors table, reading goes on.
    E186 = (
        "E186 Sheet row has values in {count} cell(s) right of the header's last named column "
        "(column {columns}). Expected every value under a named column: name the column in "
        "the header row, or clear those cells."
    )

    # --- E190-E199: data handed to the Python API in memory (a DataFrame, dicts) -------------
    E190 = (
        "E190 Input {source} has no {missing}. Columns present: {present}. Name the columns "
        "with id_col= and text_col= (--id-col and --text-col on the command line), or rename "
        "them."
    )
    E191 = (
        "E191 Input {source} has duplicate column name(s) {columns} (as text). Expected unique "
        "column names; rename the duplicates."
    )
    E192 = (
        "E192 Inputs of type {kind} cannot be read. Expected a path (str or pathlib.Path) or a "
        "list of paths, a pandas DataFrame, or an iterable of dicts (one record each, e.g. "
        "df.to_dict('records')); concatenate several DataFrames with pandas.concat."
    )
    # Record-level: one row of the errors table, reading goes on.
    E193 = (
        "E193 Record holds a value of type {kind}, not a mapping of column names to values. "
        "Expected one dict per record."
    )
    E194 = (
        "E194 {function} streams input files to output files and cannot take {kind}. Hand "
        "in-memory data to extract_tables() (or run_audit()), or write it to a file first "
        "(e.g. DataFrame.to_parquet)."
    )

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
    E212 = (
        "E212 The report table cannot be drawn: {detail}. Expected a table from calcminer extract."
    )
    E213 = (
        "E213 --strict: {count} record(s) became error rows; the outputs are written, but the "
        "run fails."
    )
    E214 = (
        "E214 Cannot resume: the work folder {path} has no readable manifest ({detail}); it is "
        "damaged or was not written by calcminer. Run again without --resume to start over."
    )
    E215 = (
        "E215 The part file {path} in the work folder cannot be used ({detail}); it is damaged "
        "or was not written by this calcminer run. Run again without --resume to start over."
    )
    E216 = (
        "E216 Cannot use the work folder {path} beside the output ({detail}). Expected a folder "
        "calcminer can create and write; check free space and permissions, or write the "
        "output to another folder."
    )
    E217 = (
        "E217 Cannot write output {path} ({detail}); no output file of this run was written. "
        "The finished chunks are kept in {work}: free space or fix the permissions, then run "
        "the same command with --resume."
    )
    E220 = "E220 Give the report as TEXT or with --file, not both and not neither."
    E224 = (
        "E224 The work folder {path} beside the output is not safe to use: {detail}. Expected "
        "a folder that calcminer created for you: a real folder (not a symbolic link), owned "
        "by you and not writable by group or others; nothing in it was read. Remove it if it "
        "is yours, or write the output to a folder that only you can write to."
    )
    E225 = (
        "E225 Output {path} is being written by another calcminer run (pid {pid}; lock file "
        "{lock}). Expected one run per output at a time: wait for that run to end, or choose "
        "another output.{stale}"
    )
    E226 = (
        "E226 Cannot lock output {path}: the lock file {lock} cannot be used ({detail}). "
        "Expected an output folder you can write, with free space, and no other file under "
        "that name; check the folder's permissions, or choose another output folder."
    )
    E227 = (
        "E227 Row check failed: {path} would hold {written} rows, but this run has {expected} "
        "for it ({records} records read). No output of this run was written. Run the command "
        "again without --resume; if it fails again, this is a bug."
    )
    E221 = "E221 {path} holds several reports. Choose one with --id."
    E222 = "E222 No report with id {report_id!r} in {path}."
    E223 = "E223 The chosen record of {path} (line {line}) cannot be used: {reason}"
    # Figures (calcminer.nlp.views.plots); E212 above is the report table's contract.
    E230 = (
        "E230 urgent_size_mm {value!r} is not a size. Expected a finite number of mm >= 0: "
        "urgent_size_mm in [triage] of config.toml (a patterns folder given with --patterns)."
    )
    E231 = (
        "E231 Sizes cannot be binned: {detail}. Expected a bin width and an axis end > 0 mm, "
        "and sizes that are finite and >= 0 mm."
    )
    E232 = (
        "E232 The audit table cannot be drawn: {detail}. Expected the audit table of calcminer "
        "audit (calcminer.nlp.io.tables.audit_frame)."
    )
    E233 = (
        "E233 The follow-up curve cannot be drawn: {detail}. Expected at least one index exam, "
        "at most one follow-up per index exam, and days >= 0."
    )
    E240 = (
        "E240 The data is not a part this calcminer version wrote: {detail}. Expected the "
        "bytes of a part file of the work folder, unchanged."
    )
    # A run in which no record could be used (checked after the outputs are written).
    E255 = (
        "E255 All {count} record(s) read became error rows (codes: {codes}), so the run has no "
        "{rows}: the outputs are written, the reasons are in {path}, and the run fails. Check "
        "the options that name and read the columns ({options})."
    )
    # Command-line use: values an option or argument does not take.
    E260 = (
        "E260 Unknown rule kind {kind!r}. Expected one of {kinds} (calcminer rules --kind), "
        "or None for every kind."
    )
    E261 = (
        "E261 Input {path!r} does not exist, and it reads like a value for an on/off option. "
        "Expected no value after an on/off option (--flagged-only, --strict, --quiet, "
        "--resume, --from-table ...): give the option alone to turn it on, and leave it out "
        "(or give its --no- form) to turn it off."
    )

    # How inputs are read (--encoding, --delimiter) and standard input (-).
    E250 = (
        "E250 --encoding {name!r} is not a text encoding Python knows ({detail}). Expected a "
        "codec name such as cp1252 (Windows, Western European), latin-1, utf-16 or utf-8 (the "
        "default)."
    )
    E251 = (
        "E251 --delimiter {value!r} cannot separate CSV cells ({detail}). Expected one "
        "character, e.g. ';' (Excel in many European locales) or '|', or tab (written tab or "
        "\\t)."
    )
    E252 = (
        "E252 Standard input (-) cannot be resumed: it is read once, as it comes, so a later "
        "run cannot check that it is the same. Run without --resume, or save the input to a "
        "file (compressed if you like: .gz, .zst ...) and give its path."
    )
    E253 = "E253 Standard input (-) is given {count} times; it can be read only once. Give - once."
    E254 = (
        "E254 Standard input (-) is a terminal, not a pipe or a file: calcminer would wait for "
        "reports typed by hand. Pipe the reports in (e.g. zcat reports.jsonl.gz | calcminer "
        "extract - -o reports.csv) or give a file's path."
    )

    # --- E3xx: follow-up audit ---------------------------------------------------------------
    E301 = (
        "E301 Patient column {column!r} is missing or empty. The audit needs a patient id to "
        "find later exams; give --patient-col if the column has another name."
    )
    E302 = (
        "E302 Exam date column {column!r}: {detail}. The audit needs a date to order exams; "
        "give --date-col or --date-format if the column has another name or format."
    )
    E303 = "E303 --as-of {value!r} is not a date. Expected YYYY-MM-DD."
    E304 = "E304 --window-days must be at least 0 (got {value})."
    E305 = "E305 Give either an ARCHIVE file or --db URL with --query SQL, not {detail}."
    E306 = "E306 Plot {path} must be a .png file."
    E307 = (
        "E307 {count} archive record(s) could not be audited (codes: {codes}); they are listed "
        "in {path}. The other records were audited."
    )
    E313 = (
        "E313 The exam date is {detail}. Expected a date or datetime, a string in a layout "
        "calcminer reads (YYYY-MM-DD, YYYY/MM/DD, DD.MM.YYYY, MM/DD/YYYY or DD/MM/YYYY, "
        "YYYYMMDD; a time may follow and is dropped), or a string in the date format given "
        "(--date-format)."
    )
    E318 = (
        "E318 Exam date column {column!r} is ambiguous: {count} of its dates (the first: "
        "{where}) have day and month both 12 or less, so each reads day first (01/10/2019 "
        "is 1 October) or month first (10 January), and no date in the column has a day "
        "above 12 that would decide. Pass --dayfirst or --monthfirst (day_first=True or "
        "False in Python), or --date-format (e.g. %d/%m/%Y)."
    )
    E319 = (
        "E319 Exam date column {column!r} mixes the orders: {dayfirst} date(s) read only "
        "day first (the first: {dayfirst_where}) and {monthfirst} only month first (the "
        "first: {monthfirst_where}). Pass --dayfirst or --monthfirst (day_first=True or False "
        "in Python), or --date-format, for the order of the export; the dates that do not "
        "fit it become error rows (E302)."
    )
    E320 = (
        "E320 Give --date-format or --dayfirst/--monthfirst (date_format= or day_first= in "
        "Python), not both: a date format fixes the order of day and month itself."
    )
    E321 = (
        "E321 --levels: unknown or no level {value!r}. Give a comma-separated list of the "
        "audit's levels: {levels}."
    )
    E322 = (
        "E322 The period is empty: --since {since} is after --until {until}. Give a first "
        "day on or before the last day."
    )
    E323 = (
        "E323 --by {column!r} is not a column the audit knows. It can break the outcomes "
        "down by its own columns ({audit}) or by the archive's other columns ({carried}); "
        "the patient, date and modality columns are read by the audit (use 'modality')."
    )
    E324 = "E324 {option} {value!r} is not a date. Expected YYYY-MM-DD (e.g. 2026-01-01)."
    E325 = (
        "E325 --scope {value!r} is not a scope. Expected 'liver' (flagged reports and liver "
        "follow-up recommendations) or 'all' (any follow-up recommendation, any organ)."
    )
    # Worklist (--worklist): E330-E334.
    E330 = (
        "E330 Worklist {path} is not a worklist calcminer can read: {detail}. Expected a CSV "
        "file (UTF-8, with or without BOM; ',' ';' or tab between cells) that calcminer wrote, "
        "with the columns report_id, owner, note, action and closed_reason; restore the "
        "file or give --worklist a new path (a missing file is created)."
    )
    E331 = (
        "E331 Worklist {path}, line {line}, column {column!r}: {detail}. Fix the cell (dates "
        "as YYYY-MM-DD; worklist_status open or closed; days_overdue a whole number), or "
        "empty it where the column allows."
    )
    E332 = (
        "E332 Report id {report_id!r} is in {where} twice (lines {first} and {second}). "
        "Expected one row per index exam: merge the two rows by hand (keep the owner, note, "
        "action and closed_reason you want) and delete the other."
    )
    E333 = (
        "E333 worklist_keep_closed_days must be a whole number of days, 0 or more (got "
        "{value}). Set it in patterns/audit.toml."
    )
    E334 = "E334 Worklist {path} must be a .csv file, not {suffix!r}. Give a path ending in .csv."

    # E335-E339: the audit's one-page report (nlp/views/audit_report.py)
    E335 = (
        "E335 Audit report page {path} must be an .html (or .htm) file, not {suffix!r}. "
        "Give a path ending in .html for --report-out."
    )
    E336 = (
        "E336 The audit report's plot is not PNG data ({size} bytes that do not start with the "
        "PNG signature). Pass the bytes of audit_plot_png() (or of a .png file), or None for "
        "no plot; this is a bug."
    )
    E337 = (
        "E337 Overdue item {position} of the audit report has {groups} group value(s), but the "
        "report's group columns are {columns}. Expected one value per group column, in order "
        "(build the items with overdue_items()); this is a bug."
    )
    # The audit on the archive engine (nlp/engine/exams.py).
    E340 = (
        "E340 An audit that reads {kind} cannot be resumed: only archive files can be checked "
        "to be the same on a later run. Run without --resume (resume=False), or export the "
        "archive to a file (JSONL, CSV, Parquet ...) and audit that file."
    )

    # --- E4xx: review outputs ----------------------------------------------------------------
    E401 = (
        "E401 Review item {position}: the report is {report!r} but its result is {result!r}. "
        "Expected each report paired with the result mined from it; this is a bug."
    )
    E402 = (
        "E402 Review of report {report_id!r}: {kind} span {span!r} does not fit the report text "
        "({length} characters). Expected CATEGORY:rule_id@start-end offsets inside the text the "
        "result was mined from; this is a bug."
    )
    E403 = "E403 Review page {path} must be an .html (or .htm) file, not {suffix!r}."
    E404 = (
        "E404 Span {start}-{end} does not fit a text of {length} characters. Expected "
        "0 <= start <= end <= {length} for every span to mark."
    )
    E405 = (
        "E405 max_reports (--max-reports) must be at least 0 (got {value}). Expected the most "
        "report cards a review page may hold, or 0 for no limit."
    )
    # Adjudication on the review page (issue 15): E406-E409 reserved.
    E406 = (
        "E406 --show-cols (show_cols) names input column(s) {missing} that no report of the "
        "batch has; the input columns present are: {present}. Expected a comma list of input "
        "columns to show on each card (e.g. MRN,exam_date,exam,radiologist); the id and text "
        "columns are shown already. Nothing was written."
    )

    # --- E9xx: internal invariants (only a bug in calcminer breaks them) ----------------------
    E901 = (
        "E901 Pipeline component {name!r} is a {got}, not a {expected}. Expected the pipeline "
        "built by build_pipeline(); this is a bug."
    )
    E902 = (
        "E902 The miner {step} without a prefilter. Expected it only when the prefilter is on "
        "(reduced texts come from it); this is a bug."
    )
    E903 = (
        "E903 {count} header literal(s) are not ASCII words and single spaces. Expected the "
        "Reducer to hand only such literals to its header shortcut; this is a bug."
    )
    E904 = (
        "E904 Record {position} is a report but came without its result. Expected "
        "mine_records() to pair each report with the result mined from it; this is a bug."
    )
    E905 = (
        "E905 The label table (calcminer/nlp/rules/labels.py) contradicts itself: {detail}. "
        "Expected every label named in a row to have a row, and suppressors and targets to "
        "take no mention behaviour; this is a bug."
    )
    E910 = (
        "E910 Column {name!r} of a chunk's table has dtype {dtype}, which a part cannot hold. "
        "Expected the dtypes of calcminer's tables (numbers, booleans, text, objects); this "
        "is a bug."
    )
    E911 = (
        "E911 Rows can be encoded ahead only for CSV or JSON Lines, not {fmt!r}; Parquet "
        "chunks are converted when the table is written. Expected csv or jsonl; this is a bug."
    )
    E912 = (
        "E912 The Parquet output {path} was opened without the schema of the whole table. "
        "Expected the schema from unify_schemas(); this is a bug."
    )
    E913 = (
        "E913 Rows encoded ahead for {got} with {columns} column(s) cannot be copied into "
        "{path}, a {fmt} output with {expected} column(s). Expected rows the stream accepts "
        "(TableStream.accepts); this is a bug."
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


class DataError(CalcminerError, ValueError):
    """Values handed to a library function are not what it expects (rows to score, an exam
    date); a ``ValueError`` too, as these errors were before they had codes.

    ``detail`` holds the reason alone (never the value), for a caller that words its own
    message around it (an exam date's E313 becomes the record's E302).
    """

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail if detail is not None else message


class Warnings:
    """Coded warnings: the run goes on and the outputs are complete. Never report text."""

    W001 = (
        "W001 {count} record(s) repeat a report id seen earlier (e.g. {examples}). All rows are "
        "kept in the tables; check the export if ids should be unique."
    )
    W002 = (
        "W002 {count} file(s) in the input folder(s) are not .txt and were not read; the "
        "summary names them."
    )


class CalcminerWarning(UserWarning):
    """A coded warning (W0xx, :class:`Warnings`): the run goes on and its outputs are
    complete. ``code`` holds the code (e.g. ``W001``).

    Raised with ``warnings.warn(message, CalcminerWarning)`` where the fact is found, so that
    Python API users see it; the CLI prints the same message from the run's summary instead.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.code = str(message).split(" ", 1)[0]
