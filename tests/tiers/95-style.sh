#!/bin/bash
# Tier 95: formatting, the include graph, exported names' prefixes,
# unsplit messages, checked snprintf, JSON built under the allocation
# policy, no hand-written out-of-memory branches and man pages.
# clang-format --dry-run --Werror (with the repository's .clang-format,
# libxl style) over every tracked C file, one result per top folder;
# podchecker over every man/*.pod, one result per page.
set -u
mapfile -t STYLE_PATHS < <(git ls-files '*.c' '*.h' |
    awk -F/ '{ print (NF > 2 && $1 == "tests") ? $1 "/" $2 : $1 }' | sort -u)
status=0

if ! command -v clang-format >/dev/null 2>&1; then
    echo "not ok - clang-format is not installed (apt-get install clang-format)"
    status=1
else
    for p in "${STYLE_PATHS[@]}"; do
        mapfile -t files < <(git ls-files -- "$p/*.c" "$p/*.h" "$p" |
            grep -E '\.[ch]$' | sort -u)
        if [ ${#files[@]} -eq 0 ]; then
            echo "not ok - clang-format $p: no C files (stale STYLE_PATHS?)"
            status=1
        elif out=$(clang-format --dry-run --Werror "${files[@]}" 2>&1); then
            echo "ok - clang-format $p (${#files[@]} files)"
        else
            echo "$out" | grep -E 'error:' | sed 's/^/# /' | head -20
            echo "not ok - clang-format $p (run: clang-format -i FILE)"
            status=1
        fi
    done
fi

# run_check SCRIPT DESCRIPTION: one TAP line for a tools/check-*.sh script,
# with what it printed when it fails.
run_check() {
    local out
    if out=$("$1" 2>&1); then
        echo "ok - $2 ($1)"
    else
        echo "$out" | sed 's/^#* \{0,1\}/# /' | head -20
        echo "not ok - $2 ($1)"
        status=1
    fi
}

# The include graph: forbidden edges between folders, bare includes of
# another folder's header.
run_check tools/check-includes.sh "include edges between folders"
# Exported names carry a prefix of their folder, never a library's (the
# script holds the table; it reads the built objects).
run_check tools/check-prefixes.sh "exported names carry their folder's prefix"
# Messages stay greppable: no literal continued on the next line.
run_check tools/check-split-strings.sh "no message split across string literals"
# A path cut short names something else: no snprintf() whose result is
# ignored fills a buffer unless a comment says why it may (or cannot)
# truncate (paths go through xo_path_fmt()).
run_check tools/check-snprintf.sh "no unchecked snprintf into a fixed buffer"
# One allocation policy (common/alloc.h): JSON is built through
# common/json_build.h, never json-c's constructors that may return NULL.
run_check tools/check-json-build.sh "JSON built only through common/json_build.h"
# ... and no hand-written "out of memory" branch in the folders converted
# to that policy (the script lists them).
run_check tools/check-oom.sh "no hand-written out-of-memory branch"
# libcurl, libarchive, libnftables: opened on first use, never linked, and
# not loaded by a command that touches no image or network.
run_check tools/check-lazy-libs.sh "optional libraries opened on first use"
# Every command: --help, a man page entry, and -j beside --json.
run_check tools/check-cli.sh "the command line and the man pages agree: --help, entries, options, app.cfg keys, variables, -j"

shopt -s nullglob
pods=(man/*.pod)
if [ ${#pods[@]} -eq 0 ]; then
    echo "not ok - podchecker: no man/*.pod"
    status=1
fi
for pod in "${pods[@]}"; do
    if out=$(podchecker -warnings "$pod" 2>&1) &&
        ! grep -q 'WARNING' <<<"$out"; then
        echo "ok - podchecker $pod"
    else
        echo "$out" | sed 's/^/# /' | head -20
        echo "not ok - podchecker $pod"
        status=1
    fi
done
exit $status
