#!/bin/sh
# `make test-pythons`: mypy and pytest on every supported Python that tools/pythons.sh finds, each
# in its own environment (.venv-3.11, .venv-3.12, .venv-3.13, made and kept like .venv). Goes on
# after a failure and ends with one line per Python; exits 1 when any failed.
# Environment: MAKE (the make to call), PYTHONS_SKIP (versions to leave out), CI.
list=$(sh tools/pythons.sh all) || exit 1
if [ -z "$list" ]; then
    echo "calcminer: no Python left to test (PYTHONS_SKIP=${PYTHONS_SKIP:-})."
    exit 0
fi
summary=
failed=
newline='
'
saved_ifs=$IFS
IFS=$newline
for line in $list; do
    IFS=$saved_ifs
    version=${line%% *}
    path=${line#* }
    minor=${version%.*}
    echo "calcminer: Python $version ($path) in .venv-$minor"
    start=$(date +%s)
    if ${MAKE:-make} --no-print-directory PYTHON="$path" VENV=".venv-$minor" typecheck pytest; then
        result=passed
    else
        result=FAILED
        failed="$failed $minor"
    fi
    summary="$summary${newline}calcminer: Python $version: $result ($(($(date +%s) - start)) s)"
done
IFS=$saved_ifs
echo "$summary"
[ -z "$failed" ] || exit 1
