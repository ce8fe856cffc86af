"""The miner: reports in, one ReportResult per report out (pipeline + findings + triage)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .findings import aggregate, doc_findings
from .patterns import load_patterns
from .pipeline import build_pipeline
from .schema import Report, ReportResult
from .triage import TriageConfig

#: Reports per ``nlp.pipe`` batch.
DEFAULT_BATCH_SIZE = 64


class Miner:
    """Mines reports for intrahepatic calcifications.

    Args:
        patterns_dir: Directory of rule files; None for the packaged ``patterns/``.
        config_overrides: Configuration values to replace, e.g. ``{"triage":
            {"urgent_size_mm": 25}}``.
        batch_size: Reports per spaCy batch.

    Example:
        >>> miner = Miner()
        >>> miner.mine_text("LIVER: A 5 mm calcified granuloma in segment VI.").triage
        'benign'
    """

    def __init__(
        self,
        patterns_dir: str | Path | None = None,
        config_overrides: Mapping[str, Mapping[str, Any]] | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self.patterns = load_patterns(patterns_dir, config_overrides)
        self.triage_config = TriageConfig.from_mapping(self.patterns.config["triage"])
        self.nlp = build_pipeline(patterns_dir, patterns=self.patterns)
        self.batch_size = batch_size

    def mine(self, reports: Iterable[Report]) -> Iterator[ReportResult]:
        """Yield one result per report, in input order."""

        def with_text(items: Iterable[Report]) -> Iterator[tuple[str, Report]]:
            for report in items:
                yield report.text, report

        for doc, report in self.nlp.pipe(
            with_text(reports), as_tuples=True, batch_size=self.batch_size
        ):
            findings = doc_findings(doc, report.report_id)
            yield aggregate(doc, report, findings, self.triage_config)

    def mine_text(self, text: str, report_id: str = "text") -> ReportResult:
        """Mine a single text."""
        return next(self.mine([Report(report_id=report_id, text=text)]))
