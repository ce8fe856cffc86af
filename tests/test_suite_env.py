"""The suite's own environment rules: shared material required in CI, hypothesis profiles."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings
from suite_env import (
    CI_PROFILE,
    LOCAL_PROFILE,
    REPO_ROOT,
    hypothesis_profile,
    running_in_ci,
    shared_missing_message,
    shared_required,
)

#: A test that needs the shared folder and nothing else before it (``shared_dir`` comes first).
NEEDS_SHARED = "tests/quality/test_accuracy.py::test_accuracy_realdata_phrasings_snippets"


@pytest.mark.parametrize(
    ("environ", "ci", "required"),
    [
        ({}, False, False),
        ({"CI": "true"}, True, True),
        ({"CI": "1"}, True, True),
        ({"CI": "TRUE"}, True, True),
        ({"CI": "false"}, False, False),
        ({"CI": ""}, False, False),
        ({"CALCMINER_REQUIRE_SHARED": "1"}, False, True),
        ({"CALCMINER_REQUIRE_SHARED": "yes"}, False, True),
        ({"CI": "true", "CALCMINER_REQUIRE_SHARED": "0"}, True, False),
        ({"CI": "false", "CALCMINER_REQUIRE_SHARED": "1"}, False, True),
        ({"CI": "true", "CALCMINER_REQUIRE_SHARED": "maybe"}, True, True),
    ],
)
def test_suite_env_shared_required_in_ci_or_when_asked(
    environ: dict[str, str], ci: bool, required: bool
) -> None:
    assert running_in_ci(environ) is ci
    assert shared_required(environ) is required


def test_suite_env_missing_shared_message_says_what_to_do() -> None:
    skipped = shared_missing_message(Path("/nowhere/shared"), required=False)
    failed = shared_missing_message(Path("/nowhere/shared"), required=True)
    assert "/nowhere/shared" in skipped and "/nowhere/shared" in failed
    assert "skipped" in skipped and "CALCMINER_REQUIRE_SHARED=1" in skipped
    assert "requires it" in failed and "CALCMINER_SHARED" in failed


@pytest.mark.parametrize(
    ("environ", "profile"),
    [
        ({}, LOCAL_PROFILE),
        ({"CI": "true"}, CI_PROFILE),
        ({"CI": "true", "HYPOTHESIS_PROFILE": "local"}, LOCAL_PROFILE),
        ({"HYPOTHESIS_PROFILE": "ci"}, CI_PROFILE),
    ],
)
def test_suite_env_hypothesis_profile_choice(environ: dict[str, str], profile: str) -> None:
    assert hypothesis_profile(environ) == profile


def test_suite_env_ci_hypothesis_profile_is_reproducible_and_prints_the_blob() -> None:
    ci = settings.get_profile(CI_PROFILE)
    assert ci.derandomize is True
    assert ci.database is None
    assert ci.print_blob is True
    assert settings.get_profile(LOCAL_PROFILE).print_blob is True
    # The profile this run loaded follows the environment.
    expected = settings.get_profile(hypothesis_profile(os.environ))
    loaded = settings.default
    assert loaded is not None
    assert loaded.derandomize == expected.derandomize


def _pytest_without_shared(tmp_path: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    """Run one shared-material test in a subprocess with the shared folder pointed nowhere."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CI", "CALCMINER_REQUIRE_SHARED", "PYTEST_ADDOPTS"}
    }
    env.update(CALCMINER_SHARED=str(tmp_path / "no-shared"), **environ)
    return subprocess.run(
        [sys.executable, "-m", "pytest", NEEDS_SHARED, "-q", "-rs", "-p", "no:cacheprovider"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_suite_env_missing_shared_fails_under_ci(tmp_path: Path) -> None:
    run = _pytest_without_shared(tmp_path, CI="true")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 error" in run.stdout
    assert "shared material not found" in run.stdout and "requires it" in run.stdout


def test_suite_env_missing_shared_fails_when_required_explicitly(tmp_path: Path) -> None:
    run = _pytest_without_shared(tmp_path, CALCMINER_REQUIRE_SHARED="1")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "requires it" in run.stdout


def test_suite_env_missing_shared_skips_locally_and_says_so(tmp_path: Path) -> None:
    run = _pytest_without_shared(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout
    assert "shared material not found" in run.stdout and "skipped" in run.stdout
