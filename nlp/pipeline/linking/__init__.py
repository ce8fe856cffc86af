"""Link attribute mentions to targets, resolve organ scope, assertion and groups.

Each sentence has *heads*: calcification targets, other structures (``BLOCKER`` mentions such
as a hemangioma or the liver span) and organs other than the liver. Every attribute mention is
attached to exactly one head:

1. *internal*: it overlaps a target ("rim-calcified", "calcified hepatic lesion");
2. *premod*: it stands before a head inside the same noun phrase ("a 3 mm calcified focus");
3. *post*: otherwise to the nearest head before it ("calcification ..., the largest 8 mm");
4. *fronted*: with no head before it, locations go to the next head ("In segment VIII there
   is ..."). Sizes are never fronted, so a liver span before a target is not attributed.

A structure that contains the calcifications ("a 4 cm mass containing calcifications") lends
them its location but not its size. Results are written to ``Doc._.calcminer_findings`` as
dicts of primitives (their keys: ``calcminer.nlp.pipeline.records.FindingRecord``) and
``Doc._.calcminer_followup``.

The steps, each a module of pure functions over a Doc, the rules' settings and working
records (:mod:`.model`), in the order the component runs them:

=================  ==========================================================================
``collect``        targets and attribute mentions of the Doc (``clean``: what must not count)
``attach``         one head per attribute mention (the tiers above)
``tables``         rows of a text table lend their cells
``containers``     a containing structure lends its place, not its size
``hosts``          a lesion named as the calcification's host or identity
``predicates``     subjects, colon lists, shared places
``sentences``      what a sentence borrows from the ones before it
``lists``          list items and continuation lines, one focus each
``organ``          which organ a finding belongs to
``record``         the :class:`~calcminer.nlp.pipeline.records.FindingRecord` of a target
``groups``         counts and co-reference groups
``followup``       the report's follow-up recommendations
``link``           the pass over the sentences that calls them; ``component``: the spaCy wrapper
=================  ==========================================================================
"""

from __future__ import annotations

from calcminer.nlp.pipeline.linking.component import Linker
from calcminer.nlp.pipeline.linking.model import Attachment, Mention, TargetState
from calcminer.nlp.pipeline.linking.settings import LinkSettings

__all__ = ["Attachment", "LinkSettings", "Linker", "Mention", "TargetState"]
