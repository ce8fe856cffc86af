"""The commands, at the top of the flow: one module per ``calcminer`` command.

Each module holds its ``run_*`` function (takes parsed values, runs one command, returns a
summary object; no argument parsing, no printing), the summary's dataclass and the ``format_*``
functions that render it as plain text, in the shape of ``evaluate.py``. ``cli.py`` parses the
command line, calls one ``run_*`` and prints what ``format_*`` returns; ``calcminer.nlp.api``
re-exports the Python API. Shared pieces: ``summary.py`` (the ``RunSummary`` base),
``outputs.py`` (output paths checked before any work), ``batch.py`` (the miner a command uses,
records mined in input order).
"""
