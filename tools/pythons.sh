#!/bin/sh
# The Pythons calcminer's virtual environments are made with (the Makefile calls this script).
#
#   sh tools/pythons.sh pick         the interpreter of .venv: $PYTHON if set, else the newest
#                                    working python3.13, python3.12, python3.11, python3 on PATH
#   sh tools/pythons.sh all          every supported minor version found on this machine, newest
#                                    first: on PATH, else in pyenv ($(pyenv root)/versions/3.1x*)
#   sh tools/pythons.sh identity PY  the identity of one interpreter
#
# An interpreter is printed as "<version> <path>", e.g. "3.12.1 /opt/python/bin/python3.12", the
# path resolved (a pyenv shim or a virtual environment's python becomes the interpreter it runs):
# the Makefile keeps it in .venv/.installed-stamp and rebuilds a .venv made by another Python.
# A candidate is taken when it runs, is CPython 3.11, 3.12 or 3.13 and has the venv module
# (Debian and Ubuntu ship it apart, as python3.X-venv); a pyenv shim that refuses does not run.
# `pick` prints one sentence on standard error and exits 1 when there is no such interpreter;
# `all` leaves out the versions in $PYTHONS_SKIP ("3.11 3.12") and, under CI (CI=true), exits 1
# when a supported version is neither found nor skipped.

SUPPORTED="3.13 3.12 3.11"
SUPPORTED_TEXT="CPython 3.11, 3.12 or 3.13"
# Runs under any Python (even 2.7), so that an unsupported one is named with its version.
DESCRIBE='import os, sys
impl = getattr(getattr(sys, "implementation", None), "name", "unknown")
print("%d.%d.%d %s %s" % (sys.version_info[0], sys.version_info[1], sys.version_info[2], impl,
                          os.path.realpath(sys.executable)))'

# describe CMD: "<version> <implementation> <path>" of a command that runs Python, or status 1.
describe() {
    out=$("$1" -c "$DESCRIBE" 2>/dev/null) || return 1
    case "$out" in
        [0-9]*.[0-9]*.[0-9]*" "*" "?*) printf '%s\n' "$out" ;;
        *) return 1 ;;
    esac
}

# check CMD: sets VERSION, MINOR, PY_PATH and PROBLEM ("" when CMD is usable); status 1 when
# CMD does not run at all.
check() {
    VERSION= MINOR= PY_PATH= PROBLEM=
    info=$(describe "$1") || return 1
    VERSION=${info%% *}
    rest=${info#* }
    impl=${rest%% *}
    PY_PATH=${rest#* }
    MINOR=${VERSION%.*}
    if ! supported "$MINOR"; then
        PROBLEM="is Python $VERSION"
    elif [ "$impl" != cpython ]; then
        PROBLEM="is $impl $VERSION, not CPython"
    elif ! "$PY_PATH" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        PROBLEM="(Python $VERSION) lacks the venv module (Debian, Ubuntu: apt install python$MINOR-venv)"
    fi
    return 0
}

supported() {
    for v in $SUPPORTED; do
        [ "$1" = "$v" ] && return 0
    done
    return 1
}

# pyenv_pythons MINOR: pyenv's interpreters of that minor version, newest patch first.
pyenv_pythons() {
    root=
    if command -v pyenv >/dev/null 2>&1; then
        root=$(pyenv root 2>/dev/null)
    fi
    [ -n "$root" ] || root=${PYENV_ROOT:-$HOME/.pyenv}
    [ -d "$root/versions" ] || return 0
    ls "$root/versions" 2>/dev/null | grep "^$(printf '%s' "$1" | sed 's/\./\\./')\.[0-9]" \
        | sort -t . -k 3,3nr | while read -r name; do
            [ -x "$root/versions/$name/bin/python$1" ] && printf '%s\n' "$root/versions/$name/bin/python$1"
        done
}

pick() {
    if [ -n "${PYTHON:-}" ]; then
        if ! check "$PYTHON"; then
            echo "calcminer: PYTHON=$PYTHON does not run; set PYTHON to a $SUPPORTED_TEXT interpreter, or unset it to use the newest one on PATH." >&2
            return 1
        fi
        if [ -n "$PROBLEM" ]; then
            echo "calcminer: PYTHON=$PYTHON $PROBLEM; calcminer needs $SUPPORTED_TEXT." >&2
            return 1
        fi
        printf '%s %s\n' "$VERSION" "$PY_PATH"
        return 0
    fi
    lacking=
    for cmd in python3.13 python3.12 python3.11 python3; do
        command -v "$cmd" >/dev/null 2>&1 || continue
        check "$cmd" || continue
        if [ -z "$PROBLEM" ]; then
            printf '%s %s\n' "$VERSION" "$PY_PATH"
            return 0
        fi
        case "$PROBLEM" in *venv*) lacking="$lacking; $cmd $PROBLEM" ;; esac
    done
    hint=
    for minor in $SUPPORTED; do
        for cmd in $(pyenv_pythons "$minor"); do
            if check "$cmd" && [ -z "$PROBLEM" ]; then
                hint="; pyenv has one: make PYTHON=$cmd"
                break 2
            fi
        done
    done
    echo "calcminer: found no $SUPPORTED_TEXT on PATH (python3.13, python3.12, python3.11, python3)$lacking$hint; install one, or set PYTHON=/path/to/python3.x." >&2
    return 1
}

all() {
    missing=
    for minor in $SUPPORTED; do
        skipped=
        for v in ${PYTHONS_SKIP:-}; do
            [ "$v" = "$minor" ] && skipped=yes
        done
        [ -n "$skipped" ] && continue
        found=
        for cmd in "python$minor" $(pyenv_pythons "$minor"); do
            command -v "$cmd" >/dev/null 2>&1 || continue
            if check "$cmd" && [ -z "$PROBLEM" ] && [ "$MINOR" = "$minor" ]; then
                printf '%s %s\n' "$VERSION" "$PY_PATH"
                found=yes
                break
            fi
        done
        [ -n "$found" ] || missing="$missing $minor"
    done
    if [ -n "$missing" ]; then
        echo "calcminer: no working Python$missing on PATH or in pyenv; the suite does not run there." >&2
        case "${CI:-}" in
            true | 1 | yes) return 1 ;;
        esac
    fi
    return 0
}

case "${1:-}" in
    pick) pick ;;
    all) all ;;
    identity)
        check "${2:?usage: sh tools/pythons.sh identity PYTHON}" || exit 1
        printf '%s %s\n' "$VERSION" "$PY_PATH"
        ;;
    *)
        echo "usage: sh tools/pythons.sh pick | all | identity PYTHON" >&2
        exit 2
        ;;
esac
