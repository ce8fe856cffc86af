"""Gold sets gated at their measured level: each set has a checked-in list of known mismatches.

A gold set is scored with ``calcminer.nlp.evaluate``; its mismatches (report id, field,
expected, got) are compared with ``tests/data/known_mismatches/<set>.json``. Any mismatch not
on the list is a regression; any listed one that no longer occurs is a fix, and the list must
shrink. ``tests/quality/test_accuracy.py`` runs the gate, ``tests/update_known_mismatches.py``
rewrites the lists from the current miner after an intended change.

Adding a gold set is one entry in :data:`LISTED_SETS`; a gold file named ``dev_*.jsonl`` in
``tests/data/realphrasing/`` is picked up on its own. Files named ``blind*`` are never scored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from calcminer.nlp.evaluate import EvaluationResult

DATA_DIR = Path(__file__).parent / "data"
KNOWN_DIR = DATA_DIR / "known_mismatches"
#: Gold files dropped here as ``dev_*.jsonl`` become gold sets without an entry.
DISCOVERED_DIR = DATA_DIR / "realphrasing"
DISCOVERED_GLOB = "dev_*.jsonl"
#: A blind set stays unseen by anyone changing code: never listed, read or scored.
BLIND_PREFIX = "blind"
UPDATE_COMMAND = "python tests/update_known_mismatches.py"
#: Version of the list file layout.
LIST_FORMAT = 1


@dataclass(frozen=True)
class GoldSet:
    """A gold file the suite gates on.

    Attributes:
        name: Short name; the known-mismatch list is ``known_mismatches/<name>.json``.
        relative: Path of the gold file under its root.
        root: ``data`` (``tests/data``) or ``shared`` (the shared folder beside the repository).
    """

    name: str
    relative: str
    root: Literal["data", "shared"] = "data"

    def __post_init__(self) -> None:
        if Path(self.relative).name.lower().startswith(BLIND_PREFIX):
            raise ValueError(f"gold set {self.name!r}: blind sets are never scored by the suite")

    def path(self, shared_dir: Path | None, data_dir: Path = DATA_DIR) -> Path:
        """The gold file.

        Args:
            shared_dir: The shared folder (needed only when ``root`` is ``shared``).
            data_dir: The ``tests/data`` folder.

        Returns:
            The path of the gold file.
        """
        if self.root == "shared":
            if shared_dir is None:
                raise ValueError(f"gold set {self.name!r} needs the shared folder")
            return shared_dir / self.relative
        return data_dir / self.relative

    def known_path(self, known_dir: Path = KNOWN_DIR) -> Path:
        """The checked-in list of this set's known mismatches."""
        return known_dir / f"{self.name}.json"


#: The gold sets of the suite. Regression sets all: the code was fixed against each of them.
LISTED_SETS: tuple[GoldSet, ...] = (
    GoldSet("dev", "gold/dev.jsonl", root="shared"),
    GoldSet("challenge", "challenge.jsonl"),
    GoldSet("challenge2", "challenge2.jsonl"),
    GoldSet("sample_reports_gold", "sample_reports_gold.jsonl"),
)


def discovered_sets(folder: Path = DISCOVERED_DIR, data_dir: Path = DATA_DIR) -> list[GoldSet]:
    """The ``dev_*.jsonl`` gold files in ``folder`` (``blind*`` files are never listed).

    Args:
        folder: Where to look.
        data_dir: The root the gold set paths are relative to.

    Returns:
        One gold set per file, named ``<folder name>_<file stem>``, sorted by name.
    """
    if not folder.is_dir():
        return []
    return [
        GoldSet(f"{folder.name}_{path.stem}", path.relative_to(data_dir).as_posix())
        for path in sorted(folder.glob(DISCOVERED_GLOB))
    ]


def gold_sets(extra: Iterable[GoldSet] | None = None) -> tuple[GoldSet, ...]:
    """Every gold set the suite gates on: the listed ones, then the discovered ones.

    Args:
        extra: Sets to use instead of the discovered ones (tests).

    Returns:
        The sets, names unique.

    Raises:
        ValueError: Two sets share a name.
    """
    sets = (*LISTED_SETS, *(discovered_sets() if extra is None else extra))
    names = [s.name for s in sets]
    if duplicated := sorted({name for name in names if names.count(name) > 1}):
        raise ValueError(f"gold set names repeat: {', '.join(duplicated)}")
    return sets


# --- mismatch lists ------------------------------------------------------------------------------


def _canonical(value: Any) -> str:
    """A value as canonical JSON, so that a list read back compares equal."""
    return json.dumps(value, sort_keys=True)


