"""What to match: the rule files of ``patterns/``, loaded and validated.

``patterns.py`` loads every rule file (``load_patterns`` -> ``PatternSet``), with
``span_rules.py`` (the span rules of the JSONL files and the spaCy patterns they give) and
``rule_files.py`` (the file names and the checks every rule passes); ``labels.py`` is the
label table, ``normalization_schema.py`` the shape of ``normalization.json`` (built from the
shapes of ``json_shapes.py``), ``rule_values.py`` the rule values the code branches on,
``line_tests.py`` what a line must hold for a rule to match. Nothing here imports spaCy
components, pandas or file outputs.
"""
