"""Moved to :mod:`calcminer.nlp.io.tables`; this module keeps the documented path
``calcminer.nlp.tables`` working (the same objects, re-exported)."""

from calcminer.nlp.io.tables import *  # noqa: F403
