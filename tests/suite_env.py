"""How the test suite reads its environment: CI or a local run, shared material, hypothesis.

Used by ``tests/conftest.py`` (and tested by ``tests/test_suite_env.py``); kept out of the
conftest so the decisions are plain functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

#: The suite's folders. Test modules find files through these, wherever they sit below tests/
#: (``tests/test_layout.py`` checks that none uses its own ``__file__``).
TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
#: Gold sets, ConText examples, known-mismatch lists.
DATA_DIR = TESTS_DIR / "data"

#: Values of an environment flag that mean "on" (case-insensitive).
_TRUE = frozenset({"1", "true", "yes", "on"})
#: Values that mean "off", so an explicit CALCMINER_REQUIRE_SHARED=0 wins over CI=true.
_FALSE = frozenset({"0", "false", "no", "off"})

#: Set by CI services (GitHub Actions, GitLab, ...), and by .ci/run's callers.
CI_VARIABLE = "CI"
#: Explicit switch: 1 makes missing shared material a failure, 0 a skip, whatever CI says.
REQUIRE_SHARED_VARIABLE = "CALCMINER_REQUIRE_SHARED"
#: Picks a hypothesis profile by name, whatever CI says.
HYPOTHESIS_PROFILE_VARIABLE = "HYPOTHESIS_PROFILE"

#: Hypothesis profile names: reproducible in CI, exploring locally.
CI_PROFILE = "ci"
LOCAL_PROFILE = "local"


def _flag(environ: Mapping[str, str], name: str) -> bool | None:
    """Read an on/off flag; None when unset, empty or not an on/off word."""
    value = environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def running_in_ci(environ: Mapping[str, str]) -> bool:
    """Whether the suite runs under CI (``CI`` set to true, 1, yes or on).

    Args:
        environ: The environment (``os.environ``).

    Returns:
        True under CI.
    """
    return _flag(environ, CI_VARIABLE) is True


def shared_required(environ: Mapping[str, str]) -> bool:
    """Whether missing shared material fails the tests that need it (instead of skipping).

    Args:
        environ: The environment (``os.environ``).

    Returns:
        ``CALCMINER_REQUIRE_SHARED`` when it is set to an on/off word, else whether the suite
        runs under CI.
    """
    explicit = _flag(environ, REQUIRE_SHARED_VARIABLE)
    return running_in_ci(environ) if explicit is None else explicit


def shared_missing_message(shared: Path, required: bool) -> str:
    """The one message of a missing shared folder, for a failure or a skip.

    Args:
        shared: Where the shared material was looked for.
        required: Whether the run requires it (see :func:`shared_required`).

    Returns:
        What is missing, where it was looked for, and how to change the outcome.
    """
    where = f"shared material not found at {shared} (no gold/dev.jsonl)"
    if required:
        return (
            f"{where}; this run requires it (CI or {REQUIRE_SHARED_VARIABLE}=1). Put the shared "
            "folder beside the repository or set CALCMINER_SHARED."
        )
    return (
        f"{where}: skipped. Set CALCMINER_SHARED to run it; CI=true or "
        f"{REQUIRE_SHARED_VARIABLE}=1 makes this a failure."
    )


def hypothesis_profile(environ: Mapping[str, str]) -> str:
    """The hypothesis profile to load: ``HYPOTHESIS_PROFILE``, else ``ci`` under CI.

    Args:
        environ: The environment (``os.environ``).

    Returns:
        A profile name registered by ``tests/conftest.py``.
    """
    chosen = environ.get(HYPOTHESIS_PROFILE_VARIABLE, "").strip()
    if chosen:
        return chosen
    return CI_PROFILE if running_in_ci(environ) else LOCAL_PROFILE
