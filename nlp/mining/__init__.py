"""Reports in, results out: the miner and what it does around the spaCy pipeline.

``miner.py`` (``Miner``) cleans each report, asks the prefilter (``prefilter.py``) which lines
may hold a target or a recommendation (with ``prefilter_lines.py`` and
``prefilter_sentences.py``), reduces the text to those (``reduce.py``), runs the
pipeline (``calcminer.nlp.pipeline``), turns its records into findings (``findings.py``) and
triages the report (``triage.py``). No pandas, no file I/O.
"""