@dataclass(frozen=True, order=True)
class KnownMismatch:
    """One (report, field) disagreement, values held as canonical JSON.

    Attributes:
        report_id: The report.
        field: The gold field.
        expected: The gold value, as JSON.
        got: The miner's value, as JSON.
    """

    report_id: str
    field: str
    expected: str
    got: str

    @classmethod
    def of(cls, report_id: str, field: str, expected: Any, got: Any) -> KnownMismatch:
        """Build from plain values."""
        return cls(report_id, field, _canonical(expected), _canonical(got))

    def to_json(self) -> dict[str, Any]:
        """The entry as written to a list file."""
        return {
            "report_id": self.report_id,
            "field": self.field,
            "expected": json.loads(self.expected),
            "got": json.loads(self.got),
        }

    def describe(self) -> str:
        """``report_id field: expected X, got Y`` (ids and values only, never text)."""
        return f"{self.report_id} {self.field}: expected {self.expected}, got {self.got}"


@dataclass(frozen=True)
class KnownList:
    """The checked-in state of a gold set.

    Attributes:
        n_reports: Reports in the gold file when the list was written.
        mismatches: The known mismatches.
    """

    n_reports: int
    mismatches: frozenset[KnownMismatch]


def measured(result: EvaluationResult) -> KnownList:
    """The state of an evaluation, as a list would record it.

    Args:
        result: Scores of the miner on a gold set.

    Returns:
        Its report count and mismatches.
    """
    return KnownList(
        n_reports=result.n_reports,
        mismatches=frozenset(
            KnownMismatch.of(m.report_id, m.field, m.gold, m.predicted) for m in result.mismatches
        ),
    )


def read_known(path: Path) -> KnownList | None:
    """Read a list file.

    Args:
        path: The list file.

    Returns:
        The list, or None when the file does not exist.

    Raises:
        ValueError: The file is not a list file.
    """
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != LIST_FORMAT:
        raise ValueError(f"{path}: not a known-mismatch list (format {LIST_FORMAT})")
    return KnownList(
        n_reports=int(data["n_reports"]),
        mismatches=frozenset(
            KnownMismatch.of(e["report_id"], e["field"], e["expected"], e["got"])
            for e in data["mismatches"]
        ),
    )


def write_known(path: Path, gold_set: GoldSet, state: KnownList) -> None:
    """Write a list file: sorted entries, one JSON object each, a note on how to refresh it.

    Args:
        path: The list file (its folder is created).
        gold_set: The set it belongs to.
        state: What to record.
    """
    root = "../shared" if gold_set.root == "shared" else "tests/data"
    head = {
        "format": LIST_FORMAT,
        "gold_set": gold_set.name,
        "gold_file": f"{root}/{gold_set.relative}",
        "note": (
            "Mismatches the miner is known to make on this gold set. The accuracy gate fails on "
            f"any other mismatch and on any listed one that is fixed. Refresh: {UPDATE_COMMAND}"
        ),
        "n_reports": state.n_reports,
    }
    # One mismatch a line, so a refresh reads as a plain diff.
    lines = [f" {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    entries = [json.dumps(m.to_json(), ensure_ascii=False) for m in sorted(state.mismatches)]
    body = ",\n".join(f"  {entry}" for entry in entries)
    text = "{\n" + "\n".join(lines) + '\n "mismatches": [' + (f"\n{body}\n ]" if entries else "]")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n}\n", encoding="utf-8")


# --- the gate ------------------------------------------------------------------------------------


def _shown(path: Path) -> str:
    """A path relative to the repository when it is inside it."""
    root = DATA_DIR.parent.parent
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def gate_problems(
    gold_set: GoldSet, known: KnownList | None, now: KnownList, known_dir: Path = KNOWN_DIR
) -> list[str]:
    """Compare a gold set's measured state with its checked-in list.

    Args:
        gold_set: The set.
        known: Its list (None when there is no list file yet).
        now: The state measured on the current miner.
        known_dir: Where the list files are (named in the messages).

    Returns:
        One message per problem, naming every new and every fixed mismatch; empty when the
        measured state is exactly the listed one.
    """
    where = _shown(gold_set.known_path(known_dir))
    if known is None:
        return [
            f"gold set {gold_set.name!r} has no known-mismatch list {where}: run "
            f"{UPDATE_COMMAND} {gold_set.name} and check the {len(now.mismatches)} "
            "mismatch(es) it lists"
        ]
    problems: list[str] = []
    if known.n_reports != now.n_reports:
        problems.append(
            f"gold set {gold_set.name!r} has {now.n_reports} reports, its list {where} was made "
            f"on {known.n_reports}: if the gold file changed on purpose, run {UPDATE_COMMAND} "
            f"{gold_set.name}"
        )
    new = sorted(now.mismatches - known.mismatches)
    fixed = sorted(known.mismatches - now.mismatches)
    if new:
        problems.append(
            f"gold set {gold_set.name!r}: {len(new)} new mismatch(es) not in {where}:\n"
            + _lines(new)
        )
    if fixed:
        problems.append(
            f"gold set {gold_set.name!r}: {len(fixed)} listed mismatch(es) now fixed; remove "
            f"them from {where} (or run {UPDATE_COMMAND} {gold_set.name}):\n" + _lines(fixed)
        )
    return problems


def _lines(mismatches: Sequence[KnownMismatch]) -> str:
    return "\n".join(f"  - {m.describe()}" for m in mismatches)
