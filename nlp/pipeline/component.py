"""What calcminer's spaCy components share: rules handed over once, saved with the pipeline.

The rules are loaded once (:func:`calcminer.nlp.rules.patterns.load_patterns`, by the
:class:`~calcminer.nlp.mining.miner.Miner` or :func:`~calcminer.nlp.pipeline.build_pipeline`) and
handed to each component through ``initialize(patterns=...)``, the way spaCy's ``SpanRuler``
takes its patterns (``initialize``, ``to_disk``, ``from_disk``). A component made by
``nlp.add_pipe`` alone has no rules until then; calling it raises E012. ``nlp.to_disk`` saves
each component's rules beside it, so ``spacy.load`` restores the same pipeline without the
folder they first came from.

No postponed annotations here: ``nlp.initialize()`` has spaCy check the settings of
:meth:`RuleComponent.initialize` against its signature with pydantic (v1 under spaCy 3.7, v2
under 3.8), and pydantic v2 cannot resolve a string annotation from this module. The ``patterns``
parameter is ``Any`` at run time: pydantic v1 would otherwise turn :class:`PatternSet` (and the
dataclasses it holds) into pydantic dataclasses, adding attributes to them; a pattern set has
validated itself when it was loaded.
"""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from spacy.language import Language

from calcminer.nlp.errors import Errors, PatternError
from calcminer.nlp.rules.patterns import (
    PatternSet,
    load_patterns,
    read_pattern_set,
    write_pattern_set,
)

if TYPE_CHECKING:
    _Rules = PatternSet
else:
    _Rules = Any


class RuleComponent:
    """Base of the components that work from a :class:`PatternSet`.

    Subclasses build everything that depends on the rules in :meth:`_setup`; their
    ``__call__`` starts with :meth:`_require_rules`.

    Args:
        nlp: The pipeline the component belongs to.
        name: The component's name in it.
        patterns: The loaded rules; None leaves the component without rules until
            :meth:`initialize` or :meth:`from_disk`.
    """

    def __init__(self, nlp: Language, name: str, *, patterns: PatternSet | None = None) -> None:
        self.name = name
        self._nlp = nlp
        self._rules: PatternSet | None = None
        if patterns is not None:
            self.initialize(patterns=patterns)

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        patterns: _Rules | None = None,
    ) -> None:
        """Set the component up from ``patterns`` (None: the packaged rules).

        ``nlp.initialize()`` calls it with no patterns; ``build_pipeline`` with the pattern
        set it loaded once for every component.
        """
        rules = patterns if patterns is not None else load_patterns()
        self._setup(nlp if nlp is not None else self._nlp, rules)
        self._rules = rules

    def _setup(self, nlp: Language, patterns: PatternSet) -> None:
        raise NotImplementedError

    @property
    def rules(self) -> PatternSet:
        """The rules the component was set up with (E012 when there are none yet)."""
        rules = self._rules
        if rules is None:
            raise PatternError(Errors.E012.format(name=self.name))
        return rules

    def _require_rules(self) -> None:
        if self._rules is None:
            raise PatternError(Errors.E012.format(name=self.name))

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the rules (their files and overrides) to ``path``, for ``spacy.load``."""
        write_pattern_set(self.rules, path)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Self:
        """Load the rules saved by :meth:`to_disk` (validated) and set the component up."""
        self.initialize(patterns=read_pattern_set(path))
        return self
