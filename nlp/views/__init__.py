"""For people: the review page (``review.py``), figures (``plots.py``), ``show`` and the rule
catalogue (``explain.py``). They read results and tables; nothing here mines."""
