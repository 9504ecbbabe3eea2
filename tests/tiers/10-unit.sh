#!/bin/bash
# Tier 10: every cmocka unit test, built under ASan+UBSan (make unit-tests).
# cmocka's own TAP output is used; each binary also counts as one result.
set -u
status=0
shopt -s nullglob
bins=(build/tests-san/test-*)
if [ ${#bins[@]} -eq 0 ]; then
    echo "not ok - no unit test binaries in build/tests-san (run make unit-tests)"
    exit 1
fi
for t in "${bins[@]}"; do
    name=$(basename "$t")
    log=$(mktemp)
    if CMOCKA_MESSAGE_OUTPUT=stdout ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$t" >"$log" 2>&1; then
        n=$(grep -c '^\[       OK \]' "$log")
        echo "ok - $name ($n cases)"
    else
        sed 's/^/# /' "$log"
        echo "not ok - $name"
        status=1
    fi
    rm -f "$log"
done
exit $status
