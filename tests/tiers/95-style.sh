#!/bin/bash
# Tier 95: formatting and man pages.  clang-format --dry-run --Werror (with
# the repository's .clang-format, libxl style) over the C files of the
# folders that have been brought to it, one result per folder; podchecker
# over every man/*.pod, one result per page.
#
# Folders are added to STYLE_PATHS once they are clang-formatted; the
# others (image/, loader/, verifier/, tools/, other components' unit tests)
# are not checked yet.
set -u
STYLE_PATHS=(common domcfg xl-plugin tests/fuzz
    tests/unit/test-common.c tests/unit/test-app-cfg.c tests/unit/test-vif.c
    tests/unit/test-signals.c tests/unit/test-image-config.c
    tests/unit/test-domcfg.c tests/unit/test-domcfg-render.c)
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
