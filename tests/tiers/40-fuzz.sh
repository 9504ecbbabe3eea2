#!/bin/bash
# Tier 40: every file of the fuzz corpus (tests/fuzz/corpus/TARGET/) is fed
# to its target, built with ASan+UBSan as a replayer (make unit-tests), so
# every input the fuzzer ever kept, crashes included, stays a regression
# test.  One result per corpus file.  tests/fuzz/lsan.supp says which
# leaks (in libxlutil's parser) are not ours.
set -u
status=0
for dir in tests/fuzz/corpus/*/; do
    target=$(basename "$dir")
    bin=build/fuzz-replay/fuzz-$target
    if [ ! -x "$bin" ]; then
        echo "not ok - fuzz-$target: $bin not built (run make unit-tests)"
        status=1
        continue
    fi
    for f in "$dir"*; do
        [ -f "$f" ] || continue
        if out=$(ASAN_OPTIONS=detect_leaks=1 \
            LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            timeout 20 "$bin" "$f" 2>&1); then
            echo "ok - fuzz-$target $(basename "$f")"
        else
            echo "$out" | sed 's/^/# /' | head -40
            echo "not ok - fuzz-$target $(basename "$f")"
            status=1
        fi
    done
done
exit $status
