#!/bin/bash
# Tier 40: every file of the fuzz corpus (tests/fuzz/corpus/TARGET/) is fed
# to its target, built with ASan+UBSan as a replayer (make unit-tests), so
# every input the fuzzer ever kept, crashes included, stays a regression
# test.  One result per corpus file.  tests/fuzz/lsan.supp says which
# leaks (in libxlutil's parser) are not ours.
#
# A target's whole corpus goes to one process first, as libFuzzer feeds
# it (an ASan start per file took most of the tier's time: 168 s for 392
# files); only when that fails is each file run alone, to name the
# culprit.  A corpus that fails together while each file passes alone
# means the target keeps state between inputs, itself a fault.
set -u
status=0
replay() { # replay BIN FILE...: the replayer under the sanitizers' options
    ASAN_OPTIONS=detect_leaks=1 \
        LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        timeout $((20 * ($# - 1))) "$@" 2>&1
}
for dir in tests/fuzz/corpus/*/; do
    target=$(basename "$dir")
    bin=build/fuzz-replay/fuzz-$target
    if [ ! -x "$bin" ]; then
        echo "not ok - fuzz-$target: $bin not built (run make unit-tests)"
        status=1
        continue
    fi
    files=()
    for f in "$dir"*; do
        [ -f "$f" ] && files+=("$f")
    done
    [ ${#files[@]} -gt 0 ] || continue
    if replay "$bin" "${files[@]}" >/dev/null; then
        for f in "${files[@]}"; do
            echo "ok - fuzz-$target $(basename "$f")"
        done
        continue
    fi
    alone_bad=0
    for f in "${files[@]}"; do
        if out=$(replay "$bin" "$f"); then
            echo "ok - fuzz-$target $(basename "$f")"
        else
            echo "$out" | sed 's/^/# /' | head -40
            echo "not ok - fuzz-$target $(basename "$f")"
            alone_bad=1
            status=1
        fi
    done
    if [ $alone_bad = 0 ]; then
        replay "$bin" "${files[@]}" | sed 's/^/# /' | head -40
        echo "not ok - fuzz-$target: its corpus fails in one process, each file passes alone (the target keeps state between inputs)"
        status=1
    fi
done
exit $status
