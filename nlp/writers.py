"""Moved to :mod:`calcminer.nlp.io.writers`; this module keeps the documented path
``calcminer.nlp.writers`` working (the same objects, re-exported)."""

from calcminer.nlp.io.writers import *  # noqa: F403
