"""For people: the review page (``review.py``, its templates in ``review_templates.py``),
figures (the ``plots`` package), ``show`` and the rule catalogue (``explain.py``). They read
results and tables; nothing here mines."""
