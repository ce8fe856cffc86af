"""Output paths of the commands, checked before any work: known extensions, one path per
output, no input overwritten; and where the errors table goes when no path is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from calcminer.nlp.errors import Errors, OutputError
from calcminer.nlp.io.writers import output_format

#: Suffix of the default errors table written beside the main output.
ERRORS_SUFFIX = ".errors.csv"

#: Command-line option of each output of ``calcminer extract``, for messages.
OUTPUT_OPTIONS: dict[str, str] = {
    "reports": "--output",
    "findings": "--findings-out",
    "flagged": "--flagged-out",
    "errors": "--errors-out",
    "recommendations": "--recommendations-out",
}


def default_errors_path(output: str | Path) -> Path:
    """Where the errors table goes when no path is given: ``<stem>.errors.csv`` beside output.

    Args:
        output: The main (report table) output path.

    Returns:
        E.g. ``out/reports.errors.csv`` for ``out/reports.csv``.
    """
    path = Path(output)
    return path.with_name(path.stem + ERRORS_SUFFIX)


def check_outputs(
    outputs: dict[str, Path | None],
    inputs: Sequence[str | Path],
    options: Mapping[str, str] = OUTPUT_OPTIONS,
    free_format: frozenset[str] = frozenset(),
) -> dict[str, Path]:
    """Check output paths before any work: known extensions, distinct, not an input file.

    Args:
        outputs: Role (``reports``, ``findings``, ``flagged``, ``errors``) -> path, None for
            outputs not asked for.
        inputs: The input paths.
        options: Role -> command-line option, for messages.
        free_format: Roles that are not tables (e.g. a plot): their extension is not checked.

    Returns:
        The outputs asked for, role -> path.

    Raises:
        OutputError: E201 unsupported extension, E203 one path for two outputs, E204 an
            output that would overwrite an input.
    """
    chosen = {role: path for role, path in outputs.items() if path is not None}
    seen: dict[Path, str] = {}
    input_files = {Path(raw).resolve() for raw in inputs}
    for role, path in chosen.items():
        option = options.get(role, role)
        if role not in free_format:
            output_format(path)
        resolved = path.resolve()
        if resolved in seen:
            raise OutputError(Errors.E203.format(path=path, first=seen[resolved], second=option))
        if resolved in input_files:
            raise OutputError(Errors.E204.format(path=path, option=option))
        seen[resolved] = option
    return chosen
