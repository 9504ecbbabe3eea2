#!/bin/bash
# tools/fuzz.sh (make fuzz): builds each tests/fuzz/fuzz-NAME.c with clang's
# libFuzzer plus ASan+UBSan and fuzzes it for FUZZ_SECONDS (default 60)
# from its corpus, tests/fuzz/corpus/NAME/.  New inputs go to a scratch
# corpus (build/fuzz/NAME/new), not the source tree; a crash is written to
# build/fuzz/NAME/ and the script fails naming it.  Copy a crash into the
# corpus once it is fixed: tier 40 then replays it forever.
#
#   FUZZ_SECONDS=300 tools/fuzz.sh            all targets
#   tools/fuzz.sh app-cfg                     one target
set -eu
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
out=build/fuzz
supp=$PWD/tests/fuzz/lsan.supp
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || {
    echo "fuzz: $CLANG not found (apt-get install clang)" >&2
    exit 1
}

# The library code the targets reach, compiled with the fuzzer's
# instrumentation (gcc-built objects would not link with clang's runtimes).
srcs=(common/*.c domcfg/*.c image/*.c verifier/*.c xl-plugin/guest_report.c
    loader/xen-tools/bootspec.c loader/xen-tools/user.c
    loader/xen-tools/safepath.c)
# Debian 12's libfdt-dev has no .pc file (configure.ac says the same).
pkgs="xenlight xlutil json-c yajl openssl libcurl libarchive"
cflags="-std=gnu11 -g -O1 -I. -Icommon -D_GNU_SOURCE \
    -DHAVE_YAJL_YAJL_VERSION_H -DXO_LIBFUZZER -DXO_VERSION=\"fuzz\" \
    -DXO_STATE_ROOT=\"/nonexistent\" -DXO_LOADER_DIR=\"/nonexistent\" \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lfdt"

if [ $# -gt 0 ]; then targets=("$@"); else
    targets=()
    for f in tests/fuzz/fuzz-*.c; do
        t=${f#tests/fuzz/fuzz-}
        targets+=("${t%.c}")
    done
fi

status=0
for t in "${targets[@]}"; do
    dir=$out/$t
    mkdir -p "$dir/new"
    echo "fuzz: building fuzz-$t"
    # shellcheck disable=SC2086
    $CLANG $cflags -o "$dir/fuzz-$t" "tests/fuzz/fuzz-$t.c" "${srcs[@]}" \
        $libs
    echo "fuzz: fuzz-$t for ${secs}s"
    if ! (cd "$dir" && ASAN_OPTIONS=detect_leaks=1 \
        LSAN_OPTIONS=suppressions=$supp \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "./fuzz-$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        new "../../../tests/fuzz/corpus/$t" >fuzz.log 2>&1); then
        tail -40 "$dir/fuzz.log"
        echo "fuzz: fuzz-$t FAILED; crash files:" "$dir"/crash-* \
            "$dir"/leak-* "$dir"/timeout-* 2>/dev/null
        status=1
    else
        grep -E '^stat::(number_of_executed_units|new_units_added)' \
            "$dir/fuzz.log" | sed "s/^/fuzz: fuzz-$t /"
    fi
done
exit $status
