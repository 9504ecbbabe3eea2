#!/bin/bash
# Tier 95: formatting, the include graph, exported names' prefixes,
# unsplit messages, checked snprintf, JSON built under the allocation
# policy and man pages.  clang-format --dry-run --Werror (with
# the repository's .clang-format, libxl style) over every tracked C file,
# one result per top folder; podchecker over every man/*.pod, one result
# per page.
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

# The include graph: forbidden edges between folders, bare includes of
# another folder's header (tools/check-includes.sh says which).
if out=$(tools/check-includes.sh 2>&1); then
    echo "ok - include edges between folders (tools/check-includes.sh)"
else
    echo "$out" | sed 's/^/# /' | head -20
    echo "not ok - include edges between folders (tools/check-includes.sh)"
    status=1
fi

# Exported names carry a prefix of their folder, never a library's
# (tools/check-prefixes.sh holds the table; it reads the built objects).
if out=$(tools/check-prefixes.sh 2>&1); then
    echo "ok - exported names carry their folder's prefix (tools/check-prefixes.sh)"
else
    echo "$out" | sed 's/^/# /' | head -20
    echo "not ok - exported names carry their folder's prefix (tools/check-prefixes.sh)"
    status=1
fi

# Messages stay greppable: no literal continued on the next line.
if out=$(tools/check-split-strings.sh 2>&1); then
    echo "ok - no message split across string literals (tools/check-split-strings.sh)"
else
    echo "$out" | sed 's/^/# /' | head -20
    echo "not ok - no message split across string literals (tools/check-split-strings.sh)"
    status=1
fi

# A path cut short names something else: no snprintf() whose result is
# ignored fills a buffer unless a comment says why it may (or cannot)
# truncate (tools/check-snprintf.sh; paths go through xo_path_fmt()).
if out=$(tools/check-snprintf.sh 2>&1); then
    echo "ok - no unchecked snprintf into a fixed buffer (tools/check-snprintf.sh)"
else
    echo "$out" | sed 's/^/# /' | head -20
    echo "not ok - no unchecked snprintf into a fixed buffer (tools/check-snprintf.sh)"
    status=1
fi

# One allocation policy (common/alloc.h): JSON is built through
# common/json_build.h, never json-c's constructors that may return NULL.
if out=$(tools/check-json-build.sh 2>&1); then
    echo "ok - JSON built only through common/json_build.h (tools/check-json-build.sh)"
else
    echo "$out" | head -20
    echo "not ok - JSON built only through common/json_build.h (tools/check-json-build.sh)"
    status=1
fi

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
