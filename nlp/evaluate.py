"""Moved to :mod:`calcminer.nlp.commands.evaluate`; this module keeps the documented path
``calcminer.nlp.evaluate`` working (the same objects, re-exported)."""

from calcminer.nlp.commands.evaluate import *  # noqa: F403
